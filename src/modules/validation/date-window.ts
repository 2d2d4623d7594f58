import { calendarDate, type FieldError } from './fields.js';

/**
 * A window of days in which something is shown (news, a published document): from a first day
 * (none: at once) to a last day included (none: without end), days of the authority.
 */
export interface DateWindow {
  startsOn: string | null;
  endsOn: string | null;
}

export type WindowError = FieldError | 'endPast' | 'endBeforeStart';
export type WindowErrors = Partial<Record<keyof DateWindow, WindowError>>;

/** The window typed in a form, checked: an end already past, or before the start, would show nothing. */
export function dateWindow(
  startsRaw: string | undefined,
  endsRaw: string | undefined,
  today: string,
): { ok: true; value: DateWindow } | { ok: false; errors: WindowErrors } {
  const startsOn = calendarDate(startsRaw);
  const endsOn = calendarDate(endsRaw);
  const errors: WindowErrors = {};
  if (!startsOn.ok) errors.startsOn = startsOn.error;
  if (!endsOn.ok) errors.endsOn = endsOn.error;
  else if (endsOn.value !== null && endsOn.value < today) errors.endsOn = 'endPast';
  else if (endsOn.value !== null && startsOn.ok && startsOn.value !== null && endsOn.value < startsOn.value) errors.endsOn = 'endBeforeStart';
  if (!startsOn.ok || !endsOn.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { startsOn: startsOn.value, endsOn: endsOn.value } };
}

/** Where a window stands on a day: not open yet, open, or over. */
export function windowState(window: DateWindow, today: string): 'scheduled' | 'current' | 'ended' {
  if (window.endsOn !== null && window.endsOn < today) return 'ended';
  if (window.startsOn !== null && window.startsOn > today) return 'scheduled';
  return 'current';
}
