import type { Transitions } from '../state-machine.js';

/**
 * The states of a booking, their allowed moves, and the sets of states the rules speak of — each
 * named once, here. DESIGN.md §4: requested → reserved | refused | waitlisted (rank) | offered;
 * cancel_requested → cancelled; after the day present, absent_excused, absent_billed, late_cancelled.
 * A day of an activity paid at booking waits in its basket (awaiting_payment), holding its place,
 * until paid (reserved) or until the basket expires or the family takes it out (cancelled).
 */
export const BOOKING_STATUSES = [
  'requested',
  'reserved',
  'refused',
  'waitlisted',
  'offered',
  'cancel_requested',
  'cancelled',
  'present',
  'absent_excused',
  'absent_billed',
  'late_cancelled',
  'awaiting_payment',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BOOKING_MOVES: Transitions<BookingStatus> = {
  requested: ['reserved', 'refused', 'cancelled'],
  reserved: ['cancel_requested', 'cancelled', 'late_cancelled', 'present', 'absent_excused', 'absent_billed'],
  waitlisted: ['reserved', 'requested', 'offered', 'refused', 'cancelled'],
  offered: ['reserved', 'cancelled'],
  cancel_requested: ['cancelled', 'reserved'],
  refused: [],
  cancelled: [],
  present: ['absent_excused', 'absent_billed'],
  absent_excused: ['present', 'absent_billed'],
  absent_billed: ['present', 'absent_excused'],
  late_cancelled: [],
  awaiting_payment: ['reserved', 'cancelled'],
};

/** Over: the day is free for this child and unit again (the unique index of live bookings leaves them out). */
export const ENDED = ['refused', 'cancelled'] as const satisfies readonly BookingStatus[];

/** Gone from the family's days: ended, or cancelled too late (still billed, but nothing happens that day). */
export const GONE = ['refused', 'cancelled', 'late_cancelled'] as const satisfies readonly BookingStatus[];

/** Holding a place of the day's pools: asked, given, offered, or used. */
export const HOLDS_PLACE = [
  'requested',
  'reserved',
  'offered',
  'cancel_requested',
  'present',
  'absent_excused',
  'absent_billed',
  'awaiting_payment',
] as const satisfies readonly BookingStatus[];

/**
 * Holding nothing for the rules between a day's units: gone, or only waiting (a meal cannot lean
 * on a day the child only waits for).
 */
export const HOLDS_NO_UNIT = ['refused', 'cancelled', 'late_cancelled', 'waitlisted'] as const satisfies readonly BookingStatus[];

/** What a family may cancel (before the deadline). */
export const CANCELLABLE = ['requested', 'reserved', 'waitlisted', 'offered', 'awaiting_payment'] as const satisfies readonly BookingStatus[];

/**
 * What a closure of the service cancels on its days: every booking, request and waiting-list entry
 * not yet attended (a day already marked present or absent stays as it happened).
 */
export const CLOSURE_CANCELS = [
  'requested',
  'reserved',
  'waitlisted',
  'offered',
  'cancel_requested',
  'awaiting_payment',
] as const satisfies readonly BookingStatus[];

/** Waiting for staff to decide: a booking or a cancellation asked for. */
export const AWAITING_DECISION = ['requested', 'cancel_requested'] as const satisfies readonly BookingStatus[];

/** On the day's attendance lists. */
export const ON_ATTENDANCE_LIST = ['requested', 'reserved', 'present', 'absent_excused', 'absent_billed'] as const satisfies readonly BookingStatus[];

/** Expected on the day (not yet marked absent). */
export const EXPECTED = ['requested', 'reserved', 'present'] as const satisfies readonly BookingStatus[];

/** Shown in the family's calendar feed: the days the child is expected or may be. */
export const IN_CALENDAR_FEED = ['reserved', 'requested', 'offered', 'present'] as const satisfies readonly BookingStatus[];

/** Days an absence declaration applies to: booked, or already marked (present or absent billed). */
export const ABSENCE_APPLIES = ['reserved', 'absent_billed', 'present'] as const satisfies readonly BookingStatus[];

/** The service's answers to a booking request, as "Mes demandes" shows them. */
export const ANSWERS = ['reserved', 'refused', 'offered'] as const satisfies readonly BookingStatus[];

/** Waiting in a prepayment basket: taken out at any time, whatever the cancellation deadline (nothing is paid yet). */
export const IN_BASKET = ['awaiting_payment'] as const satisfies readonly BookingStatus[];

export function isIn(set: readonly BookingStatus[], status: BookingStatus): boolean {
  return set.includes(status);
}
