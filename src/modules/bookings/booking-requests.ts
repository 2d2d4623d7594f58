import { randomUUID } from 'node:crypto';
import {
  bookingDeadlineOf,
  loadActivityDefinition,
  openingRulesOf,
  periodFor,
  poolsFor,
  unitRelationsOf,
  type ActivityDefinition,
  type Unit,
} from '../activities/activity-definitions.js';
import { closedReasonOf, type ClosedReason, type DayCalendar } from '../activities/availability.js';
import { deadlineInstant } from '../activities/deadlines.js';
import { schoolYearOf } from '../calendar/calendar-dates.js';
import { closedSchoolYears, unknownSchoolYearBookingsOf } from '../calendar/school-years.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { unitsInConflict } from '../activities/unit-rules.js';
import type { Actor } from '../actor.js';
import { accountIdOf } from '../actor.js';
import type { Scope } from '../scope.js';
import { HOLDS_NO_UNIT, isIn, type BookingStatus } from './booking-states.js';
import { acceptedGroups } from './enrollments.js';
import { sql } from 'kysely';
import { childrenOf, hasPendingEnrollment, insertBookings, liveBookingsOf, unitsHeld, type NewBookingRow } from './booking-queries.js';
import { allocatePlaces, giveBackAllocated, lockDayCounters, writeCounters, type LockedCounters, type PlaceRequest, type PlaceResult } from './places.js';
import { may } from '../access.js';
import { basketToFill, type Basket } from './baskets.js';
import { tellWaitlisted } from './waitlist.js';

/**
 * The booking pipeline. Every rule is checked here, on the server, inside the caller's single
 * transaction, whatever the calendar page showed: the child is the family's and enrolled, the unit
 * opens that day, the booking period is open, the deadline has not passed, the day's units fit
 * together; then a place is taken, or a waiting-list rank given.
 */

export interface BookingContext {
  calendar: DayCalendar & { isWorkingDay(date: string): boolean };
  timeZone: string;
  /** Families may not book the days of this school year yet: its holidays are unknown (calendar/school-years.ts). */
  schoolYearClosed(schoolYear: number): boolean;
}

/** The booking context of an authority, from its calendar and its settings. */
export function bookingContextFor(
  calendar: BookingContext['calendar'] & { hasSchoolHolidaysIn(schoolYear: number): boolean },
  tenant: { time_zone: string; settings: TenantSettings },
): BookingContext {
  return { calendar, timeZone: tenant.time_zone, schoolYearClosed: closedSchoolYears(calendar, unknownSchoolYearBookingsOf(tenant.settings)) };
}

export interface BookingChoice {
  childId: string;
  unitId: string;
  day: string;
}

export type RefusalReason =
  | ClosedReason
  | 'unknown_unit'
  | 'not_your_child'
  | 'not_enrolled'
  | 'enrollment_pending'
  | 'no_open_period'
  | 'period_not_open'
  | 'period_closed'
  | 'lottery_period'
  | 'deadline_passed'
  | 'unit_conflict'
  | 'needs_waiting_unit'
  | 'school_year_unknown';

export type BookingOutcome =
  | { kind: 'reserved'; bookingId: string }
  | { kind: 'requested'; bookingId: string }
  | { kind: 'awaiting_payment'; bookingId: string; basketId: string; expiresAt: Date }
  | { kind: 'waitlisted'; bookingId: string; rank: number }
  | { kind: 'already'; bookingId: string; status: BookingStatus }
  | { kind: 'refused'; reason: RefusalReason };

export interface ChoiceResult extends BookingChoice {
  outcome: BookingOutcome;
}

/**
 * Why a unit does not open to families on a day: the activity's and the calendar's rules, then a
 * school year whose holidays are unknown and that the authority keeps closed until they are.
 */
export function closedToFamilies(definition: ActivityDefinition, unit: Unit, day: string, context: BookingContext): RefusalReason | null {
  const closed = closedReasonOf(openingRulesOf(definition, unit), day, context.calendar);
  if (closed) return closed;
  return context.schoolYearClosed(schoolYearOf(day)) ? 'school_year_unknown' : null;
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
  const closed = closedToFamilies(definition, unit, day, context);
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
  /** Staff booking for the family chose to book after the deadline (ignored for anyone else). */
  passDeadline?: boolean;
}

/** One choice of one submission, with what the rules need to judge it. */
interface Asked {
  choice: BookingChoice;
  submission: BookingSubmission;
  definition: ActivityDefinition;
  groupId: string | null;
  /** Booked after its deadline because staff chose to: said on the booking's first event. */
  pastDeadline?: boolean;
}

/** The booking event's reason when staff booked or cancelled after the deadline on purpose. */
export const PAST_DEADLINE_REASON = 'staff_past_deadline';

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
    const mine = choices.map((choice): Asked => ({ choice, submission, definition, groupId: groupOf.get(choice.childId) ?? null }));
    asked.set(submission, mine);
    for (const entry of mine) {
      const { choice } = entry;
      const unit = unitsById.get(choice.unitId);
      if (!unit) verdicts.set(entry, 'unknown_unit');
      else if (definition.activity.requires_enrollment && !groupOf.has(choice.childId)) {
        verdicts.set(entry, (await hasPendingEnrollment(scope, submission.activityId, choice.childId)) ? 'enrollment_pending' : 'not_enrolled');
      } else {
        const verdict = ruleFor(definition, unit, choice.day, entry.groupId);
        entry.pastDeadline = verdict === 'deadline_passed' && submission.passDeadline === true && submission.actor.kind === 'staff';
        verdicts.set(entry, entry.pastDeadline ? null : verdict);
      }
    }
  }
  for (const definition of definitions.values()) {
    if (definition)
      await refuseUnitConflicts(
        scope,
        definition,
        [...verdicts.keys()].filter((entry) => entry.definition === definition),
        verdicts,
      );
  }

  const accepted = [...verdicts.keys()].filter((entry) => verdicts.get(entry) === null);
  const outcomes = await placeChoices(scope, accepted);
  await tellWaitlisted(
    scope,
    [...outcomes].flatMap(([entry, outcome]) =>
      outcome.kind === 'waitlisted'
        ? [
            {
              householdId: entry.submission.householdId,
              childId: entry.choice.childId,
              day: entry.choice.day,
              activityName: entry.definition.activity.name,
              unitName: entry.definition.units.find((unit) => unit.id === entry.choice.unitId)!.name,
              rank: outcome.rank,
            },
          ]
        : [],
    ),
  );
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

/**
 * A day's units must fit together, counting what the child already has booked that day and what
 * the other submissions answered with it ask for the child (a child of separated parents).
 */
async function refuseUnitConflicts(scope: Scope, definition: ActivityDefinition, entries: Asked[], verdicts: Map<Asked, RefusalReason | null>): Promise<void> {
  const accepted = entries.filter((entry) => verdicts.get(entry) === null);
  if (accepted.length === 0) return;
  const existing = await unitsHeld(scope.tx, {
    childIds: [...new Set(accepted.map((entry) => entry.choice.childId))],
    days: [...new Set(accepted.map((entry) => entry.choice.day))],
    unitIds: definition.units.map((unit) => unit.id),
  });
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
    const conflicting = unitsInConflict(relations, slot.booked);
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

/** One attempt at booking the accepted choices, step by step, under the day counters locked once. */
async function placeChoicesOnce(scope: Scope, entries: Asked[]): Promise<Map<Asked, BookingOutcome>> {
  const outcomes = new Map<Asked, BookingOutcome>();
  const counters = await lockDayCounters(scope.tx, scope.tenantId, entries.map(placeRequestOf));
  const days = await childDaysOf(scope, entries);
  const { placing, repeated } = setAsideAlreadyBooked(entries, days, outcomes);
  if (placing.length === 0) return outcomes;
  const places = await allocatePlaces(scope.tx, counters, placing.map(placeRequestOf));
  placing.forEach((entry, index) => {
    if (places[index]!.got) days.heldOn(entry.choice.childId, entry.choice.day).add(entry.choice.unitId);
  });
  refuseOrphanedUnits(placing, places, counters, days, outcomes);
  await writeCounters(scope.tx, counters);
  const kept = placing.flatMap((entry, index) => (outcomes.has(entry) ? [] : [{ entry, place: places[index]! }]));
  if (kept.length === 0) return outcomes;
  const baskets = await basketsOf(scope, kept);
  const rows = kept.map(({ entry, place }) => newBookingRow(entry, place, baskets));
  if ((await insertBookings(scope, rows)) !== rows.length) throw new BookedMeanwhile();
  answerPlaced(
    kept.map(({ entry }) => entry),
    rows,
    repeated,
    placing,
    outcomes,
    baskets,
  );
  return outcomes;
}

const keyOf = ({ choice }: Asked) => `${choice.childId}|${choice.unitId}|${choice.day}`;

function placeRequestOf(entry: Asked): PlaceRequest {
  return { pools: poolsFor(entry.definition, entry.choice.unitId, entry.groupId), day: entry.choice.day, unitId: entry.choice.unitId, groupId: entry.groupId };
}

/** What the children's days already hold: each live booking by key, and the units held per child and day. */
interface ChildDays {
  booked: Map<string, { id: string; status: BookingStatus }>;
  heldOn(childId: string, day: string): Set<string>;
}

async function childDaysOf(scope: Scope, entries: Asked[]): Promise<ChildDays> {
  const existing = await liveBookingsOf(scope.tx, {
    childIds: [...new Set(entries.map(({ choice }) => choice.childId))],
    unitIds: [...new Set(entries.flatMap(({ definition }) => definition.units.map((unit) => unit.id)))],
    days: [...new Set(entries.map(({ choice }) => choice.day))],
  });
  const held = new Map<string, Set<string>>();
  const heldOn = (childId: string, day: string) => {
    const key = `${childId}|${day}`;
    if (!held.has(key)) held.set(key, new Set());
    return held.get(key)!;
  };
  for (const row of existing) if (!isIn(HOLDS_NO_UNIT, row.status)) heldOn(row.child_id, row.day).add(row.unit_id);
  return { booked: new Map(existing.map((row) => [`${row.child_id}|${row.unit_id}|${row.day}`, { id: row.id, status: row.status }])), heldOn };
}

/**
 * A choice already booked answers 'already'. The first entry of a key is to be placed; a later one
 * (a child of separated parents asked by both households in the same turn) answers with it.
 */
function setAsideAlreadyBooked(entries: Asked[], days: ChildDays, outcomes: Map<Asked, BookingOutcome>): { placing: Asked[]; repeated: Asked[] } {
  const placing: Asked[] = [];
  const repeated: Asked[] = [];
  const placingKeys = new Set<string>();
  for (const entry of entries) {
    const row = days.booked.get(keyOf(entry));
    if (row) outcomes.set(entry, { kind: 'already', bookingId: row.id, status: row.status });
    else if (placingKeys.has(keyOf(entry))) repeated.push(entry);
    else {
      placing.push(entry);
      placingKeys.add(keyOf(entry));
    }
  }
  return { placing, repeated };
}

/**
 * A unit that needs another (a meal needing the day) got a place while what it needs only waits:
 * it would stand alone. Its place goes back and it is refused; the family books it once the day is
 * confirmed. Repeated, for units needing units that needed others.
 */
function refuseOrphanedUnits(placing: Asked[], places: PlaceResult[], counters: LockedCounters, days: ChildDays, outcomes: Map<Asked, BookingOutcome>): void {
  for (let orphaned = true; orphaned; ) {
    orphaned = false;
    placing.forEach((entry, index) => {
      const place = places[index]!;
      const unit = entry.definition.units.find((candidate) => candidate.id === entry.choice.unitId)!;
      const day = days.heldOn(entry.choice.childId, entry.choice.day);
      if (!place.got || unit.requires_any.length === 0 || unit.requires_any.some((other) => day.has(other))) return;
      giveBackAllocated(counters, place.poolIds, entry.choice.day);
      day.delete(unit.id);
      places[index] = { got: false, rank: 0 };
      outcomes.set(entry, { kind: 'refused', reason: 'needs_waiting_unit' });
      orphaned = true;
    });
  }
}

/**
 * A family's day of an activity paid at booking waits in the household's basket of the activity's
 * régie until paid (staff booking for a family book it at once: it is billed by the monthly run).
 */
function paidAtBooking(entry: Asked): string | null {
  const { activity } = entry.definition;
  return activity.paid_at_booking && activity.regie_id && entry.submission.actor.kind === 'family' ? activity.regie_id : null;
}

/** The open basket of each household and régie that has days to hold, taken or started once for the whole turn. */
async function basketsOf(scope: Scope, kept: { entry: Asked; place: PlaceResult }[]): Promise<Map<string, Basket>> {
  const baskets = new Map<string, Basket>();
  for (const { entry, place } of kept) {
    const regieId = paidAtBooking(entry);
    const key = `${entry.submission.householdId}|${regieId}`;
    if (!place.got || !regieId || baskets.has(key)) continue;
    baskets.set(key, await basketToFill(scope, entry.submission.householdId, regieId));
  }
  return baskets;
}

/**
 * The row of a choice placed: reserved (or requested, where the service validates) with its pools,
 * held in its basket where it is paid at booking, or waitlisted with its rank.
 */
function newBookingRow(entry: Asked, place: PlaceResult, baskets: Map<string, Basket>): NewBookingRow {
  const basket = place.got ? baskets.get(`${entry.submission.householdId}|${paidAtBooking(entry)}`) : undefined;
  const placed: BookingStatus = basket ? 'awaiting_payment' : entry.definition.activity.validation_mode === 'manual' ? 'requested' : 'reserved';
  return {
    basket_id: basket?.id ?? null,
    id: randomUUID(),
    child_id: entry.choice.childId,
    unit_id: entry.choice.unitId,
    day: entry.choice.day,
    household_id: entry.submission.householdId,
    group_id: entry.groupId,
    created_by: accountIdOf(entry.submission.actor),
    status: place.got ? placed : 'waitlisted',
    holds_pools: place.got ? place.poolIds : [],
    waitlist_rank: place.got ? null : place.rank,
    event_reason: entry.pastDeadline ? PAST_DEADLINE_REASON : null,
  };
}

/** Each inserted choice answers with its state; a repeated one answers 'already' with the booking made for its twin. */
function answerPlaced(
  kept: Asked[],
  rows: NewBookingRow[],
  repeated: Asked[],
  placing: Asked[],
  outcomes: Map<Asked, BookingOutcome>,
  baskets: Map<string, Basket>,
): void {
  const byKey = new Map<string, BookingOutcome>();
  const expiryOf = new Map([...baskets.values()].map((basket) => [basket.id, basket.expiresAt]));
  kept.forEach((entry, index) => {
    const { id: bookingId, status, waitlist_rank: rank, basket_id: basketId } = rows[index]!;
    const outcome: BookingOutcome =
      status === 'waitlisted'
        ? { kind: 'waitlisted', bookingId, rank: rank! }
        : status === 'reserved'
          ? { kind: 'reserved', bookingId }
          : status === 'awaiting_payment'
            ? { kind: 'awaiting_payment', bookingId, basketId: basketId!, expiresAt: expiryOf.get(basketId!)! }
            : { kind: 'requested', bookingId };
    outcomes.set(entry, outcome);
    byKey.set(keyOf(entry), { kind: 'already', bookingId, status });
  });
  for (const entry of repeated) outcomes.set(entry, byKey.get(keyOf(entry)) ?? outcomes.get(placing.find((other) => keyOf(other) === keyOf(entry))!)!);
}
