import { cancellationDeadlineOf, loadActivityDefinition } from '../activities/activity-definitions.js';
import { deadlineInstant } from '../activities/deadlines.js';
import type { Scope } from '../scope.js';
import { actorMayBookFor, type BookingContext } from './booking-requests.js';
import { moveBooking } from './booking-transitions.js';
import { freePlaceOf } from './waitlist.js';

/** A family's cancellations, and the bookings it sees on its calendar and planning. */

export type CancelOutcome =
  | { kind: 'cancelled' }
  | { kind: 'cancel_requested' }
  | { kind: 'refused'; reason: 'deadline_passed' | 'not_cancellable' }
  | { kind: 'not_found' };

/**
 * Cancels a booking of the household: before the deadline the place is freed at once (or, where the
 * service validates, the cancellation is asked); after it the cancellation is refused and the day
 * stays booked (and billed). A waiting-list entry can always be withdrawn.
 */
export async function cancelBooking(scope: Scope, context: BookingContext, input: { householdId: string; bookingId: string }): Promise<CancelOutcome> {
  if (!actorMayBookFor(scope, input.householdId)) return { kind: 'not_found' };
  const booking = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.id', '=', input.bookingId)
    .forUpdate()
    .executeTakeFirst();
  if (!booking || booking.household_id !== input.householdId) return { kind: 'not_found' };
  if (!['requested', 'reserved', 'waitlisted', 'offered'].includes(booking.status)) return { kind: 'refused', reason: 'not_cancellable' };
  const definition = (await loadActivityDefinition(scope.tx, booking.activity_id))!;
  const unit = definition.units.find((candidate) => candidate.id === booking.unit_id)!;
  const staffOverride = scope.actor.kind === 'staff';
  if (booking.status !== 'waitlisted' && !staffOverride) {
    const deadline = deadlineInstant(cancellationDeadlineOf(definition, unit), booking.day, context.timeZone, (date) => context.calendar.isWorkingDay(date));
    if (scope.now >= deadline) return { kind: 'refused', reason: 'deadline_passed' };
  }
  if (booking.status === 'reserved' && definition.activity.validation_mode === 'manual' && !staffOverride) {
    await moveBooking(scope, booking, 'cancel_requested');
    return { kind: 'cancel_requested' };
  }
  await moveBooking(scope, booking, 'cancelled');
  await freePlaceOf(scope, definition, booking);
  return { kind: 'cancelled' };
}

/** The household's bookings over a range of days, for its calendar and planning. */
export async function householdBookings(scope: Scope, householdId: string, from: string, to: string, childIds?: string[]) {
  if (!actorMayBookFor(scope, householdId) && !(scope.actor.kind === 'staff')) return [];
  let query = scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.id', 'b.child_id', 'b.unit_id', 'b.day', 'b.status', 'b.waitlist_rank', 'b.reason', 'b.offer_expires_at', 'u.name as unit_name', 'u.activity_id', 'a.name as activity_name'])
    .where('b.household_id', '=', householdId)
    .where('b.day', '>=', from)
    .where('b.day', '<=', to)
    .where('b.status', '!=', 'cancelled')
    .orderBy('b.day')
    .orderBy('u.position');
  if (childIds && childIds.length > 0) query = query.where('b.child_id', 'in', childIds);
  return query.execute();
}

