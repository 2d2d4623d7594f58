import { localDate } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { calendarDate, integer, type FieldError } from '../validation/fields.js';
import type { DeadlineRule } from './deadlines.js';

/**
 * What the set-up forms of the back office share: who may read and change, the answer of a save,
 * the error codes (translated next to the field by the pages), and the readers of the fields that
 * come back in several forms (weekdays, a time of day, a deadline rule).
 */

export type SetupFieldError =
  | FieldError
  /** The last day is before the first day. */
  | 'dateOrder'
  /** No weekday ticked. */
  | 'weekdaysNone'
  /** Not a time of day (hh:mm). */
  | 'time'
  /** A number of places below zero. */
  | 'negative'
  /** The oldest age of a group is below its youngest. */
  | 'ageOrder'
  /** The code is already used by another unit of the activity. */
  | 'codeTaken'
  /** A unit listed in its own relations. */
  | 'selfReference'
  /** A unit that is not one of the activity's. */
  | 'unknownUnit'
  /** No unit chosen for a number of places. */
  | 'unitsNone'
  /** The closing moment is not after the opening one. */
  | 'opensAfterCloses'
  /** A day outside the activity's first and last days. */
  | 'outsideActivity'
  /** Fewer places than already taken on some days (listed in `SaveResult.belowTaken`). */
  | 'belowTaken'
  /** The units or group of places already taken cannot change (only their number). */
  | 'poolInUse'
  /** More days than one form may change at once. */
  | 'rangeTooLong';

export type SetupErrors<F extends string> = Partial<Record<F, SetupFieldError>>;

/** A day whose places could not go below what families already took. */
export interface DayBelowTaken {
  day: string;
  taken: number;
}

export type SaveResult<F extends string> =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: SetupErrors<F>; belowTaken?: DayBelowTaken[] }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Why something cannot be deleted: what still depends on it, and how many. */
export type InUse = { kind: 'in_use'; what: 'bookings' | 'enrollments' | 'places' | 'periodBookings' | 'applications'; count: number };

export type DeleteResult = { kind: 'deleted' } | InUse | { kind: 'forbidden' } | { kind: 'not_found' };

/** A submitted form: one text per field, or several for checkboxes of the same name. */
export type SetupForm = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The text of a field (the first one when the field came several times). */
export function text(form: SetupForm, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Every value of a field (the ticked checkboxes). */
export function list(form: SetupForm, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** The authority's time zone and today's date there. */
export async function tenantToday(scope: Scope): Promise<{ timeZone: string; today: string }> {
  const tenant = await scope.tx.selectFrom('tenants').select('time_zone').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  return { timeZone: tenant.time_zone, today: localDate(scope.now, tenant.time_zone) };
}

/** One of the allowed values, or an error. */
export function choice<T extends string>(raw: string | undefined, allowed: readonly T[]): { ok: true; value: T } | { ok: false; error: SetupFieldError } {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: false, error: 'required' };
  return (allowed as readonly string[]).includes(value) ? { ok: true, value: value as T } : { ok: false, error: 'choice' };
}

/** ISO weekdays ticked in a form ('1' = Monday … '7' = Sunday), sorted, at least one. */
export function weekdayList(raw: readonly string[] | undefined): { ok: true; value: number[] } | { ok: false; error: SetupFieldError } {
  const values = raw ?? [];
  if (values.length === 0) return { ok: false, error: 'weekdaysNone' };
  const days = new Set<number>();
  for (const value of values) {
    if (!/^[1-7]$/.test(value.trim())) return { ok: false, error: 'choice' };
    days.add(Number(value));
  }
  return { ok: true, value: [...days].sort((a, b) => a - b) };
}

/** A time of day as people type it ("8:00", "08h30", "8h"), returned as "08:00". */
export function timeOfDay(raw: string | undefined): { ok: true; value: string } | { ok: false; error: SetupFieldError } {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: false, error: 'required' };
  const parts = /^(\d{1,2})\s*[:hH]\s*(\d{2})?$/.exec(value) ?? /^(\d{1,2})$/.exec(value);
  if (!parts) return { ok: false, error: 'time' };
  const hours = Number(parts[1]);
  const minutes = Number(parts[2] ?? '0');
  if (hours > 23 || minutes > 59) return { ok: false, error: 'time' };
  return { ok: true, value: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
}

/** A required calendar date (YYYY-MM-DD or DD/MM/YYYY), returned as YYYY-MM-DD. */
export function requiredDate(raw: string | undefined): { ok: true; value: string } | { ok: false; error: SetupFieldError } {
  const checked = calendarDate(raw);
  if (!checked.ok) return checked;
  if (checked.value === null) return { ok: false, error: 'required' };
  return { ok: true, value: checked.value };
}

/** A whole number in bounds; a negative one gets its own message; '' is `null`. */
export function wholeNumber(raw: string | undefined, min: number, max: number): { ok: true; value: number | null } | { ok: false; error: SetupFieldError } {
  if (/^\s*-\s*\d+\s*$/.test(raw ?? '')) return { ok: false, error: min >= 0 ? 'negative' : 'integer' };
  return integer(raw, min, max);
}

/**
 * The fields of a deadline in a form, named with a prefix ('booking', 'cancel'): `<prefix>Type`,
 * `<prefix>Days`, `<prefix>WorkingDays`, `<prefix>Weekday`, `<prefix>MonthDay`, `<prefix>Time`.
 * A unit may also answer 'same' (the activity's rule), read as `null`.
 */
export type DeadlineField<P extends string> = `${P}Type` | `${P}Days` | `${P}Weekday` | `${P}MonthDay` | `${P}Time`;

export function deadlineRule<P extends string>(
  form: SetupForm,
  prefix: P,
  options: { allowSame: boolean },
): { ok: true; value: DeadlineRule | null } | { ok: false; errors: SetupErrors<DeadlineField<P>> } {
  const field = <S extends string>(suffix: S) => `${prefix}${suffix}` as `${P}${S}`;
  const errors: SetupErrors<DeadlineField<P>> = {};
  const types = options.allowSame
    ? (['same', 'days_before', 'weekday_before', 'day_of_previous_month'] as const)
    : (['days_before', 'weekday_before', 'day_of_previous_month'] as const);
  const type = choice(text(form, field('Type')), types);
  if (!type.ok) return { ok: false, errors: { [field('Type')]: type.error } as SetupErrors<DeadlineField<P>> };
  if (type.value === 'same') return { ok: true, value: null };
  const time = timeOfDay(text(form, field('Time')));
  if (!time.ok) errors[field('Time')] = time.error;
  let rule: DeadlineRule | null = null;
  if (type.value === 'days_before') {
    const days = requiredNumber(text(form, field('Days')), 0, 365);
    if (!days.ok) errors[field('Days')] = days.error;
    else if (time.ok) rule = { type: 'days_before', days: days.value, time: time.value, workingDays: text(form, field('WorkingDays')) === 'true' };
  } else if (type.value === 'weekday_before') {
    const weekday = choice(text(form, field('Weekday')), ['1', '2', '3', '4', '5', '6', '7'] as const);
    if (!weekday.ok) errors[field('Weekday')] = weekday.error;
    else if (time.ok) rule = { type: 'weekday_before', weekday: Number(weekday.value), time: time.value };
  } else {
    const day = requiredNumber(text(form, field('MonthDay')), 1, 31);
    if (!day.ok) errors[field('MonthDay')] = day.error;
    else if (time.ok) rule = { type: 'day_of_previous_month', day: day.value, time: time.value };
  }
  return rule ? { ok: true, value: rule } : { ok: false, errors };
}

function requiredNumber(raw: string | undefined, min: number, max: number): { ok: true; value: number } | { ok: false; error: SetupFieldError } {
  const checked = wholeNumber(raw, min, max);
  if (!checked.ok) return checked;
  return checked.value === null ? { ok: false, error: 'required' } : { ok: true, value: checked.value };
}

/** A stored rule as the form's fields, to fill the editor. */
export function deadlineFields(prefix: string, rule: DeadlineRule | null): Record<string, string> {
  if (!rule) return { [`${prefix}Type`]: 'same' };
  const fields: Record<string, string> = { [`${prefix}Type`]: rule.type, [`${prefix}Time`]: rule.time };
  if (rule.type === 'days_before') {
    fields[`${prefix}Days`] = String(rule.days);
    if (rule.workingDays) fields[`${prefix}WorkingDays`] = 'true';
  } else if (rule.type === 'weekday_before') fields[`${prefix}Weekday`] = String(rule.weekday);
  else fields[`${prefix}MonthDay`] = String(rule.day);
  return fields;
}
