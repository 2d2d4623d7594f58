import { calendarDate, required, type FieldError } from '../validation/fields.js';
import { daysBetween } from './calendar-dates.js';

/** Field errors of the calendar's forms: the shared ones, and two about a range of days. */
export type CalendarFieldError = FieldError | 'dateOrder' | 'rangeTooLong';

export type FormErrors<F extends string> = Partial<Record<F, CalendarFieldError>>;

export type SaveResult<F extends string> =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: FormErrors<F> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Reads a first and a last day, both required, the last not before the first, at most `maxDays` apart. */
export function checkDayRange(
  form: { firstDay?: string | undefined; lastDay?: string | undefined },
  maxDays: number,
): { ok: true; firstDay: string; lastDay: string } | { ok: false; errors: FormErrors<'firstDay' | 'lastDay'> } {
  const errors: FormErrors<'firstDay' | 'lastDay'> = {};
  const first = calendarDate(form.firstDay);
  const last = calendarDate(form.lastDay);
  if (!first.ok) errors.firstDay = first.error;
  else if (first.value === null) errors.firstDay = 'required';
  if (!last.ok) errors.lastDay = last.error;
  else if (last.value === null) errors.lastDay = 'required';
  if (first.ok && last.ok && first.value && last.value) {
    if (last.value < first.value) errors.lastDay = 'dateOrder';
    else if (daysBetween(first.value, last.value) >= maxDays) errors.lastDay = 'rangeTooLong';
    else return { ok: true, firstDay: first.value, lastDay: last.value };
  }
  return { ok: false, errors };
}

export function checkText(raw: string | undefined, maxLength: number): { ok: true; value: string } | { ok: false; error: FieldError } {
  const check = required(raw, maxLength);
  return check.ok ? { ok: true, value: check.value.replace(/\s+/g, ' ') } : check;
}
