import { sql } from 'kysely';
import { loadActivityDefinition, openingRulesOf } from '../activities/activity-definitions.js';
import { closedReasonOf, type DayCalendar } from '../activities/availability.js';
import { recordAudit } from '../audit/audit-log.js';
import { tenantToday } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import type { SiteChoice } from './attendance.js';
import { liveBookingsOf } from './booking-queries.js';
import { ENDED } from './booking-states.js';
import { recordBookingEvent } from './booking-transitions.js';

/**
 * A child who came without a booking (issue #12): at attendance, a manager adds a child enrolled in
 * the activity to the day's list of one of its units, as present and unbooked — billed at the
 * unit's unbooked price (billing/billable.ts). Only a unit of the site that opens that day, and a
 * child with no booking of it that day: one who has one is marked in the list instead.
 */

export interface UnbookedChild {
  childId: string;
  firstName: string;
  lastName: string;
  groupName: string | null;
}

/** A unit open on the day, and the enrolled children who have no booking of it. */
export interface UnbookedChoice {
  unitId: string;
  activityName: string;
  unitName: string;
  children: UnbookedChild[];
}

export type UnbookedError = 'required' | 'closed' | 'not_enrolled' | 'already_booked';

export type UnbookedResult =
  | { kind: 'recorded'; bookingId: string }
  | { kind: 'invalid'; error: UnbookedError }
  | { kind: 'future_day' }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

interface SiteUnit {
  activityId: string;
  activityName: string;
  unitId: string;
  unitName: string;
  open: boolean;
}

/** The units of the site's activities (or of those without a site), each saying whether it opens that day. */
async function unitsOfSite(scope: Scope, calendar: DayCalendar, site: SiteChoice, day: string): Promise<SiteUnit[]> {
  let query = scope.tx.selectFrom('activities').select('id').orderBy('name');
  query = site === 'none' ? query.where('site_id', 'is', null) : query.where('site_id', '=', site);
  const units: SiteUnit[] = [];
  for (const { id } of await query.execute()) {
    const definition = await loadActivityDefinition(scope.tx, id);
    if (!definition) continue;
    for (const unit of definition.units)
      units.push({
        activityId: id,
        activityName: definition.activity.name,
        unitId: unit.id,
        unitName: unit.name,
        open: closedReasonOf(openingRulesOf(definition, unit), day, calendar) === null,
      });
  }
  return units;
}

/**
 * What a manager may add to the day's lists of a site: per unit open that day, the children whose
 * enrollment in its activity is accepted and who have no live booking of it that day. Nothing for a
 * day still to come, nor for whoever may not take attendance.
 */
export async function unbookedChoices(scope: Scope, calendar: DayCalendar, input: { site: SiteChoice; day: string }): Promise<UnbookedChoice[]> {
  if (!may(scope, 'service.manage') || input.day > (await tenantToday(scope))) return [];
  const units = (await unitsOfSite(scope, calendar, input.site, input.day)).filter((unit) => unit.open);
  if (units.length === 0) return [];
  const enrolled = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .leftJoin('activity_groups as g', 'g.id', 'e.group_id')
    .select(['e.activity_id', 'e.child_id', 'p.first_name', 'p.last_name', 'g.name as group_name'])
    .where('e.activity_id', 'in', [...new Set(units.map((unit) => unit.activityId))])
    .where('e.status', '=', 'accepted')
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();
  if (enrolled.length === 0) return [];
  const booked = new Set(
    (
      await liveBookingsOf(scope.tx, {
        childIds: [...new Set(enrolled.map((row) => row.child_id))],
        unitIds: units.map((unit) => unit.unitId),
        days: [input.day],
      })
    ).map((booking) => `${booking.unit_id}|${booking.child_id}`),
  );
  return units
    .map((unit) => ({
      unitId: unit.unitId,
      activityName: unit.activityName,
      unitName: unit.unitName,
      children: enrolled
        .filter((row) => row.activity_id === unit.activityId && !booked.has(`${unit.unitId}|${row.child_id}`))
        .map((row) => ({ childId: row.child_id, firstName: row.first_name, lastName: row.last_name, groupName: row.group_name })),
    }))
    .filter((choice) => choice.children.length > 0);
}

/**
 * Adds a child to a unit's list of a past or present day, present and unbooked, in the group and the
 * household of its enrollment; the booking's event and an audit row say who did it. The unique index
 * of live bookings settles a race with a booking made meanwhile: the child is then already booked.
 */
export async function recordUnbookedPresence(
  scope: Scope,
  calendar: DayCalendar,
  input: { site: SiteChoice; day: string; choice: { unitId: string; childId: string } | null },
): Promise<UnbookedResult> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  if (input.day > (await tenantToday(scope))) return { kind: 'future_day' };
  const { choice } = input;
  if (!choice) return { kind: 'invalid', error: 'required' };
  const unit = (await unitsOfSite(scope, calendar, input.site, input.day)).find((candidate) => candidate.unitId === choice.unitId);
  if (!unit) return { kind: 'not_found' };
  if (!unit.open) return { kind: 'invalid', error: 'closed' };
  const enrollment = await scope.tx
    .selectFrom('enrollments')
    .select(['household_id', 'group_id'])
    .where('activity_id', '=', unit.activityId)
    .where('child_id', '=', choice.childId)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
  if (!enrollment) return { kind: 'invalid', error: 'not_enrolled' };
  const inserted = await scope.tx
    .insertInto('bookings')
    .values({
      tenant_id: scope.tenantId,
      child_id: choice.childId,
      unit_id: unit.unitId,
      day: input.day,
      household_id: enrollment.household_id,
      group_id: enrollment.group_id,
      status: 'present',
      unbooked: true,
      // A day already over holds none of the places families book.
      holds_pools: [],
      created_by: accountIdOf(scope.actor),
      created_at: scope.now,
      updated_at: scope.now,
    })
    // The index's own predicate, written out: PostgreSQL infers a partial index only from it.
    .onConflict((conflict) =>
      conflict
        .columns(['child_id', 'unit_id', 'day'])
        .where(sql<boolean>`status not in (${sql.join(ENDED.map((status) => sql.lit(status)))})`)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return { kind: 'invalid', error: 'already_booked' };
  const booking = { id: inserted.id, household_id: enrollment.household_id };
  await recordBookingEvent(scope, booking, null, 'present', null);
  await recordAudit(scope, {
    action: 'attendance.unbooked_presence',
    objectType: 'booking',
    objectId: booking.id,
    details: { day: input.day, unitId: unit.unitId, childId: choice.childId },
  });
  return { kind: 'recorded', bookingId: booking.id };
}
