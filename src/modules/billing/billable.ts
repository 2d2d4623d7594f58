import type { BookingStatus } from '../bookings/booking-states.js';
import type { BilledKind } from './billing.tables.js';

/**
 * What is billed, from the states a booking ends in — the one table of it:
 * - present (booked, then came): attended, at the usual price;
 * - present without a booking (recorded at attendance): attended, at the unbooked price;
 * - absent without excuse: billed as an absence (a penalty);
 * - cancelled after the deadline: billed as a late cancellation (a penalty);
 * - nothing else: excused absences, cancellations in time, closures, days refused or still waiting,
 *   and days still booked whose attendance was not taken (an anomaly the run's preview shows).
 */
const BILLED: Partial<Record<BookingStatus, BilledKind>> = {
  present: 'attended',
  absent_billed: 'absence',
  late_cancelled: 'late_cancellation',
};

export function billedKindOf(status: BookingStatus, unbooked: boolean): BilledKind | null {
  const kind = BILLED[status] ?? null;
  return kind === 'attended' && unbooked ? 'unbooked_presence' : kind;
}

/** The statuses some billing applies to (for the queries that look for what to bill). */
export const BILLABLE_STATUSES = Object.keys(BILLED) as BookingStatus[];

/** The statuses of a past day whose attendance was not taken: not billed yet, shown as an anomaly. */
export const AWAITING_ATTENDANCE = ['requested', 'reserved'] as const satisfies readonly BookingStatus[];

/**
 * A day paid at booking (billed 'prepaid' when its basket was paid) stays billed while the family
 * keeps it — booked, attended, absent without excuse, cancelled too late — and is reversed (its
 * price back as a credit) only when cancelled in time, excused or refused.
 */
export const PREPAID_HOLDS = ['reserved', 'cancel_requested', 'present', 'absent_billed', 'late_cancelled'] as const satisfies readonly BookingStatus[];

/** Whether a charge already billed still holds for its booking's state now. */
export function chargeHolds(billed: BilledKind | 'prepaid', status: BookingStatus, unbooked: boolean): boolean {
  if (billed === 'prepaid') return (PREPAID_HOLDS as readonly BookingStatus[]).includes(status);
  return billedKindOf(status, unbooked) === billed;
}
