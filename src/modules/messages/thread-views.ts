import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { may } from '../access.js';
import type { Scope } from '../scope.js';
import type { MessageAuthor, ThreadState } from './messages.tables.js';
import { waitingForService } from './waiting-threads.js';
import { fullName } from '../person-name.js';

/**
 * Reading: the family's folders and threads, the service's inbox and threads. Opening a thread marks
 * the other side's messages read. Families never see which colleague wrote, unless the authority
 * chose so (setting `messageSignature`): the service's messages are signed with the answering team.
 */

/** The family's folders, as in the portals they know: received (the service wrote), sent (they wrote), deleted. */
export const FAMILY_FOLDERS = ['received', 'sent', 'deleted'] as const;
export type FamilyFolder = (typeof FAMILY_FOLDERS)[number];

export interface ThreadSummary {
  id: string;
  title: string;
  subject: string;
  team: string;
  childName: string | null;
  state: ThreadState;
  startedBy: MessageAuthor;
  lastMessageAt: Date;
  /** Messages of the other side not opened yet. */
  unread: number;
}

export interface InboxRow extends ThreadSummary {
  householdId: string;
  householdName: string;
  assigneeName: string | null;
}

export interface MessageView {
  id: string;
  author: MessageAuthor;
  /** Who signs it, as the reader may see it. */
  signature: string;
  body: string;
  createdAt: Date;
  /** Not opened by the reader's side before this reading. */
  unread: boolean;
  attachment: { id: string; filename: string; sizeBytes: number } | null;
}

export interface ThreadView extends InboxRow {
  assignedTo: string | null;
  deleted: boolean;
  messages: MessageView[];
}

const unreadFrom = (author: MessageAuthor) => (eb: ExpressionBuilder<DB, 'message_threads'>) =>
  eb
    .selectFrom('messages as u')
    .select((sub) => sub.fn.countAll<string>().as('n'))
    .whereRef('u.thread_id', '=', 'message_threads.id')
    .where('u.author', '=', author)
    .where('u.read_at', 'is', null);

function summaries(scope: Scope, reader: MessageAuthor) {
  const other: MessageAuthor = reader === 'family' ? 'service' : 'family';
  return scope.tx
    .selectFrom('message_threads')
    .innerJoin('message_subjects as s', 's.id', 'message_threads.subject_id')
    .innerJoin('households as h', 'h.id', 'message_threads.household_id')
    .leftJoin('persons as c', 'c.id', 'message_threads.child_id')
    .leftJoin('accounts as assignee', 'assignee.id', 'message_threads.assigned_to')
    .select((eb) => [
      'message_threads.id',
      'message_threads.title',
      'message_threads.state',
      'message_threads.started_by',
      'message_threads.last_message_at',
      'message_threads.household_id',
      'message_threads.assigned_to',
      'message_threads.family_deleted_at',
      's.label as subject',
      's.team',
      'h.name as household_name',
      'c.first_name as child_first_name',
      'c.last_name as child_last_name',
      'assignee.display_name as assignee_name',
      unreadFrom(other)(eb).as('unread'),
    ])
    .orderBy('message_threads.last_message_at', 'desc')
    .orderBy('message_threads.id');
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];

function inboxRowOf(row: SummaryRow): InboxRow {
  return {
    id: row.id,
    title: row.title,
    subject: row.subject,
    team: row.team,
    childName: row.child_first_name ? fullName(row.child_first_name, row.child_last_name!) : null,
    state: row.state,
    startedBy: row.started_by,
    lastMessageAt: row.last_message_at,
    unread: Number(row.unread ?? 0),
    householdId: row.household_id,
    householdName: row.household_name,
    assigneeName: row.assignee_name,
  };
}

/** The threads of one of the family's folders, the latest first. */
export async function familyThreads(scope: Scope, householdId: string, folder: FamilyFolder): Promise<ThreadSummary[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  let query = summaries(scope, 'family').where('message_threads.household_id', '=', householdId);
  const wrote = (author: MessageAuthor) => (eb: ExpressionBuilder<DB, 'message_threads'>) =>
    eb.exists(eb.selectFrom('messages as w').select('w.id').whereRef('w.thread_id', '=', 'message_threads.id').where('w.author', '=', author));
  if (folder === 'deleted') query = query.where('message_threads.family_deleted_at', 'is not', null);
  else query = query.where('message_threads.family_deleted_at', 'is', null).where(wrote(folder === 'received' ? 'service' : 'family'));
  return (await query.execute()).map(inboxRowOf);
}

/** How many of the service's messages the family has not opened (its bin left out). */
export async function familyUnreadCount(scope: Scope, householdId: string): Promise<number> {
  if (!may(scope, 'household.read', householdId)) return 0;
  const row = await scope.tx
    .selectFrom('messages as m')
    .innerJoin('message_threads as th', 'th.id', 'm.thread_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('th.household_id', '=', householdId)
    .where('th.family_deleted_at', 'is', null)
    .where('m.author', '=', 'service')
    .where('m.read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface InboxFilters {
  subjectId?: string | undefined;
  team?: string | undefined;
  state?: ThreadState | undefined;
  /** An account id: the threads assigned to that colleague. */
  assignedTo?: string | undefined;
  householdId?: string | undefined;
  /** Only the threads waiting for the service (waiting-threads.ts). */
  waiting?: boolean;
  page?: number;
}

export const INBOX_PAGE_SIZE = 50;

/** The service's inbox across families, the latest first, filtered; a page of it and the total. */
export async function serviceInbox(scope: Scope, filters: InboxFilters): Promise<{ rows: InboxRow[]; total: number }> {
  if (!may(scope, 'service.read')) return { rows: [], total: 0 };
  let query = summaries(scope, 'service');
  if (filters.subjectId) query = query.where('message_threads.subject_id', '=', filters.subjectId);
  if (filters.team) query = query.where('s.team', '=', filters.team);
  if (filters.state) query = query.where('message_threads.state', '=', filters.state);
  if (filters.assignedTo) query = query.where('message_threads.assigned_to', '=', filters.assignedTo);
  if (filters.householdId) query = query.where('message_threads.household_id', '=', filters.householdId);
  if (filters.waiting) query = query.where(waitingForService);
  const page = Math.max(1, filters.page ?? 1);
  const rows = await query
    .limit(INBOX_PAGE_SIZE)
    .offset((page - 1) * INBOX_PAGE_SIZE)
    .execute();
  const total = await query
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows: rows.map(inboxRowOf), total: Number(total.n) };
}

/** A thread of the household, as its family reads it; the service's messages become read. Null: not theirs. */
export async function familyThread(scope: Scope, householdId: string, threadId: string): Promise<ThreadView | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const row = await summaries(scope, 'family')
    .where('message_threads.id', '=', threadId)
    .where('message_threads.household_id', '=', householdId)
    .executeTakeFirst();
  if (!row) return null;
  const settings = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const showPerson = settings.settings.messageSignature === 'person';
  const messages = await messagesOf(scope, threadId, (message) =>
    message.author === 'family'
      ? (message.author_name ?? row.household_name)
      : showPerson && message.author_name
        ? `${message.author_name} — ${row.team}`
        : row.team,
  );
  // Only the family itself reading marks them read: staff opening the household's file do not.
  if (scope.actor.kind === 'family') await markRead(scope, threadId, 'service');
  return threadViewOf(row, messages, 'service');
}

/** A thread as the service reads it, with who wrote each message. The family's messages become read for staff who answer. */
export async function serviceThread(scope: Scope, threadId: string): Promise<ThreadView | null> {
  if (!may(scope, 'service.read')) return null;
  const row = await summaries(scope, 'service').where('message_threads.id', '=', threadId).executeTakeFirst();
  if (!row) return null;
  const messages = await messagesOf(scope, threadId, (message) => message.author_name ?? (message.author === 'service' ? row.team : row.household_name));
  // Read-only staff may look without the thread seeming handled to those who must answer it.
  if (may(scope, 'service.manage')) await markRead(scope, threadId, 'family');
  return threadViewOf(row, messages, 'family');
}

function threadViewOf(row: SummaryRow, messages: (MessageView & { fromAuthor: MessageAuthor })[], unreadAuthor: MessageAuthor): ThreadView {
  return {
    ...inboxRowOf(row),
    assignedTo: row.assigned_to,
    deleted: row.family_deleted_at !== null,
    messages: messages.map(({ fromAuthor, ...message }) => ({ ...message, unread: message.unread && fromAuthor === unreadAuthor })),
  };
}

type MessageRow = { author: MessageAuthor; author_name: string | null };

async function messagesOf(scope: Scope, threadId: string, signature: (message: MessageRow) => string) {
  const rows = await scope.tx
    .selectFrom('messages as m')
    .leftJoin('accounts as a', 'a.id', 'm.author_account_id')
    .leftJoin('documents as d', 'd.id', 'm.document_id')
    .select(['m.id', 'm.author', 'm.body', 'm.created_at', 'm.read_at', 'a.display_name as author_name', 'd.id as document_id', 'd.filename', 'd.size_bytes'])
    .where('m.thread_id', '=', threadId)
    .orderBy('m.created_at')
    .orderBy('m.seq')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    author: row.author,
    fromAuthor: row.author,
    signature: signature(row),
    body: row.body,
    createdAt: row.created_at,
    unread: row.read_at === null,
    attachment: row.document_id ? { id: row.document_id, filename: row.filename!, sizeBytes: row.size_bytes! } : null,
  }));
}

async function markRead(scope: Scope, threadId: string, author: MessageAuthor): Promise<void> {
  await scope.tx
    .updateTable('messages')
    .set({ read_at: scope.now })
    .where('thread_id', '=', threadId)
    .where('author', '=', author)
    .where('read_at', 'is', null)
    .execute();
}

/** The attachment of a message of the thread, for whoever may read the thread; null otherwise. */
export async function threadAttachment(scope: Scope, threadId: string, documentId: string) {
  const row = await scope.tx
    .selectFrom('messages as m')
    .innerJoin('message_threads as th', 'th.id', 'm.thread_id')
    .innerJoin('documents as d', 'd.id', 'm.document_id')
    .select(['th.household_id', 'd.filename', 'd.content_type', 'd.content'])
    .where('m.thread_id', '=', threadId)
    .where('m.document_id', '=', documentId)
    .executeTakeFirst();
  if (!row || !may(scope, 'household.read', row.household_id)) return null;
  return { filename: row.filename, contentType: row.content_type, content: row.content };
}
