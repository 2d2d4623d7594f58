import type { FastifyInstance } from 'fastify';
import type { Translate } from '../../i18n/catalogue.js';
import { findApiToken, issueApiToken, revokeApiToken } from '../../modules/identity/api-tokens.js';
import { login } from '../../modules/identity/login.js';
import { notFound, sendApiError } from './api-errors.js';
import { bearer, errors, loginBody, sessionCreated } from './api-schemas.js';

/**
 * Logging in and out of the API. The login is the login page's (login.ts): same throttling, same
 * lock-out, same audit; only what it hands back differs, a bearer token instead of a cookie.
 * The API cannot show the anti-robot check: once it is required, the guardian logs in on the
 * website (a success clears the count), then the app can log in again.
 */
export function apiSessionRoutes(app: FastifyInstance): void {
  app.post<{ Body: { email: string; password: string } }>(
    '/v1/session',
    {
      config: { csrf: false, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        operationId: 'login',
        summary: 'Log in with the email and password of a family account',
        description:
          'Answers a bearer token. Failed attempts are throttled as on the login page: from the 3rd failure on an account the anti-robot check is required (403 altcha_required: log in once on the website), from the 5th logins are locked for a while (429 login_locked with Retry-After).',
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
        // The API has no widget to solve the proof of work: a required check is never passed here.
        verifyAltcha: async () => false,
        remember: async (scope, accountId) => {
          issued = await issueApiToken(scope.tx, scope.tenantId, accountId, scope.now, origin);
          return issued.token;
        },
      });
      if (result.kind === 'altcha_required') return sendApiError(reply, 403, 'altcha_required', t('api.error.altchaRequired'));
      if (result.kind === 'locked' || (result.kind === 'invalid' && result.lockedForMs > 0)) {
        reply.header('retry-after', String(Math.ceil(result.lockedForMs / 1000)));
        return sendApiError(reply, 429, 'login_locked', t('login.locked', { wait: waitText(t, result.lockedForMs) }));
      }
      if (result.kind === 'invalid') return sendApiError(reply, 401, 'invalid_credentials', t('login.invalid'));

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

function waitText(t: Translate, milliseconds: number): string {
  const seconds = Math.ceil(milliseconds / 1000);
  return seconds < 120 ? t('wait.seconds', { count: seconds }) : t('wait.minutes', { count: Math.ceil(seconds / 60) });
}
