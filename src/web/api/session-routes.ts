import type { FastifyInstance } from 'fastify';
import { createAltchaChallenge, verifyAltcha } from '../../modules/identity/altcha.js';
import { findApiToken, issueApiToken, revokeApiToken } from '../../modules/identity/api-tokens.js';
import { login } from '../../modules/identity/login.js';
import type { Services } from '../../services.js';
import { retryAfterSeconds, waitText } from '../wait-text.js';
import { notFound, sendApiError } from './api-errors.js';
import { bearer, errors, loginBody, sessionCreated } from './api-schemas.js';

/**
 * Logging in and out of the API. The login is the login page's (login.ts): same throttling, same
 * proof of work, same audit; only what it hands back differs, a bearer token instead of a cookie.
 * When the next attempt needs a proof, the error carries the challenge to solve (as the page's
 * widget does), and the app sends its solution back as `altcha`.
 */
export function apiSessionRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Body: { email: string; password: string; altcha?: string } }>(
    '/v1/session',
    {
      config: { csrf: false, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        operationId: 'login',
        summary: 'Log in with the email and password of a family account',
        description:
          'Answers a bearer token. Failed attempts are throttled as on the login page. From the 3rd failure on an account (or the 30th from an address) every attempt needs an ALTCHA proof of work: ' +
          '403 altcha_required, or 401 invalid_credentials once it is needed, carries `challenge`; solve it (altcha-lib’s solveChallenge, SHA-256) and send base64 of `{challenge, solution}` as `altcha`. ' +
          'The more failures on the account, the harder the challenge. From the 5th failure on an account from one address, that address is refused for a while (429 login_locked with Retry-After).',
        security: [],
        body: loginBody,
        response: { 201: sessionCreated, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      if (!request.tenant) return notFound(request, reply);
      const origin = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
      let issued: { token: string; expiresAt: Date } | undefined;
      const result = await login((work) => request.inScope(work), {
        email: request.body.email,
        password: request.body.password,
        origin,
        locale: request.lang,
        verifyAltcha: async (scope, level) => (await verifyAltcha(scope, services.config, request.body.altcha, level)) === 'verified',
        remember: async (scope, accountId) => {
          issued = await issueApiToken(scope.tx, scope.tenantId, accountId, scope.now, origin);
          return issued.token;
        },
      });
      if (result.kind !== 'success') {
        const { retryAfterMs, proofLevel } = result.next;
        if (retryAfterMs > 0) {
          reply.header('retry-after', retryAfterSeconds(retryAfterMs));
          return sendApiError(reply, 429, 'login_locked', t('login.locked', { wait: waitText(t, retryAfterMs) }));
        }
        const challenge = proofLevel === null ? undefined : await createAltchaChallenge(services.config, request.tenant.id, services.clock.now(), proofLevel);
        if (result.kind === 'proof_required') return sendApiError(reply, 403, 'altcha_required', t('login.altchaRequired'), { challenge });
        return sendApiError(reply, 401, 'invalid_credentials', t('login.invalid'), { challenge });
      }

      const token = result.sessionToken;
      const answer = await request.inScope(async (scope) => {
        const session = await findApiToken(scope.tx, token, scope.now);
        const account = session?.account;
        const refusal =
          account?.kind !== 'family' || !account.householdId || result.awaitingSecondFactor
            ? 'family_only'
            : account.mustChangePassword
              ? 'password_change_required'
              : null;
        if (refusal || !account) {
          await revokeApiToken(scope.tx, token);
          return { ok: false as const, refusal: refusal ?? 'family_only' };
        }
        return { ok: true as const, account };
      });
      if (!answer.ok) {
        return sendApiError(reply, 403, answer.refusal, t(answer.refusal === 'family_only' ? 'api.error.familyOnly' : 'api.error.passwordChange'));
      }
      return reply.code(201).send({
        token,
        tokenType: 'Bearer',
        expiresAt: issued!.expiresAt.toISOString(),
        account: { id: answer.account.id, displayName: answer.account.displayName, householdId: answer.account.householdId },
      });
    },
  );

  app.delete(
    '/v1/session',
    {
      config: { csrf: false },
      schema: {
        tags: ['session'],
        operationId: 'logout',
        summary: 'Log out: the token stops working at once',
        security: bearer,
        response: { 204: { description: 'Logged out.', type: 'null' }, ...errors(401) },
      },
    },
    async (request, reply) => {
      const token = request.apiToken;
      if (!request.session || !token) {
        return sendApiError(reply.header('www-authenticate', 'Bearer'), 401, 'unauthorized', request.t('api.error.unauthorized'));
      }
      await request.inScope((scope) => revokeApiToken(scope.tx, token));
      return reply.code(204).send();
    },
  );
}
