import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import type { Scope } from '../scope.js';
import { ENDED, HOLDS_NO_UNIT, type BookingStatus } from './booking-states.js';

/** The queries of the booking engine (booking-requests.ts), kept apart from its rules. */

/** The children of each household (only they may be booked by it). */
export async function childrenOf(scope: Scope, householdIds: string[]): Promise<Map<string, Set<string>>> {
  const children = new Map(householdIds.map((id) => [id, new Set<string>()]));
  if (householdIds.length === 0) return children;
  const rows = await scope.tx
    .selectFrom('household_members')
    .select(['household_id', 'person_id'])
    .where('household_id', 'in', householdIds)
    .where('role', '=', 'child')
    .execute();
  for (const row of rows) children.get(row.household_id)!.add(row.person_id);
  return children;
}

/** Whether the child's enrollment in the activity waits for staff. */
export async function hasPendingEnrollment(scope: Scope, activityId: string, childId: string): Promise<boolean> {
  const row = await scope.tx
    .selectFrom('enrollments')
    .select('id')
    .where('activity_id', '=', activityId)
    .where('child_id', '=', childId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row !== undefined;
}

/** The units a day of each child already holds in these units (for the rules between a day's units). */
export async function unitsHeld(tx: Tx, which: { childIds: string[]; days: string[]; unitIds: string[] }) {
  return tx
    .selectFrom('bookings')
    .select(['child_id', 'unit_id', 'day'])
    .where('child_id', 'in', which.childIds)
    .where('day', 'in', which.days)
    .where('unit_id', 'in', which.unitIds)
    .where('status', 'not in', HOLDS_NO_UNIT)
    .execute();
}

/** Every live booking of these children on these days in these units. */
export async function liveBookingsOf(tx: Tx, which: { childIds: string[]; unitIds: string[]; days: string[] }) {
  return tx
    .selectFrom('bookings')
    .select(['id', 'child_id', 'unit_id', 'day', 'status'])
    .where('child_id', 'in', which.childIds)
    .where('unit_id', 'in', which.unitIds)
    .where('day', 'in', which.days)
    .where('status', 'not in', ENDED)
    .execute();
}

export interface NewBookingRow {
  id: string;
  child_id: string;
  unit_id: string;
  day: string;
  household_id: string;
  group_id: string | null;
  created_by: string | null;
  status: BookingStatus;
  holds_pools: string[];
  waitlist_rank: number | null;
  /** The prepayment basket of a day held until paid ('awaiting_payment'). */
  basket_id?: string | null;
  /** The reason written on its first event (staff booking after the deadline). */
  event_reason?: string | null;
}

/**
 * Inserts the bookings with their final state in one statement, and their events in another; returns
 * how many were inserted. One array per column rather than one parameter per value: a turn inserts
 * thousands of rows. The unique index on live bookings has the last word: a row booked meanwhile is
 * left out (the caller starts again). Its predicate is written as the index's (ENDED), as
 * PostgreSQL needs to infer the index.
 */
export async function insertBookings(scope: Scope, rows: NewBookingRow[]): Promise<number> {
  const column = <K extends keyof NewBookingRow>(name: K) => rows.map((row) => row[name]);
  const inserted = await sql<{ id: string }>`
    insert into bookings (id, tenant_id, child_id, unit_id, day, household_id, group_id, created_by, created_at, updated_at, status, holds_pools, waitlist_rank, basket_id)
    select b.id, ${scope.tenantId}, b.child_id, b.unit_id, b.day, b.household_id, b.group_id, b.created_by, ${scope.now}, ${scope.now}, b.status, h.holds::uuid[], b.waitlist_rank, b.basket_id
    from unnest(${column('id')}::uuid[], ${column('child_id')}::uuid[], ${column('unit_id')}::uuid[], ${column('day')}::date[], ${column('household_id')}::uuid[],
                ${column('group_id')}::uuid[], ${column('created_by')}::uuid[], ${column('status')}::text[], ${column('waitlist_rank')}::int[],
                ${rows.map((row) => row.basket_id ?? null)}::uuid[])
      with ordinality as b(id, child_id, unit_id, day, household_id, group_id, created_by, status, waitlist_rank, basket_id, n)
    join unnest(${rows.map((row) => `{${row.holds_pools.join(',')}}`)}::text[]) with ordinality as h(holds, n) using (n)
    on conflict (child_id, unit_id, day) where status not in ('refused', 'cancelled') do nothing
    returning id`.execute(scope.tx);
  if (inserted.rows.length !== rows.length) return inserted.rows.length;
  await sql`
    insert into booking_events (tenant_id, booking_id, household_id, from_status, to_status, reason, actor_account_id, at)
    select ${scope.tenantId}, e.booking_id, e.household_id, null, e.to_status, e.reason, e.actor, ${scope.now}
    from unnest(${column('id')}::uuid[], ${column('household_id')}::uuid[], ${column('status')}::text[], ${column('created_by')}::uuid[],
                ${rows.map((row) => row.event_reason ?? null)}::text[]) as e(booking_id, household_id, to_status, actor, reason)`.execute(scope.tx);
  return rows.length;
}
