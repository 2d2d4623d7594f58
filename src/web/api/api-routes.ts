import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.js';
import { apiActivityRoutes } from './activity-routes.js';
import { apiContext, rateLimitKey } from './api-context.js';
import { apiErrorHandler, notFound } from './api-errors.js';
import { apiErrorSchema } from './api-schemas.js';
import { apiBillingRoutes } from './billing-routes.js';
import { apiBookingRoutes } from './booking-routes.js';
import { apiDocumentRoutes } from './document-routes.js';
import { apiHouseholdRoutes } from './household-routes.js';
import { apiMessageRoutes } from './message-routes.js';
import { apiSessionRoutes } from './session-routes.js';

/** Calls per minute of one token (or, without a valid one, of one network address), across the API. */
const API_CALLS_PER_MINUTE = 600;

/**
 * The families' JSON API, the base of a phone app, under /<tenant>/api/v1/…, registered with the
 * prefix /api. Its own context: bearer tokens instead of the session cookie, JSON errors in one
 * shape, one rate limit shared by its routes, and an OpenAPI document built by @fastify/swagger
 * from the routes' own schemas, served at /api/openapi.json.
 */
export function apiRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Portail Famille — API des familles',
          version: '1.0.0',
          description:
            'The families’ API of the portal: log in, see the household, activities and their calendars with places left, book, cancel, follow bookings; ' +
            'invoices, payments, the account statement and certificates, with their PDFs; messages with the service; documents published, added and asked for, and sending those. ' +
            'Same rules as the pages. Errors: `{ "error": { "code", "message", "fields"? } }`, message in the language of `?lang=` or `Accept-Language` (French by default).',
        },
        tags: [
          { name: 'session', description: 'Logging in and out' },
          { name: 'household', description: 'The household' },
          { name: 'bookings', description: 'Activities, calendars and bookings' },
          { name: 'billing', description: 'Invoices, payments, the account statement and certificates' },
          { name: 'messages', description: 'Messages between the household and the service' },
          { name: 'documents', description: 'Documents published for the household, added for it, and asked of it' },
        ],
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token answered by POST /api/v1/session.' } } },
      },
      // Shared schemas keep their own name in components/schemas.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
    });
    app.addSchema(apiErrorSchema);
    app.decorateRequest('apiToken', undefined);
    app.setErrorHandler(apiErrorHandler);
    app.setNotFoundHandler((request, reply) => notFound(request, reply));

    app.addHook('onRequest', apiContext(services));
    // One limit for all the API's routes, in place of the app's default per-address one (a request
    // is counted once, by the first limit it meets); the login keeps its own, stricter one.
    const limit = app.rateLimit({ max: API_CALLS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: rateLimitKey });
    app.addHook('onRequest', async function sharedLimit(request, reply) {
      if (request.routeOptions.config.rateLimit) return;
      await limit.call(this, request, reply);
    });

    apiSessionRoutes(app, services);
    apiHouseholdRoutes(app);
    apiActivityRoutes(app, services);
    apiBookingRoutes(app, services);
    apiBillingRoutes(app);
    apiMessageRoutes(app);
    apiDocumentRoutes(app);

    app.get('/openapi.json', { schema: { hide: true } }, async (request) => {
      const document = structuredClone(app.swagger()) as Record<string, unknown>;
      document.servers = request.tenant
        ? [{ url: request.publicBase, description: request.tenant.name }]
        : [
            {
              url: `${services.config.publicUrl}/{tenant}`,
              variables: { tenant: { default: services.tenants.all()[0]?.slug ?? 'demo', description: 'The authority’s path' } },
            },
          ];
      return document;
    });
  };
}
