import type { FastifyReply } from 'fastify';

/**
 * A PDF the person downloads (invoice, receipt, certificate): always an attachment named after the
 * document, never cached by a shared cache, for the pages and the API alike.
 */
export function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer): FastifyReply {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${safe}"`).header('cache-control', 'private, no-store').send(pdf);
}
