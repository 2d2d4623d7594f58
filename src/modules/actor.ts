/** Staff roles: read-only, manager, administrator (roleAtLeast orders them). */
export type StaffRole = 'admin' | 'manager' | 'reader';

/** Who acts: every service function receives it with the tenant, and checks access itself. */
export type Actor =
  | { kind: 'family'; accountId: string; householdId: string; label: string }
  | { kind: 'staff'; accountId: string; role: StaffRole; label: string }
  | { kind: 'anonymous'; label: string }
  | { kind: 'system'; label: string };

export const SYSTEM: Actor = { kind: 'system', label: 'système' };
export const ANONYMOUS: Actor = { kind: 'anonymous', label: 'anonyme' };

const ROLE_RANK: Record<StaffRole, number> = { reader: 0, manager: 1, admin: 2 };

/** Whether a staff role holds at least the rights of `min` (read-only < manager < administrator). */
export function roleAtLeast(role: StaffRole, min: StaffRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

/** The account behind the actor, for "who did it" columns; null for the system and the anonymous. */
export function accountIdOf(actor: Actor): string | null {
  return actor.kind === 'family' || actor.kind === 'staff' ? actor.accountId : null;
}
