import type { FastifyRequest } from 'fastify';

/** A file sent with a form, read into memory (the multipart plugin caps its size). */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** Set in the body when the file was larger than the plugin's limit (`fileTooLarge()` reads it). */
export const FILE_TOO_LARGE = '_fileTooLarge';

/** The files of each multipart request, apart from its text fields (which the route's schema reads as a form). */
const filesOf = new WeakMap<FastifyRequest, Map<string, UploadedFile>>();

/**
 * A route's `preValidation` hook for forms sent as multipart/form-data: reads the text fields into
 * `request.body`, where the route's schema checks them as those of any form, and each file into
 * memory, kept apart for `uploadedFile()`. It runs before the anti-forgery check reads `_csrf` from
 * the body (the form puts `_csrf` first, so it is read even when the file turns out too large).
 */
export async function readMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, string | boolean> = {};
  const files = new Map<string, UploadedFile>();
  filesOf.set(request, files);
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (!files.has(part.fieldname)) files.set(part.fieldname, { filename: part.filename, mimetype: part.mimetype, data });
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
  return filesOf.get(request)?.get(name) ?? null;
}

/** True when a file of the form was larger than the plugin's limit (and so was not read). */
export function fileTooLarge(request: FastifyRequest): boolean {
  const body: unknown = request.body;
  return typeof body === 'object' && body !== null && FILE_TOO_LARGE in body && body[FILE_TOO_LARGE] === true;
}
