import type { FastifyRequest } from 'fastify';
import type { MailContext } from '../../modules/notifications/compose-email.js';

/** Emails caused by a request go out in the language of the page, with links to this tenant. */
export function mailContextOf(request: FastifyRequest): MailContext {
  return { t: request.t, tenantName: request.tenant?.name ?? '', baseUrl: request.publicBase };
}
