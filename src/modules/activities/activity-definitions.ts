import { type RawBuilder, sql, type Selectable } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import type { ActivitiesTable, ActivityGroupsTable, BookingPeriodsTable, CapacityPoolsTable, UnitsTable } from './activities.tables.js';
import type { OpeningRules } from './availability.js';
import { deadlineInstant, type DeadlineRule, type WorkingDayTest } from './deadlines.js';
import type { UnitRelations } from './unit-rules.js';

export type Activity = Selectable<ActivitiesTable>;
export type ActivityGroup = Selectable<ActivityGroupsTable>;
export type Unit = Selectable<UnitsTable>;
export type CapacityPool = Selectable<CapacityPoolsTable>;
export type BookingPeriod = Selectable<BookingPeriodsTable>;

/** Everything that decides what can be booked in an activity, read at once. */
export interface ActivityDefinition {
  activity: Activity;
  groups: ActivityGroup[];
  units: Unit[];
  pools: CapacityPool[];
  periods: BookingPeriod[];
}

/**
 * One statement rather than five: every booking turn reads the definition, under a rush too, and
 * each statement is a round trip. The rows come as JSON, which keeps every column's value as the
 * driver gives it except instants, turned back into dates here.
 */
export async function loadActivityDefinition(tx: Tx, activityId: string): Promise<ActivityDefinition | null> {
  return (await loadActivityDefinitions(tx, sql<boolean>`a.id = ${activityId}`))[0] ?? null;
}

/** The definitions of the activities `where` selects (a condition on `a`, the activity), by name, in one statement. */
export async function loadActivityDefinitions(tx: Tx, where: RawBuilder<boolean>): Promise<ActivityDefinition[]> {
  type PeriodJson = Omit<BookingPeriod, 'opens_at' | 'closes_at'> & { opens_at: string; closes_at: string };
  const { rows } = await sql<{ activity: Activity; groups: ActivityGroup[]; units: Unit[]; pools: CapacityPool[]; periods: PeriodJson[] }>`
    select to_jsonb(a) as activity,
      coalesce((select jsonb_agg(g order by g.position) from activity_groups g where g.activity_id = a.id), '[]') as groups,
      coalesce((select jsonb_agg(u order by u.position) from units u where u.activity_id = a.id), '[]') as units,
      coalesce((select jsonb_agg(p) from capacity_pools p where p.activity_id = a.id), '[]') as pools,
      coalesce((select jsonb_agg(b order by b.first_day) from booking_periods b where b.activity_id = a.id), '[]') as periods
    from activities a
    where ${where}
    order by a.name, a.id`.execute(tx);
  return rows.map((row) => ({
    activity: row.activity,
    groups: row.groups,
    units: row.units,
    pools: row.pools,
    periods: row.periods.map((period) => ({ ...period, opens_at: new Date(period.opens_at), closes_at: new Date(period.closes_at) })),
  }));
}

export function openingRulesOf(definition: ActivityDefinition, unit: Unit): OpeningRules {
  const { activity } = definition;
  return {
    activityId: activity.id,
    siteId: activity.site_id,
    startsOn: activity.starts_on,
    endsOn: activity.ends_on,
    opening: activity.opening,
    weekdays: unit.weekdays ?? activity.weekdays,
  };
}

export function bookingDeadlineOf(definition: ActivityDefinition, unit: Unit): DeadlineRule {
  return unit.booking_deadline ?? definition.activity.booking_deadline;
}

/**
 * The instant booking a unit on a day stops: the unit's deadline, or the close of the booking
 * period the day falls in when that comes first (a period closing on 15 June ends the bookings of
 * 10 July however generous the unit's "J-7").
 */
export function bookingClosesAt(
  definition: ActivityDefinition,
  unit: Unit,
  day: string,
  groupId: string | null,
  timeZone: string,
  isWorkingDay: WorkingDayTest,
): Date {
  const deadline = deadlineInstant(bookingDeadlineOf(definition, unit), day, timeZone, isWorkingDay);
  const period = definition.periods.length > 0 ? periodFor(definition, day, groupId) : undefined;
  return period && period.closes_at < deadline ? period.closes_at : deadline;
}

export function cancellationDeadlineOf(definition: ActivityDefinition, unit: Unit): DeadlineRule {
  return unit.cancellation_deadline ?? definition.activity.cancellation_deadline;
}

export function unitRelationsOf(definition: ActivityDefinition): UnitRelations[] {
  return definition.units.map((unit) => ({ id: unit.id, excludes: unit.excludes, requiresAny: unit.requires_any }));
}

/** The pools whose places a booking of this unit by a child of this group takes. */
export function poolsFor(definition: ActivityDefinition, unitId: string, groupId: string | null): CapacityPool[] {
  return definition.pools.filter((pool) => pool.unit_ids.includes(unitId) && (pool.group_id === null || pool.group_id === groupId));
}

/** The booking period a day falls in for a group, if the activity books by periods. */
export function periodFor(definition: ActivityDefinition, day: string, groupId: string | null): BookingPeriod | undefined {
  return definition.periods.find(
    (period) =>
      period.first_day <= day && day <= period.last_day && (period.group_ids.length === 0 || (groupId !== null && period.group_ids.includes(groupId))),
  );
}
