import { sql } from 'kysely';
import { may } from '../access.js';
import { loadActivityDefinition, poolsFor, type ActivityDefinition, type BookingPeriod } from '../activities/activity-definitions.js';
import { recordAudit } from '../audit/audit-log.js';
import { promoteNext } from '../bookings/waitlist.js';
import type { Scope } from '../scope.js';

/**
 * A draw serves each household whole for a day: when two brothers ask for the last place of a
 * Wednesday, neither gets it and both wait, and the place stays free while children wait behind
 * them. Staff see those days after the draw and may give the places down the waiting lists.
 */

/** A day and unit of the period where places are free while children wait for them. */
export interface Leftover {
  day: string;
  unitId: string;
  unitName: string;
  free: number;
  waiting: number;
}

/** The days of a drawn period whose free places could go to children on a waiting list, in day order. */
export async function lotteryLeftovers(scope: Scope, period: BookingPeriod): Promise<Leftover[]> {
  const definition = await loadActivityDefinition(scope.tx, period.activity_id);
  if (!definition) return [];
  return leftoversOf(scope, definition, period);
}

async function leftoversOf(scope: Scope, definition: ActivityDefinition, period: BookingPeriod): Promise<Leftover[]> {
  const unitIds = definition.units.map((unit) => unit.id);
  if (unitIds.length === 0) return [];
  const waiting = await scope.tx
    .selectFrom('bookings')
    .select(['day', 'unit_id', 'group_id', sql<number>`count(*)::int`.as('waiting')])
    .where('status', '=', 'waitlisted')
    .where('unit_id', 'in', unitIds)
    .where('day', '>=', period.first_day)
    .where('day', '<=', period.last_day)
    .groupBy(['day', 'unit_id', 'group_id'])
    .execute();
  const poolIds = definition.pools.map((pool) => pool.id);
  const counters =
    poolIds.length === 0
      ? []
      : await scope.tx
          .selectFrom('capacity_days')
          .select(['pool_id', 'day', 'places', 'taken'])
          .where('pool_id', 'in', poolIds)
          .where('day', '>=', period.first_day)
          .where('day', '<=', period.last_day)
          .execute();
  const counter = new Map(counters.map((row) => [`${row.pool_id} ${row.day}`, row]));
  const byKey = new Map<string, Leftover>();
  for (const row of waiting) {
    const pools = poolsFor(definition, row.unit_id, row.group_id);
    if (pools.length === 0) continue;
    // A place needs one in every pool the unit counts in; a day never booked has all its places.
    const free = Math.min(
      ...pools.map((pool) => {
        const day = counter.get(`${pool.id} ${row.day}`);
        return day ? day.places - day.taken : pool.places;
      }),
    );
    if (free <= 0) continue;
    const key = `${row.day} ${row.unit_id}`;
    const known = byKey.get(key);
    if (known) known.waiting += row.waiting;
    else {
      const unitName = definition.units.find((unit) => unit.id === row.unit_id)?.name ?? '';
      byKey.set(key, { day: row.day, unitId: row.unit_id, unitName, free, waiting: row.waiting });
    }
  }
  return [...byKey.values()].sort((a, b) => a.day.localeCompare(b.day) || a.unitName.localeCompare(b.unitName));
}

export type GiveLeftoversResult = { kind: 'forbidden' } | { kind: 'not_found' } | { kind: 'given'; places: number };

/**
 * Gives the free places of a drawn period down its waiting lists, in their order, as a
 * cancellation would (the families are told). Returns how many waiting children got a place.
 */
export async function giveLeftoverPlaces(scope: Scope, period: BookingPeriod): Promise<GiveLeftoversResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const definition = await loadActivityDefinition(scope.tx, period.activity_id);
  if (!definition) return { kind: 'not_found' };
  const before = await waitingCount(scope, definition, period);
  for (const day of new Set((await leftoversOf(scope, definition, period)).map((leftover) => leftover.day))) {
    await promoteNext(
      scope,
      definition,
      definition.pools.map((pool) => pool.id),
      day,
    );
  }
  const places = before - (await waitingCount(scope, definition, period));
  await recordAudit(scope, { action: 'lottery.leftovers_given', objectType: 'booking_period', objectId: period.id, details: { places } });
  return { kind: 'given', places };
}

async function waitingCount(scope: Scope, definition: ActivityDefinition, period: BookingPeriod): Promise<number> {
  const row = await scope.tx
    .selectFrom('bookings')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('status', '=', 'waitlisted')
    .where(
      'unit_id',
      'in',
      definition.units.map((unit) => unit.id),
    )
    .where('day', '>=', period.first_day)
    .where('day', '<=', period.last_day)
    .executeTakeFirstOrThrow();
  return row.count;
}
