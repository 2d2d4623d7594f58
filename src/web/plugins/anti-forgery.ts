import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { CsrfTokens } from '../csrf.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers 403 to a form sent without this site's anti-forgery token; true when it did. */
    refusedAsForged(request: FastifyRequest, reply: FastifyReply): Promise<boolean>;
    /** Whether the request carries its form's token, in the field given or the X-CSRF-Token header. */
    carriesFormToken(request: FastifyRequest, field: unknown): boolean;
  }
}

/**
 * Every form (any method but GET, HEAD and OPTIONS) carries the anti-forgery token of its page, in
 * its `_csrf` field or the X-CSRF-Token header; routes that cannot (server-to-server callbacks, the
 * API, whose bearer token a page of another site cannot send) say `config: { csrf: false }`.
 */
export const antiForgery = fp<{ csrf: CsrfTokens }>(
  async (app, { csrf }) => {
    const carriesFormToken = (request: FastifyRequest, field: unknown) => csrf.verify(request, field ?? request.headers['x-csrf-token']);
    app.decorate('carriesFormToken', carriesFormToken);
    app.decorate('refusedAsForged', async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
      if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.routeOptions.config.csrf === false) return false;
      if (carriesFormToken(request, (request.body as Record<string, unknown> | undefined)?._csrf)) return false;
      request.log.warn({ path: request.url }, 'rejected a form without a valid anti-forgery token');
      await reply.errorPage('csrf');
      return true;
    });
    app.addHook('preHandler', async (request, reply) => {
      if (await app.refusedAsForged(request, reply)) return reply;
    });
  },
  { name: 'anti-forgery', dependencies: ['request-context', 'pages'] },
);
