import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'pf_session';

/**
 * The session cookie is scoped to the tenant's path, so two tenants served from one host name
 * (local use) never share a session. It lives as long as the browser: the server ends sessions.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: request.base || '/', httpOnly: true, sameSite: 'lax', secure });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: request.base || '/' });
}
