import type { CalendarDate, Generated, Id, NullableTimestamp, Timestamp } from '../../db/column-types.js';
import type { DocumentContentType } from '../documents/documents.tables.js';

/** How long a document of a kind stays valid once sent: always, until the end of the school year, or some months. */
export type Validity = 'none' | 'school_year' | 'months';
export type SubmissionStatus = 'pending' | 'accepted' | 'refused';

export interface PublishedDocumentsTable {
  id: Id;
  tenant_id: string;
  title: string;
  activity_id: string | null;
  visible_from: CalendarDate;
  visible_until: CalendarDate | null;
  filename: string;
  content_type: DocumentContentType;
  size_bytes: number;
  content: Buffer;
  created_by: string | null;
  created_at: Timestamp;
}

export interface DocumentTypesTable {
  id: Id;
  tenant_id: string;
  label: string;
  validity: Validity;
  validity_months: number | null;
  /** Asked once per child enrolled (vaccinations, PAI), not once per household. */
  per_child: Generated<boolean>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface ActivityDocumentTypesTable {
  tenant_id: string;
  activity_id: string;
  document_type_id: string;
}

export interface DocumentSubmissionsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  document_type_id: string;
  /** The child it is for, for a kind asked per child; null for a household's kind. */
  child_id: string | null;
  document_id: string;
  seq: Generated<string>;
  status: Generated<SubmissionStatus>;
  reason: string | null;
  expires_on: CalendarDate | null;
  sent_at: Timestamp;
  sent_by: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface DocumentSpaceTables {
  published_documents: PublishedDocumentsTable;
  document_types: DocumentTypesTable;
  activity_document_types: ActivityDocumentTypesTable;
  document_submissions: DocumentSubmissionsTable;
}
