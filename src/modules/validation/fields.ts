/**
 * Checks of the fields people type most, shared by every form. Each returns the cleaned value, or
 * an error code that the page translates next to the field.
 */
export type FieldCheck<T = string> = { ok: true; value: T } | { ok: false; error: FieldError };

export type FieldError =
  | 'required'
  | 'tooLong'
  | 'email'
  | 'phone'
  | 'postcode'
  | 'date'
  | 'dateInFuture'
  | 'tooOld'
  | 'iban'
  | 'bic'
  | 'integer'
  | 'amount'
  | 'choice';

// Where the modules find it; it lives with the database's column types, which need it too (tenant-scope.ts).
export { isUuidText } from '../../db/column-types.js';

export function required(raw: string | undefined, maxLength = 200): FieldCheck {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: false, error: 'required' };
  if (value.length > maxLength) return { ok: false, error: 'tooLong' };
  return { ok: true, value };
}

export function optional(raw: string | undefined, maxLength = 200): FieldCheck<string | null> {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: true, value: null };
  if (value.length > maxLength) return { ok: false, error: 'tooLong' };
  return { ok: true, value };
}

/** A plausible email address (the real check is the mail that reaches it), lower-cased. */
export function email(raw: string | undefined): FieldCheck {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return { ok: false, error: 'required' };
  if (value.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value)) return { ok: false, error: 'email' };
  return { ok: true, value };
}

/**
 * A French number (01 23 45 67 89, 0123456789, +33 1 23 45 67 89, 0033…) or an international one
 * (+ and 8 to 15 digits), stored in a readable form: "01 23 45 67 89" or "+44 20 7946 0958".
 */
export function phone(raw: string | undefined): FieldCheck<string | null> {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: true, value: null };
  const compact = value.replace(/[\s.\-()]/g, '');
  const french = /^(?:0|\+33|0033)([1-9]\d{8})$/.exec(compact);
  if (french) {
    const digits = `0${french[1]}`;
    return { ok: true, value: digits.replace(/(\d{2})(?=\d)/g, '$1 ') };
  }
  const isFrenchPrefix = /^(?:\+33|0033)/.test(compact);
  if (!isFrenchPrefix && /^(?:\+|00)[1-9]\d{7,14}$/.test(compact)) return { ok: true, value: value.replace(/^00/, '+') };
  return { ok: false, error: 'phone' };
}

/** A French postcode: five digits (overseas 97x/98x included). */
export function postcode(raw: string | undefined): FieldCheck<string | null> {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: true, value: null };
  return /^\d{5}$/.test(value) ? { ok: true, value } : { ok: false, error: 'postcode' };
}

/** A calendar date typed as YYYY-MM-DD (date input) or DD/MM/YYYY, returned as YYYY-MM-DD. */
export function calendarDate(raw: string | undefined, options: { notAfter?: string } = {}): FieldCheck<string | null> {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: true, value: null };
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!parts) return { ok: false, error: 'date' };
  const [year, month, day] = parts[1]!.length === 4 ? [parts[1]!, parts[2]!, parts[3]!] : [parts[3]!, parts[2]!, parts[1]!];
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(year) < 1900) return { ok: false, error: 'date' };
  if (options.notAfter && iso > options.notAfter) return { ok: false, error: 'dateInFuture' };
  return { ok: true, value: iso };
}

/**
 * An IBAN, checked with its ISO 13616 key (mod 97), stored without spaces in upper case; shown
 * grouped by four by the pages.
 */
export function iban(raw: string | undefined): FieldCheck<string | null> {
  const value = (raw ?? '').replace(/[\s-]/g, '').toUpperCase();
  if (value === '') return { ok: true, value: null };
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(value)) return { ok: false, error: 'iban' };
  const rearranged = value.slice(4) + value.slice(0, 4);
  const digits = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1 ? { ok: true, value } : { ok: false, error: 'iban' };
}

export function bic(raw: string | undefined): FieldCheck<string | null> {
  const value = (raw ?? '').replace(/\s/g, '').toUpperCase();
  if (value === '') return { ok: true, value: null };
  return /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(value) ? { ok: true, value } : { ok: false, error: 'bic' };
}

export function integer(raw: string | undefined, min: number, max: number): FieldCheck<number | null> {
  const value = (raw ?? '').replace(/\s/g, '');
  if (value === '') return { ok: true, value: null };
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) return { ok: false, error: 'integer' };
  return { ok: true, value: Number(value) };
}

/** An amount in euros as people type it ("1 234,50", "1234.5"), returned in integer cents. */
export function euros(raw: string | undefined): FieldCheck<number | null> {
  const value = (raw ?? '').replace(/[\s\u00a0€]/g, '').replace(',', '.');
  if (value === '') return { ok: true, value: null };
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(value)) return { ok: false, error: 'amount' };
  const [whole, fraction = ''] = value.split('.');
  return { ok: true, value: Number(whole) * 100 + Number(fraction.padEnd(2, '0')) };
}
