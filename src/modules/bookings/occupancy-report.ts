import { sql } from 'kysely';
import { loadActivityDefinition, openingRulesOf, poolsFor, type ActivityDefinition } from '../activities/activity-definitions.js';
import { closedReasonOf, type ClosedReason, type DayCalendar } from '../activities/availability.js';
import { addDays, daysBetween, eachDay } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import type { BookingStatus } from './bookings.tables.js';
import { occupancy } from './places.js';
import { may } from '../access.js';
import { HOLDS_PLACE } from './booking-states.js';

/**
 * What staff read of the places: per day, unit and group, the places, those taken and left, and
 * how many children wait; then, for one day, the waiting list in rank order and the children
 * booked. Every staff role reads; families never see it (null, as for a missing activity).
 */

/** The calendar as staff see it: why a day is closed, and the words staff gave for a closure. */
export interface StaffCalendar extends DayCalendar {
  closureReason?(date: string, where: { siteId?: string | null; activityId?: string | null }): string | null;
  publicHolidayName?(date: string): string | null;
}

/** The statuses of a booking that holds (or held, once the day is past) a place. */

/** The longest range one report covers (a quarter). */
export const MAX_REPORT_DAYS = 92;

export interface OccupancyCell {
  unitId: string;
  groupId: string | null;
  /** Why this unit does not open that day (the others may). */
  closed: ClosedReason | null;
  /** null when the unit has no limit of places for this group. */
  places: number | null;
  taken: number;
  left: number | null;
  waiting: number;
}

export interface OccupancyDay {
  day: string;
  /** Set when no unit opens that day: the reason, and the closure's or holiday's own words. */
  closed: { reason: ClosedReason; detail: string | null } | null;
  cells: OccupancyCell[];
}

export interface ReportGroup {
  id: string | null;
  name: string | null;
}

export interface OccupancyReport {
  activity: { id: string; name: string; siteId: string | null; startsOn: string; endsOn: string };
  units: { id: string; name: string }[];
  groups: ReportGroup[];
  from: string;
  to: string;
  days: OccupancyDay[];
}

/** The activities staff can look at, the current ones first. */
export async function activitiesForStaff(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  return scope.tx.selectFrom('activities').select(['id', 'name', 'starts_on', 'ends_on', 'site_id']).orderBy('ends_on', 'desc').orderBy('name').execute();
}

/** The groups a report has rows for: the activity's, and "no group" when children may book without one. */
export function reportGroups(definition: ActivityDefinition): ReportGroup[] {
  const groups: ReportGroup[] = definition.groups.map((group) => ({ id: group.id, name: group.name }));
  if (groups.length === 0 || !definition.activity.requires_enrollment) groups.push({ id: null, name: null });
  return groups;
}

interface Counter {
  places: number;
  taken: number;
}

/** Places of a unit and group on a day: the pool with the fewest places left decides. */
function placesOf(definition: ActivityDefinition, counters: Map<string, Counter>, unitId: string, groupId: string | null, day: string) {
  const pools = poolsFor(definition, unitId, groupId);
  if (pools.length === 0) return null;
  let binding: Counter | null = null;
  for (const pool of pools) {
    const counter = counters.get(`${pool.id}|${day}`) ?? { places: pool.places, taken: 0 };
    if (!binding || counter.places - counter.taken < binding.places - binding.taken) binding = counter;
  }
  return binding;
}

const key = (day: string, unitId: string, groupId: string | null) => `${day}|${unitId}|${groupId ?? ''}`;

/** Counts of bookings per day, unit and group, in some statuses. */
async function countBookings(scope: Scope, unitIds: string[], from: string, to: string, statuses: readonly BookingStatus[]): Promise<Map<string, number>> {
  if (unitIds.length === 0) return new Map();
  const rows = await scope.tx
    .selectFrom('bookings')
    .select(['day', 'unit_id', 'group_id', sql<number>`count(*)::int`.as('n')])
    .where('unit_id', 'in', unitIds)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('status', 'in', statuses)
    .groupBy(['day', 'unit_id', 'group_id'])
    .execute();
  return new Map(rows.map((row) => [key(row.day, row.unit_id, row.group_id), row.n]));
}

/**
 * Occupancy of an activity from one day to another (at most MAX_REPORT_DAYS): days the activity
 * never opens (not its weekday, outside its dates) are left out, days closed for another reason are
 * kept with that reason.
 */
export async function occupancyReport(
  scope: Scope,
  calendar: StaffCalendar,
  input: { activityId: string; from: string; to: string },
): Promise<OccupancyReport | null> {
  if (!may(scope, 'service.read')) return null;
  const definition = await loadActivityDefinition(scope.tx, input.activityId);
  if (!definition) return null;
  const from = input.from;
  const to = daysBetween(from, input.to) >= MAX_REPORT_DAYS ? addDays(from, MAX_REPORT_DAYS - 1) : input.to;
  const { activity } = definition;
  const groups = reportGroups(definition);
  const unitIds = definition.units.map((unit) => unit.id);

  const counters = new Map<string, Counter>();
  for (const row of await occupancy(
    scope.tx,
    definition.pools.map((pool) => pool.id),
    from,
    to,
  ))
    counters.set(`${row.pool_id}|${row.day}`, row);
  const waiting = await countBookings(scope, unitIds, from, to, ['waitlisted']);
  const booked = await countBookings(scope, unitIds, from, to, HOLDS_PLACE);

  const days: OccupancyDay[] = [];
  for (const day of from <= to ? eachDay(from, to) : []) {
    const closedByUnit = new Map(definition.units.map((unit) => [unit.id, closedReasonOf(openingRulesOf(definition, unit), day, calendar)]));
    const reasons = [...closedByUnit.values()];
    if (reasons.length === 0 || reasons.every((reason) => reason === 'weekday' || reason === 'outside_activity')) continue;
    const allClosed = reasons.every((reason) => reason !== null);
    const cells: OccupancyCell[] = [];
    for (const unit of definition.units) {
      for (const group of groups) {
        const counter = placesOf(definition, counters, unit.id, group.id, day);
        const cellKey = key(day, unit.id, group.id);
        cells.push({
          unitId: unit.id,
          groupId: group.id,
          closed: closedByUnit.get(unit.id) ?? null,
          places: counter ? counter.places : null,
          taken: counter ? counter.taken : (booked.get(cellKey) ?? 0),
          left: counter ? Math.max(0, counter.places - counter.taken) : null,
          waiting: waiting.get(cellKey) ?? 0,
        });
      }
    }
    const firstReason = reasons.find((reason) => reason !== null && reason !== 'weekday' && reason !== 'outside_activity') ?? reasons[0]!;
    days.push({ day, closed: allClosed ? { reason: firstReason!, detail: closedDetail(calendar, day, firstReason!, activity) } : null, cells });
  }
  return {
    activity: { id: activity.id, name: activity.name, siteId: activity.site_id, startsOn: activity.starts_on, endsOn: activity.ends_on },
    units: definition.units.map((unit) => ({ id: unit.id, name: unit.name })),
    groups,
    from,
    to,
    days,
  };
}

function closedDetail(calendar: StaffCalendar, day: string, reason: ClosedReason, activity: ActivityDefinition['activity']): string | null {
  if (reason === 'closure') return calendar.closureReason?.(day, { siteId: activity.site_id, activityId: activity.id }) ?? null;
  if (reason === 'public_holiday') return calendar.publicHolidayName?.(day) ?? null;
  return null;
}

export interface ListedBooking {
  id: string;
  status: BookingStatus;
  waitlistRank: number | null;
  childId: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  householdId: string;
  householdName: string;
  createdAt: Date;
  updatedAt: Date;
  offerExpiresAt: Date | null;
}

export interface DaySection {
  unit: { id: string; name: string };
  group: ReportGroup;
  closed: ClosedReason | null;
  places: number | null;
  taken: number;
  left: number | null;
  /** In rank order: the first is the next to get a place. */
  waiting: ListedBooking[];
  booked: ListedBooking[];
}

export interface DayLists {
  activity: { id: string; name: string; waitlistMode: string; validationMode: string };
  day: string;
  closed: { reason: ClosedReason; detail: string | null } | null;
  sections: DaySection[];
}

/** The waiting lists and the children booked of one day of an activity, per unit and group (or only one of them). */
export async function dayLists(
  scope: Scope,
  calendar: StaffCalendar,
  input: { activityId: string; day: string; unitId?: string | null; groupId?: string | null | undefined },
): Promise<DayLists | null> {
  if (!may(scope, 'service.read')) return null;
  const definition = await loadActivityDefinition(scope.tx, input.activityId);
  if (!definition) return null;
  const units = definition.units.filter((unit) => !input.unitId || unit.id === input.unitId);
  const groups = reportGroups(definition).filter((group) => input.groupId === undefined || group.id === input.groupId);
  if (units.length === 0 || groups.length === 0) return null;

  const counters = new Map<string, Counter>();
  for (const row of await occupancy(
    scope.tx,
    definition.pools.map((pool) => pool.id),
    input.day,
    input.day,
  ))
    counters.set(`${row.pool_id}|${row.day}`, row);
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .select([
      'b.id',
      'b.status',
      'b.waitlist_rank',
      'b.unit_id',
      'b.group_id',
      'b.child_id',
      'b.household_id',
      'b.created_at',
      'b.updated_at',
      'b.offer_expires_at',
      'p.first_name',
      'p.last_name',
      'p.birth_date',
      'h.name as household_name',
    ])
    .where(
      'b.unit_id',
      'in',
      units.map((unit) => unit.id),
    )
    .where('b.day', '=', input.day)
    .where('b.status', 'in', ['waitlisted', ...HOLDS_PLACE])
    .orderBy('b.waitlist_rank')
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();

  const closedAll = units.map((unit) => closedReasonOf(openingRulesOf(definition, unit), input.day, calendar));
  const sections: DaySection[] = [];
  for (const unit of units) {
    const closed = closedReasonOf(openingRulesOf(definition, unit), input.day, calendar);
    for (const group of groups) {
      const counter = placesOf(definition, counters, unit.id, group.id, input.day);
      const mine = rows.filter((row) => row.unit_id === unit.id && row.group_id === group.id).map(listed);
      const booked = mine.filter((row) => row.status !== 'waitlisted');
      sections.push({
        unit: { id: unit.id, name: unit.name },
        group,
        closed,
        places: counter ? counter.places : null,
        taken: counter ? counter.taken : booked.length,
        left: counter ? Math.max(0, counter.places - counter.taken) : null,
        waiting: mine.filter((row) => row.status === 'waitlisted'),
        booked,
      });
    }
  }
  const reason = closedAll.every((value) => value !== null) ? closedAll[0]! : null;
  return {
    activity: {
      id: definition.activity.id,
      name: definition.activity.name,
      waitlistMode: definition.activity.waitlist_mode,
      validationMode: definition.activity.validation_mode,
    },
    day: input.day,
    closed: reason ? { reason, detail: closedDetail(calendar, input.day, reason, definition.activity) } : null,
    sections,
  };
}

function listed(row: {
  id: string;
  status: BookingStatus;
  waitlist_rank: number | null;
  child_id: string;
  household_id: string;
  created_at: Date;
  updated_at: Date;
  offer_expires_at: Date | null;
  first_name: string;
  last_name: string;
  birth_date: string | null;
  household_name: string;
}): ListedBooking {
  return {
    id: row.id,
    status: row.status,
    waitlistRank: row.waitlist_rank,
    childId: row.child_id,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    householdId: row.household_id,
    householdName: row.household_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    offerExpiresAt: row.offer_expires_at,
  };
}
