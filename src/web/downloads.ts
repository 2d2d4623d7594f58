import type { FastifyReply } from 'fastify';

/**
 * A file the person downloads (a PDF, an uploaded document): always an attachment, never shown as a
 * page, never kept by a shared cache, for the pages and the API alike. A name beyond plain ASCII
 * letters goes in `filename*` (RFC 6266), with an ASCII stand-in for older clients: a raw accent or
 * quote in a header would be refused by Node or end the name early.
 */
export function sendAttachment(reply: FastifyReply, fileName: string, contentType: string, body: Buffer): FastifyReply {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  const disposition =
    ascii === fileName
      ? `attachment; filename="${ascii}"`
      : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return reply.type(contentType).header('content-disposition', disposition).header('cache-control', 'private, no-store').send(body);
}

/** An invoice, receipt or certificate. */
export function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer): FastifyReply {
  return sendAttachment(reply, fileName, 'application/pdf', pdf);
}
