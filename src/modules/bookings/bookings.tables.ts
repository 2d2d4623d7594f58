import type { Generated } from 'kysely';
import type { CalendarDate, Id, Json, NullableTimestamp, Timestamp } from '../../db/column-types.js';
import type { BookingStatus } from './booking-states.js';
import type { Transitions } from '../state-machine.js';

export type EnrollmentStatus = 'pending' | 'accepted' | 'refused' | 'withdrawn';

/** An enrollment request is decided once by staff, or withdrawn by its family before. */
export const ENROLLMENT_MOVES: Transitions<EnrollmentStatus> = { pending: ['accepted', 'refused', 'withdrawn'], accepted: [], refused: [], withdrawn: [] };

export interface EnrollmentsTable {
  id: Id;
  tenant_id: string;
  child_id: string;
  activity_id: string;
  group_id: string | null;
  household_id: string;
  status: Generated<EnrollmentStatus>;
  reason: string | null;
  comment: string | null;
  created_by: string | null;
  created_at: Timestamp;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export type { BookingStatus } from './booking-states.js';

export interface BookingsTable {
  id: Id;
  tenant_id: string;
  child_id: string;
  unit_id: string;
  day: CalendarDate;
  household_id: string;
  group_id: string | null;
  status: BookingStatus;
  waitlist_rank: number | null;
  holds_pools: Generated<string[]>;
  offer_expires_at: NullableTimestamp;
  reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** A day attended without a booking, recorded at attendance (billed at the unbooked price). */
  unbooked: Generated<boolean>;
  /** The prepayment basket a day paid at booking went into (held while 'awaiting_payment'). */
  basket_id: Generated<string | null>;
}

export type BasketState = 'open' | 'paid' | 'expired' | 'cancelled';

/** A basket is paid, expires unpaid, or is emptied by its family, once. */
export const BASKET_MOVES: Transitions<BasketState> = { open: ['paid', 'expired', 'cancelled'], paid: [], expired: [], cancelled: [] };

/** A household's days of one régie waiting to be paid (prepayment), and until when their places are held. */
export interface BasketsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  regie_id: string;
  state: Generated<BasketState>;
  expires_at: Timestamp;
  /** Set while a payment is under way: the days and prices are fixed until it fails. */
  frozen_at: NullableTimestamp;
  invoice_id: string | null;
  created_at: Timestamp;
  settled_at: NullableTimestamp;
}

/** A held day's price, fixed when its basket's payment starts. */
export interface BasketLinesTable {
  booking_id: string;
  tenant_id: string;
  basket_id: string;
  care_cents: number;
  meal_cents: number;
}

export interface BookingEventsTable {
  id: Generated<number>;
  tenant_id: string;
  booking_id: string;
  household_id: string;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  reason: string | null;
  actor_account_id: string | null;
  at: Timestamp;
}

export type AbsenceReason = 'illness' | 'family' | 'other';
export type AbsenceStatus = 'pending' | 'accepted' | 'refused';

/** An absence is excused (accepted) or refused once by staff. */
export const ABSENCE_MOVES: Transitions<AbsenceStatus> = { pending: ['accepted', 'refused'], accepted: [], refused: [] };

export interface AbsenceDeclarationsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  child_id: string;
  first_day: CalendarDate;
  last_day: CalendarDate;
  reason: AbsenceReason;
  comment: string | null;
  document_id: string | null;
  status: Generated<AbsenceStatus>;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
}

/** A booking form a household sent, with the answer to each of its choices (booking-submissions.ts). */
export interface BookingSubmissionsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  activity_id: string;
  created_by: string | null;
  created_at: Timestamp;
  /** Each choice with its outcome: booking-submissions.ts's KeptResult. */
  results: Json<unknown[]>;
}

export interface CalendarFeedsTable {
  token: string;
  tenant_id: string;
  household_id: string;
  child_id: string;
  created_at: Timestamp;
}

export interface BookingsTables {
  enrollments: EnrollmentsTable;
  bookings: BookingsTable;
  booking_events: BookingEventsTable;
  absence_declarations: AbsenceDeclarationsTable;
  calendar_feeds: CalendarFeedsTable;
  baskets: BasketsTable;
  basket_lines: BasketLinesTable;
  booking_submissions: BookingSubmissionsTable;
}
