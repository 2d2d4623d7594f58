import type { Tx } from '../../db/tenant-scope.js';
import { ON_ATTENDANCE_LIST } from '../bookings/booking-states.js';

/**
 * Who belongs to an activity, for the team's lists: each child with an accepted enrollment, in its
 * group; and, for activities booked without enrollment (a canteen), each child with a day on its
 * attendance lists, in the group of its latest such day. One line per child, as a subquery
 * (child_id, household_id, group_id) to select from.
 */
export function activityMembers(tx: Tx, activityId: string) {
  const enrolled = tx
    .selectFrom('enrollments as e')
    .select(['e.child_id', 'e.household_id', 'e.group_id'])
    .where('e.activity_id', '=', activityId)
    .where('e.status', '=', 'accepted');
  const latestBooked = tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .distinctOn('b.child_id')
    .select(['b.child_id', 'b.household_id', 'b.group_id'])
    .where('u.activity_id', '=', activityId)
    .where('b.status', 'in', ON_ATTENDANCE_LIST)
    .orderBy('b.child_id')
    .orderBy('b.day', 'desc');
  const booked = tx
    .selectFrom(latestBooked.as('k'))
    .select(['k.child_id', 'k.household_id', 'k.group_id'])
    .where('k.child_id', 'not in', enrolled.clearSelect().select('e.child_id'));
  return enrolled.unionAll(booked);
}
