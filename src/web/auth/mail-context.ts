import type { FastifyRequest } from 'fastify';
import type { SecretMailContext } from '../../modules/notifications/compose-email.js';

/**
 * Emails caused by a request go out in the language of the page, with links to this tenant; the
 * single-use secrets some carry are sealed with the app's outbox box.
 */
export function mailContextOf(request: FastifyRequest): SecretMailContext {
  return { t: request.t, tenantName: request.tenant?.name ?? '', baseUrl: request.publicBase, outboxSecrets: request.server.outboxSecrets };
}
