import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { inTenant } from '../../db/tenant-scope.js';
import { isLang, type Lang, translator } from '../../i18n/catalogue.js';
import { actorOfSession } from '../../modules/identity/accounts.js';
import { SessionLookup } from '../../modules/identity/sessions.js';
import type { Scope } from '../../modules/scope.js';
import type { Services } from '../../services.js';
import { CSRF_COOKIE, type CsrfTokens } from '../csrf.js';
import { SESSION_COOKIE } from '../session-cookie.js';
import { type TenantMatch, tenantMatchOf } from './tenant-match.js';

export const LANG_COOKIE = 'pf_lang';

/**
 * What every request knows before its route runs: its authority (found from the host name or the
 * path), its language, its anti-forgery cookie, its session; and `inScope`, one transaction of the
 * authority as the request's actor.
 */
export const requestContext = fp<{ services: Services; csrf: CsrfTokens }>(
  async (app, { services, csrf }) => {
    const { config } = services;
    const sessions = new SessionLookup(services.db.kysely);

    app.decorateRequest('tenant', null);
    app.decorateRequest('base', '');
    app.decorateRequest('pathInTenant', '/');
    app.decorateRequest('lang', 'fr');
    app.decorateRequest('t', translator('fr'));
    app.decorateRequest('session', null);
    app.decorateRequest('turnedAway', false);
    app.decorateRequest('bookingClick', null);
    app.decorateRequest('sessionToken', undefined);
    app.decorateRequest('csrfSecret', '');
    app.decorateRequest('publicBase', '');
    app.decorateRequest('inScope', async function inScope<T>(this: FastifyRequest, work: (scope: Scope) => Promise<T>) {
      const tenant = this.tenant;
      if (!tenant) throw new Error('inScope() on a request without a tenant');
      const actor = actorOfSession(this.session);
      let emailQueued = false;
      const afterCommit = () => {
        emailQueued = true;
      };
      const result = await inTenant(services.db, tenant.id, (tx) =>
        work({ tx, tenantId: tenant.id, actor, now: services.clock.now(), publicBase: this.publicBase, afterCommit }),
      );
      // Mail queued by a committed transaction leaves at once rather than at the next sweep.
      if (emailQueued) services.mail.wake();
      return result;
    });

    app.addHook('onRequest', async (request, reply) => {
      const match = tenantMatchOf(request.raw);
      if (match) {
        request.tenant = match.tenant;
        request.base = match.base;
      }
      request.pathInTenant = request.url;
      request.publicBase = publicBaseOf(match, request.headers.host, config.publicUrl);
      request.lang = chooseLang(request, reply, config.secureCookies);
      request.t = translator(request.lang);
      request.csrfSecret = ensureCsrfCookie(request, reply, csrf, config.secureCookies);
      const token = request.cookies[SESSION_COOKIE];
      if (token && request.tenant) {
        request.sessionToken = token;
        request.session = await sessions.find(request.tenant.id, token, services.clock.now(), config.sessionIdleMinutes);
      }
    });

    // PostgreSQL refuses NUL bytes in text: an address or a form holding one is refused here with
    // 400, before any route reads it (the routes' schemas say the same of the fields they declare).
    app.addHook('preValidation', async (request) => {
      if (holdsNul(request.params) || holdsNul(request.query) || holdsNul(request.body)) {
        throw Object.assign(new Error('a NUL byte in the request'), { statusCode: 400 });
      }
    });
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

/**
 * The absolute address of the tenant's portal, for links in emails. Never taken from an arbitrary
 * Host header (a forged one would send reset links elsewhere): either a host name the tenant
 * registered, or PUBLIC_URL with the tenant's path.
 */
function publicBaseOf(match: TenantMatch | undefined, host: string | undefined, publicUrl: string): string {
  if (!match) return publicUrl;
  if (match.base !== '') return `${publicUrl}${match.base}`;
  return `${new URL(publicUrl).protocol}//${host}`;
}

/** `?lang=` on any URL switches and remembers the language; otherwise the remembered one; French by default. */
function chooseLang(request: FastifyRequest, reply: FastifyReply, secure: boolean): Lang {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(asked)) {
    reply.setCookie(LANG_COOKIE, asked, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true, secure });
    return asked;
  }
  const remembered = request.cookies[LANG_COOKIE];
  return isLang(remembered) ? remembered : 'fr';
}

function ensureCsrfCookie(request: FastifyRequest, reply: FastifyReply, csrf: CsrfTokens, secure: boolean): string {
  const existing = request.cookies[CSRF_COOKIE];
  if (existing) return existing;
  const secret = csrf.newCookieSecret();
  reply.setCookie(CSRF_COOKIE, secret, { path: '/', sameSite: 'lax', httpOnly: true, secure });
  return secret;
}
