import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { emailHouseholdLink } from '../notifications/household-link-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';

/**
 * The emails saying that a message waits on the portal. They carry no word of the message, not even
 * its title: a message may speak of a child's health, and an email travels and stays in mailboxes
 * outside the authority's control. Only a link, which asks to sign in.
 */

/** Tells the household's guardians (their active logins) that the service wrote in the thread, each in their language. */
export async function tellFamily(scope: Scope, thread: { id: string; householdId: string }): Promise<void> {
  await emailHouseholdLink(
    scope,
    thread.householdId,
    'mail.message.toFamily.subject',
    'mail.message.toFamily.body',
    pagePath(PAGES.messageThread, { threadId: thread.id }),
  );
}

/**
 * Tells the service that a family wrote: the colleague the thread is assigned to, else the subject's
 * team address, else the authority's contact address. Nobody is told twice for the same thread
 * while it waits: only the first unread message of the family sends an email.
 */
export async function tellService(scope: Scope, threadId: string): Promise<void> {
  const thread = await scope.tx
    .selectFrom('message_threads as th')
    .innerJoin('message_subjects as s', 's.id', 'th.subject_id')
    .innerJoin('tenants as t', 't.id', 'th.tenant_id')
    .leftJoin('accounts as a', (join) => join.onRef('a.id', '=', 'th.assigned_to').on('a.status', '=', 'active'))
    .select(['s.team', 's.team_email', 't.name as tenant_name', 't.contact_email', 'a.email as assignee_email', 'a.display_name as assignee_name', 'a.locale'])
    .where('th.id', '=', threadId)
    .executeTakeFirstOrThrow();
  const unread = await scope.tx
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('thread_id', '=', threadId)
    .where('author', '=', 'family')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(unread.n) > 1) return;
  const address = thread.assignee_email ?? thread.team_email ?? thread.contact_email;
  if (!address) return;
  const link = `${scope.publicBase ?? ''}${pagePath(PAGES.staffMessageThread, { threadId })}`;
  await queueEmails(scope, [
    composeEmail(
      mailIn({ tenantName: thread.tenant_name, baseUrl: scope.publicBase ?? '' }, thread.locale ?? 'fr'),
      { address, name: thread.assignee_name ?? thread.team },
      'mail.message.toService.subject',
      'mail.message.toService.body',
      { team: thread.team, link },
    ),
  ]);
}
