import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';

/**
 * The emails telling a household that something waits in its documents space: a file the service
 * added, or a document it sent that was refused. They carry neither the file, its title, nor the
 * reason (a letter or a refusal may speak of a child's health): only a link, which asks to sign in.
 */
export async function tellHousehold(scope: Scope, householdId: string, what: 'added' | 'refused'): Promise<void> {
  const recipients = await scope.tx
    .selectFrom('accounts as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select(['a.email', 'a.display_name', 'a.locale', 't.name as tenant_name'])
    .where('a.household_id', '=', householdId)
    .where('a.kind', '=', 'family')
    .where('a.status', '=', 'active')
    .execute();
  const link = `${scope.publicBase ?? ''}${pagePath(PAGES.documents)}`;
  await queueEmails(
    scope,
    recipients.map((to) =>
      composeEmail(
        mailIn({ tenantName: to.tenant_name, baseUrl: scope.publicBase ?? '' }, to.locale),
        { address: to.email, name: to.display_name },
        what === 'added' ? 'mail.document.added.subject' : 'mail.document.refused.subject',
        what === 'added' ? 'mail.document.added.body' : 'mail.document.refused.body',
        { link },
      ),
    ),
  );
}
