import type { Scope } from '../scope.js';
import type { BookingStatus } from './bookings.tables.js';
import { may } from '../access.js';

/** One booked unit of a day, as staff read a household's month. */
export interface MonthEntry {
  childId: string;
  day: string;
  activityName: string;
  unitName: string;
  status: BookingStatus;
  rank: number | null;
}

/**
 * Every booking of a household's children between two days, whatever its state but cancelled
 * ones (the request list keeps them): by day, then activity and unit. Empty for anyone who may
 * not read the household.
 */
export async function householdMonth(scope: Scope, householdId: string, range: { from: string; to: string }): Promise<MonthEntry[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.child_id', 'b.day', 'b.status', 'b.waitlist_rank', 'a.name as activity_name', 'u.name as unit_name'])
    .where('b.household_id', '=', householdId)
    .where('b.day', '>=', range.from)
    .where('b.day', '<=', range.to)
    .where('b.status', '!=', 'cancelled')
    .orderBy('b.day')
    .orderBy('a.name')
    .orderBy('u.position')
    .execute();
  return rows.map((row) => ({
    childId: row.child_id,
    day: row.day,
    activityName: row.activity_name,
    unitName: row.unit_name,
    status: row.status,
    rank: row.status === 'waitlisted' ? row.waitlist_rank : null,
  }));
}
