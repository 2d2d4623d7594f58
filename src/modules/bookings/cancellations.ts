import { cancellationDeadlineOf, loadActivityDefinition, unitRelationsOf, type ActivityDefinition } from '../activities/activity-definitions.js';
import { deadlineInstant } from '../activities/deadlines.js';
import { unitConflicts } from '../activities/unit-rules.js';
import type { Scope } from '../scope.js';
import { PAST_DEADLINE_REASON, type BookingContext } from './booking-requests.js';
import { moveBooking } from './booking-transitions.js';
import { freePlaceOf, type HeldBooking } from './waitlist.js';
import { may } from '../access.js';
import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { FamilyNews, mailSenderOf } from '../notifications/family-news.js';
import { PAGES } from '../page-paths.js';
import { personFullName } from '../person-name.js';
import { CANCELLABLE, GONE, IN_BASKET, isIn } from './booking-states.js';

/** A family's cancellations, and the bookings it sees on its calendar and planning. */

export type CancelRefusal = 'deadline_passed' | 'not_cancellable' | 'dependent_deadline_passed';

/** A booking of the same child and day cancelled with the one asked, because it needed it. */
export interface DependentCancellation {
  bookingId: string;
  unitId: string;
  unitName: string;
  outcome: 'cancelled' | 'cancel_requested';
  /** Booked by the child's other household (separated parents): cancelled too, not billed, and that household told by email. */
  otherHousehold: boolean;
}

export type CancelOutcome =
  /** pastDeadline: staff cancelled after the deadline, as they chose to (absent otherwise). */
  | { kind: 'cancelled' | 'cancel_requested'; dependents: DependentCancellation[]; pastDeadline?: true }
  | { kind: 'refused'; reason: CancelRefusal }
  | { kind: 'not_found' };

interface DayBooking extends HeldBooking {
  child_id: string;
}

/**
 * Cancels a booking of the household: before the deadline the place is freed at once (or, where the
 * service validates, the cancellation is asked); after it the cancellation is refused and the day
 * stays booked (and billed). A waiting-list entry can always be withdrawn. The child's units of the
 * day that need the one cancelled (a meal needs the day or the morning) go with it, in the same
 * transaction, and the answer lists them — those the child's other household booked too (separated
 * parents: a meal without its day would be served to nobody), that household told by email.
 * Staff acting for the family keep to the deadlines too, unless they choose to pass them
 * (`passDeadline`): the place is then freed, not billed, and the events say why.
 */
export async function cancelBooking(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; bookingId: string; passDeadline?: boolean },
): Promise<CancelOutcome> {
  if (!may(scope, 'household.act', input.householdId)) return { kind: 'not_found' };
  const booking = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.child_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.id', '=', input.bookingId)
    .forUpdate(['b'])
    .executeTakeFirst();
  if (!booking || booking.household_id !== input.householdId) return { kind: 'not_found' };
  if (!isIn(CANCELLABLE, booking.status) || (isIn(IN_BASKET, booking.status) && (await basketFrozen(scope, booking.id))))
    return { kind: 'refused', reason: 'not_cancellable' };
  const definition = (await loadActivityDefinition(scope.tx, booking.activity_id))!;
  const passing = input.passDeadline === true && scope.actor.kind === 'staff';
  const late = pastDeadline(context, scope.now, definition, booking);
  if (late && !passing) return { kind: 'refused', reason: 'deadline_passed' };
  const dependents = await lockDependents(scope, definition, booking);
  // A unit that needs this one but can no longer be cancelled (the meal is ordered at J-7, the day
  // may be cancelled until J-2) refuses the whole cancellation: cancelling the meal would break its
  // deadline, and leaving it alone would keep (and bill) a meal for a child who does not come. The
  // family keeps both and may ask the service, whose staff may choose to pass the deadlines.
  const dependentLate = dependents.some((dependent) => pastDeadline(context, scope.now, definition, dependent));
  if (dependentLate && !passing) return { kind: 'refused', reason: 'dependent_deadline_passed' };
  const reason = late || dependentLate ? PAST_DEADLINE_REASON : null;

  // Waiting-list entries leave first: the places freed next then go to other children, never to
  // one of the entries being withdrawn here.
  const leaving = [booking, ...dependents].sort((a, b) => Number(b.status === 'waitlisted') - Number(a.status === 'waitlisted'));
  const outcomes = new Map<string, 'cancelled' | 'cancel_requested'>();
  for (const row of leaving) outcomes.set(row.id, await cancelOne(scope, definition, row, reason));
  const unitName = (unitId: string) => definition.units.find((unit) => unit.id === unitId)!.name;
  const others = dependents.filter((dependent) => dependent.household_id !== booking.household_id);
  if (others.length > 0) await tellOtherHousehold(scope, definition, others, unitName(booking.unit_id));
  return {
    kind: outcomes.get(booking.id)!,
    ...(reason === null ? {} : { pastDeadline: true as const }),
    dependents: dependents.map((dependent) => ({
      bookingId: dependent.id,
      unitId: dependent.unit_id,
      unitName: unitName(dependent.unit_id),
      outcome: outcomes.get(dependent.id)!,
      otherHousehold: dependent.household_id !== booking.household_id,
    })),
  };
}

/**
 * The child's other household learns that units it booked went with a unit the first household
 * cancelled (the day under the meal): which, for whom, and that they will not be billed.
 */
async function tellOtherHousehold(scope: Scope, definition: ActivityDefinition, gone: DayBooking[], cancelledUnit: string): Promise<void> {
  const child = await scope.tx.selectFrom('persons').select(['first_name', 'last_name']).where('id', '=', gone[0]!.child_id).executeTakeFirstOrThrow();
  const news = new FamilyNews({ subject: 'mail.dependentCancelled.many.subject', body: 'mail.dependentCancelled.many.body', link: PAGES.planning });
  for (const booking of gone) {
    news.add(booking.household_id, {
      line: 'mail.dependentCancelled.line',
      params: {
        child: personFullName(child),
        date: formatCalendarDate(booking.day),
        activity: definition.activity.name,
        unit: definition.units.find((unit) => unit.id === booking.unit_id)!.name,
        cancelled: cancelledUnit,
      },
      alone: {
        subject: 'mail.dependentCancelled.subject',
        body: 'mail.dependentCancelled.body',
        link: `${PAGES.planning}?enfant=${booking.child_id}&mois=${booking.day.slice(0, 7)}`,
      },
    });
  }
  await news.send(scope, await mailSenderOf(scope));
}

/**
 * The bookings that lean on the one cancelled, locked: their unit needs one of some units, met with
 * it and not without it, and so on (a unit needing one of those). A waiting-list entry counts,
 * unlike when booking: leaving the list of the day means the child will not come, so the meal
 * waiting on it goes too. The child's other household's bookings (separated parents) go as well:
 * a meal left without the day it needs would be billed for a child who does not come.
 *
 * Locked after the cancelled one, and only those: locking the child's whole day could close a
 * circle with a cancellation next door whose waiting list reaches one of the child's other units.
 * Read again under the lock, so one cancelled meanwhile is left out.
 */
async function lockDependents(scope: Scope, definition: ActivityDefinition, cancelled: DayBooking): Promise<DayBooking[]> {
  const day = await scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'status', 'unit_id'])
    .where('child_id', '=', cancelled.child_id)
    .where('day', '=', cancelled.day)
    .where(
      'unit_id',
      'in',
      definition.units.map((unit) => unit.id),
    )
    .where('status', 'not in', GONE)
    .execute();
  const relations = unitRelationsOf(definition);
  const lacksWithout = (gone: Set<string>) => {
    const held = new Set(day.filter((row) => !gone.has(row.id)).map((row) => row.unit_id));
    return (unitId: string) =>
      unitConflicts(relations, new Set([...held, unitId])).some((conflict) => conflict.kind === 'requires' && conflict.unitId === unitId);
  };
  // What lacked its unit already (set so by staff) is not this cancellation's doing.
  const lackedBefore = lacksWithout(new Set());
  const gone = new Set([cancelled.id]);
  for (;;) {
    const lacks = lacksWithout(gone);
    const more = day.filter((row) => !gone.has(row.id) && isIn(CANCELLABLE, row.status) && lacks(row.unit_id) && !lackedBefore(row.unit_id));
    if (more.length === 0) break;
    for (const row of more) gone.add(row.id);
  }
  gone.delete(cancelled.id);
  if (gone.size === 0) return [];
  const locked = await scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'child_id', 'status', 'day', 'unit_id', 'group_id', 'holds_pools', 'waitlist_rank'])
    .where('id', 'in', [...gone])
    .where('status', 'in', CANCELLABLE)
    .orderBy('id')
    .forUpdate()
    .execute();
  const position = (row: DayBooking) => definition.units.findIndex((unit) => unit.id === row.unit_id);
  return locked.sort((a, b) => position(a) - position(b));
}

/** Whether a day held in a basket is being paid: it stays until the payment's result is known. */
async function basketFrozen(scope: Scope, bookingId: string): Promise<boolean> {
  const row = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('baskets as k', 'k.id', 'b.basket_id')
    .select('k.frozen_at')
    .where('b.id', '=', bookingId)
    .executeTakeFirst();
  return row?.frozen_at != null;
}

/**
 * Whether the booking's cancellation deadline has passed (a waiting-list entry, or a day still
 * waiting in its basket unpaid, may always be cancelled).
 */
function pastDeadline(context: BookingContext, now: Date, definition: ActivityDefinition, booking: DayBooking): boolean {
  if (booking.status === 'waitlisted' || isIn(IN_BASKET, booking.status)) return false;
  const unit = definition.units.find((candidate) => candidate.id === booking.unit_id)!;
  return now >= deadlineInstant(cancellationDeadlineOf(definition, unit), booking.day, context.timeZone, (date) => context.calendar.isWorkingDay(date));
}

/** One booking out: its place freed and its waiting list moved, or its cancellation asked where the service validates. */
async function cancelOne(scope: Scope, definition: ActivityDefinition, booking: DayBooking, reason: string | null): Promise<'cancelled' | 'cancel_requested'> {
  if (booking.status === 'reserved' && definition.activity.validation_mode === 'manual' && scope.actor.kind !== 'staff') {
    await moveBooking(scope, booking, 'cancel_requested');
    return 'cancel_requested';
  }
  await moveBooking(scope, booking, 'cancelled', reason === null ? {} : { reason });
  await freePlaceOf(scope, definition, booking);
  return 'cancelled';
}

/**
 * Of `bookingIds`, the bookings cancelled (or whose cancellation is asked) with their unit: what a
 * cancellation took with it, shown on the page the family is sent back to. The household's own, and
 * those its children's other household booked (separated parents), named too.
 */
export async function cancelledAlong(
  scope: Scope,
  householdId: string,
  bookingIds: string[],
): Promise<Pick<DependentCancellation, 'unitName' | 'outcome' | 'otherHousehold'>[]> {
  if (bookingIds.length === 0 || !may(scope, 'household.act', householdId)) return [];
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.status', 'b.household_id', 'u.name'])
    .where('b.id', 'in', bookingIds)
    .where((eb) =>
      eb.or([
        eb('b.household_id', '=', householdId),
        eb('b.child_id', 'in', eb.selectFrom('household_members').select('person_id').where('household_id', '=', householdId).where('role', '=', 'child')),
      ]),
    )
    .where('b.status', 'in', ['cancelled', 'cancel_requested'])
    .orderBy('u.position')
    .execute();
  return rows.map((row) => ({
    unitName: row.name,
    outcome: row.status === 'cancelled' ? 'cancelled' : 'cancel_requested',
    otherHousehold: row.household_id !== householdId,
  }));
}

/** The household's bookings over a range of days, for its calendar and planning. */
export async function householdBookings(scope: Scope, householdId: string, from: string, to: string, childIds?: string[]) {
  if (!may(scope, 'household.read', householdId)) return [];
  let query = scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select([
      'b.id',
      'b.child_id',
      'b.unit_id',
      'b.day',
      'b.status',
      'b.waitlist_rank',
      'b.reason',
      'b.offer_expires_at',
      'u.name as unit_name',
      'u.activity_id',
      'a.name as activity_name',
    ])
    .where('b.household_id', '=', householdId)
    .where('b.day', '>=', from)
    .where('b.day', '<=', to)
    .where('b.status', '!=', 'cancelled')
    .orderBy('b.day')
    .orderBy('u.position');
  if (childIds && childIds.length > 0) query = query.where('b.child_id', 'in', childIds);
  return query.execute();
}
