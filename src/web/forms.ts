import type { FastifyRequest } from 'fastify';
import type { MessageKey, Translate } from '../i18n/catalogue.js';
import type { FieldError } from '../modules/validation/fields.js';

/**
 * The submitted form as trimmed-free strings (what the person typed, given back on error), the
 * first value of each field: for code shared by routes with and without a body schema (the record
 * editors); a route with its own schema reads its typed body with formValues().
 */
export function formBody(request: FastifyRequest): Record<string, string> {
  const body: unknown = request.body;
  const values: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') values[key] = value[0];
  }
  return values;
}

/** The sentence of each field error code; a module with codes of its own extends this table. */
export const FIELD_ERROR_KEYS: Record<FieldError, MessageKey> = {
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

/** A module's error codes, field by field, as sentences in the page's language, by a table of their keys. */
export function errorMessages<F extends string, E extends string>(
  t: Translate,
  errors: Partial<Record<F, E>>,
  keys: Record<E, MessageKey>,
): Partial<Record<F, string>> {
  const messages: Partial<Record<F, string>> = {};
  for (const [field, error] of Object.entries(errors) as [F, E][]) messages[field] = t(keys[error]);
  return messages;
}

/** Messages keyed by a module's field names, under the names its form gives those fields. */
export function underFormNames<F extends string>(messages: Partial<Record<F, string>>, names: Record<F, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(messages).map(([field, message]) => [names[field as F], message as string | undefined]));
}

/** Field error codes from a module, as sentences in the page's language. */
export function fieldMessages<F extends string>(t: Translate, errors: Partial<Record<F, FieldError>>): Partial<Record<F, string>> {
  return errorMessages(t, errors, FIELD_ERROR_KEYS);
}

/** One failure of a route's schema, as Ajv reports it. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * The field codes and the catalogue sentences shown for a schema's failures: the API's `fields`
 * and the pages' field messages say the same words for the same rule (the pages' own where they fit).
 */
export function schemaFieldMessage(error: SchemaError): { code: string; key: MessageKey } {
  switch (error.keyword) {
    case 'required':
    case 'minLength':
      return { code: 'required', key: 'field.error.required' };
    case 'maxLength':
      return { code: 'too_long', key: 'field.error.tooLong' };
    case 'enum':
    case 'const':
      return { code: 'choice', key: 'field.error.choice' };
    case 'minimum':
    case 'maximum':
      return { code: 'integer', key: 'field.error.integer' };
    case 'minItems':
    case 'maxItems':
    case 'uniqueItems':
      return { code: 'count', key: 'api.field.count' };
    case 'additionalProperties':
      return { code: 'unknown', key: 'api.field.unknown' };
    case 'type':
      return error.params.type === 'integer' || error.params.type === 'number'
        ? { code: 'integer', key: 'field.error.integer' }
        : { code: 'invalid', key: 'api.field.invalid' };
    case 'format':
      if (error.params.format === 'date') return { code: 'date', key: 'api.field.date' };
      if (error.params.format === 'uuid') return { code: 'identifier', key: 'api.field.identifier' };
      if (error.params.format === 'email') return { code: 'email', key: 'field.error.email' };
      return { code: 'invalid', key: 'api.field.invalid' };
    default:
      return { code: 'invalid', key: 'api.field.invalid' };
  }
}

/** The path of a failure's field, one name per level (a missing property named after its parent). */
export function schemaFieldParts(error: SchemaError): string[] {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing =
    error.keyword === 'required'
      ? String(error.params.missingProperty ?? '')
      : error.keyword === 'additionalProperties'
        ? String(error.params.additionalProperty ?? '')
        : '';
  if (missing) parts.push(missing);
  return parts;
}

/**
 * The field messages of a form that its route's body schema refused (routes that say
 * `attachValidation: true`): one per field of the form, the first failure found, in the page's
 * language — so that what a person can get wrong by typing (a text too long) comes back next to
 * the field with what was typed, as the modules' own checks do. Null when the form passed. An
 * address or a query string refused is not the form's: it is thrown to the pages' error handler
 * (404 for a path, 400 otherwise), as on routes without `attachValidation`.
 */
export function refusedFields(request: FastifyRequest): Record<string, string> | null {
  const refused = request.validationError;
  if (!refused) return null;
  if (refused.validationContext !== 'body') throw refused;
  const messages: Record<string, string> = {};
  for (const error of refused.validation as SchemaError[]) {
    const field = schemaFieldParts(error)[0] ?? '';
    messages[field] ??= request.t(schemaFieldMessage(error).key);
  }
  return messages;
}

/** A path to go back to after login: only a path of this site, never another site's address. */
export function safeReturnPath(value: unknown): string | null {
  // Browsers drop tabs and line breaks from addresses and read a backslash as a slash: '/\t/evil'
  // would lead to //evil. A path of this site has none of them, nor any other control character.
  if (typeof value !== 'string' || !value.startsWith('/') || [...value].some((char) => char <= ' ' || char === '\u007f' || char === '\\')) return null;
  if (value.startsWith('//') || new URL(value, 'http://portail.invalid').origin !== 'http://portail.invalid') return null;
  return value;
}

/** A well-formed id, checked before it reaches a query (a malformed one is simply "not found"). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
