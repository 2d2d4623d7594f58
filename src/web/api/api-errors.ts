import type { Challenge } from 'altcha-lib';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Translate } from '../../i18n/catalogue.js';
import { daysBetween } from '../../modules/calendar/calendar-dates.js';
import { type SchemaError, schemaFieldMessage, schemaFieldParts } from '../forms.js';

/** One field in error: where (`choices[0].day`), a stable code, and a sentence in the request's language. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** What some errors add: the fields in error of an invalid request, the proof of work a login needs next. */
export interface ApiErrorDetails {
  fields?: FieldError[] | undefined;
  challenge?: Challenge | undefined;
  /** A booking turned away under a rush: the ticket that keeps its place, its place, and when to come back. */
  line?: { ticket: string; place: number; retryAfterSeconds: number } | undefined;
}

export interface ApiErrorBody {
  error: { code: string; message: string } & ApiErrorDetails;
}

/** Answers with the API's one error shape. */
export function sendApiError(reply: FastifyReply, status: number, code: string, message: string, details: ApiErrorDetails = {}): FastifyReply {
  const { fields, challenge, line } = details;
  const body: ApiErrorBody = { error: { code, message, ...(fields ? { fields } : {}), ...(challenge ? { challenge } : {}), ...(line ? { line } : {}) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendApiError(reply, 404, 'not_found', request.t('api.error.notFound'));
}

/** `/choices/0/day` → `choices[0].day`; a missing property is named after its parent. */
export function fieldPath(error: SchemaError): string {
  return schemaFieldParts(error).reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Schema errors as field errors, one per field (the first found), translated. */
export function fieldErrors(t: Translate, errors: SchemaError[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const error of errors) {
    const field = fieldPath(error);
    if (byField.has(field)) continue;
    const { code, key } = schemaFieldMessage(error);
    byField.set(field, { field, code, message: t(key) });
  }
  return [...byField.values()];
}

/** Every failure of an API route, thrown or not, leaves as the one error shape. */
export async function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { t } = request;
  if (error.validation) {
    return sendApiError(reply, 400, 'invalid_request', t('api.error.invalid'), { fields: fieldErrors(t, error.validation as SchemaError[]) });
  }
  const status = error.statusCode ?? 500;
  if (status === 429) {
    const seconds = Math.max(1, Math.ceil(Number(reply.getHeader('retry-after') ?? 60)));
    return sendApiError(reply, 429, 'rate_limited', t('error.tooMany.text', { seconds }));
  }
  if (status === 503) {
    const seconds = Math.max(1, Math.ceil(Number(reply.getHeader('retry-after') ?? 5)));
    return sendApiError(reply, 503, 'unavailable', t('api.error.unavailable', { seconds }));
  }
  if (status === 404) return notFound(request, reply);
  if (status === 413) return sendApiError(reply, 413, 'payload_too_large', t('api.error.malformed'));
  if (status === 415) return sendApiError(reply, 415, 'unsupported_media_type', t('api.error.malformed'));
  if (status >= 400 && status < 500) {
    request.log.info({ err: error }, 'bad API request');
    return sendApiError(reply, status, 'invalid_request', t('api.error.malformed'));
  }
  request.log.error({ err: error }, 'API request failed');
  return sendApiError(reply, 500, 'server_error', t('error.server.text', { requestId: request.id }));
}

/** A range of days that ends after it starts and is not longer than `maxDays`; else its field error. */
export function rangeError(t: Translate, from: string, to: string, maxDays: number): FieldError[] | null {
  const days = daysBetween(from, to);
  if (days >= 0 && days < maxDays) return null;
  return [{ field: 'to', code: 'range', message: t('api.field.range', { days: maxDays }) }];
}
