import { randomUUID } from 'node:crypto';
import { loadActivityDefinition, poolsFor, unitRelationsOf, type ActivityDefinition } from '../activities/activity-definitions.js';
import { unitConflicts } from '../activities/unit-rules.js';
import { tenantToday } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { canMove } from '../state-machine.js';
import { unitsHeld, insertBookings } from './booking-queries.js';
import { moveBooking } from './booking-transitions.js';
import { BASKET_MOVES, type BasketState } from './bookings.tables.js';
import { allocatePlaces, lockDayCounters, writeCounters } from './places.js';
import { freePlaceOf } from './waitlist.js';

/**
 * The prepayment basket's side of the bookings (seed 004): a family's days of an activity paid at
 * booking wait in the household's basket of the activity's régie, in the state 'awaiting_payment'
 * that holds their places. The basket is paid (its days booked), emptied by its family, or expires
 * unpaid after the régie's hold time: its days are then cancelled without charge and their places
 * move the waiting lists, as any cancellation does. Prices and payments are the prepayment
 * module's (above billing); this file only holds and frees places.
 */

export interface Basket {
  id: string;
  expiresAt: Date;
}

/** Why a held day leaves its basket unpaid: written as the cancelled booking's reason. */
export const BASKET_EXPIRED = 'basket_expired';

/**
 * The basket new held days of a household at a régie go into: its open basket, if no payment of it
 * is under way (its days are fixed then) and its time is not up, or a new one. Adding days starts
 * the basket's time again: the family pays its days together.
 */
export async function basketToFill(scope: Scope, householdId: string, regieId: string): Promise<Basket> {
  const regie = await scope.tx.selectFrom('regies').select('basket_hold_minutes').where('id', '=', regieId).executeTakeFirstOrThrow();
  const expiresAt = new Date(scope.now.getTime() + regie.basket_hold_minutes * 60_000);
  const open = await scope.tx
    .selectFrom('baskets')
    .select('id')
    .where('household_id', '=', householdId)
    .where('regie_id', '=', regieId)
    .where('state', '=', 'open')
    .where('frozen_at', 'is', null)
    .where('expires_at', '>', scope.now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (open) {
    await scope.tx.updateTable('baskets').set({ expires_at: expiresAt }).where('id', '=', open.id).execute();
    return { id: open.id, expiresAt };
  }
  const id = randomUUID();
  await scope.tx
    .insertInto('baskets')
    .values({ id, tenant_id: scope.tenantId, household_id: householdId, regie_id: regieId, expires_at: expiresAt, created_at: scope.now })
    .execute();
  return { id, expiresAt };
}

export interface LockedBasket {
  id: string;
  household_id: string;
  regie_id: string;
  state: BasketState;
  expires_at: Date;
  frozen_at: Date | null;
  invoice_id: string | null;
}

/** A basket, locked until the transaction ends: whoever settles it (payment, expiry, its family) goes one at a time. */
export async function lockBasket(scope: Scope, basketId: string): Promise<LockedBasket | null> {
  const row = await scope.tx
    .selectFrom('baskets')
    .select(['id', 'household_id', 'regie_id', 'state', 'expires_at', 'frozen_at', 'invoice_id'])
    .where('id', '=', basketId)
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}

/** Moves an open basket to its end (paid, expired, emptied), once: false when it had ended already. */
export async function closeBasket(scope: Scope, basketId: string, to: BasketState, invoiceId: string | null = null): Promise<boolean> {
  if (!canMove(BASKET_MOVES, 'open', to)) return false;
  const updated = await scope.tx
    .updateTable('baskets')
    .set({ state: to, settled_at: scope.now, ...(invoiceId ? { invoice_id: invoiceId } : {}) })
    .where('id', '=', basketId)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Fixes a basket's days while its payment is under way, or frees them again (null) when it failed. */
export async function freezeBasket(scope: Scope, basketId: string, frozen: boolean): Promise<void> {
  await scope.tx
    .updateTable('baskets')
    .set({ frozen_at: frozen ? scope.now : null })
    .where('id', '=', basketId)
    .where('state', '=', 'open')
    .execute();
}

/** A basket's days still held, locked, in day and unit order. */
export async function heldDaysOf(scope: Scope, basketId: string) {
  return scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.child_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.basket_id', '=', basketId)
    .where('b.status', '=', 'awaiting_payment')
    .orderBy('b.day')
    .orderBy('u.position')
    .forUpdate(['b'])
    .execute();
}

/** Books the days a paid basket held (their places are theirs already): the ids booked. */
export async function bookHeldDays(scope: Scope, basketId: string): Promise<string[]> {
  const booked: string[] = [];
  for (const day of await heldDaysOf(scope, basketId)) if (await moveBooking(scope, day, 'reserved')) booked.push(day.id);
  return booked;
}

/**
 * Cancels an open basket's held days without charge, frees their places (the waiting lists move as
 * for any cancellation), and marks the basket expired. Under the basket's lock: false when it was
 * paid or ended meanwhile.
 */
export async function expireBasket(scope: Scope, basketId: string): Promise<boolean> {
  const basket = await lockBasket(scope, basketId);
  if (basket?.state !== 'open') return false;
  const definitions = new Map<string, ActivityDefinition | null>();
  for (const day of await heldDaysOf(scope, basketId)) {
    if (!definitions.has(day.activity_id)) definitions.set(day.activity_id, await loadActivityDefinition(scope.tx, day.activity_id));
    if (!(await moveBooking(scope, day, 'cancelled', { reason: BASKET_EXPIRED }))) continue;
    await freePlaceOf(scope, definitions.get(day.activity_id)!, day);
  }
  return closeBasket(scope, basketId, 'expired');
}

/**
 * Baskets whose time is up and still open, locked by this run (another run skips them), oldest
 * first: the expiry job's work list.
 */
export async function overdueBaskets(scope: Scope): Promise<string[]> {
  const rows = await scope.tx
    .selectFrom('baskets')
    .select('id')
    .where('state', '=', 'open')
    .where('expires_at', '<=', scope.now)
    .orderBy('expires_at')
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => row.id);
}

export interface LateBooking {
  /** The held day that expired. */
  expiredId: string;
  /** The booking made for it now, or null when its place was gone (or the day past). */
  bookedId: string | null;
}

/**
 * A payment verified after its basket expired: each expired day whose place is still free is booked
 * again, under the same day counters as any booking (never oversold), unless the day has passed,
 * the child holds it again already, or its units no longer fit with the child's day. Days come in
 * day and unit order, so that a unit needing another (a meal needing the day) comes after it.
 */
export async function bookExpiredDays(scope: Scope, basketId: string): Promise<LateBooking[]> {
  const today = await tenantToday(scope);
  const expired = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.child_id', 'b.day', 'b.unit_id', 'b.group_id', 'b.created_by', 'u.activity_id'])
    .where('b.basket_id', '=', basketId)
    .where('b.status', '=', 'cancelled')
    .where('b.reason', '=', BASKET_EXPIRED)
    .orderBy('b.day')
    .orderBy('u.position')
    .execute();
  const results: LateBooking[] = [];
  const definitions = new Map<string, ActivityDefinition | null>();
  for (const day of expired) {
    if (!definitions.has(day.activity_id)) definitions.set(day.activity_id, await loadActivityDefinition(scope.tx, day.activity_id));
    const definition = definitions.get(day.activity_id);
    const bookedId = definition && day.day >= today ? await bookAgain(scope, definition, day, basketId) : null;
    results.push({ expiredId: day.id, bookedId });
  }
  return results;
}

async function bookAgain(
  scope: Scope,
  definition: ActivityDefinition,
  day: { household_id: string; child_id: string; day: string; unit_id: string; group_id: string | null; created_by: string | null },
  basketId: string,
): Promise<string | null> {
  const held = await unitsHeld(scope.tx, { childIds: [day.child_id], days: [day.day], unitIds: definition.units.map((unit) => unit.id) });
  const units = new Set(held.map((row) => row.unit_id));
  if (units.has(day.unit_id)) return null;
  const conflicts = unitConflicts(unitRelationsOf(definition), new Set([...units, day.unit_id]));
  if (conflicts.some((conflict) => conflict.unitId === day.unit_id || (conflict.kind === 'excludes' && conflict.other === day.unit_id))) return null;
  const request = { pools: poolsFor(definition, day.unit_id, day.group_id), day: day.day, unitId: day.unit_id, groupId: day.group_id };
  const counters = await lockDayCounters(scope.tx, scope.tenantId, [request]);
  const [place] = await allocatePlaces(scope.tx, counters, [request]);
  if (!place!.got) return null;
  const id = randomUUID();
  const inserted = await insertBookings(scope, [
    {
      id,
      child_id: day.child_id,
      unit_id: day.unit_id,
      day: day.day,
      household_id: day.household_id,
      group_id: day.group_id,
      created_by: day.created_by,
      status: 'reserved',
      holds_pools: place!.poolIds,
      waitlist_rank: null,
      basket_id: basketId,
    },
  ]);
  if (inserted !== 1) return null;
  await writeCounters(scope.tx, counters);
  return id;
}
