import { may } from '../access.js';
import type { Scope } from '../scope.js';
import type { BookingStatus } from './booking-states.js';

/** What an enrollment's pages show of its bookings: the child's days of the activity, and its places. */

export interface EnrollmentBooking {
  id: string;
  day: string;
  unitName: string;
  status: BookingStatus;
  waitlistRank: number | null;
  reason: string | null;
}

/** The household's bookings of the child in the activity, every day, oldest first (cancelled ones left out). */
export async function enrollmentBookings(
  scope: Scope,
  householdId: string,
  enrollment: { child_id: string; activity_id: string },
): Promise<EnrollmentBooking[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.day', 'b.status', 'b.waitlist_rank', 'b.reason', 'u.name as unit_name'])
    .where('b.household_id', '=', householdId)
    .where('b.child_id', '=', enrollment.child_id)
    .where('u.activity_id', '=', enrollment.activity_id)
    .where('b.status', '!=', 'cancelled')
    .orderBy('b.day')
    .orderBy('u.position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    day: row.day,
    unitName: row.unit_name,
    status: row.status,
    waitlistRank: row.waitlist_rank,
    reason: row.reason,
  }));
}

/** The activity's places per group and units, as the service announces them ("35 places en maternelle"). */
export async function activityPlaces(scope: Scope, activityId: string): Promise<{ groupName: string | null; unitNames: string[]; places: number }[]> {
  const pools = await scope.tx
    .selectFrom('capacity_pools as c')
    .leftJoin('activity_groups as g', 'g.id', 'c.group_id')
    .select(['c.unit_ids', 'c.places', 'g.name as group_name'])
    .where('c.activity_id', '=', activityId)
    .orderBy('g.position')
    .execute();
  const units = await scope.tx.selectFrom('units').select(['id', 'name']).where('activity_id', '=', activityId).orderBy('position').execute();
  return pools.map((pool) => ({
    groupName: pool.group_name,
    unitNames: units.filter((unit) => pool.unit_ids.includes(unit.id)).map((unit) => unit.name),
    places: pool.places,
  }));
}
