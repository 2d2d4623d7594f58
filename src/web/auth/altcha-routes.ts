import type { FastifyPluginAsync } from 'fastify';
import { createAltchaChallenge, verifyAltcha, type AltchaSettings } from '../../modules/identity/altcha.js';
import type { Scope } from '../../modules/scope.js';
import type { Services } from '../../services.js';
import { AltchaField } from '../components/altcha-field.js';

/** The anti-robot widget fetches a fresh challenge of the page's tenant here, one per check. */
export function altchaRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get('/altcha/challenge', async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const challenge = await createAltchaChallenge(services.config, request.tenant.id, services.clock.now());
      return reply.header('cache-control', 'no-store').send(challenge);
    });
  };
}

/** What the sign-up, reset and login pages plug in: the widget, and the single-use check of its payload. */
export function altchaAntiRobot(settings: AltchaSettings) {
  return {
    Field: AltchaField,
    verify: async (scope: Scope, payload: string | undefined) => (await verifyAltcha(scope, settings, payload)) === 'verified',
  };
}
