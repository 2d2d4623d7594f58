import type { Lang } from '../../i18n/catalogue.js';
import { daysBetween } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import { calendarDate, type FieldError } from '../validation/fields.js';
import { attendanceCertificatePdf } from './certificates.js';

/**
 * A family's request for the certificate of enrollment and attendance of one of its children over
 * a period (seed 002's "attestation d'inscription"), as typed in its form: checked field by field,
 * then answered with the PDF.
 */

/** The longest period one certificate covers: a year. */
export const MAX_ATTENDANCE_DAYS = 366;

export type AttendanceField = 'childId' | 'from' | 'to';
export type AttendanceError = FieldError | 'order' | 'span';

export type AttendanceRequestResult =
  | { kind: 'pdf'; pdf: Buffer; from: string; to: string }
  | { kind: 'invalid'; errors: Partial<Record<AttendanceField, AttendanceError>> };

export async function requestAttendanceCertificate(
  scope: Scope,
  householdId: string,
  form: { childId?: string; from?: string; to?: string },
  lang: Lang,
): Promise<AttendanceRequestResult> {
  const errors: Partial<Record<AttendanceField, AttendanceError>> = {};
  const childId = (form.childId ?? '').trim();
  if (childId === '') errors.childId = 'required';
  const from = calendarDate(form.from);
  if (!from.ok) errors.from = from.error;
  else if (from.value === null) errors.from = 'required';
  const to = calendarDate(form.to);
  if (!to.ok) errors.to = to.error;
  else if (to.value === null) errors.to = 'required';
  if (from.ok && from.value && to.ok && to.value) {
    const days = daysBetween(from.value, to.value);
    if (days < 0) errors.to = 'order';
    else if (days >= MAX_ATTENDANCE_DAYS) errors.to = 'span';
  }
  if (Object.keys(errors).length > 0 || !from.ok || !from.value || !to.ok || !to.value) return { kind: 'invalid', errors };
  const pdf = await attendanceCertificatePdf(scope, householdId, childId, from.value, to.value, lang);
  // Not a child of this household (or not the actor's household): the choice is not one offered.
  if (!pdf) return { kind: 'invalid', errors: { childId: 'choice' } };
  return { kind: 'pdf', pdf, from: from.value, to: to.value };
}
