import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.js';
import { isLang, type Lang, translator } from '../../i18n/catalogue.js';
import { findApiToken } from '../../modules/identity/api-tokens.js';
import type { Services } from '../../services.js';
import { notFound, sendApiError } from './api-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API's bearer token, to end it at logout. */
    apiToken: string | undefined;
  }
}

/**
 * The request context of the API, set after the app's own: the language (?lang=, then
 * Accept-Language, French by default — the API keeps no cookie) and the account behind the bearer
 * token. A session cookie is dropped here: a page of another site could make a browser send it, so
 * it never authenticates an API call, and the API routes need no anti-forgery token.
 */
export function apiContext(services: Services) {
  return async function apiRequestContext(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    request.lang = apiLang(request);
    request.t = translator(request.lang);
    reply.header('cache-control', 'no-store').header('vary', 'Accept-Language, Authorization');
    // An unknown API address is answered here, before the pages' anti-forgery check would answer a
    // POST to it with an HTML page.
    if (request.is404) return notFound(request, reply);
    request.session = null;
    request.sessionToken = undefined;
    const token = bearerToken(request);
    if (token && request.tenant) {
      request.apiToken = token;
      request.session = await inTenant(services.db, request.tenant.id, (tx) => findApiToken(tx, token, services.clock.now()));
    }
  };
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header) : null;
  return match?.[1];
}

/** `?lang=` wins, then the best of Accept-Language among the catalogue's languages, then French. */
export function apiLang(request: FastifyRequest): Lang {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(asked)) return asked;
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return 'fr';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry): entry is { lang: Lang; q: number; index: number } => isLang(entry.lang) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.lang ?? 'fr';
}

/** The rate-limit key: the token when it is valid, else the network address (as the pages). */
export function rateLimitKey(request: FastifyRequest): string {
  return request.session ? `api-token:${request.session.tokenHash}` : `api-address:${request.ip}`;
}

/** Routes of the family: a tenant's URL, a valid token of a family account whose password is not temporary. */
export async function requireFamilyToken(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!request.tenant) return notFound(request, reply);
  const session = request.session;
  if (!session) {
    return sendApiError(reply.header('www-authenticate', 'Bearer'), 401, 'unauthorized', request.t('api.error.unauthorized'));
  }
  if (session.account.kind !== 'family' || !session.account.householdId) return sendApiError(reply, 403, 'family_only', request.t('api.error.familyOnly'));
  if (session.account.mustChangePassword) return sendApiError(reply, 403, 'password_change_required', request.t('api.error.passwordChange'));
}

/** The household of the token's account (only called after requireFamilyToken). */
export function householdOf(request: FastifyRequest): string {
  return request.session!.account.householdId!;
}
