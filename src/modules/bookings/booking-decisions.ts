import { periodKey } from '../../i18n/catalogue.js';
import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { sql } from 'kysely';
import type { MessageKey } from '../../i18n/catalogue.js';
import { loadActivityDefinition, poolsFor } from '../activities/activity-definitions.js';
import { recordAudit } from '../audit/audit-log.js';
import type { MailSender } from '../notifications/compose-email.js';
import { decisionBatch, type FamilyNews, type News } from '../notifications/family-news.js';
import type { Scope } from '../scope.js';
import { PAGES } from '../page-paths.js';
import { moveBooking } from './booking-transitions.js';
import type { BookingStatus } from './bookings.tables.js';
import { decideAbsence, pendingAbsences } from './absences.js';
import { decideEnrollment } from './enrollments.js';
import { releasePlace, takePlace } from './places.js';
import { freePlaceOf, promote, type HeldBooking } from './waitlist.js';
import { may, refusal } from '../access.js';
import { AWAITING_DECISION } from './booking-states.js';
import { canMove } from '../state-machine.js';
import { ENROLLMENT_MOVES } from './bookings.tables.js';

/**
 * The decisions staff take on bookings: requests of activities the service validates, cancellation
 * requests, enrollment requests, and the waiting list (promote one, refuse one). Each decision is
 * taken in the caller's transaction together with its effect (a place freed, the waiting list
 * moved, the family's email queued), and only by a manager or an administrator; what the actor may
 * not see answers "not found".
 *
 * Absence declarations (with a medical certificate) are the fourth kind: excusing one turns its
 * booked days into excused absences (absences.ts).
 */

export type DecisionKind = 'booking' | 'cancellation' | 'enrollment' | 'absence';
/** Each kind is a booking (or an enrollment) in one status: a stale page cannot decide something else. */
const STATUS_OF_KIND: Record<Exclude<DecisionKind, 'enrollment' | 'absence'>, BookingStatus> = { booking: 'requested', cancellation: 'cancel_requested' };

export interface DecisionItem {
  kind: DecisionKind;
  id: string;
  /** For an enrollment accepted: the group the child is placed in. */
  groupId?: string | null;
}

export type Verdict = { accept: true } | { accept: false; reason: string };
export type DecisionResult = 'done' | 'not_found' | 'already_decided' | 'reason_required' | 'forbidden' | 'group_required';

// --- what waits for a decision -------------------------------------------------------------------

export async function pendingBookingRequests(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  return scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .leftJoin('activity_groups as g', 'g.id', 'b.group_id')
    .select([
      'b.id',
      'b.status',
      'b.day',
      'b.created_at',
      'b.updated_at',
      'b.household_id',
      'h.name as household_name',
      'p.first_name',
      'p.last_name',
      'u.name as unit_name',
      'a.id as activity_id',
      'a.name as activity_name',
      'g.name as group_name',
    ])
    .where('b.status', 'in', AWAITING_DECISION)
    .orderBy('b.day')
    .orderBy('a.name')
    .orderBy('u.position')
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .limit(1000)
    .execute();
}

export async function pendingEnrollments(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .innerJoin('households as h', 'h.id', 'e.household_id')
    .innerJoin('activities as a', 'a.id', 'e.activity_id')
    .select([
      'e.id',
      'e.created_at',
      'e.comment',
      'e.group_id',
      'e.household_id',
      'e.child_id',
      'h.name as household_name',
      'p.first_name',
      'p.last_name',
      'p.birth_date',
      'a.id as activity_id',
      'a.name as activity_name',
      'a.documents_required',
    ])
    .where('e.status', '=', 'pending')
    .orderBy('e.created_at')
    .limit(1000)
    .execute();
  const activityIds = [...new Set(rows.map((row) => row.activity_id))];
  const groups =
    activityIds.length === 0
      ? []
      : await scope.tx
          .selectFrom('activity_groups')
          .select(['id', 'activity_id', 'name', 'min_age', 'max_age'])
          .where('activity_id', 'in', activityIds)
          .orderBy('position')
          .execute();
  return rows.map((row) => ({ ...row, groups: groups.filter((group) => group.activity_id === row.activity_id) }));
}

export interface PendingDecisions {
  bookings: Awaited<ReturnType<typeof pendingBookingRequests>>;
  cancellations: Awaited<ReturnType<typeof pendingBookingRequests>>;
  enrollments: Awaited<ReturnType<typeof pendingEnrollments>>;
  absences: Awaited<ReturnType<typeof pendingAbsences>>;
}

export async function pendingDecisions(scope: Scope): Promise<PendingDecisions> {
  const bookingRows = await pendingBookingRequests(scope);
  return {
    bookings: bookingRows.filter((row) => row.status === 'requested'),
    cancellations: bookingRows.filter((row) => row.status === 'cancel_requested'),
    enrollments: await pendingEnrollments(scope),
    absences: await pendingAbsences(scope),
  };
}

/** How many requests wait for staff (the dashboard's tile). */
export async function countToValidate(scope: Scope): Promise<number> {
  if (!may(scope, 'service.read')) return 0;
  const bookings = await scope.tx
    .selectFrom('bookings')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', 'in', AWAITING_DECISION)
    .executeTakeFirstOrThrow();
  const enrollments = await scope.tx
    .selectFrom('enrollments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const absences = await scope.tx
    .selectFrom('absence_declarations')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return bookings.n + enrollments.n + absences.n;
}

// --- bookings and cancellations ------------------------------------------------------------------

interface LockedBooking extends HeldBooking {
  activity_id: string;
}

async function lockBooking(scope: Scope, bookingId: string): Promise<LockedBooking | undefined> {
  return scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.id', '=', bookingId)
    .forUpdate(['b'])
    .executeTakeFirst();
}

/** Accepts or refuses a booking request ('booking') or a cancellation request ('cancellation'); the family's news joins `news`. */
export async function decideBooking(
  scope: Scope,
  item: { kind: 'booking' | 'cancellation'; id: string },
  verdict: Verdict,
  news: FamilyNews,
): Promise<DecisionResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (!verdict.accept && verdict.reason.trim() === '') return 'reason_required';
  const booking = await lockBooking(scope, item.id);
  if (!booking) return 'not_found';
  if (booking.status !== STATUS_OF_KIND[item.kind]) return 'already_decided';
  const definition = (await loadActivityDefinition(scope.tx, booking.activity_id))!;
  const reason = verdict.accept ? null : verdict.reason.trim();

  if (item.kind === 'booking') {
    if (verdict.accept) {
      if (!(await moveBooking(scope, booking, 'reserved', { reason: null }))) return 'already_decided';
    } else {
      if (!(await moveBooking(scope, booking, 'refused', { reason, holdsPools: [] }))) return 'already_decided';
      await freePlaceOf(scope, definition, booking);
    }
  } else if (verdict.accept) {
    if (!(await moveBooking(scope, booking, 'cancelled', { reason: null, holdsPools: [] }))) return 'already_decided';
    await freePlaceOf(scope, definition, booking);
  } else if (!(await moveBooking(scope, booking, 'reserved', { reason }))) return 'already_decided';

  await recordAudit(scope, {
    action: `${item.kind === 'booking' ? 'booking' : 'booking.cancellation'}.${verdict.accept ? 'accepted' : 'refused'}`,
    objectType: 'booking',
    objectId: booking.id,
    details: { householdId: booking.household_id, day: booking.day, ...(reason ? { reason } : {}) },
  });
  const [subject, body, line] = BOOKING_MAILS[item.kind][verdict.accept ? 'accepted' : 'refused'];
  news.add(booking.household_id, decisionNews(subject, body, line, { ...(await bookingWords(scope, booking.id)), reason: reason ?? '' }));
  return 'done';
}

/** Each decision's own email (subject, body) and its line in the email of a batch. */
type DecisionMail = [MessageKey, MessageKey, MessageKey];

const BOOKING_MAILS: Record<'booking' | 'cancellation', Record<'accepted' | 'refused', DecisionMail>> = {
  booking: {
    accepted: ['mail.booking.accepted.subject', 'mail.booking.accepted.body', 'mail.decisions.line.booking.accepted'],
    refused: ['mail.booking.refused.subject', 'mail.booking.refused.body', 'mail.decisions.line.booking.refused'],
  },
  cancellation: {
    accepted: ['mail.cancellation.accepted.subject', 'mail.cancellation.accepted.body', 'mail.decisions.line.cancellation.accepted'],
    refused: ['mail.cancellation.refused.subject', 'mail.cancellation.refused.body', 'mail.decisions.line.cancellation.refused'],
  },
};

/** A decision told to the family: alone, its own email; with others of the same batch, a line of one email. */
function decisionNews(subject: MessageKey, body: MessageKey, line: MessageKey, params: Record<string, string>): News {
  return { line, params, alone: { subject, body, link: PAGES.requests } };
}

/** The words an email about a booking needs: the child, the activity, the unit and the day. */
async function bookingWords(scope: Scope, bookingId: string) {
  const row = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['p.first_name', 'u.name as unit_name', 'a.name as activity_name', 'b.day'])
    .where('b.id', '=', bookingId)
    .executeTakeFirstOrThrow();
  return { child: row.first_name, unit: row.unit_name, activity: row.activity_name, date: formatCalendarDate(row.day) };
}

// --- enrollments ---------------------------------------------------------------------------------

/** Accepts an enrollment request in a group of the activity (required when it has groups), or refuses it. */
/** Excuses an absence (its booked days become excused absences, not billed) or refuses it; the family's news joins `news`. */
export async function decideAbsenceRequest(scope: Scope, absenceId: string, verdict: Verdict, news: FamilyNews): Promise<DecisionResult> {
  const absence = await scope.tx
    .selectFrom('absence_declarations as a')
    .innerJoin('persons as p', 'p.id', 'a.child_id')
    .select(['a.household_id', 'a.first_day', 'a.last_day', 'p.first_name'])
    .where('a.id', '=', absenceId)
    .executeTakeFirst();
  if (!absence) return 'not_found';
  const result = await decideAbsence(scope, absenceId, verdict.accept ? { excuse: true } : { excuse: false, reason: verdict.reason });
  if (result !== 'done') return result;
  const params = {
    child: absence.first_name,
    from: formatCalendarDate(absence.first_day),
    to: formatCalendarDate(absence.last_day),
    reason: verdict.accept ? '' : verdict.reason.trim(),
  };
  const period = (base: Parameters<typeof periodKey>[0]) => periodKey(base, absence.first_day, absence.last_day);
  news.add(
    absence.household_id,
    verdict.accept
      ? decisionNews('mail.absence.excused.subject', period('mail.absence.excused.body'), period('mail.decisions.line.absence.excused'), params)
      : decisionNews('mail.absence.refused.subject', period('mail.absence.refused.body'), period('mail.decisions.line.absence.refused'), params),
  );
  return 'done';
}

export async function decideEnrollmentRequest(
  scope: Scope,
  enrollmentId: string,
  verdict: Verdict & { groupId?: string | null },
  news: FamilyNews,
): Promise<DecisionResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const enrollment = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .innerJoin('activities as a', 'a.id', 'e.activity_id')
    .select(['e.id', 'e.status', 'e.household_id', 'e.activity_id', 'p.first_name', 'a.name as activity_name'])
    .where('e.id', '=', enrollmentId)
    .executeTakeFirst();
  if (!enrollment) return 'not_found';
  if (!canMove(ENROLLMENT_MOVES, enrollment.status, verdict.accept ? 'accepted' : 'refused')) return 'already_decided';
  let groupName = '';
  let groupId: string | null = null;
  if (verdict.accept) {
    const groups = await scope.tx.selectFrom('activity_groups').select(['id', 'name']).where('activity_id', '=', enrollment.activity_id).execute();
    if (groups.length > 0) {
      const group = groups.find((candidate) => candidate.id === verdict.groupId);
      if (!group) return 'group_required';
      groupId = group.id;
      groupName = group.name;
    }
  }
  const result = await decideEnrollment(scope, enrollmentId, verdict.accept ? { accept: true, groupId } : { accept: false, reason: verdict.reason });
  if (result !== 'done') return result;
  const params = { child: enrollment.first_name, activity: enrollment.activity_name, group: groupName, reason: verdict.accept ? '' : verdict.reason.trim() };
  news.add(
    enrollment.household_id,
    !verdict.accept
      ? decisionNews('mail.enrollment.refused.subject', 'mail.enrollment.refused.body', 'mail.decisions.line.enrollment.refused', params)
      : groupName
        ? decisionNews('mail.enrollment.accepted.subject', 'mail.enrollment.acceptedInGroup.body', 'mail.decisions.line.enrollment.acceptedInGroup', params)
        : decisionNews('mail.enrollment.accepted.subject', 'mail.enrollment.accepted.body', 'mail.decisions.line.enrollment.accepted', params),
  );
  return 'done';
}

// --- several at once -----------------------------------------------------------------------------

/**
 * Several requests decided at once with one verdict (one reason for refusals), in the caller's
 * transaction: each is decided as if alone, one that cannot be does not stop the others, and
 * each result is reported. Each household gets one email listing its decisions.
 */
export async function decideMany(
  scope: Scope,
  items: DecisionItem[],
  verdict: Verdict,
  mail: MailSender,
): Promise<{ item: DecisionItem; result: DecisionResult }[]> {
  const results: { item: DecisionItem; result: DecisionResult }[] = [];
  const seen = new Set<string>();
  const news = decisionBatch();
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    const result =
      item.kind === 'enrollment'
        ? await decideEnrollmentRequest(scope, item.id, { ...verdict, groupId: item.groupId ?? null }, news)
        : item.kind === 'absence'
          ? await decideAbsenceRequest(scope, item.id, verdict, news)
          : await decideBooking(scope, { kind: item.kind, id: item.id }, verdict, news);
    results.push({ item, result });
  }
  await news.send(scope, mail);
  return results;
}

// --- the waiting list ----------------------------------------------------------------------------

export type PromoteResult = 'promoted' | 'full' | 'not_waiting' | 'not_found' | 'forbidden';

/**
 * Gives a waiting child a place, whatever its rank, if one is free: never beyond the places (the
 * same guarded counter as any booking). The day's counters are locked before the booking, in the
 * order the engine's own promotions take them. The family is told by email.
 */
export async function promoteWaiting(scope: Scope, bookingId: string): Promise<PromoteResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const seen = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.status', 'b.unit_id', 'b.group_id', 'b.day', 'u.activity_id'])
    .where('b.id', '=', bookingId)
    .executeTakeFirst();
  if (!seen) return 'not_found';
  if (seen.status !== 'waitlisted') return 'not_waiting';
  const definition = (await loadActivityDefinition(scope.tx, seen.activity_id))!;
  const pools = poolsFor(definition, seen.unit_id, seen.group_id);
  if (!(await takePlace(scope.tx, scope.tenantId, pools, seen.day))) return 'full';
  const booking = await lockBooking(scope, bookingId);
  if (booking?.status !== 'waitlisted') {
    // Moved meanwhile (withdrawn by the family, promoted by another agent): the place goes back.
    await releasePlace(
      scope.tx,
      pools.map((pool) => pool.id),
      seen.day,
    );
    return 'not_waiting';
  }
  await promote(
    scope,
    definition,
    booking,
    pools.map((pool) => pool.id),
  );
  await recordAudit(scope, {
    action: 'booking.promoted',
    objectType: 'booking',
    objectId: booking.id,
    details: { householdId: booking.household_id, day: booking.day, rank: booking.waitlist_rank },
  });
  return 'promoted';
}

export type RefuseWaitingResult = 'done' | 'not_waiting' | 'not_found' | 'reason_required' | 'forbidden';

/** Takes a child off the waiting list with a reason; the ranks behind close up and the family is told. */
export async function refuseWaiting(scope: Scope, bookingId: string, reason: string, mail: MailSender): Promise<RefuseWaitingResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (reason.trim() === '') return 'reason_required';
  const booking = await lockBooking(scope, bookingId);
  if (!booking) return 'not_found';
  if (booking.status !== 'waitlisted') return 'not_waiting';
  const definition = (await loadActivityDefinition(scope.tx, booking.activity_id))!;
  if (!(await moveBooking(scope, booking, 'refused', { reason: reason.trim() }))) return 'not_waiting';
  await freePlaceOf(scope, definition, booking);
  await recordAudit(scope, {
    action: 'booking.waitlist_refused',
    objectType: 'booking',
    objectId: booking.id,
    details: { householdId: booking.household_id, day: booking.day, rank: booking.waitlist_rank, reason: reason.trim() },
  });
  const news = decisionBatch();
  news.add(
    booking.household_id,
    decisionNews('mail.waitlist.refused.subject', 'mail.waitlist.refused.body', 'mail.decisions.line.booking.refused', {
      ...(await bookingWords(scope, booking.id)),
      reason: reason.trim(),
    }),
  );
  await news.send(scope, mail);
  return 'done';
}
