import type { Generated, Id, Timestamp } from '../../db/column-types.js';

/** What a household's document is: a medical certificate, a message's attachment, a file from the service, a document asked for. */
export type DocumentKind = 'medical_certificate' | 'other' | 'from_service' | 'requested';
export type DocumentContentType = 'application/pdf' | 'image/png' | 'image/jpeg';

export interface DocumentsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  kind: DocumentKind;
  /** The title the service gave a file it added for the household; none for what families send. */
  title: Generated<string | null>;
  filename: string;
  content_type: DocumentContentType;
  size_bytes: number;
  content: Buffer;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface DocumentsTables {
  documents: DocumentsTable;
}
