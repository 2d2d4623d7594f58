import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { browserReturn, receiveNotification } from '../../modules/online-payment/attempts.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import type { Services } from '../../services.js';
import { Id } from '../page-input.js';

const NotificationParams = Type.Object({ channelId: Id });
/** A provider's form: names and values only, as many as it sends. */
const NotificationBody = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2000 }), { maxProperties: 200 });

/**
 * Where payment providers notify results, server to server (no session, no form token: the
 * notification is verified by its signature or by our own lookup at the provider). Verified and
 * recorded, or already known: 200, so that the provider stops; not believed: 400; the provider
 * could not be asked back: 503, so that it tries again later.
 */
export function paymentNotificationRoutes(services: Services): FastifyPluginAsyncTypebox {
  const context = { secret: services.config.secret };
  return async (app) => {
    // A provider notifies every family's payment from a few addresses: the pages' limit of 600 a
    // minute per address would turn its notifications away at a due date (bench/payments).
    const fromProviders = { csrf: false, rateLimit: { max: 20_000, timeWindow: '1 minute' } };
    app.post(PAGES.paymentNotification, { config: fromProviders, schema: { params: NotificationParams, body: NotificationBody } }, async (request, reply) => {
      if (!request.tenant) return reply.code(404).send();
      const verdict = await receiveNotification((work) => request.inScope(work), request.params.channelId, request.body, {
        ...context,
        publicBase: request.publicBase,
      });
      request.log.info({ channelId: request.params.channelId, verdict }, 'payment notification');
      if (verdict === null) return reply.code(404).type('text/plain').send('unknown channel');
      const status =
        verdict === 'unavailable' || verdict === 'unknown_yet'
          ? 503
          : verdict.startsWith('rejected') || verdict.startsWith('mismatch') || verdict === 'unknown_attempt'
            ? 400
            : 200;
      return reply.code(status).type('text/plain').send(verdict);
    });

    // TIPI sends the browser back to the notification's address, the result in the query: it is
    // shown the attempt's page, where only what the provider verifiably said counts.
    app.get(PAGES.paymentNotification, { schema: { params: NotificationParams, querystring: NotificationBody } }, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const attemptId = await browserReturn((work) => request.inScope(work), request.params.channelId, request.query, context);
      if (!attemptId) return reply.callNotFound();
      return reply.redirect(`${request.base}${pagePath(PAGES.paymentReturn, { attemptId })}`, 303);
    });
  };
}
