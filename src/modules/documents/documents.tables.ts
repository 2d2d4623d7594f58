import type { Id, Timestamp } from '../../db/column-types.js';

export type DocumentKind = 'medical_certificate' | 'other';
export type DocumentContentType = 'application/pdf' | 'image/png' | 'image/jpeg';

export interface DocumentsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  kind: DocumentKind;
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
