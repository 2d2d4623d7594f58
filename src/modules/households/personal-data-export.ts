import type { Scope } from '../scope.js';
import { may } from '../access.js';

/**
 * Everything the service keeps about a household, for its own members (RGPD right of access):
 * the record, its people and their contacts, its accounts (never password hashes or second-factor
 * secrets), its requests, the emails sent to it and the history of changes.
 */
export async function exportHouseholdData(scope: Scope, householdId: string) {
  if (!may(scope, 'household.read', householdId)) return null;
  const { tx } = scope;
  const household = await tx.selectFrom('households').selectAll().where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  const members = await tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .selectAll('p')
    .select(['m.role', 'm.quality'])
    .where('m.household_id', '=', householdId)
    .execute();
  const personIds = members.map((member) => member.id);
  const contacts =
    personIds.length === 0 ? [] : await tx.selectFrom('child_contacts').selectAll().where('child_id', 'in', personIds).orderBy('position').execute();
  const accounts = await tx
    .selectFrom('accounts')
    .select(['id', 'email', 'kind', 'display_name', 'status', 'created_at', 'last_login_at', 'password_changed_at', 'locale'])
    .where('household_id', '=', householdId)
    .execute();
  const requests = await tx.selectFrom('change_requests').selectAll().where('household_id', '=', householdId).orderBy('created_at').execute();
  const addresses = [
    ...new Set([...accounts.map((account) => account.email), ...members.map((member) => member.email).filter((email): email is string => !!email)]),
  ];
  const emails =
    addresses.length === 0
      ? []
      : await tx
          .selectFrom('outbox_emails')
          .select(['to_address', 'subject', 'text_body', 'status', 'created_at', 'sent_at'])
          .where('to_address', 'in', addresses)
          .orderBy('created_at')
          .execute();
  const objectIds = [householdId, ...personIds, ...accounts.map((account) => account.id), ...requests.map((request) => request.id)];
  const history = await tx
    .selectFrom('audit_log')
    .select(['at', 'actor_label', 'action', 'object_type', 'object_id', 'details'])
    .where((eb) => eb.or([eb('object_id', 'in', objectIds), eb(eb.ref('details', '->>').key('householdId'), '=', householdId)]))
    .orderBy('at')
    .execute();
  return { exportedAt: scope.now.toISOString(), household, members, contacts, accounts, requests, emails, history };
}
