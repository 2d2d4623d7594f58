import type { Generated } from 'kysely';
import type { Id, NullableTimestamp, Timestamp } from '../../db/column-types.js';

export type ThreadState = 'new' | 'in_progress' | 'answered' | 'closed';
export type MessageAuthor = 'family' | 'service';

export const THREAD_STATES: readonly ThreadState[] = ['new', 'in_progress', 'answered', 'closed'];

export interface MessageSubjectsTable {
  id: Id;
  tenant_id: string;
  label: string;
  team: string;
  team_email: string | null;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface MessageThreadsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  subject_id: string;
  child_id: string | null;
  title: string;
  state: Generated<ThreadState>;
  assigned_to: string | null;
  started_by: MessageAuthor;
  created_at: Timestamp;
  last_message_at: Timestamp;
  family_deleted_at: NullableTimestamp;
}

export interface MessagesTable {
  id: Id;
  tenant_id: string;
  thread_id: string;
  seq: Generated<string>;
  author: MessageAuthor;
  author_account_id: string | null;
  body: string;
  document_id: string | null;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

/** A text staff keep to answer with, for every team (`team` null) or one. */
export interface AnswerTemplatesTable {
  id: Id;
  tenant_id: string;
  name: string;
  team: string | null;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MessagesTables {
  answer_templates: AnswerTemplatesTable;
  message_subjects: MessageSubjectsTable;
  message_threads: MessageThreadsTable;
  messages: MessagesTable;
}
