import { periodKey } from '../../i18n/catalogue.js';
import { recordAudit } from '../audit/audit-log.js';
import { may, refusal } from '../access.js';
import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { FamilyNews, mailSenderOf } from '../notifications/family-news.js';
import { PAGES } from '../page-paths.js';
import { personFullName } from '../person-name.js';
import type { Scope } from '../scope.js';
import { declareAbsence, type AbsenceForm, type AbsenceLimits } from './absences.js';
import { PAST_DEADLINE_REASON, requestBookingsTogether, type BookingChoice, type BookingContext, type BookingSubmission } from './booking-requests.js';
import { keepSubmissions } from './booking-submissions.js';
import { cancelBooking, type CancelOutcome } from './cancellations.js';
import { requestEnrollment } from './enrollments.js';

/**
 * Staff acting for a family at the counter or on the phone (the "Relais des enfants" of seed 000):
 * the family's own engine books, cancels, declares and enrolls, every rule applied — staff may pass
 * a deadline only when they say so — then the journal says who did it for whom, and the family is
 * told by one email per action.
 */

export type Refused = { kind: 'forbidden' } | { kind: 'not_found' };

/** Only staff who may act for the household act at the counter; read-only staff are told "forbidden". */
function counterRefusal(scope: Scope, householdId: string): Refused | null {
  if (scope.actor.kind !== 'staff') return { kind: 'not_found' };
  if (may(scope, 'household.act', householdId)) return null;
  return refusal(scope) === 'forbidden' ? { kind: 'forbidden' } : { kind: 'not_found' };
}

/** A booking in words, for the journal and the family's email. */
interface BookingFacts {
  id: string;
  childId: string;
  child: string;
  day: string;
  unitId: string;
  unit: string;
  activity: string;
  status: string;
}

async function bookingFacts(scope: Scope, bookingIds: string[]): Promise<BookingFacts[]> {
  if (bookingIds.length === 0) return [];
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.id', 'b.child_id', 'b.day', 'b.unit_id', 'b.status', 'p.first_name', 'p.last_name', 'u.name as unit_name', 'a.name as activity_name'])
    .where('b.id', 'in', bookingIds)
    .orderBy('b.day')
    .orderBy('u.position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    childId: row.child_id,
    child: personFullName(row),
    day: row.day,
    unitId: row.unit_id,
    unit: row.unit_name,
    activity: row.activity_name,
    status: row.status,
  }));
}

/** The family's email of one action at the counter: what the service did for it, line by line. */
function counterNews(): FamilyNews {
  return new FamilyNews({ subject: 'mail.counter.subject', body: 'mail.counter.body', link: PAGES.requests });
}

/**
 * Books units of one activity for a child of the household, as the family's form would (capacity,
 * waiting list, unit rules, enrollment, closures, holidays, booking periods), the deadline passed
 * only when `passDeadline` says so. The answers are kept as the family's forms are, so the result
 * page and "Mes demandes" read them.
 */
export async function bookAtCounter(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; childId: string; activityId: string; choices: BookingChoice[]; passDeadline: boolean },
): Promise<Refused | { kind: 'done'; submissionId: string }> {
  const refused = counterRefusal(scope, input.householdId);
  if (refused) return refused;
  if (input.choices.some((choice) => choice.childId !== input.childId)) return { kind: 'not_found' };
  const submission: BookingSubmission = {
    actor: scope.actor,
    householdId: input.householdId,
    activityId: input.activityId,
    choices: input.choices,
    passDeadline: input.passDeadline,
  };
  const [results] = await requestBookingsTogether(scope, context, [submission]);
  if (!results) return { kind: 'not_found' };
  const [submissionId] = await keepSubmissions(scope, [{ submission, results }]);
  const booked = results.flatMap((result) =>
    result.outcome.kind === 'reserved' || result.outcome.kind === 'requested' || result.outcome.kind === 'waitlisted' ? [result.outcome.bookingId] : [],
  );
  const late = await bookedPastDeadline(scope, booked);
  const news = counterNews();
  for (const booking of await bookingFacts(scope, booked)) {
    const pastDeadline = late.has(booking.id);
    await recordAudit(scope, {
      action: pastDeadline ? 'booking.counter_booked_late' : 'booking.counter_booked',
      objectType: 'booking',
      objectId: booking.id,
      details: { householdId: input.householdId, childId: booking.childId, day: booking.day, unitId: booking.unitId, pastDeadline },
    });
    const state = booking.status === 'waitlisted' || booking.status === 'requested' ? booking.status : 'reserved';
    news.add(input.householdId, { line: `mail.counter.line.booked.${state}`, params: lineParams(booking) });
  }
  await news.send(scope, await mailSenderOf(scope));
  return { kind: 'done', submissionId: submissionId! };
}

/** Of these new bookings, those booked after their deadline (their first event says so). */
async function bookedPastDeadline(scope: Scope, bookingIds: string[]): Promise<Set<string>> {
  if (bookingIds.length === 0) return new Set();
  const rows = await scope.tx
    .selectFrom('booking_events')
    .select('booking_id')
    .where('booking_id', 'in', bookingIds)
    .where('reason', '=', PAST_DEADLINE_REASON)
    .execute();
  return new Set(rows.map((row) => row.booking_id));
}

function lineParams(booking: BookingFacts) {
  return { child: booking.child, date: formatCalendarDate(booking.day), activity: booking.activity, unit: booking.unit };
}

/**
 * Cancels a booking of the household as the family would — refused after the deadline unless staff
 * choose to pass it — and says it in the journal and to the family, with the units that went with it.
 */
export async function cancelAtCounter(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; childId: string; bookingId: string; passDeadline: boolean },
): Promise<Refused | CancelOutcome> {
  const refused = counterRefusal(scope, input.householdId);
  if (refused) return refused;
  const [asked] = await bookingFacts(scope, [input.bookingId]);
  if (asked?.childId !== input.childId) return { kind: 'not_found' };
  const outcome = await cancelBooking(scope, context, input);
  if (outcome.kind !== 'cancelled' && outcome.kind !== 'cancel_requested') return outcome;
  const ours = [input.bookingId, ...outcome.dependents.filter((dependent) => !dependent.otherHousehold).map((dependent) => dependent.bookingId)];
  const news = counterNews();
  const pastDeadline = outcome.pastDeadline === true;
  for (const booking of await bookingFacts(scope, ours)) {
    await recordAudit(scope, {
      action: pastDeadline ? 'booking.counter_cancelled_late' : 'booking.counter_cancelled',
      objectType: 'booking',
      objectId: booking.id,
      details: { householdId: input.householdId, childId: booking.childId, day: booking.day, unitId: booking.unitId, pastDeadline },
    });
    news.add(input.householdId, { line: 'mail.counter.line.cancelled', params: lineParams(booking) });
  }
  await news.send(scope, await mailSenderOf(scope));
  return outcome;
}

/**
 * Declares an absence of a child of the household, by the family's own rules (a certificate for an
 * illness, not too far back, booked days only). The email names the days, never the reason: an
 * illness is health data.
 */
export async function declareAbsenceAtCounter(
  scope: Scope,
  householdId: string,
  form: AbsenceForm,
  limits: AbsenceLimits,
): Promise<Refused | Awaited<ReturnType<typeof declareAbsence>>> {
  const refused = counterRefusal(scope, householdId);
  if (refused) return refused;
  const outcome = await declareAbsence(scope, householdId, form, limits);
  if (outcome.kind !== 'declared') return outcome;
  const absence = await scope.tx
    .selectFrom('absence_declarations as d')
    .innerJoin('persons as p', 'p.id', 'd.child_id')
    .select(['d.first_day', 'd.last_day', 'p.first_name', 'p.last_name'])
    .where('d.id', '=', outcome.id)
    .executeTakeFirstOrThrow();
  const news = counterNews();
  news.add(householdId, {
    line: periodKey('mail.counter.line.absence', absence.first_day, absence.last_day),
    params: { child: personFullName(absence), from: formatCalendarDate(absence.first_day), to: formatCalendarDate(absence.last_day) },
  });
  await news.send(scope, await mailSenderOf(scope));
  return outcome;
}

/** An activity the child may be enrolled in at the counter (not yet enrolled nor asked, not over), with its groups. */
export interface EnrollmentChoice {
  activityId: string;
  activityName: string;
  groups: { id: string; name: string }[];
}

export async function enrollmentChoices(scope: Scope, householdId: string, childId: string, today: string): Promise<EnrollmentChoice[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const activities = await scope.tx
    .selectFrom('activities as a')
    .select(['a.id', 'a.name'])
    .where('a.requires_enrollment', '=', true)
    .where('a.ends_on', '>=', today)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('enrollments as e')
            .select('e.id')
            .whereRef('e.activity_id', '=', 'a.id')
            .where('e.child_id', '=', childId)
            .where('e.status', 'in', ['pending', 'accepted']),
        ),
      ),
    )
    .orderBy('a.name')
    .execute();
  if (activities.length === 0) return [];
  const groups = await scope.tx
    .selectFrom('activity_groups')
    .select(['id', 'name', 'activity_id'])
    .where(
      'activity_id',
      'in',
      activities.map((activity) => activity.id),
    )
    .orderBy('position')
    .execute();
  return activities.map((activity) => ({
    activityId: activity.id,
    activityName: activity.name,
    groups: groups.filter((group) => group.activity_id === activity.id).map((group) => ({ id: group.id, name: group.name })),
  }));
}

export type CounterEnrollment = Refused | { kind: 'enrolled' | 'already' } | { kind: 'invalid' };

/** Enrolls a child of the household in an activity's group (or the activity, without groups): accepted at once. */
export async function enrollAtCounter(
  scope: Scope,
  input: { householdId: string; childId: string; activityId: string; groupId: string | null },
): Promise<CounterEnrollment> {
  const refused = counterRefusal(scope, input.householdId);
  if (refused) return refused;
  const groups = await scope.tx.selectFrom('activity_groups').select(['id', 'name']).where('activity_id', '=', input.activityId).execute();
  const group = groups.find((candidate) => candidate.id === input.groupId);
  if (groups.length > 0 ? !group : input.groupId !== null) return { kind: 'invalid' };
  const outcome = await requestEnrollment(scope, input);
  if (outcome === 'not_found') return { kind: 'not_found' };
  if (outcome === 'already') return { kind: 'already' };
  const about = await scope.tx
    .selectFrom('persons as p')
    .crossJoin('activities as a')
    .select(['p.first_name', 'p.last_name', 'a.name'])
    .where('p.id', '=', input.childId)
    .where('a.id', '=', input.activityId)
    .executeTakeFirstOrThrow();
  const news = counterNews();
  news.add(input.householdId, {
    line: group ? 'mail.counter.line.enrolledInGroup' : 'mail.counter.line.enrolled',
    params: { child: personFullName(about), activity: about.name, group: group?.name ?? '' },
  });
  await news.send(scope, await mailSenderOf(scope));
  return { kind: 'enrolled' };
}
