import type { FastifyRequest } from 'fastify';
import type { MessageKey, Translate } from '../i18n/catalogue.js';
import type { FieldError } from '../modules/validation/fields.js';

/** The submitted form as trimmed-free strings (what the person typed, given back on error). */
export function formBody(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') values[key] = value[0];
  }
  return values;
}

const FIELD_ERROR_KEYS: Record<FieldError, MessageKey> = {
  required: 'field.error.required',
  tooLong: 'field.error.tooLong',
  email: 'field.error.email',
  phone: 'field.error.phone',
  postcode: 'field.error.postcode',
  date: 'field.error.date',
  dateInFuture: 'field.error.dateInFuture',
  tooOld: 'field.error.tooOld',
  iban: 'field.error.iban',
  bic: 'field.error.bic',
  integer: 'field.error.integer',
  amount: 'field.error.amount',
  choice: 'field.error.choice',
};

/** Field error codes from a module, as sentences in the page's language. */
export function fieldMessages<F extends string>(t: Translate, errors: Partial<Record<F, FieldError>>): Partial<Record<F, string>> {
  const messages: Partial<Record<F, string>> = {};
  for (const [field, error] of Object.entries(errors) as [F, FieldError][]) messages[field] = t(FIELD_ERROR_KEYS[error]);
  return messages;
}

/** A path to go back to after login: only a path of this site, never another site's address. */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  return value;
}

/** A well-formed id, checked before it reaches a query (a malformed one is simply "not found"). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
