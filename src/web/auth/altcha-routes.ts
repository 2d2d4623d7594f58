import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAltchaChallenge, MAX_ALTCHA_LEVEL, verifyAltcha, type AltchaSettings } from '../../modules/identity/altcha.js';
import type { Scope } from '../../modules/scope.js';
import type { Services } from '../../services.js';
import { AltchaField } from '../components/altcha-field.js';

/**
 * The level the page asks for. Anyone may fetch an easier challenge than asked: the check of the
 * solution refuses it.
 */
const ChallengeQuery = Type.Object({ level: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ALTCHA_LEVEL })) });

/** The anti-robot widget fetches a fresh challenge of the page's tenant here, one per check. */
export function altchaRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/altcha/challenge', { schema: { querystring: ChallengeQuery } }, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const challenge = await createAltchaChallenge(services.config, request.tenant.id, services.clock.now(), request.query.level);
      return reply.header('cache-control', 'no-store').send(challenge);
    });
  };
}

/** What the sign-up, reset and login pages plug in: the widget, and the single-use check of its payload. */
export function altchaAntiRobot(settings: AltchaSettings) {
  return {
    Field: AltchaField,
    verify: async (scope: Scope, payload: string | undefined, level?: number) => (await verifyAltcha(scope, settings, payload, level)) === 'verified',
  };
}
