import type { Scope } from '../scope.js';
import { canMove } from '../state-machine.js';
import { BOOKING_MOVES, type BookingStatus } from './booking-states.js';
import { accountIdOf } from '../actor.js';

/** Whether a booking may move from one state to another (booking-states.ts). */
export function canMoveBooking(from: BookingStatus, to: BookingStatus): boolean {
  return canMove(BOOKING_MOVES, from, to);
}

export interface BookingRef {
  id: string;
  household_id: string;
  status: BookingStatus;
}

export interface MoveDetails {
  reason?: string | null;
  waitlistRank?: number | null;
  holdsPools?: string[];
  offerExpiresAt?: Date | null;
}

/**
 * Moves a booking to a new state if the move is allowed and nobody moved it meanwhile; each move is
 * written with an event row, which "Mes demandes" and the audit read.
 */
export async function moveBooking(scope: Scope, booking: BookingRef, to: BookingStatus, details: MoveDetails = {}): Promise<boolean> {
  if (!canMoveBooking(booking.status, to)) return false;
  const updated = await scope.tx
    .updateTable('bookings')
    .set({
      status: to,
      updated_at: scope.now,
      ...(details.reason !== undefined ? { reason: details.reason } : {}),
      waitlist_rank: to === 'waitlisted' ? (details.waitlistRank ?? null) : null,
      ...(details.holdsPools !== undefined ? { holds_pools: details.holdsPools } : {}),
      offer_expires_at: to === 'offered' ? (details.offerExpiresAt ?? null) : null,
    })
    .where('id', '=', booking.id)
    .where('status', '=', booking.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await recordBookingEvent(scope, booking, booking.status, to, details.reason ?? null);
  return true;
}

export async function recordBookingEvent(
  scope: Scope,
  booking: { id: string; household_id: string },
  from: BookingStatus | null,
  to: BookingStatus,
  reason: string | null,
): Promise<void> {
  await scope.tx
    .insertInto('booking_events')
    .values({
      tenant_id: scope.tenantId,
      booking_id: booking.id,
      household_id: booking.household_id,
      from_status: from,
      to_status: to,
      reason,
      actor_account_id: accountIdOf(scope.actor),
      at: scope.now,
    })
    .execute();
}
