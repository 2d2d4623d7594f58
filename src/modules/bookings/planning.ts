import { sql } from 'kysely';
import { cancellationDeadlineOf, loadActivityDefinition, type ActivityDefinition } from '../activities/activity-definitions.js';
import { deadlineInstant } from '../activities/deadlines.js';
import { eachDay, weekdayOf } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import type { BookingContext } from './booking-requests.js';
import type { StaffCalendar } from './occupancy-report.js';
import type { BookingStatus } from './bookings.tables.js';
import { moveBooking } from './booking-transitions.js';
import { may } from '../access.js';
import { CANCELLABLE, isIn } from './booking-states.js';
import { CLOSURE_REASON, isClosureCancellation } from './closure-cancellations.js';

/** One booking as the family's month planning shows it, with what the family may still do. */
export interface PlanningEntry {
  bookingId: string;
  activityName: string;
  unitName: string;
  status: BookingStatus;
  rank: number | null;
  /** Until when it can be cancelled (null when it cannot be cancelled any more). */
  cancellableUntil: Date | null;
  /** The cancellation deadline that has passed, when the family could have cancelled it before: said instead of a button. */
  cancelClosedAt: Date | null;
  offerExpiresAt: Date | null;
  /** Cancelled because the service closed that day: the closure's reason ('' when it was removed since). */
  closure: string | null;
  /** Booked by staff for the family (at the counter, on the phone). */
  byService: boolean;
}

export interface PlanningDay {
  day: string;
  weekday: number;
  publicHoliday: boolean;
  schoolHoliday: boolean;
  /** An absence declared for the day that the service has not answered yet. */
  absencePending: boolean;
  entries: PlanningEntry[];
}

/** A child's month, across every activity: the planning of seeds 001, 002 and 004. */
export async function childPlanning(
  scope: Scope,
  context: BookingContext & { calendar: Pick<StaffCalendar, 'closureReason'> },
  input: { householdId: string; childId: string; from: string; to: string },
): Promise<PlanningDay[] | null> {
  if (!may(scope, 'household.read', input.householdId)) return null;
  const member = await scope.tx
    .selectFrom('household_members')
    .select('person_id')
    .where('household_id', '=', input.householdId)
    .where('person_id', '=', input.childId)
    .where('role', '=', 'child')
    .executeTakeFirst();
  if (!member) return null;
  const bookings = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select([
      'b.id',
      'b.day',
      'b.status',
      'b.waitlist_rank',
      'b.offer_expires_at',
      'b.reason',
      'b.unit_id',
      sql<boolean>`exists(select 1 from accounts c where c.id = b.created_by and c.kind = 'staff')`.as('by_service'),
      'u.name as unit_name',
      'u.activity_id',
      'a.name as activity_name',
    ])
    .where('b.child_id', '=', input.childId)
    .where('b.household_id', '=', input.householdId)
    .where('b.day', '>=', input.from)
    .where('b.day', '<=', input.to)
    // A cancellation is the family's own doing and leaves the planning; a closure's stays, as "Fermé".
    .where((eb) => eb.or([eb('b.status', '!=', 'cancelled'), eb('b.reason', '=', CLOSURE_REASON)]))
    .orderBy('a.name')
    .orderBy('u.position')
    .execute();
  const absences = await scope.tx
    .selectFrom('absence_declarations')
    .select(['first_day', 'last_day'])
    .where('household_id', '=', input.householdId)
    .where('child_id', '=', input.childId)
    .where('status', '=', 'pending')
    .where('first_day', '<=', input.to)
    .where('last_day', '>=', input.from)
    .execute();
  const definitions = new Map<string, ActivityDefinition>();
  for (const activityId of new Set(bookings.map((booking) => booking.activity_id))) {
    definitions.set(activityId, (await loadActivityDefinition(scope.tx, activityId))!);
  }
  return eachDay(input.from, input.to).map((day) => ({
    day,
    weekday: weekdayOf(day),
    publicHoliday: context.calendar.closedReason(day, { siteId: null, activityId: '' }) === 'public_holiday',
    schoolHoliday: context.calendar.isSchoolHoliday(day),
    absencePending: absences.some((absence) => absence.first_day <= day && day <= absence.last_day),
    entries: bookings
      .filter((booking) => booking.day === day)
      .map((booking) => {
        const definition = definitions.get(booking.activity_id)!;
        const unit = definition.units.find((candidate) => candidate.id === booking.unit_id)!;
        const deadline =
          booking.status === 'waitlisted'
            ? null
            : deadlineInstant(cancellationDeadlineOf(definition, unit), day, context.timeZone, (date) => context.calendar.isWorkingDay(date));
        const open = isIn(CANCELLABLE, booking.status) && (deadline === null || scope.now < deadline);
        return {
          bookingId: booking.id,
          activityName: booking.activity_name,
          unitName: booking.unit_name,
          status: booking.status,
          rank: booking.waitlist_rank,
          cancellableUntil: open ? (deadline ?? new Date(`${day}T00:00:00Z`)) : null,
          cancelClosedAt: isIn(CANCELLABLE, booking.status) && !open ? deadline : null,
          offerExpiresAt: booking.offer_expires_at,
          byService: booking.by_service,
          closure: isClosureCancellation(booking)
            ? (context.calendar.closureReason?.(day, { siteId: definition.activity.site_id, activityId: booking.activity_id }) ?? '')
            : null,
        };
      }),
  }));
}

/** The family takes the place it was offered, before the offer expires. */
export async function confirmOffer(scope: Scope, input: { householdId: string; bookingId: string }): Promise<'confirmed' | 'expired' | 'not_found'> {
  if (!may(scope, 'household.act', input.householdId)) return 'not_found';
  const booking = await scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'status', 'offer_expires_at'])
    .where('id', '=', input.bookingId)
    .forUpdate()
    .executeTakeFirst();
  if (!booking || booking.household_id !== input.householdId || booking.status !== 'offered') return 'not_found';
  if (booking.offer_expires_at && booking.offer_expires_at <= scope.now) return 'expired';
  return (await moveBooking(scope, booking, 'reserved')) ? 'confirmed' : 'not_found';
}
