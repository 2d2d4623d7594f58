import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import type { CapacityPool } from '../activities/activity-definitions.js';

/**
 * Places are counted per pool and day in capacity_days. Taking one is a single guarded update
 * (`taken < places`) that also locks the row until the transaction ends; the table's check
 * constraint refuses any oversold count, whatever the code above it does.
 */

/** Makes sure the day's counter exists for each pool (with the pool's number of places). */
async function ensureDays(tx: Tx, tenantId: string, pools: CapacityPool[], day: string): Promise<void> {
  await tx
    .insertInto('capacity_days')
    .values(pools.map((pool) => ({ tenant_id: tenantId, pool_id: pool.id, day, places: pool.places })))
    .onConflict((conflict) => conflict.columns(['pool_id', 'day']).doNothing())
    .execute();
}

/**
 * Takes one place in every pool, or none: returns false (holding the day's counters locked, so the
 * caller can give a waiting-list rank that nobody else computes at the same time).
 */
export async function takePlace(tx: Tx, tenantId: string, pools: CapacityPool[], day: string): Promise<boolean> {
  if (pools.length === 0) return true;
  await ensureDays(tx, tenantId, pools, day);
  const ids = pools.map((pool) => pool.id).sort();
  // Locked in a fixed order, so that two bookings of the same pools never wait for each other.
  const counters = await tx
    .selectFrom('capacity_days')
    .select(['pool_id', 'places', 'taken'])
    .where('pool_id', 'in', ids)
    .where('day', '=', day)
    .orderBy('pool_id')
    .forUpdate()
    .execute();
  if (counters.length !== ids.length || counters.some((counter) => counter.taken >= counter.places)) return false;
  await tx.updateTable('capacity_days').set({ taken: sql`taken + 1` }).where('pool_id', 'in', ids).where('day', '=', day).execute();
  return true;
}

/** Gives back the place a booking held. */
export async function releasePlace(tx: Tx, poolIds: string[], day: string): Promise<void> {
  if (poolIds.length === 0) return;
  await tx.updateTable('capacity_days').set({ taken: sql`taken - 1` }).where('pool_id', 'in', poolIds).where('day', '=', day).where('taken', '>', 0).execute();
}

/** The next rank on the waiting list of a unit, day and group (the counters are locked by takePlace). */
export async function nextWaitlistRank(tx: Tx, unitId: string, day: string, groupId: string | null): Promise<number> {
  const waitingList = { unitId, day, groupId };
  return ((await lastWaitlistRanks(tx, [waitingList])).get(waitingListKey(waitingList)) ?? 0) + 1;
}

type WaitingListOf = Pick<PlaceRequest, 'unitId' | 'day' | 'groupId'>;

/** A waiting list's name in maps: its unit, day and group. */
export const waitingListKey = (list: WaitingListOf) => `${list.unitId}|${list.day}|${list.groupId ?? ''}`;

/**
 * The last rank of each waiting list (unit, day and group), by its key; lists nobody waits on are
 * left out. Each is read as the first entry of index bookings_waitlist_last, backwards: a turn of
 * registration day used to read every waiting booking of its days (10,000 by the end, 4–13 ms). The
 * group is compared as the index holds it (no group as the nil uuid), written as a literal: a
 * prepared statement's kept plan could not match a parameter to the index's expression.
 */
async function lastWaitlistRanks(tx: Tx, lists: WaitingListOf[]): Promise<Map<string, number>> {
  const distinct = [...new Map(lists.map((list) => [waitingListKey(list), list])).values()];
  const { rows } = await sql<{ unit_id: string; day: string; group_id: string | null; rank: number | null }>`
    select k.unit_id, k.day, k.group_id, (
      select b.waitlist_rank from bookings b
      where b.status = 'waitlisted' and b.unit_id = k.unit_id and b.day = k.day
        and coalesce(b.group_id, ${sql.raw(NO_GROUP)}) = coalesce(k.group_id, ${sql.raw(NO_GROUP)})
      order by b.waitlist_rank desc
      limit 1) as rank
    from unnest(${distinct.map((list) => list.unitId)}::uuid[], ${distinct.map((list) => list.day)}::date[], ${distinct.map((list) => list.groupId)}::uuid[])
      as k(unit_id, day, group_id)`.execute(tx);
  const ranks = new Map<string, number>();
  for (const row of rows) if (row.rank !== null) ranks.set(waitingListKey({ unitId: row.unit_id, day: row.day, groupId: row.group_id }), Number(row.rank));
  return ranks;
}

/** How bookings_waitlist_last (migration 0037) writes "no group". */
const NO_GROUP = "'00000000-0000-0000-0000-000000000000'::uuid";

/** Closes the gap a booking left on its waiting list: ranks stay 1, 2, 3… */
export async function renumberWaitlist(tx: Tx, unitId: string, day: string, groupId: string | null, fromRank: number): Promise<void> {
  await tx
    .updateTable('bookings')
    .set({ waitlist_rank: sql`waitlist_rank - 1` })
    .where('unit_id', '=', unitId)
    .where('day', '=', day)
    .where('status', '=', 'waitlisted')
    .where('waitlist_rank', '>', fromRank)
    .where(sql<boolean>`group_id is not distinct from ${groupId}`)
    .execute();
}

/** Places taken and left per pool for a range of days (a missing counter means nothing taken yet). */
export async function occupancy(tx: Tx, poolIds: string[], from: string, to: string) {
  if (poolIds.length === 0) return [];
  return tx
    .selectFrom('capacity_days')
    .select(['pool_id', 'day', 'places', 'taken', 'overridden'])
    .where('pool_id', 'in', poolIds)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .execute();
}

export interface PlaceRequest {
  pools: CapacityPool[];
  day: string;
  unitId: string;
  groupId: string | null;
}

export type PlaceResult = { got: true; poolIds: string[] } | { got: false; rank: number };

/** The day counters a set of requests needs, locked, with what they hold. */
export type LockedCounters = Map<string, { places: number; taken: number; changed: boolean }>;

/**
 * Locks the day counters of every pool and day these requests need, once, in a fixed order (so
 * two transactions never wait for each other): from here to the commit nobody else takes or
 * ranks on those days. A missing counter is created with the pool's places.
 */
export async function lockDayCounters(tx: Tx, tenantId: string, requests: PlaceRequest[]): Promise<LockedCounters> {
  const pairs = new Map<string, { pool: CapacityPool; day: string }>();
  for (const request of requests) for (const pool of request.pools) pairs.set(`${pool.id}|${request.day}`, { pool, day: request.day });
  const counters: LockedCounters = new Map();
  if (pairs.size === 0) return counters;
  await tx
    .insertInto('capacity_days')
    .values([...pairs.values()].map(({ pool, day }) => ({ tenant_id: tenantId, pool_id: pool.id, day, places: pool.places })))
    .onConflict((conflict) => conflict.columns(['pool_id', 'day']).doNothing())
    .execute();
  const keys = [...pairs.values()].map(({ pool, day }) => sql`(${pool.id}::uuid, ${day}::date)`);
  const rows = await sql<{ pool_id: string; day: string; places: number; taken: number }>`
    select pool_id, day, places, taken from capacity_days
    where (pool_id, day) in (${sql.join(keys)})
    order by pool_id, day
    for update`.execute(tx);
  for (const row of rows.rows) counters.set(`${row.pool_id}|${row.day}`, { places: row.places, taken: row.taken, changed: false });
  return counters;
}

/**
 * Places for several bookings at once, in the order given (the submissions of a turn, each in its
 * family's order), under counters locked by `lockDayCounters`: decided in memory, and written back
 * by `writeCounters` in one statement, so the locked section is a handful of statements whatever
 * the number of choices — what keeps registration day fast. A booking that finds no place gets the
 * next rank on its waiting list.
 */
export async function allocatePlaces(tx: Tx, counters: LockedCounters, requests: PlaceRequest[]): Promise<PlaceResult[]> {
  const waiting = requests.filter((request) => request.pools.length > 0);
  const ranks = waiting.length > 0 ? await lastWaitlistRanks(tx, waiting) : new Map<string, number>();
  const results: PlaceResult[] = requests.map((request) => {
    const mine = request.pools.map((pool) => counters.get(`${pool.id}|${request.day}`)!);
    if (mine.every((counter) => counter.taken < counter.places)) {
      for (const counter of mine) {
        counter.taken += 1;
        counter.changed = true;
      }
      return { got: true, poolIds: request.pools.map((pool) => pool.id) };
    }
    const key = waitingListKey(request);
    const rank = (ranks.get(key) ?? 0) + 1;
    ranks.set(key, rank);
    return { got: false, rank };
  });
  return results;
}

/** Gives back, before they are written, the places `allocatePlaces` gave to these pools on a day. */
export function giveBackAllocated(counters: LockedCounters, poolIds: string[], day: string): void {
  for (const poolId of poolIds) {
    const counter = counters.get(`${poolId}|${day}`)!;
    counter.taken -= 1;
    counter.changed = true;
  }
}

/** Writes the counters changed since they were locked, in one statement. */
export async function writeCounters(tx: Tx, counters: LockedCounters): Promise<void> {
  const changed = [...counters.entries()].filter(([, counter]) => counter.changed);
  if (changed.length > 0) {
    const values = changed.map(([key, counter]) => {
      const [poolId, day] = key.split('|');
      return sql`(${poolId}::uuid, ${day}::date, ${counter.taken}::int)`;
    });
    await sql`
      update capacity_days c set taken = v.taken
      from (values ${sql.join(values)}) as v(pool_id, day, taken)
      where c.pool_id = v.pool_id and c.day = v.day`.execute(tx);
    for (const [, counter] of changed) counter.changed = false;
  }
}
