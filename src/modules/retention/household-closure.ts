import { recordAudit } from '../audit/audit-log.js';
import { HOLDS_PLACE } from '../bookings/booking-states.js';
import { tenantToday } from '../calendar/local-date.js';
import { closeOtherSessions } from '../identity/sessions.js';
import { householdBalanceCents } from '../ledger/balance.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { monthsBefore, retentionPolicy } from './retention-policy.js';

/** What closing a household would meet, shown to staff before they confirm. */
export interface ClosureImpact {
  name: string;
  closedAt: Date | null;
  erasedAt: Date | null;
  /** Days still to come that hold or wait for a place: staff cancel them first. */
  comingBookings: number;
  /** Owed (positive) or credit (negative): its data waits past the keeping time until settled. */
  balanceCents: number;
  familyAccounts: number;
  /** When its personal data will be erased, at the authority's keeping time, counted from now or from its closing. */
  erasureDue: Date;
}

export async function closureImpact(scope: Scope, householdId: string): Promise<ClosureImpact | null> {
  if (!may(scope, 'household.read', householdId) || scope.actor.kind !== 'staff') return null;
  const household = await scope.tx.selectFrom('households').select(['name', 'closed_at', 'erased_at']).where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  const today = await tenantToday(scope);
  const coming = await scope.tx
    .selectFrom('bookings')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('household_id', '=', householdId)
    .where('day', '>=', today)
    .where('status', 'in', [...HOLDS_PLACE, 'waitlisted'])
    .executeTakeFirstOrThrow();
  const accounts = await scope.tx
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('household_id', '=', householdId)
    .executeTakeFirstOrThrow();
  const tenant = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const months = retentionPolicy(tenant.settings).closedHouseholdMonths;
  return {
    name: household.name,
    closedAt: household.closed_at,
    erasedAt: household.erased_at,
    comingBookings: Number(coming.count),
    balanceCents: await householdBalanceCents(scope.tx, scope.tenantId, householdId),
    familyAccounts: Number(accounts.count),
    erasureDue: monthsBefore(household.closed_at ?? scope.now, -months),
  };
}

export type ClosureResult = 'done' | 'not_found' | 'forbidden' | 'coming_bookings' | 'erased';

/**
 * The family has left: its accounts stop at once (sessions and API tokens end), its record stays
 * readable by staff until the keeping time ends, then the retention job erases it. Refused while
 * days are still booked ahead: cancelling them frees places and tells the family, which staff do
 * first through the booking rules.
 */
export async function closeHousehold(scope: Scope, householdId: string): Promise<ClosureResult> {
  const impact = await closureImpact(scope, householdId);
  if (!impact) return 'not_found';
  if (!may(scope, 'household.act', householdId)) return 'forbidden';
  if (impact.erasedAt) return 'erased';
  if (impact.closedAt) return 'done';
  if (impact.comingBookings > 0) return 'coming_bookings';
  await scope.tx.updateTable('households').set({ closed_at: scope.now }).where('id', '=', householdId).execute();
  const accounts = await scope.tx
    .updateTable('accounts')
    .set({ status: 'disabled' })
    .where('household_id', '=', householdId)
    .where('status', '!=', 'disabled')
    .returning('id')
    .execute();
  for (const account of accounts) await closeOtherSessions(scope.tx, account.id);
  await recordAudit(scope, { action: 'household.closed', objectType: 'household', objectId: householdId, details: { accounts: accounts.length } });
  return 'done';
}

/** The family comes back before its data was erased: the household and its accounts open again. */
export async function reopenHousehold(scope: Scope, householdId: string): Promise<ClosureResult> {
  const impact = await closureImpact(scope, householdId);
  if (!impact) return 'not_found';
  if (!may(scope, 'household.act', householdId)) return 'forbidden';
  if (impact.erasedAt) return 'erased';
  if (!impact.closedAt) return 'done';
  await scope.tx.updateTable('households').set({ closed_at: null }).where('id', '=', householdId).execute();
  // An account that never chose a password is invited again rather than active, as for staff.
  await scope.tx
    .updateTable('accounts')
    .set({ status: 'active' })
    .where('household_id', '=', householdId)
    .where('status', '=', 'disabled')
    .where('password_hash', 'is not', null)
    .execute();
  await scope.tx.updateTable('accounts').set({ status: 'invited' }).where('household_id', '=', householdId).where('status', '=', 'disabled').execute();
  await recordAudit(scope, { action: 'household.reopened', objectType: 'household', objectId: householdId });
  return 'done';
}
