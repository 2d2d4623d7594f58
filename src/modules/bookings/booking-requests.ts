import { randomUUID } from 'node:crypto';
import {
  bookingDeadlineOf, loadActivityDefinition, openingRulesOf, periodFor, poolsFor, unitRelationsOf,
  type ActivityDefinition, type Unit,
} from '../activities/activity-definitions.js';
import { closedReasonOf, type ClosedReason, type DayCalendar } from '../activities/availability.js';
import { deadlineInstant } from '../activities/deadlines.js';
import { unitConflicts } from '../activities/unit-rules.js';
import type { Actor } from '../actor.js';
import { accountIdOf } from '../actor.js';
import type { Scope } from '../scope.js';
import { HOLDS_NO_UNIT, type BookingStatus } from './bookings.tables.js';
import { acceptedGroups } from './enrollments.js';
import { sql } from 'kysely';
import { allocatePlaces, giveBackAllocated, lockDayCounters, writeCounters } from './places.js';
import { may } from '../access.js';

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
  | 'deadline_passed' | 'unit_conflict' | 'needs_waiting_unit';

export type BookingOutcome =
  | { kind: 'reserved'; bookingId: string }
  | { kind: 'requested'; bookingId: string }
  | { kind: 'waitlisted'; bookingId: string; rank: number }
  | { kind: 'already'; bookingId: string; status: BookingStatus }
  | { kind: 'refused'; reason: RefusalReason };

export interface ChoiceResult extends BookingChoice {
  outcome: BookingOutcome;
}

/** The children of each household (only they may be booked by it). */
async function childrenOf(scope: Scope, householdIds: string[]): Promise<Map<string, Set<string>>> {
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
 * Null when the actor may not book for this household or the activity is unknown.
 */
export async function requestBookings(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; activityId: string; choices: BookingChoice[] },
): Promise<ChoiceResult[] | null> {
  const [results] = await requestBookingsTogether(scope, context, [{ actor: scope.actor, ...input }]);
  return results!;
}

/** One household's booking form, as sent: who sent it, for which activity, and what it asks. */
export interface BookingSubmission {
  actor: Actor;
  householdId: string;
  activityId: string;
  choices: BookingChoice[];
}

/** One choice of one submission, with what the rules need to judge it. */
interface Asked {
  choice: BookingChoice;
  submission: BookingSubmission;
  definition: ActivityDefinition;
  groupId: string | null;
}

/**
 * Answers several submissions in the caller's one transaction, as `requestBookings` answers one,
 * and in the order given: the first submission takes its places first. A submission not to be
 * answered (unknown activity, a household the actor may not book for, a child of another household)
 * gets null and books nothing. On registration day the submissions that arrive together are
 * answered together (web/booking-gate.ts), so the day counters are locked once and the commit is
 * paid once for all of them.
 */
export async function requestBookingsTogether(scope: Scope, context: BookingContext, submissions: BookingSubmission[]): Promise<(ChoiceResult[] | null)[]> {
  const definitions = new Map<string, ActivityDefinition | null>();
  for (const activityId of new Set(submissions.map((submission) => submission.activityId))) {
    definitions.set(activityId, await loadActivityDefinition(scope.tx, activityId));
  }
  const admitted = submissions.filter((submission) => may(submission, 'household.act', submission.householdId) && definitions.get(submission.activityId));
  const children = await childrenOf(scope, [...new Set(admitted.map((submission) => submission.householdId))]);
  const groups = new Map<string, Map<string, string | null>>();
  for (const activityId of new Set(admitted.map((submission) => submission.activityId))) {
    const childIds = admitted.filter((submission) => submission.activityId === activityId).flatMap((submission) => [...children.get(submission.householdId)!]);
    groups.set(activityId, await acceptedGroups(scope.tx, activityId, [...new Set(childIds)]));
  }

  const asked = new Map<BookingSubmission, Asked[]>();
  const verdicts = new Map<Asked, RefusalReason | null>();
  // The calendar and deadline rules give the same answer for every child of a group on a unit and
  // day: computed once per turn (a turn can hold thousands of choices for the same few days).
  const ruled = new Map<string, RefusalReason | null>();
  const ruleFor = (definition: ActivityDefinition, unit: Unit, day: string, groupId: string | null) => {
    const key = `${unit.id}|${day}|${groupId ?? ''}`;
    if (!ruled.has(key)) ruled.set(key, refusalBeforePlaces(definition, unit, day, groupId, scope.now, context));
    return ruled.get(key)!;
  };
  for (const submission of admitted) {
    // A child of another household is an id this household cannot know: the submission is not
    // answered at all (null, as an unknown activity) and books nothing, not even its own children.
    if (submission.choices.some((choice) => !children.get(submission.householdId)!.has(choice.childId))) continue;
    const definition = definitions.get(submission.activityId)!;
    const groupOf = groups.get(submission.activityId)!;
    const unitsById = new Map(definition.units.map((unit) => [unit.id, unit]));
    // Sorted by day then unit; the sort is stable, so children of one day keep the family's order.
    const choices = dedupe(submission.choices).sort((a, b) => (a.day + a.unitId).localeCompare(b.day + b.unitId));
    const mine = choices.map((choice) => ({ choice, submission, definition, groupId: groupOf.get(choice.childId) ?? null }));
    asked.set(submission, mine);
    for (const entry of mine) {
      const { choice } = entry;
      const unit = unitsById.get(choice.unitId);
      if (!unit) verdicts.set(entry, 'unknown_unit');
      else if (definition.activity.requires_enrollment && !groupOf.has(choice.childId)) {
        verdicts.set(entry, (await hasPendingEnrollment(scope, submission.activityId, choice.childId)) ? 'enrollment_pending' : 'not_enrolled');
      } else verdicts.set(entry, ruleFor(definition, unit, choice.day, entry.groupId));
    }
  }
  for (const definition of definitions.values()) {
    if (definition) await refuseUnitConflicts(scope, definition, [...verdicts.keys()].filter((entry) => entry.definition === definition), verdicts);
  }

  const accepted = [...verdicts.keys()].filter((entry) => verdicts.get(entry) === null);
  const outcomes = await placeChoices(scope, accepted);
  return submissions.map((submission) => {
    const mine = asked.get(submission);
    if (!mine) return null;
    return mine.map((entry) => ({ ...entry.choice, outcome: outcomes.get(entry) ?? { kind: 'refused', reason: verdicts.get(entry)! } }));
  });
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

/**
 * A day's units must fit together, counting what the child already has booked that day and what
 * the other submissions answered with it ask for the child (a child of separated parents).
 */
async function refuseUnitConflicts(scope: Scope, definition: ActivityDefinition, entries: Asked[], verdicts: Map<Asked, RefusalReason | null>): Promise<void> {
  const accepted = entries.filter((entry) => verdicts.get(entry) === null);
  if (accepted.length === 0) return;
  const existing = await scope.tx
    .selectFrom('bookings')
    .select(['child_id', 'unit_id', 'day'])
    .where('child_id', 'in', [...new Set(accepted.map((entry) => entry.choice.childId))])
    .where('day', 'in', [...new Set(accepted.map((entry) => entry.choice.day))])
    .where('unit_id', 'in', definition.units.map((unit) => unit.id))
    .where('status', 'not in', HOLDS_NO_UNIT)
    .execute();
  const relations = unitRelationsOf(definition);
  const byChildDay = new Map<string, { booked: Set<string>; fresh: Asked[] }>();
  const slotOf = (childId: string, day: string) => {
    const key = `${childId}|${day}`;
    if (!byChildDay.has(key)) byChildDay.set(key, { booked: new Set(), fresh: [] });
    return byChildDay.get(key)!;
  };
  for (const row of existing) slotOf(row.child_id, row.day).booked.add(row.unit_id);
  for (const entry of accepted) {
    const slot = slotOf(entry.choice.childId, entry.choice.day);
    slot.booked.add(entry.choice.unitId);
    slot.fresh.push(entry);
  }
  for (const slot of byChildDay.values()) {
    const conflicting = new Set(unitConflicts(relations, slot.booked).flatMap((conflict) => (conflict.kind === 'excludes' ? [conflict.unitId, conflict.other] : [conflict.unitId])));
    for (const entry of slot.fresh) if (conflicting.has(entry.choice.unitId)) verdicts.set(entry, 'unit_conflict');
  }
}

/**
 * Books the accepted choices. Under the day counters, locked once for all: the choices already
 * booked answer 'already'; the others get a place or a rank, in the order given, and are inserted
 * with that state in one statement, with their events in another. The unique index on live
 * bookings stays the last word: a choice booked meanwhile by a transaction that did not need the
 * same counters (a unit without places) makes this step start again, and then answer 'already'.
 */
async function placeChoices(scope: Scope, entries: Asked[]): Promise<Map<Asked, BookingOutcome>> {
  if (entries.length === 0) return new Map();
  for (let attempt = 1; ; attempt += 1) {
    await sql`savepoint place_choices`.execute(scope.tx);
    try {
      const outcomes = await placeChoicesOnce(scope, entries);
      await sql`release savepoint place_choices`.execute(scope.tx);
      return outcomes;
    } catch (error) {
      if (!(error instanceof BookedMeanwhile) || attempt >= 3) throw error;
      await sql`rollback to savepoint place_choices`.execute(scope.tx);
    }
  }
}

class BookedMeanwhile extends Error {}

async function placeChoicesOnce(scope: Scope, entries: Asked[]): Promise<Map<Asked, BookingOutcome>> {
  const outcomes = new Map<Asked, BookingOutcome>();
  const keyOf = ({ choice }: Asked) => `${choice.childId}|${choice.unitId}|${choice.day}`;
  const request = (entry: Asked) => ({ pools: poolsFor(entry.definition, entry.choice.unitId, entry.groupId), day: entry.choice.day, unitId: entry.choice.unitId, groupId: entry.groupId });
  const counters = await lockDayCounters(scope.tx, scope.tenantId, entries.map(request));

  // Every live booking of these children on these days in these activities: what is already
  // booked, and what each child's day already holds (for the units that need another).
  const existing = await scope.tx
    .selectFrom('bookings')
    .select(['id', 'child_id', 'unit_id', 'day', 'status'])
    .where('child_id', 'in', [...new Set(entries.map(({ choice }) => choice.childId))])
    .where('unit_id', 'in', [...new Set(entries.flatMap(({ definition }) => definition.units.map((unit) => unit.id)))])
    .where('day', 'in', [...new Set(entries.map(({ choice }) => choice.day))])
    .where('status', 'not in', ['refused', 'cancelled'])
    .execute();
  const booked = new Map(existing.map((row) => [`${row.child_id}|${row.unit_id}|${row.day}`, { id: row.id, status: row.status }]));
  const held = new Map<string, Set<string>>();
  const heldOn = (childId: string, day: string) => {
    const key = `${childId}|${day}`;
    if (!held.has(key)) held.set(key, new Set());
    return held.get(key)!;
  };
  for (const row of existing) if (!(HOLDS_NO_UNIT as readonly string[]).includes(row.status)) heldOn(row.child_id, row.day).add(row.unit_id);
  // The first entry of a key is booked; a later one (a child of separated parents asked by both
  // households in the same turn) answers 'already' with it.
  const placing: Asked[] = [];
  const repeated: Asked[] = [];
  const placingKeys = new Set<string>();
  for (const entry of entries) {
    const row = booked.get(keyOf(entry));
    if (row) outcomes.set(entry, { kind: 'already', bookingId: row.id, status: row.status });
    else if (placingKeys.has(keyOf(entry))) repeated.push(entry);
    else {
      placing.push(entry);
      placingKeys.add(keyOf(entry));
    }
  }
  if (placing.length === 0) return outcomes;

  const places = await allocatePlaces(scope.tx, counters, placing.map(request));
  placing.forEach((entry, index) => {
    if (places[index]!.got) heldOn(entry.choice.childId, entry.choice.day).add(entry.choice.unitId);
  });
  // A unit that needs another (a meal needing the day) got a place while what it needs only waits:
  // it would stand alone. Its place goes back and it is refused; the family books it once the day
  // is confirmed. Repeated, for units needing units that needed others.
  for (let orphaned = true; orphaned; ) {
    orphaned = false;
    placing.forEach((entry, index) => {
      const place = places[index]!;
      const unit = entry.definition.units.find((candidate) => candidate.id === entry.choice.unitId)!;
      const day = heldOn(entry.choice.childId, entry.choice.day);
      if (!place.got || unit.requires_any.length === 0 || unit.requires_any.some((other) => day.has(other))) return;
      giveBackAllocated(counters, place.poolIds, entry.choice.day);
      day.delete(unit.id);
      places[index] = { got: false, rank: 0 };
      outcomes.set(entry, { kind: 'refused', reason: 'needs_waiting_unit' });
      orphaned = true;
    });
  }
  await writeCounters(scope.tx, counters);
  const refused = new Set([...outcomes.keys()].filter((entry) => outcomes.get(entry)!.kind === 'refused'));
  const kept = placing.filter((entry) => !refused.has(entry));
  const keptPlaces = places.filter((_, index) => !refused.has(placing[index]!));
  if (kept.length === 0) return outcomes;
  const rows = kept.map((entry, index) => {
    const place = keptPlaces[index]!;
    const placed: BookingStatus = entry.definition.activity.validation_mode === 'manual' ? 'requested' : 'reserved';
    return {
      id: randomUUID(), child_id: entry.choice.childId, unit_id: entry.choice.unitId, day: entry.choice.day,
      household_id: entry.submission.householdId, group_id: entry.groupId, created_by: accountOf(entry.submission.actor),
      status: place.got ? placed : ('waitlisted' as const), holds_pools: place.got ? place.poolIds : [], waitlist_rank: place.got ? null : place.rank,
    };
  });
  // One array per column rather than one parameter per value: a turn inserts thousands of rows.
  const column = <K extends keyof (typeof rows)[number]>(name: K) => rows.map((row) => row[name]);
  const inserted = await sql<{ id: string }>`
    insert into bookings (id, tenant_id, child_id, unit_id, day, household_id, group_id, created_by, created_at, updated_at, status, holds_pools, waitlist_rank)
    select b.id, ${scope.tenantId}, b.child_id, b.unit_id, b.day, b.household_id, b.group_id, b.created_by, ${scope.now}, ${scope.now}, b.status, h.holds::uuid[], b.waitlist_rank
    from unnest(${column('id')}::uuid[], ${column('child_id')}::uuid[], ${column('unit_id')}::uuid[], ${column('day')}::date[], ${column('household_id')}::uuid[],
                ${column('group_id')}::uuid[], ${column('created_by')}::uuid[], ${column('status')}::text[], ${column('waitlist_rank')}::int[])
      with ordinality as b(id, child_id, unit_id, day, household_id, group_id, created_by, status, waitlist_rank, n)
    join unnest(${rows.map((row) => `{${row.holds_pools.join(',')}}`)}::text[]) with ordinality as h(holds, n) using (n)
    on conflict (child_id, unit_id, day) where status not in ('refused', 'cancelled') do nothing
    returning id`.execute(scope.tx);
  if (inserted.rows.length !== rows.length) throw new BookedMeanwhile();
  await sql`
    insert into booking_events (tenant_id, booking_id, household_id, from_status, to_status, reason, actor_account_id, at)
    select ${scope.tenantId}, e.booking_id, e.household_id, null, e.to_status, null, e.actor, ${scope.now}
    from unnest(${column('id')}::uuid[], ${column('household_id')}::uuid[], ${column('status')}::text[], ${column('created_by')}::uuid[]) as e(booking_id, household_id, to_status, actor)`
    .execute(scope.tx);
  const byKey = new Map<string, BookingOutcome>();
  kept.forEach((entry, index) => {
    const { id: bookingId, status, waitlist_rank: rank } = rows[index]!;
    const outcome: BookingOutcome = status === 'waitlisted' ? { kind: 'waitlisted', bookingId, rank: rank! } : status === 'reserved' ? { kind: 'reserved', bookingId } : { kind: 'requested', bookingId };
    outcomes.set(entry, outcome);
    byKey.set(keyOf(entry), { kind: 'already', bookingId, status });
  });
  for (const entry of repeated) outcomes.set(entry, byKey.get(keyOf(entry)) ?? outcomes.get(placing.find((other) => keyOf(other) === keyOf(entry))!)!);
  return outcomes;
}

function accountOf(actor: Actor): string | null {
  return accountIdOf(actor);
}
