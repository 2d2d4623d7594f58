import { emailsTo } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';

/**
 * The emails the portal sent to a household: to its logins and to its people's addresses, the
 * latest first, with how many there are in all. Null for anyone who may not read the outbox
 * (read-only staff, families): subjects and addresses only, never the text nor its links.
 */
export async function householdEmails(scope: Scope, householdId: string, limit: number) {
  if (!may(scope, 'household.read', householdId)) return null;
  const [logins, people] = await Promise.all([
    scope.tx.selectFrom('accounts').select('email').where('household_id', '=', householdId).execute(),
    scope.tx
      .selectFrom('household_members as m')
      .innerJoin('persons as p', 'p.id', 'm.person_id')
      .select('p.email')
      .where('m.household_id', '=', householdId)
      .where('p.email', 'is not', null)
      .execute(),
  ]);
  return emailsTo(scope, [...logins.map((row) => row.email), ...people.flatMap((row) => (row.email ? [row.email] : []))], limit);
}
