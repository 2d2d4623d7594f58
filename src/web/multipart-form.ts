import type { FastifyRequest } from 'fastify';

/** A file sent with a form, read into memory (the multipart plugin caps its size). */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** Set in the body when the file was larger than the plugin's limit (`fileTooLarge()` reads it). */
export const FILE_TOO_LARGE = '_fileTooLarge';

/**
 * What one form may send: ours have a few fields and one file. Beyond that the request is refused
 * as too large (413) rather than read.
 */
export const MULTIPART_LIMITS = { files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024, fileSize: 2 * 1024 * 1024 };

/** The files of each multipart request, apart from its text fields (which the route's schema reads as a form). */
const filesOf = new WeakMap<FastifyRequest, Map<string, UploadedFile>>();

/**
 * A route's `preValidation` hook for forms sent as multipart/form-data: reads the text fields into
 * `request.body`, where the route's schema checks them as those of any form, and each file into
 * memory, kept apart for `uploadedFile()`. It runs before the guards and the anti-forgery check, so
 * it reads files only for a signed-in visitor whose form carried its token before its first file (the
 * form puts `_csrf` first): anyone else is answered by those checks without the files being read.
 */
export async function readMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, string | boolean> = {};
  request.body = body;
  if (!request.session) return;
  const files = new Map<string, UploadedFile>();
  filesOf.set(request, files);
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (!request.server.carriesFormToken(request, body._csrf)) return;
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
}

export function uploadedFile(request: FastifyRequest, name: string): UploadedFile | null {
  return filesOf.get(request)?.get(name) ?? null;
}

/** True when a file of the form was larger than the plugin's limit (and so was not read). */
export function fileTooLarge(request: FastifyRequest): boolean {
  const body: unknown = request.body;
  return typeof body === 'object' && body !== null && FILE_TOO_LARGE in body && body[FILE_TOO_LARGE] === true;
}
