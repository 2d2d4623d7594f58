import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ComponentChild, VNode } from 'preact';
import { inTenant } from '../db/tenant-scope.js';
import { actorOfSession } from '../modules/identity/accounts.js';
import { SessionLookup, type Session } from '../modules/identity/sessions.js';
import { HouseholdSummaryLookup } from '../modules/households/household-summary.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import type { Services } from '../services.js';
import { buildAssets } from './assets.js';
import { CSRF_COOKIE, CsrfTokens } from './csrf.js';
import './fastify-types.js';
import { isLang, type Lang, translator } from '../i18n/catalogue.js';
import { answerTurnedAway, bookingGate } from './booking-gate.js';
import { fillSlot, renderPage, SLOT, TurnedAwayPages } from './render.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { ErrorPage } from './components/error-page.js';
import { publicRoutes } from './public/public-routes.js';
import { outboxSecretsBox } from '../modules/notifications/outbox.js';
import { outboxRoutes } from './staff/outbox-routes.js';
import { demoMailboxRoutes } from './public/demo-mailbox-routes.js';
import { accountRequestRoutes } from './auth/account-request-routes.js';
import { altchaAntiRobot, altchaRoutes } from './auth/altcha-routes.js';
import { loginRoutes } from './auth/login-routes.js';
import { passwordRoutes } from './auth/password-routes.js';
import { secondFactorRoutes } from './auth/second-factor-routes.js';
import { familyAccountRoutes } from './family/account-routes.js';
import { familyChildrenRoutes } from './family/children-routes.js';
import { familyHomeRoutes } from './family/home-routes.js';
import { familyRequestsRoutes } from './family/requests-routes.js';
import { familyBookingRoutes } from './family/booking-routes.js';
import { familyPlanningRoutes } from './family/planning-routes.js';
import { familyEnrollmentRoutes } from './family/enrollment-routes.js';
import { familyAbsenceRoutes } from './family/absence-routes.js';
import { familyLotteryRoutes } from './family/lottery-routes.js';
import { staffAccountRequestRoutes } from './staff/account-request-routes.js';
import { staffBookingAttendanceRoutes } from './staff/booking-attendance-routes.js';
import { staffBookingOccupancyRoutes } from './staff/booking-occupancy-routes.js';
import { staffBookingValidationRoutes } from './staff/booking-validation-routes.js';
import { staffChangeRequestRoutes } from './staff/change-request-routes.js';
import { dashboardRoutes } from './staff/dashboard-routes.js';
import { staffHouseholdIntakeRoutes } from './staff/household-intake-routes.js';
import { staffHouseholdRoutes } from './staff/household-routes.js';
import { staffNewsRoutes } from './staff/news-routes.js';
import { staffRecordEditRoutes } from './staff/record-edit-routes.js';
import { staffRecordSettingsRoutes } from './staff/record-settings-routes.js';
import { staffCalendarImportRoutes } from './staff/calendar-import-routes.js';
import { staffCalendarRoutes } from './staff/calendar-routes.js';
import { staffActivityRoutes } from './staff/activity-routes.js';
import { staffLotteryRoutes } from './staff/lottery-routes.js';
import { securityRoutes } from './staff/security-routes.js';
import { apiRoutes } from './api/api-routes.js';

export const LANG_COOKIE = 'pf_lang';

interface TenantMatch {
  tenant: Tenant;
  base: string;
}
const tenantOfRaw = new WeakMap<IncomingMessage, TenantMatch>();

/** One factory for production and every test: the same plugins, hooks and routes in the same order. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config, tenants } = services;
  const csrf = new CsrfTokens(config.secret);
  const assets = await buildAssets();
  const sessions = new SessionLookup(services.db.kysely);
  const summaries = new HouseholdSummaryLookup(services.db.kysely);

  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A request must arrive whole within this time (408 otherwise): a client sending its body a
    // byte at a time holds a connection, never more. Node checks every second.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    http: { headersTimeout: Math.min(15, config.requestTimeoutSeconds) * 1000, connectionsCheckingInterval: 1000 },
    // Routes with schemas (the JSON API) answer every field in error at once, not the first only.
    ajv: { customOptions: { allErrors: true } },
    // The tenant is found before routing: its path prefix (local use) is taken off the URL here,
    // so routes are written once for every tenant.
    rewriteUrl(raw) {
      const url = raw.url ?? '/';
      const match = tenants.resolve(raw.headers.host, url);
      if (!match) return url;
      tenantOfRaw.set(raw, match);
      return match.base === '' ? url : url.slice(match.base.length) || '/';
    },
  });

  // --- infrastructure plugins -------------------------------------------------------------------
  await app.register(cookie, { secret: config.secret });
  await app.register(formbody);
  // Uploaded files are read into memory by the routes that take them (web/multipart-form.ts).
  await app.register(multipart, { limits: { fileSize: 2 * 1024 * 1024 } });
  // Helmet's headers, its middleware built once (the Fastify plugin builds it anew for each request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Logging out answers the form with a redirect to the authority's website, and browsers
        // check that redirect against form-action: the tenant's website is allowed there.
        formAction: [(raw: IncomingMessage) => formActionSources(tenantOfRaw.get(raw))],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  await app.register(rateLimit, {
    global: true,
    max: 600,
    timeWindow: '1 minute',
    allowList: (request) => request.url === '/health',
  });
  await app.register(fastifyStatic, {
    root: new URL('../../node_modules/@gouvfr/dsfr/dist/', import.meta.url).pathname,
    prefix: '/assets/dsfr/',
    maxAge: '7d',
    decorateReply: false,
  });
  app.get('/assets/*', (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = assets.files.get(name);
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    return reply.type(asset.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  });

  app.decorate('outboxSecrets', outboxSecretsBox(config.secret));
  app.decorate('bookingGate', bookingGate(services, { maxBatch: config.bookingBatch, maxAdmitted: config.bookingQueue, maxWaitMs: config.bookingMaxWaitMs }));

  // --- request context: tenant, language, session, anti-forgery -----------------------------------
  app.decorateRequest('tenant', null);
  app.decorateRequest('base', '');
  app.decorateRequest('pathInTenant', '/');
  app.decorateRequest('lang', 'fr');
  app.decorateRequest('t', translator('fr'));
  app.decorateRequest('session', null);
  app.decorateRequest('turnedAway', false);
  app.decorateRequest('sessionToken', undefined);
  app.decorateRequest('csrfSecret', '');
  app.decorateRequest('publicBase', '');
  app.decorateRequest('inScope', async function inScope<T>(this: FastifyRequest, work: (scope: import('../modules/scope.js').Scope) => Promise<T>) {
    const tenant = this.tenant;
    if (!tenant) throw new Error('inScope() on a request without a tenant');
    const actor = actorOfSession(this.session);
    let emailQueued = false;
    const afterCommit = () => {
      emailQueued = true;
    };
    const result = await inTenant(services.db, tenant.id, (tx) => work({ tx, tenantId: tenant.id, actor, now: services.clock.now(), afterCommit }));
    // Mail queued by a committed transaction leaves at once rather than at the next sweep.
    if (emailQueued) services.mail.wake();
    return result;
  });

  app.addHook('onRequest', async (request, reply) => {
    const match = tenantOfRaw.get(request.raw);
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
      const tenantId = request.tenant.id;
      request.session = await sessions.find(tenantId, token, services.clock.now(), config.sessionIdleMinutes);
    }
  });

  /** Answers 403 to a form sent without this site's anti-forgery token; true when it did. */
  const refusedAsForged = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.routeOptions.config.csrf === false) return false;
    const token = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.headers['x-csrf-token'];
    if (csrf.verify(request, token)) return false;
    request.log.warn({ path: request.url }, 'rejected a form without a valid anti-forgery token');
    await reply.page(request.t('error.forbidden.title'), ErrorPage({ kind: 'csrf' }), 403);
    return true;
  };

  // A booking request joins its authority's line once it is whole and its sender known: its body
  // read (within the request time limit), its anti-forgery token checked, its session or API token
  // found. A slow or anonymous client never holds a place: the line counts only requests the server
  // itself is working on. Beyond the line's size the answer is 503 at once; the page sends the same
  // choices again by itself, with a valid token.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.routeOptions.config.bookingLine || !request.tenant) return;
    if (await refusedAsForged(request, reply)) return reply;
    // Left to the route's guard, which sends the visitor to log in (or the app a 401).
    if (!request.session || request.session.awaitingSecondFactor) return;
    const release = app.bookingGate.admit(request.tenant.id);
    if (release) {
      reply.raw.once('close', release);
      return;
    }
    request.turnedAway = true;
    await answerTurnedAway(request, reply);
    return reply;
  });

  app.addHook('preHandler', async (request, reply) => {
    if (await refusedAsForged(request, reply)) return reply;
  });

  const sendPage = (reply: FastifyReply, html: string, status: number) => reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  app.decorateReply('page', async function page(this: FastifyReply, title: string, body: VNode, status = 200) {
    return sendPage(this, await renderPage(services, summaries, this.request, csrf, assets.scripts, title, body), status);
  });
  const turnedAwayPages = new TurnedAwayPages(services, csrf, assets.scripts);
  app.decorateReply('framedPage', async function framedPage(this: FastifyReply, title: string, frame: (slot: ComponentChild) => VNode, fieldsHtml: string, status = 200) {
    const html = this.request.turnedAway
      ? turnedAwayPages.render(this.request, title, frame, fieldsHtml)
      : fillSlot(await renderPage(services, summaries, this.request, csrf, assets.scripts, title, frame(SLOT)), fieldsHtml);
    return sendPage(this, html, status);
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply.page(request.t('error.notFound.title'), ErrorPage({ kind: 'notFound' }), 404);
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    if (error.statusCode === 429) {
      const seconds = Math.max(1, Math.ceil(Number(reply.getHeader('retry-after') ?? 60)));
      return reply.page(request.t('error.tooMany.title'), ErrorPage({ kind: 'tooMany', seconds }), 429);
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ err: error }, 'bad request');
      return reply.page(request.t('error.notFound.title'), ErrorPage({ kind: 'notFound' }), error.statusCode === 404 ? 404 : 400);
    }
    request.log.error({ err: error }, 'request failed');
    return reply.page(request.t('error.server.title'), ErrorPage({ kind: 'server' }), 500);
  });

  // --- routes -------------------------------------------------------------------------------------
  await app.register(publicRoutes(services));
  await app.register(outboxRoutes());
  await app.register(demoMailboxRoutes());
  await app.register(altchaRoutes(services));
  const antiRobot = altchaAntiRobot(config);
  await app.register(loginRoutes(services, antiRobot));
  await app.register(secondFactorRoutes(services));
  await app.register(passwordRoutes(services, antiRobot));
  await app.register(accountRequestRoutes(antiRobot));
  await app.register(familyHomeRoutes());
  await app.register(familyAccountRoutes());
  await app.register(familyChildrenRoutes());
  await app.register(familyRequestsRoutes());
  await app.register(familyBookingRoutes(services));
  await app.register(familyPlanningRoutes(services));
  await app.register(familyEnrollmentRoutes());
  await app.register(familyAbsenceRoutes());
  await app.register(familyLotteryRoutes());
  await app.register(dashboardRoutes());
  await app.register(staffAccountRequestRoutes());
  await app.register(securityRoutes(services));
  await app.register(staffHouseholdRoutes());
  await app.register(staffHouseholdIntakeRoutes());
  await app.register(staffRecordEditRoutes());
  await app.register(staffChangeRequestRoutes());
  await app.register(staffBookingOccupancyRoutes(services));
  await app.register(staffBookingValidationRoutes());
  await app.register(staffBookingAttendanceRoutes());
  await app.register(staffNewsRoutes());
  await app.register(staffRecordSettingsRoutes(services));
  await app.register(staffCalendarRoutes());
  await app.register(staffCalendarImportRoutes());
  await app.register(staffActivityRoutes(services));
  await app.register(staffLotteryRoutes());
  await app.register(apiRoutes(services), { prefix: '/api' });

  return app;
}

/** Where forms may lead: this site, and the tenant's website where logging out leads. */
function formActionSources(match: TenantMatch | undefined): string {
  const website = match?.tenant.website_url;
  if (!website) return "'self'";
  try {
    const url = new URL(website);
    return url.protocol === 'https:' || url.protocol === 'http:' ? `'self' ${url.origin}` : "'self'";
  } catch {
    return "'self'";
  }
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

