import { sendFirstAccess } from '../identity/invitations.js';
import type { SecretMailContext } from '../notifications/compose-email.js';
import type { Scope } from '../scope.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { may, refusal } from '../access.js';

export interface HouseholdAccount {
  id: string;
  email: string;
  displayName: string;
  /** Never used yet: the invitation link was not followed, or the temporary password never used. */
  awaitingFirstAccess: boolean;
}

/** The portal logins of a household, for staff. */
export async function householdAccounts(scope: Scope, householdId: string): Promise<HouseholdAccount[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('accounts')
    .select(['id', 'email', 'display_name', 'status', 'must_change_password', 'last_login_at'])
    .where('household_id', '=', householdId)
    .where('kind', '=', 'family')
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    awaitingFirstAccess: row.status === 'invited' || (row.must_change_password && row.last_login_at === null),
  }));
}

/** Sends a household's login its first access again (lost email, expired link); a login already in use is left alone. */
export async function resendFirstAccess(
  scope: Scope,
  input: { householdId: string; accountId: string },
  settings: TenantSettings,
  mail: SecretMailContext,
): Promise<'done' | 'forbidden' | 'not_found' | 'already_active'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const account = (await householdAccounts(scope, input.householdId)).find((candidate) => candidate.id === input.accountId);
  if (!account) return 'not_found';
  if (!account.awaitingFirstAccess) return 'already_active';
  await sendFirstAccess(scope, account.id, settings, mail);
  return 'done';
}
