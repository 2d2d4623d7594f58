import { may } from '../access.js';
import { HOLDS_PLACE } from '../bookings/booking-states.js';
import { weekdayOf } from '../calendar/calendar-dates.js';
import { personFullName } from '../person-name.js';
import type { Scope } from '../scope.js';
import { shuttleStops, type ShuttleStop } from './shuttle-stops.js';

/**
 * The children each stop of an activity's shuttle takes on a day, morning and evening, for the
 * staff who drive it: the enrollments accepted whose family chose the stop for that weekday, and
 * whose child holds a place of the activity that day (asked, given or used) — a child who only
 * waits for a place, or whose day was cancelled, does not ride.
 */

export interface Rider {
  childId: string;
  name: string;
  groupName: string | null;
}

export interface StopRiders {
  stop: ShuttleStop;
  morning: Rider[];
  evening: Rider[];
}

export async function shuttleRiders(scope: Scope, activityId: string, day: string): Promise<StopRiders[] | null> {
  if (!may(scope, 'service.read')) return null;
  const activity = await scope.tx.selectFrom('activities').select(['starts_on', 'ends_on']).where('id', '=', activityId).executeTakeFirst();
  if (!activity) return null;
  const stops = await shuttleStops(scope, activityId);
  const inActivity = day >= activity.starts_on && day <= activity.ends_on;
  const choices = inActivity
    ? await scope.tx
        .selectFrom('shuttle_choices as c')
        .innerJoin('enrollments as e', 'e.id', 'c.enrollment_id')
        .innerJoin('persons as p', 'p.id', 'e.child_id')
        .leftJoin('activity_groups as g', 'g.id', 'e.group_id')
        .select(['c.morning_stop_id', 'c.evening_stop_id', 'e.child_id', 'p.first_name', 'p.last_name', 'g.name as group_name'])
        .where('c.activity_id', '=', activityId)
        .where('e.status', '=', 'accepted')
        .where((eb) => eb(eb.val(weekdayOf(day)), '=', eb.fn.any('c.weekdays')))
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('bookings as b')
              .innerJoin('units as u', 'u.id', 'b.unit_id')
              .select('b.id')
              .whereRef('b.child_id', '=', 'e.child_id')
              .where('b.day', '=', day)
              .where('u.activity_id', '=', activityId)
              .where('b.status', 'in', HOLDS_PLACE),
          ),
        )
        .orderBy('p.last_name')
        .orderBy('p.first_name')
        .execute()
    : [];
  const riderOf = (row: (typeof choices)[number]): Rider => ({ childId: row.child_id, name: personFullName(row), groupName: row.group_name });
  return stops.map((stop) => ({
    stop,
    morning: choices.filter((row) => row.morning_stop_id === stop.id).map(riderOf),
    evening: choices.filter((row) => row.evening_stop_id === stop.id).map(riderOf),
  }));
}
