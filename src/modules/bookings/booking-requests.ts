import {
  bookingDeadlineOf, loadActivityDefinition, openingRulesOf, periodFor, poolsFor, unitRelationsOf,
  type ActivityDefinition, type Unit,
} from '../activities/activity-definitions.js';
import { closedReasonOf, type ClosedReason, type DayCalendar } from '../activities/availability.js';
import { deadlineInstant } from '../activities/deadlines.js';
import { unitConflicts } from '../activities/unit-rules.js';
import type { Scope } from '../scope.js';
import type { BookingStatus } from './bookings.tables.js';
import { acceptedGroups } from './enrollments.js';
import { sql } from 'kysely';
import { takePlacesInOrder } from './places.js';

/**
 * The booking pipeline. Every rule is checked here, on the server, inside the caller's single
 * transaction, whatever the calendar page showed: the child is the family's and enrolled, the unit
 * opens that day, the booking period is open, the deadline has not passed, the day's units fit
 * together; then a place is taken, or a waiting-list rank given.
 */

export interface BookingContext {
  calendar: DayCalendar & { isWorkingDay(date: string): boolean };
  timeZone: string;
}

export interface BookingChoice {
  childId: string;
  unitId: string;
  day: string;
}

export type RefusalReason =
  | ClosedReason
  | 'unknown_unit' | 'not_your_child' | 'not_enrolled' | 'enrollment_pending'
  | 'no_open_period' | 'period_not_open' | 'period_closed' | 'lottery_period'
  | 'deadline_passed' | 'unit_conflict';

export type BookingOutcome =
  | { kind: 'reserved'; bookingId: string }
  | { kind: 'requested'; bookingId: string }
  | { kind: 'waitlisted'; bookingId: string; rank: number }
  | { kind: 'already'; bookingId: string; status: BookingStatus }
  | { kind: 'refused'; reason: RefusalReason };

export interface ChoiceResult extends BookingChoice {
  outcome: BookingOutcome;
}

/** The children of a household (only they may be booked by it). */
async function childrenOf(scope: Scope, householdId: string): Promise<Set<string>> {
  const rows = await scope.tx.selectFrom('household_members').select('person_id').where('household_id', '=', householdId).where('role', '=', 'child').execute();
  return new Set(rows.map((row) => row.person_id));
}

/** Only the family itself, or staff who may change things, act on a household's bookings. */
export function actorMayBookFor(scope: Scope, householdId: string): boolean {
  return (scope.actor.kind === 'family' && scope.actor.householdId === householdId) || (scope.actor.kind === 'staff' && scope.actor.role !== 'reader');
}

/** Why a unit cannot be booked for a child on a day, before looking at places; null if it can. */
export function refusalBeforePlaces(
  definition: ActivityDefinition,
  unit: Unit,
  day: string,
  groupId: string | null,
  now: Date,
  context: BookingContext,
): RefusalReason | null {
  const closed = closedReasonOf(openingRulesOf(definition, unit), day, context.calendar);
  if (closed) return closed;
  if (definition.periods.length > 0) {
    const period = periodFor(definition, day, groupId);
    if (!period) return 'no_open_period';
    if (now < period.opens_at) return 'period_not_open';
    if (now >= period.closes_at) return 'period_closed';
    if (period.allocation === 'lottery') return 'lottery_period';
  }
  const deadline = deadlineInstant(bookingDeadlineOf(definition, unit), day, context.timeZone, (date) => context.calendar.isWorkingDay(date));
  if (now >= deadline) return 'deadline_passed';
  return null;
}

/**
 * Books the chosen units and days for children of one household, each choice answered on its own:
 * reserved, requested (the service validates), waiting list with its rank, or refused with the reason.
 * A choice already booked answers with its booking, so a double submission books nothing twice.
 */
export async function requestBookings(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; activityId: string; choices: BookingChoice[] },
): Promise<ChoiceResult[] | null> {
  if (!actorMayBookFor(scope, input.householdId)) return null;
  const definition = await loadActivityDefinition(scope.tx, input.activityId);
  if (!definition) return null;
  const children = await childrenOf(scope, input.householdId);
  const groups = await acceptedGroups(scope.tx, input.activityId, [...children]);
  const unitsById = new Map(definition.units.map((unit) => [unit.id, unit]));
  // Sorted by day then unit, so concurrent requests lock the same counters in the same order; the
  // sort is stable, so children of one day keep the order the family gave them in.
  const choices = dedupe(input.choices).sort((a, b) => (a.day + a.unitId).localeCompare(b.day + b.unitId));

  const verdicts = new Map<BookingChoice, RefusalReason | null>();
  for (const choice of choices) {
    const unit = unitsById.get(choice.unitId);
    if (!unit) verdicts.set(choice, 'unknown_unit');
    else if (!children.has(choice.childId)) verdicts.set(choice, 'not_your_child');
    else if (definition.activity.requires_enrollment && groups.get(choice.childId) === undefined) {
      verdicts.set(choice, (await hasPendingEnrollment(scope, input.activityId, choice.childId)) ? 'enrollment_pending' : 'not_enrolled');
    } else verdicts.set(choice, refusalBeforePlaces(definition, unit, choice.day, groups.get(choice.childId) ?? null, scope.now, context));
  }
  await refuseUnitConflicts(scope, definition, choices, verdicts);

  const accepted = choices.filter((choice) => verdicts.get(choice) === null);
  const outcomes = await placeChoices(scope, definition, input.householdId, accepted, groups);
  const results: ChoiceResult[] = choices.map((choice) => ({
    ...choice,
    outcome: outcomes.get(choice) ?? { kind: 'refused', reason: verdicts.get(choice)! },
  }));
  return results;
}

function dedupe(choices: BookingChoice[]): BookingChoice[] {
  const seen = new Map<string, BookingChoice>();
  for (const choice of choices) seen.set(`${choice.childId}|${choice.unitId}|${choice.day}`, choice);
  return [...seen.values()];
}

async function hasPendingEnrollment(scope: Scope, activityId: string, childId: string): Promise<boolean> {
  const row = await scope.tx.selectFrom('enrollments').select('id').where('activity_id', '=', activityId).where('child_id', '=', childId).where('status', '=', 'pending').executeTakeFirst();
  return row !== undefined;
}

/** A day's units must fit together, counting what the child already has booked that day. */
async function refuseUnitConflicts(scope: Scope, definition: ActivityDefinition, choices: BookingChoice[], verdicts: Map<BookingChoice, RefusalReason | null>): Promise<void> {
  const accepted = choices.filter((choice) => verdicts.get(choice) === null);
  if (accepted.length === 0) return;
  const existing = await scope.tx
    .selectFrom('bookings')
    .select(['child_id', 'unit_id', 'day'])
    .where('child_id', 'in', [...new Set(accepted.map((choice) => choice.childId))])
    .where('day', 'in', [...new Set(accepted.map((choice) => choice.day))])
    .where('unit_id', 'in', definition.units.map((unit) => unit.id))
        // A waiting-list entry holds nothing: a meal cannot lean on a day the child only waits for.
    .where('status', 'not in', ['refused', 'cancelled', 'late_cancelled', 'waitlisted'])
    .execute();
  const relations = unitRelationsOf(definition);
  const byChildDay = new Map<string, { booked: Set<string>; fresh: BookingChoice[] }>();
  const entry = (childId: string, day: string) => {
    const key = `${childId}|${day}`;
    if (!byChildDay.has(key)) byChildDay.set(key, { booked: new Set(), fresh: [] });
    return byChildDay.get(key)!;
  };
  for (const row of existing) entry(row.child_id, row.day).booked.add(row.unit_id);
  for (const choice of accepted) {
    const slot = entry(choice.childId, choice.day);
    slot.booked.add(choice.unitId);
    slot.fresh.push(choice);
  }
  for (const slot of byChildDay.values()) {
    const conflicting = new Set(unitConflicts(relations, slot.booked).flatMap((conflict) => (conflict.kind === 'excludes' ? [conflict.unitId, conflict.other] : [conflict.unitId])));
    for (const choice of slot.fresh) if (conflicting.has(choice.unitId)) verdicts.set(choice, 'unit_conflict');
  }
}

/**
 * Books the accepted choices: one insert for all (the unique index on live bookings turns a double
 * submission into 'already', waiting for the first transaction if it still runs), places taken for
 * all in one short locked section, then one update of their states and one insert of their events.
 */
async function placeChoices(
  scope: Scope,
  definition: ActivityDefinition,
  householdId: string,
  choices: BookingChoice[],
  groups: Map<string, string | null>,
): Promise<Map<BookingChoice, BookingOutcome>> {
  const outcomes = new Map<BookingChoice, BookingOutcome>();
  if (choices.length === 0) return outcomes;
  const key = (choice: { child_id?: string; childId?: string; unit_id?: string; unitId?: string; day: string }) =>
    `${choice.childId ?? choice.child_id}|${choice.unitId ?? choice.unit_id}|${choice.day}`;
  const inserted = await scope.tx
    .insertInto('bookings')
    .values(choices.map((choice) => ({
      tenant_id: scope.tenantId, child_id: choice.childId, unit_id: choice.unitId, day: choice.day, household_id: householdId,
      group_id: groups.get(choice.childId) ?? null, status: 'requested' as const, created_by: accountOf(scope), created_at: scope.now, updated_at: scope.now,
    })))
    .onConflict((conflict) => conflict.columns(['child_id', 'unit_id', 'day']).where('status', 'not in', ['refused', 'cancelled']).doNothing())
    .returning(['id', 'child_id', 'unit_id', 'day'])
    .execute();
  const fresh = new Map(inserted.map((row) => [key(row), row.id]));
  const already = choices.filter((choice) => !fresh.has(key(choice)));
  if (already.length > 0) {
    const existing = await scope.tx
      .selectFrom('bookings')
      .select(['id', 'child_id', 'unit_id', 'day', 'status'])
      .where('child_id', 'in', [...new Set(already.map((choice) => choice.childId))])
      .where('unit_id', 'in', [...new Set(already.map((choice) => choice.unitId))])
      .where('day', 'in', [...new Set(already.map((choice) => choice.day))])
      .where('status', 'not in', ['refused', 'cancelled'])
      .execute();
    const byKey = new Map(existing.map((row) => [key(row), row]));
    for (const choice of already) {
      const row = byKey.get(key(choice))!;
      outcomes.set(choice, { kind: 'already', bookingId: row.id, status: row.status });
    }
  }
  const placing = choices.filter((choice) => fresh.has(key(choice)));
  const places = await takePlacesInOrder(scope.tx, scope.tenantId, placing.map((choice) => ({
    bookingId: fresh.get(key(choice))!, pools: poolsFor(definition, choice.unitId, groups.get(choice.childId) ?? null),
    day: choice.day, unitId: choice.unitId, groupId: groups.get(choice.childId) ?? null,
  })));
  const placedStatus: BookingStatus = definition.activity.validation_mode === 'manual' ? 'requested' : 'reserved';
  const states = places.map((place) => ({
    id: place.bookingId,
    status: place.got ? placedStatus : ('waitlisted' as const),
    holds: place.got ? place.poolIds : [],
    rank: place.got ? null : place.rank,
  }));
  if (states.length > 0) {
    await sql`
      update bookings b set status = v.status, holds_pools = v.holds, waitlist_rank = v.rank
      from (values ${sql.join(states.map((state) => sql`(${state.id}::uuid, ${state.status}, ${state.holds}::uuid[], ${state.rank}::int)`))}) as v(id, status, holds, rank)
      where b.id = v.id`.execute(scope.tx);
    await scope.tx
      .insertInto('booking_events')
      .values(states.map((state) => ({
        tenant_id: scope.tenantId, booking_id: state.id, household_id: householdId, from_status: null, to_status: state.status,
        reason: null, actor_account_id: accountOf(scope), at: scope.now,
      })))
      .execute();
  }
  placing.forEach((choice, index) => {
    const state = states[index]!;
    const bookingId = state.id;
    outcomes.set(choice, state.status === 'waitlisted' ? { kind: 'waitlisted', bookingId, rank: state.rank! } : state.status === 'reserved' ? { kind: 'reserved', bookingId } : { kind: 'requested', bookingId });
  });
  return outcomes;
}

function accountOf(scope: Scope): string | null {
  return scope.actor.kind === 'family' || scope.actor.kind === 'staff' ? scope.actor.accountId : null;
}
