import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { DocumentContentType } from '../documents/documents.tables.js';
import type { Scope } from '../scope.js';
import { addDays } from '../calendar/calendar-dates.js';
import { calendarDate, optional, type FieldError } from '../validation/fields.js';
import { checkDocument, storeDocument, type DocumentProblem } from '../documents/documents.js';
import { moveBooking } from './booking-transitions.js';
import type { AbsenceReason } from './bookings.tables.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { ABSENCE_APPLIES } from './booking-states.js';
import { canMove } from '../state-machine.js';
import { ABSENCE_MOVES } from './bookings.tables.js';

/**
 * A family declares that a child will be (or was) absent, with a reason; an illness needs a medical
 * certificate. Staff excuse the absence (the booked days become excused absences, not billed) or
 * refuse it with a reason (the days stay booked and are billed).
 */

export const ABSENCE_REASONS: AbsenceReason[] = ['illness', 'family', 'other'];

export interface AbsenceForm {
  /** Undefined when none was chosen. */
  childId: string | undefined;
  firstDay: string | undefined;
  lastDay: string | undefined;
  reason: string | undefined;
  comment: string | undefined;
  file: { filename: string; data: Buffer } | null;
  fileTooLarge: boolean;
}

/**
 * A field's problem, or one of the declaration's rules: the last day before the first (`order`), a
 * first day further back than the authority allows (`too_old`), no booked day to be absent from
 * (`nothing_booked`).
 */
export type AbsenceProblem = FieldError | 'order' | 'too_old' | 'nothing_booked';
export type AbsenceErrors = Partial<Record<'child' | 'firstDay' | 'lastDay' | 'reason' | 'comment', AbsenceProblem>> & { file?: DocumentProblem };

/** How many days back an absence may still be declared, unless the authority chose otherwise. */
export const ABSENCE_LATE_DAYS = 7;

/** The authority's day today, and how many days back it takes a declaration (settings' absenceLateDays). */
export interface AbsenceLimits {
  today: string;
  lateDays: number;
}

export async function declareAbsence(
  scope: Scope,
  householdId: string,
  form: AbsenceForm,
  limits: AbsenceLimits,
): Promise<{ kind: 'not_found' } | { kind: 'invalid'; errors: AbsenceErrors } | { kind: 'declared'; id: string }> {
  if (!may(scope, 'household.act', householdId)) return { kind: 'not_found' };
  const child =
    form.childId === undefined
      ? undefined
      : await scope.tx
          .selectFrom('household_members')
          .select('person_id')
          .where('household_id', '=', householdId)
          .where('person_id', '=', form.childId)
          .where('role', '=', 'child')
          .executeTakeFirst();
  const errors: AbsenceErrors = {};
  if (!child) errors.child = 'required';
  const firstDay = calendarDate(form.firstDay);
  // An empty last day means the first day alone: its errors are the first day's, reported once.
  const lastDay = form.lastDay ? calendarDate(form.lastDay) : firstDay;
  if (!firstDay.ok) errors.firstDay = firstDay.error;
  else if (firstDay.value === null) errors.firstDay = 'required';
  if (!lastDay.ok && form.lastDay) errors.lastDay = lastDay.error;
  if (firstDay.ok && lastDay.ok && firstDay.value && lastDay.value && lastDay.value < firstDay.value) errors.lastDay = 'order';
  const reason = ABSENCE_REASONS.find((candidate) => candidate === form.reason);
  if (!reason) errors.reason = 'required';
  const comment = optional(form.comment, 1000);
  if (!comment.ok) errors.comment = comment.error;
  let document: { contentType: DocumentContentType } | null = null;
  if (reason === 'illness' || form.file) {
    const checked = checkDocument(form.file, form.fileTooLarge);
    if (checked.ok) document = checked;
    else if (reason === 'illness' || checked.problem !== 'missing') errors.file = checked.problem;
  }
  if (child && firstDay.ok && firstDay.value && lastDay.ok && !errors.lastDay) {
    const problem = await absenceRefusal(scope, householdId, child.person_id, firstDay.value, lastDay.value ?? firstDay.value, limits);
    if (problem) errors.firstDay = problem;
  }
  if (Object.keys(errors).length > 0 || !child || !firstDay.ok || !lastDay.ok || !reason || !comment.ok) return { kind: 'invalid', errors };
  const documentId =
    document && form.file
      ? await storeDocument(scope, {
          householdId,
          kind: 'medical_certificate',
          filename: form.file.filename,
          contentType: document.contentType,
          data: form.file.data,
        })
      : null;
  const row = await scope.tx
    .insertInto('absence_declarations')
    .values({
      tenant_id: scope.tenantId,
      household_id: householdId,
      child_id: child.person_id,
      first_day: firstDay.value!,
      last_day: lastDay.value ?? firstDay.value!,
      reason,
      comment: comment.value,
      document_id: documentId,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'absence.declared', objectType: 'absence', objectId: row.id, details: { householdId, childId: child.person_id, reason } });
  return { kind: 'declared', id: row.id };
}

/**
 * Why these days cannot be declared absent: the first one further back than the authority allows,
 * or none of them booked (an absence excuses booked days; there is nothing to excuse).
 */
export async function absenceRefusal(
  scope: Scope,
  householdId: string,
  childId: string,
  firstDay: string,
  lastDay: string,
  limits: AbsenceLimits,
): Promise<'too_old' | 'nothing_booked' | null> {
  if (firstDay < addDays(limits.today, -limits.lateDays)) return 'too_old';
  const booked = await scope.tx
    .selectFrom('bookings')
    .select('id')
    .where('household_id', '=', householdId)
    .where('child_id', '=', childId)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay)
    .where('status', 'in', ABSENCE_APPLIES)
    .limit(1)
    .executeTakeFirst();
  return booked ? null : 'nothing_booked';
}

/**
 * The medical certificate of an absence declared without it, added while the service has not
 * answered yet: the family may send it after the doctor's visit.
 */
export async function addAbsenceCertificate(
  scope: Scope,
  householdId: string,
  absenceId: string,
  upload: { file: { filename: string; data: Buffer } | null; fileTooLarge: boolean },
): Promise<'added' | 'not_found' | 'already_decided' | { problem: DocumentProblem }> {
  if (!may(scope, 'household.act', householdId)) return 'not_found';
  const absence = await scope.tx
    .selectFrom('absence_declarations')
    .select(['id', 'status', 'document_id'])
    .where('id', '=', absenceId)
    .where('household_id', '=', householdId)
    .forUpdate()
    .executeTakeFirst();
  if (!absence) return 'not_found';
  if (absence.status !== 'pending') return 'already_decided';
  const checked = checkDocument(upload.file, upload.fileTooLarge);
  if (!checked.ok || !upload.file) return { problem: checked.ok ? 'missing' : checked.problem };
  const documentId = await storeDocument(scope, {
    householdId,
    kind: 'medical_certificate',
    filename: upload.file.filename,
    contentType: checked.contentType,
    data: upload.file.data,
  });
  await scope.tx.updateTable('absence_declarations').set({ document_id: documentId }).where('id', '=', absenceId).execute();
  await recordAudit(scope, { action: 'absence.certificate_added', objectType: 'absence', objectId: absenceId, details: { householdId } });
  return 'added';
}

export async function householdAbsences(scope: Scope, householdId: string, filter: { pendingOnly?: boolean } = {}) {
  if (!may(scope, 'household.read', householdId)) return [];
  return absenceQuery(scope)
    .where('a.household_id', '=', householdId)
    .$if(filter.pendingOnly === true, (query) => query.where('a.status', '=', 'pending'))
    .orderBy('a.created_at', 'desc')
    .execute();
}

/** Staff's list of absences to excuse or refuse, oldest first. */
export async function pendingAbsences(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  return absenceQuery(scope).where('a.status', '=', 'pending').orderBy('a.created_at').execute();
}

function absenceQuery(scope: Scope) {
  return scope.tx
    .selectFrom('absence_declarations as a')
    .innerJoin('persons as p', 'p.id', 'a.child_id')
    .innerJoin('households as h', 'h.id', 'a.household_id')
    .select([
      'a.id',
      'a.household_id',
      'a.child_id',
      'a.first_day',
      'a.last_day',
      'a.reason',
      'a.comment',
      'a.document_id',
      'a.status',
      'a.decision_reason',
      'a.decided_at',
      'a.created_at',
      'p.first_name',
      'p.last_name',
      'h.name as household_name',
      // Asked by staff for the family (at the counter): "Mes demandes" says so.
      sql<boolean>`exists(select 1 from accounts c where c.id = a.created_by and c.kind = 'staff')`.as('by_service'),
    ]);
}

export type AbsenceDecision = { excuse: true } | { excuse: false; reason: string };

/** Staff excuse an absence (its booked days become excused absences) or refuse it, once. */
export async function decideAbsence(
  scope: Scope,
  absenceId: string,
  decision: AbsenceDecision,
): Promise<'done' | 'not_found' | 'already_decided' | 'reason_required' | 'forbidden'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (!decision.excuse && decision.reason.trim() === '') return 'reason_required';
  const absence = await scope.tx.selectFrom('absence_declarations').selectAll().where('id', '=', absenceId).forUpdate().executeTakeFirst();
  if (!absence) return 'not_found';
  if (!canMove(ABSENCE_MOVES, absence.status, decision.excuse ? 'accepted' : 'refused')) return 'already_decided';
  await scope.tx
    .updateTable('absence_declarations')
    .set({
      status: decision.excuse ? 'accepted' : 'refused',
      decision_reason: decision.excuse ? null : decision.reason.trim(),
      decided_by: accountIdOf(scope.actor),
      decided_at: scope.now,
    })
    .where('id', '=', absenceId)
    .execute();
  if (decision.excuse) {
    const bookings = await scope.tx
      .selectFrom('bookings')
      .select(['id', 'household_id', 'status'])
      .where('child_id', '=', absence.child_id)
      .where('household_id', '=', absence.household_id)
      .where('day', '>=', absence.first_day)
      .where('day', '<=', absence.last_day)
      .where('status', 'in', ABSENCE_APPLIES)
      .execute();
    for (const booking of bookings) await moveBooking(scope, booking, 'absent_excused', { reason: 'absence' });
  }
  await recordAudit(scope, {
    action: decision.excuse ? 'absence.excused' : 'absence.refused',
    objectType: 'absence',
    objectId: absenceId,
    details: { householdId: absence.household_id },
  });
  return 'done';
}
