import { sql } from 'kysely';
import {
  bookingClosesAt,
  loadActivityDefinitions,
  poolsFor,
  unitRelationsOf,
  type ActivityDefinition,
  type BookingPeriod,
  type Unit,
} from '../activities/activity-definitions.js';
import { unitsBlockedBy } from '../activities/unit-rules.js';
import { eachDay, schoolYearOf, weekdayOf } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import { refusalBeforePlaces, type BookingContext, type RefusalReason } from './booking-requests.js';
import { HOLDS_NO_UNIT, isIn, type BookingStatus } from './booking-states.js';
import { occupancy } from './places.js';
import { may } from '../access.js';
import { personFullName } from '../person-name.js';

/**
 * What the family's booking calendar shows, computed by the same rules as the booking pipeline
 * (the page never decides: the server checks everything again on submit).
 */

/**
 * Why a box is not offered: the pipeline's own refusals, and one only the calendar can give ahead:
 * the unit cannot join what the child already holds that day (submitting would be refused as
 * 'unit_conflict').
 */
export type CalendarClosedReason = RefusalReason | 'conflicts_with_booked';

export type CellState =
  | { kind: 'booked'; bookingId: string; status: BookingStatus; rank: number | null }
  /** conflictsWith: the units held that day that bar this one (reason conflicts_with_booked). */
  | { kind: 'closed'; reason: CalendarClosedReason; conflictsWith?: string[] }
  /** placesLeft: the fewest places left in the pools the booking would take; null when nothing limits them. */
  | { kind: 'open'; full: boolean; placesLeft?: number | null; deadline: Date };

export interface CalendarDay {
  day: string;
  weekday: number;
  cells: { unitId: string; state: CellState }[];
}

export interface ChildCalendar {
  childId: string;
  name: string;
  enrolled: 'accepted' | 'pending' | 'none';
  days: CalendarDay[];
}

export interface BookableActivity {
  id: string;
  name: string;
  periods: BookingPeriod[];
  units: Unit[];
  startsOn: string;
  endsOn: string;
  /** The authority shows the families each day's places left. */
  showPlacesLeft: boolean;
  /** The ISO weekdays it opens on, by its own rule or a unit's. */
  weekdays: number[];
  /** Everything else the booking rules read of it, for its calendar (familyCalendar). */
  definition: ActivityDefinition;
}

/** The activities a household's children are enrolled in (or may book without enrollment), with their definitions, in one statement. */
export async function bookableActivities(scope: Scope, householdId: string): Promise<BookableActivity[]> {
  const definitions = await loadActivityDefinitions(
    scope.tx,
    sql<boolean>`(not a.requires_enrollment or exists (
      select 1 from enrollments e join household_members m on m.person_id = e.child_id and m.role = 'child'
      where e.activity_id = a.id and m.household_id = ${householdId} and e.status in ('accepted', 'pending')))`,
  );
  return definitions.map((definition) => ({
    id: definition.activity.id,
    name: definition.activity.name,
    periods: definition.periods,
    units: definition.units,
    startsOn: definition.activity.starts_on,
    endsOn: definition.activity.ends_on,
    showPlacesLeft: definition.activity.show_places_left,
    weekdays: [...new Set([...definition.activity.weekdays, ...definition.units.flatMap((unit) => unit.weekdays ?? [])])].sort(),
    definition,
  }));
}

/**
 * The booking periods a family may choose: those whose days are not all past (a closed one still
 * shows what was booked); among them those open now, and `next`, the first to open when none is.
 */
export function periodsToChoose(
  periods: BookingPeriod[],
  now: Date,
  today: string,
): { listed: BookingPeriod[]; open: BookingPeriod[]; next: BookingPeriod | undefined } {
  const listed = periods.filter((period) => period.last_day >= today);
  const open = listed.filter((period) => period.opens_at <= now && now < period.closes_at);
  const upcoming = listed.filter((period) => now < period.opens_at).sort((a, b) => a.opens_at.getTime() - b.opens_at.getTime());
  return { listed, open, next: open.length === 0 ? upcoming[0] : undefined };
}

/** One calendar per child of the household among `childIds`, over the days asked, with each unit of `definition`'s activity in its state that day. */
export async function familyCalendar(
  scope: Scope,
  context: BookingContext,
  definition: ActivityDefinition,
  input: { householdId: string; childIds: string[]; from: string; to: string },
): Promise<{ definition: ActivityDefinition; children: ChildCalendar[]; unknownSchoolYears: number[] } | null> {
  if (!may(scope, 'household.read', input.householdId)) return null;
  // The children asked that are the household's, each with its live enrollment in the activity, if any.
  const members =
    input.childIds.length === 0
      ? []
      : await scope.tx
          .selectFrom('household_members as m')
          .innerJoin('persons as p', 'p.id', 'm.person_id')
          .leftJoin('enrollments as e', (join) =>
            join.onRef('e.child_id', '=', 'p.id').on('e.activity_id', '=', definition.activity.id).on('e.status', 'in', ['accepted', 'pending']),
          )
          .select(['p.id', 'p.first_name', 'p.last_name', 'e.status as enrollment', 'e.group_id'])
          .where('m.household_id', '=', input.householdId)
          .where('m.role', '=', 'child')
          .where('p.id', 'in', input.childIds)
          .execute();
  const childIds = members.map((member) => member.id);
  // An activity without units yet (being set up) has nothing booked.
  const bookings =
    childIds.length === 0 || definition.units.length === 0
      ? []
      : await scope.tx
          .selectFrom('bookings')
          .select(['id', 'child_id', 'unit_id', 'day', 'status', 'waitlist_rank'])
          .where('child_id', 'in', childIds)
          .where(
            'unit_id',
            'in',
            definition.units.map((unit) => unit.id),
          )
          .where('day', '>=', input.from)
          .where('day', '<=', input.to)
          .where('status', 'not in', ['cancelled', 'refused'])
          .execute();
  const booked = new Map(bookings.map((booking) => [`${booking.child_id}|${booking.unit_id}|${booking.day}`, booking]));
  // The units each child holds on each day, and so those that can no longer join them that day.
  const held = new Map<string, Set<string>>();
  for (const booking of bookings) {
    if (isIn(HOLDS_NO_UNIT, booking.status)) continue;
    const key = `${booking.child_id}|${booking.day}`;
    held.set(key, (held.get(key) ?? new Set()).add(booking.unit_id));
  }
  const relations = unitRelationsOf(definition);
  const blocked = new Map([...held].map(([key, units]) => [key, unitsBlockedBy(relations, units)]));
  const counters = await occupancy(
    scope.tx,
    definition.pools.map((pool) => pool.id),
    input.from,
    input.to,
  );
  const left = new Map(counters.map((counter) => [`${counter.pool_id}|${counter.day}`, Math.max(0, counter.places - counter.taken)]));
  const days = eachDay(input.from, input.to);

  // Days the activity never opens on (another weekday, outside its dates) are left out; days it
  // would open but does not (holidays, closures, deadlines) stay, with their reason.
  const neverOpen = (calendarDay: CalendarDay) =>
    calendarDay.cells.every((cell) => cell.state.kind === 'closed' && (cell.state.reason === 'weekday' || cell.state.reason === 'outside_activity'));
  const children = members.map((member): ChildCalendar => {
    const groupId = member.enrollment === 'accepted' ? member.group_id : null;
    const enrolled =
      member.enrollment === 'accepted' || !definition.activity.requires_enrollment ? 'accepted' : member.enrollment === 'pending' ? 'pending' : 'none';
    return {
      childId: member.id,
      name: personFullName(member),
      enrolled,
      days: days
        .map((day) => ({
          day,
          weekday: weekdayOf(day),
          cells: definition.units.map((unit) => ({
            unitId: unit.id,
            state: cellState(
              definition,
              unit,
              member.id,
              day,
              groupId,
              enrolled,
              booked,
              blocked.get(`${member.id}|${day}`) ?? NOTHING,
              left,
              scope.now,
              context,
            ),
          })),
        }))
        .filter((calendarDay) => !neverOpen(calendarDay)),
    };
  });
  return { definition, children, unknownSchoolYears: unknownSchoolYearsShown(children) };
}

/** The school years of the days shown closed because their holidays are unknown: the page says why once. */
function unknownSchoolYearsShown(children: ChildCalendar[]): number[] {
  const years = new Set<number>();
  for (const child of children) {
    for (const day of child.days) {
      if (day.cells.some((cell) => cell.state.kind === 'closed' && cell.state.reason === 'school_year_unknown')) years.add(schoolYearOf(day.day));
    }
  }
  return [...years].sort();
}

const NOTHING: Map<string, string[]> = new Map();

function cellState(
  definition: ActivityDefinition,
  unit: Unit,
  childId: string,
  day: string,
  groupId: string | null,
  enrolled: ChildCalendar['enrolled'],
  booked: Map<string, { id: string; status: BookingStatus; waitlist_rank: number | null }>,
  blocked: Map<string, string[]>,
  left: Map<string, number>,
  now: Date,
  context: BookingContext,
): CellState {
  const booking = booked.get(`${childId}|${unit.id}|${day}`);
  if (booking) return { kind: 'booked', bookingId: booking.id, status: booking.status, rank: booking.waitlist_rank };
  if (enrolled !== 'accepted') return { kind: 'closed', reason: enrolled === 'pending' ? 'enrollment_pending' : 'not_enrolled' };
  const refusal = refusalBeforePlaces(definition, unit, day, groupId, now, context);
  if (refusal) return { kind: 'closed', reason: refusal };
  const barredBy = blocked.get(unit.id);
  if (barredBy) return { kind: 'closed', reason: 'conflicts_with_booked', conflictsWith: barredBy };
  // A day without a counter yet has all its pool's places left.
  const pools = poolsFor(definition, unit.id, groupId);
  const placesLeft = pools.length === 0 ? null : Math.min(...pools.map((pool) => left.get(`${pool.id}|${day}`) ?? pool.places));
  const deadline = bookingClosesAt(definition, unit, day, groupId, context.timeZone, (date) => context.calendar.isWorkingDay(date));
  return { kind: 'open', full: placesLeft === 0, placesLeft, deadline };
}
