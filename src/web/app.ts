import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { buildAssets } from './assets.js';
import { CsrfTokens } from './csrf.js';
import { MULTIPART_LIMITS } from './multipart-form.js';
import { antiForgery } from './plugins/anti-forgery.js';
import { bookingLine } from './plugins/booking-line.js';
import { metrics } from './plugins/metrics.js';
import { pages } from './plugins/pages.js';
import { requestContext } from './plugins/request-context.js';
import { securityHeaders } from './plugins/security-headers.js';
import { SharedRateLimits } from '../modules/security/shared-rate-limits.js';
import { staticAssets } from './plugins/static-assets.js';
import { tenantRewriter } from './plugins/tenant-match.js';
import './fastify-types.js';
import { outboxSecretsBox } from '../modules/notifications/outbox.js';
import { apiRoutes } from './api/api-routes.js';
import { authPages, familyPages, publicPages, staffPages } from './route-groups.js';
import { DEMO_SHOPS } from '../payment-simulators/demo-shops.js';
import { paymentSimulators } from '../payment-simulators/simulators.js';

/** How long another process's requests take at most to count here (src/modules/security/shared-rate-limits.ts). */
const RATE_LIMIT_FLUSH_MS = 500;

/**
 * One factory for production and every test: the same plugins, hooks and routes in the same order —
 * infrastructure (body parsers, cookies, headers, assets), then the request's context, pages and
 * errors, anti-forgery, the booking line and the metrics, then the routes.
 */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const csrf = new CsrfTokens(config.secret);
  const assets = await buildAssets();

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
    // Routes with schemas answer every field in error at once, not the first only.
    ajv: { customOptions: { allErrors: true } },
    rewriteUrl: tenantRewriter(services.tenants),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // --- infrastructure -----------------------------------------------------------------------------
  await app.register(cookie, { secret: config.secret });
  await app.register(formbody);
  // Uploaded files are read by the routes that take them (web/multipart-form.ts).
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  // The embedded database has one process (its folder is locked): its limits stay in its memory.
  const rateLimits =
    services.db.kind === 'postgres'
      ? new SharedRateLimits(services.db, {
          flushMs: RATE_LIMIT_FLUSH_MS,
          onError: (error) => app.log.warn({ err: error }, 'rate-limit counts could not be shared; counted here meanwhile'),
        })
      : undefined;
  if (rateLimits) app.addHook('onClose', () => rateLimits.close());
  await app.register(securityHeaders, { config, rateLimits });
  await app.register(staticAssets, { files: assets.files });

  // --- the request's context, pages, anti-forgery, the booking line -------------------------------
  app.decorate('outboxSecrets', outboxSecretsBox(config.secret));
  await app.register(requestContext, { services, csrf });
  await app.register(pages, { services, csrf, scripts: assets.scripts });
  await app.register(antiForgery, { csrf });
  await app.register(bookingLine, { services });
  await app.register(metrics, { services });

  // --- routes -------------------------------------------------------------------------------------
  await app.register(publicPages, { services });
  await app.register(authPages, { services });
  await app.register(familyPages, { services });
  await app.register(staffPages, { services });
  await app.register(apiRoutes(services), { prefix: '/api' });
  if (config.paymentSimulators) await app.register(paymentSimulators, DEMO_SHOPS);

  return app;
}
