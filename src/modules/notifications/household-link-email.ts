import type { MessageKey } from '../../i18n/catalogue.js';
import type { Scope } from '../scope.js';
import { composeEmail, mailIn } from './compose-email.js';
import { queueEmails } from './outbox.js';

/**
 * Tells a household's guardians (their active logins), each in their language, that something waits
 * on the portal at `path`. The email carries only the link, which asks to sign in: never the thing
 * itself nor its title (a message, a letter or a refusal may speak of a child's health, and an email
 * travels and stays in mailboxes outside the authority's control).
 */
export async function emailHouseholdLink(scope: Scope, householdId: string, subject: MessageKey, body: MessageKey, path: string): Promise<void> {
  const recipients = await scope.tx
    .selectFrom('accounts as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select(['a.email', 'a.display_name', 'a.locale', 't.name as tenant_name'])
    .where('a.household_id', '=', householdId)
    .where('a.kind', '=', 'family')
    .where('a.status', '=', 'active')
    .execute();
  const link = `${scope.publicBase ?? ''}${path}`;
  await queueEmails(
    scope,
    recipients.map((to) =>
      composeEmail(
        mailIn({ tenantName: to.tenant_name, baseUrl: scope.publicBase ?? '' }, to.locale),
        { address: to.email, name: to.display_name },
        subject,
        body,
        {
          link,
        },
      ),
    ),
  );
}
