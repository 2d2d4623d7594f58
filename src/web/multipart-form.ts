import type { FastifyRequest } from 'fastify';

/** A file sent with a form, read into memory (the multipart plugin caps its size). */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** Set in the body when the file was larger than the plugin's limit. */
export const FILE_TOO_LARGE = '_fileTooLarge';

/**
 * A route's `preValidation` hook for forms sent as multipart/form-data: reads the fields as strings
 * and each file into memory, into `request.body`, before the anti-forgery check reads `_csrf` from
 * it (the form puts `_csrf` first, so it is read even when the file turns out too large).
 */
export async function readMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (!(part.fieldname in body)) body[part.fieldname] = { filename: part.filename, mimetype: part.mimetype, data } satisfies UploadedFile;
      } else if (typeof part.value === 'string' && !(part.fieldname in body)) {
        body[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (!(error instanceof request.server.multipartErrors.RequestFileTooLargeError)) throw error;
    body[FILE_TOO_LARGE] = true;
  }
  request.body = body;
}

export function uploadedFile(request: FastifyRequest, name: string): UploadedFile | null {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).data) ? (value as UploadedFile) : null;
}
