import type { Scope } from '../scope.js';
import type { DocumentContentType, DocumentKind } from './documents.tables.js';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';

/** The largest file a family may send (a phone photo of a certificate fits). */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

export type DocumentProblem = 'missing' | 'too_large' | 'type';

/**
 * What a file really is, read from its first bytes (its name and declared type are not trusted):
 * only PDF, PNG and JPEG are kept, so nothing the portal serves back can run as a page.
 */
export function sniffContentType(data: Buffer): DocumentContentType | null {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}

export function checkDocument(
  file: { filename: string; data: Buffer } | null,
  tooLarge: boolean,
): { ok: true; contentType: DocumentContentType } | { ok: false; problem: DocumentProblem } {
  if (tooLarge) return { ok: false, problem: 'too_large' };
  if (!file || file.data.length === 0) return { ok: false, problem: 'missing' };
  if (file.data.length > MAX_DOCUMENT_BYTES) return { ok: false, problem: 'too_large' };
  const contentType = sniffContentType(file.data);
  return contentType ? { ok: true, contentType } : { ok: false, problem: 'type' };
}

const EXTENSIONS: Record<DocumentContentType, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };

/**
 * The name a document is kept and served under: the sender's name, tidied, with the extension of
 * its detected type in place of its own (a PDF named `x.html` would open as a page on the
 * family's computer).
 */
export function documentFileName(sent: string, contentType: DocumentContentType): string {
  const tidy = sent.replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 120);
  const stem = tidy.replace(/\.[^.]*$/, '').replace(/^[ ._]+|[ .]+$/g, '');
  return `${stem || 'document'}.${EXTENSIONS[contentType]}`;
}

/** Keeps a checked file of the household. */
export async function storeDocument(
  scope: Scope,
  input: { householdId: string; kind: DocumentKind; filename: string; contentType: DocumentContentType; data: Buffer; title?: string },
): Promise<string> {
  const row = await scope.tx
    .insertInto('documents')
    .values({
      tenant_id: scope.tenantId,
      household_id: input.householdId,
      kind: input.kind,
      // Only the service's files have a title; the others leave the column out.
      ...(input.title ? { title: input.title } : {}),
      filename: documentFileName(input.filename, input.contentType),
      content_type: input.contentType,
      size_bytes: input.data.length,
      content: input.data,
      uploaded_by: accountIdOf(scope.actor),
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A document for its own household or for staff; anyone else is told it does not exist. */
export async function readDocument(scope: Scope, documentId: string) {
  const document = await scope.tx.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst();
  if (!document) return null;
  return may(scope, 'household.read', document.household_id) ? document : null;
}
