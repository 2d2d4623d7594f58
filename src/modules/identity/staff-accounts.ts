import { may } from '../access.js';
import { accountIdOf, type StaffRole } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SecretMailContext } from '../notifications/compose-email.js';
import type { Scope } from '../scope.js';
import { email as checkEmail, required, type FieldError } from '../validation/fields.js';
import { createAccount, normalizeEmail } from './accounts.js';
import type { AccountStatus } from './identity.tables.js';
import { sendFirstAccess } from './invitations.js';
import { closeOtherSessions } from './sessions.js';

/**
 * The authority's staff accounts as an administrator runs them: invite a colleague with a role,
 * change the role, disable and enable an account, send a new invitation, take away a lost second
 * factor. Every change is in the audit log; the authority always keeps an active administrator.
 */

export const STAFF_ROLES = ['reader', 'manager', 'admin'] as const satisfies readonly StaffRole[];

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  status: AccountStatus;
  secondFactor: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export type InviteForm = { email?: string; name?: string; role?: string };
export type InviteField = keyof InviteForm;
export type InviteError = FieldError | 'emailTaken';

/** Why a change to an account is refused. */
export type StaffRefusal = 'forbidden' | 'not_found' | 'lastAdmin' | 'self';

const staffRows = (scope: Scope) =>
  scope.tx
    .selectFrom('accounts')
    .select(['id', 'email', 'display_name as name', 'staff_role', 'status', 'totp_enabled_at', 'last_login_at as lastLoginAt', 'created_at as createdAt'])
    .where('kind', '=', 'staff');

function memberOf(row: Awaited<ReturnType<ReturnType<typeof staffRows>['executeTakeFirstOrThrow']>>): StaffMember {
  const { staff_role, totp_enabled_at, ...rest } = row;
  return { ...rest, role: staff_role!, secondFactor: totp_enabled_at !== null };
}

/** Every staff account, active ones first, then by name. Administrators only. */
export async function listStaff(scope: Scope): Promise<StaffMember[]> {
  if (!may(scope, 'service.administer')) return [];
  const rows = await staffRows(scope).orderBy('display_name').orderBy('email').execute();
  const order: Record<AccountStatus, number> = { active: 0, invited: 1, disabled: 2 };
  return rows.map(memberOf).sort((a, b) => order[a.status] - order[b.status]);
}

export async function staffMember(scope: Scope, accountId: string): Promise<StaffMember | null> {
  if (!may(scope, 'service.administer')) return null;
  const row = await staffRows(scope).where('id', '=', accountId).executeTakeFirst();
  return row ? memberOf(row) : null;
}

/** Creates the colleague's account (no password yet) and sends the invitation link to choose one. */
export async function inviteStaff(
  scope: Scope,
  form: InviteForm,
  mail: SecretMailContext,
): Promise<{ kind: 'forbidden' } | { kind: 'invalid'; errors: Partial<Record<InviteField, InviteError>> } | { kind: 'invited'; id: string }> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const errors: Partial<Record<InviteField, InviteError>> = {};
  const email = checkEmail(form.email);
  const name = required(form.name, 120);
  const role = STAFF_ROLES.find((candidate) => candidate === form.role);
  if (!email.ok) errors.email = email.error;
  if (!name.ok) errors.name = name.error;
  if (!role) errors.role = form.role ? 'choice' : 'required';
  if (email.ok) {
    const taken = await scope.tx.selectFrom('accounts').select('id').where('email', '=', normalizeEmail(email.value)).executeTakeFirst();
    if (taken) errors.email = 'emailTaken';
  }
  if (!email.ok || !name.ok || !role || errors.email) return { kind: 'invalid', errors };
  const id = await createAccount(scope, { kind: 'staff', email: email.value, displayName: name.value, role });
  // Staff always choose their own password through the link: a temporary one would sit in an email.
  await sendFirstAccess(scope, id, { firstAccess: 'invitation' }, mail);
  return { kind: 'invited', id };
}

/** A new invitation link for an account not yet activated; the previous link stops working. */
export async function resendInvitation(scope: Scope, accountId: string, mail: SecretMailContext): Promise<'done' | StaffRefusal> {
  const member = await staffMember(scope, accountId);
  if (!member) return may(scope, 'service.administer') ? 'not_found' : 'forbidden';
  if (member.status !== 'invited') return 'not_found';
  await sendFirstAccess(scope, accountId, { firstAccess: 'invitation' }, mail);
  return 'done';
}

/** Whether the change would leave the authority without an active administrator. */
async function lastActiveAdmin(scope: Scope, member: StaffMember): Promise<boolean> {
  if (member.role !== 'admin' || member.status !== 'active') return false;
  const others = await scope.tx
    .selectFrom('accounts')
    .select('id')
    .where('kind', '=', 'staff')
    .where('staff_role', '=', 'admin')
    .where('status', '=', 'active')
    .where('id', '!=', member.id)
    .limit(1)
    .execute();
  return others.length === 0;
}

/** Loads the account a change is about, locked, and refuses what must not be done to it. */
async function changeable(scope: Scope, accountId: string): Promise<StaffMember | StaffRefusal> {
  if (!may(scope, 'service.administer')) return 'forbidden';
  // Two administrators demoting each other at once must not both succeed: the rows are locked in one order.
  await scope.tx.selectFrom('accounts').select('id').where('kind', '=', 'staff').where('staff_role', '=', 'admin').orderBy('id').forUpdate().execute();
  const member = await staffMember(scope, accountId);
  if (!member) return 'not_found';
  if (member.id === accountIdOf(scope.actor)) return 'self';
  return member;
}

export async function changeStaffRole(scope: Scope, accountId: string, roleName: string | undefined): Promise<'done' | 'invalid' | StaffRefusal> {
  const member = await changeable(scope, accountId);
  if (typeof member === 'string') return member;
  const role = STAFF_ROLES.find((candidate) => candidate === roleName);
  if (!role) return 'invalid';
  if (role === member.role) return 'done';
  if (role !== 'admin' && (await lastActiveAdmin(scope, member))) return 'lastAdmin';
  await scope.tx.updateTable('accounts').set({ staff_role: role }).where('id', '=', accountId).execute();
  await recordAudit(scope, { action: 'account.role_changed', objectType: 'account', objectId: accountId, details: { before: member.role, after: role } });
  return 'done';
}

/** A disabled account cannot log in, and its sessions and API tokens end at once. */
export async function setStaffEnabled(scope: Scope, accountId: string, enabled: boolean): Promise<'done' | StaffRefusal> {
  const member = await changeable(scope, accountId);
  if (typeof member === 'string') return member;
  if (enabled ? member.status !== 'disabled' : member.status === 'disabled') return 'done';
  if (!enabled && (await lastActiveAdmin(scope, member))) return 'lastAdmin';
  // Re-enabled, an account that never chose a password is invited again rather than active.
  const status: AccountStatus = enabled ? ((await hasPassword(scope, accountId)) ? 'active' : 'invited') : 'disabled';
  await scope.tx.updateTable('accounts').set({ status }).where('id', '=', accountId).execute();
  if (!enabled) await closeOtherSessions(scope.tx, accountId);
  await recordAudit(scope, { action: enabled ? 'account.enabled' : 'account.disabled', objectType: 'account', objectId: accountId });
  return 'done';
}

async function hasPassword(scope: Scope, accountId: string): Promise<boolean> {
  const row = await scope.tx.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirstOrThrow();
  return row.password_hash !== null;
}

/**
 * Takes away a second factor its owner lost (a new phone): the next login asks for the password
 * only, and the owner sets a new one up from Sécurité. Their open sessions end.
 */
export async function resetSecondFactor(scope: Scope, accountId: string): Promise<'done' | StaffRefusal> {
  const member = await changeable(scope, accountId);
  if (typeof member === 'string') return member;
  if (!member.secondFactor) return 'done';
  await scope.tx.updateTable('accounts').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', accountId).execute();
  await closeOtherSessions(scope.tx, accountId);
  await recordAudit(scope, { action: 'account.second_factor_reset', objectType: 'account', objectId: accountId });
  return 'done';
}
