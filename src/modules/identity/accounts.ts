import type { Scope } from '../scope.js';
import { recordAudit } from '../audit/audit-log.js';
import { ANONYMOUS, type Actor } from '../actor.js';
import type { AccountKind, StaffRole } from './identity.tables.js';
import type { Session } from './sessions.js';
import { hashPassword } from './passwords.js';

/** The actor an account acts as, for the audit log and access checks. */
export function actorOfAccount(account: {
  id: string;
  kind: AccountKind;
  staff_role: StaffRole | null;
  household_id: string | null;
  display_name: string;
}): Actor {
  if (account.kind === 'staff' && account.staff_role) return { kind: 'staff', accountId: account.id, role: account.staff_role, label: account.display_name };
  if (account.kind === 'family' && account.household_id) {
    return { kind: 'family', accountId: account.id, householdId: account.household_id, label: account.display_name };
  }
  return ANONYMOUS;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

interface AccountBase {
  email: string;
  displayName: string;
  /** Known password (demo data, or a temporary one that must be changed at first login). */
  password?: string;
  mustChangePassword?: boolean;
}

export type NewAccount = (AccountBase & { kind: 'family'; householdId: string; personId: string }) | (AccountBase & { kind: 'staff'; role: StaffRole });

/** Creates an account; without a password it stays 'invited' until its invitation link is used. */
export async function createAccount(scope: Scope, input: NewAccount): Promise<string> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const row = await scope.tx
    .insertInto('accounts')
    .values({
      tenant_id: scope.tenantId,
      email: normalizeEmail(input.email),
      kind: input.kind,
      staff_role: input.kind === 'staff' ? input.role : null,
      household_id: input.kind === 'family' ? input.householdId : null,
      person_id: input.kind === 'family' ? input.personId : null,
      display_name: input.displayName,
      password_hash: passwordHash,
      must_change_password: input.mustChangePassword ?? false,
      status: passwordHash ? 'active' : 'invited',
      created_at: scope.now,
      password_changed_at: passwordHash ? scope.now : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'account.created',
    objectType: 'account',
    objectId: row.id,
    details: { email: normalizeEmail(input.email), kind: input.kind, role: input.kind === 'staff' ? input.role : undefined },
  });
  return row.id;
}

/** Who acts behind a request's session: nobody until the second factor, if asked, is given. */
export function actorOfSession(session: Session | null): Actor {
  if (!session || session.awaitingSecondFactor) return ANONYMOUS;
  const { account } = session;
  return actorOfAccount({
    id: account.id,
    kind: account.kind,
    staff_role: account.staffRole,
    household_id: account.householdId,
    display_name: account.displayName,
  });
}
