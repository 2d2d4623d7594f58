import { may, refusal } from '../access.js';
import { accountIdOf, type Actor } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { storeDocument } from '../documents/documents.js';
import type { Scope } from '../scope.js';
import {
  type CheckedMessage,
  type CheckedThread,
  checkMessage,
  checkNewThread,
  type MessageErrors,
  type MessageInput,
  type NewThreadInput,
} from './message-form.js';
import { tellFamily, tellService } from './message-notifications.js';
import type { MessageAuthor, ThreadState } from './messages.tables.js';
import { nextThreadState } from './thread-states.js';

/**
 * Writing: a family writes to the service, staff write to a household, and either side replies in a
 * thread. Families act on their own household only (another's thread is "not found"); staff need to
 * run the service to write (read-only staff are told "forbidden"). Each message may carry one file,
 * kept as a document of the household. The other side is told by an email without the content.
 */

export type WriteOutcome =
  | { kind: 'sent'; threadId: string; messageId: string }
  | { kind: 'invalid'; errors: MessageErrors }
  | { kind: 'not_found' }
  | { kind: 'forbidden' };

/** Who writes, as the thread records it: a family, or the service (any staff member, or the portal). */
function authorOf(actor: Actor): MessageAuthor {
  return actor.kind === 'family' ? 'family' : 'service';
}

/** Starts a thread of a household: its family writing to the service, or the service writing first. */
export async function startThread(scope: Scope, householdId: string, input: NewThreadInput): Promise<WriteOutcome> {
  if (!may(scope, 'household.act', householdId)) return { kind: refusal(scope) };
  const household = await scope.tx.selectFrom('households').select('id').where('id', '=', householdId).executeTakeFirst();
  if (!household) return { kind: 'not_found' };
  const errors: MessageErrors = {};
  const thread = await checkNewThread(scope, householdId, input, errors);
  const message = checkMessage(input, errors);
  if (!thread || !message) return { kind: 'invalid', errors };
  return { kind: 'sent', ...(await openThread(scope, householdId, thread, message)) };
}

/** Writes a thread of a household, checked already, with its first message: its other side is told. */
export async function openThread(
  scope: Scope,
  householdId: string,
  thread: CheckedThread,
  message: CheckedMessage,
): Promise<{ threadId: string; messageId: string }> {
  const author = authorOf(scope.actor);
  const row = await scope.tx
    .insertInto('message_threads')
    .values({
      tenant_id: scope.tenantId,
      household_id: householdId,
      subject_id: thread.subjectId,
      child_id: thread.childId,
      title: thread.title,
      state: author === 'family' ? 'new' : 'answered',
      started_by: author,
      created_at: scope.now,
      last_message_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'message_thread.started', objectType: 'message_thread', objectId: row.id, details: { householdId, author } });
  const messageId = await addMessage(scope, { id: row.id, householdId }, author, message);
  return { threadId: row.id, messageId };
}

/** Replies in a thread: its family, or staff who run the service. */
export async function replyToThread(scope: Scope, threadId: string, input: MessageInput): Promise<WriteOutcome> {
  const thread = await scope.tx
    .selectFrom('message_threads')
    .select(['id', 'household_id', 'state', 'assigned_to'])
    .where('id', '=', threadId)
    .forUpdate()
    .executeTakeFirst();
  const author = authorOf(scope.actor);
  // A family may answer in its own threads only; staff must run the service to answer any.
  const allowed = author === 'family' ? thread !== undefined && may(scope, 'household.act', thread.household_id) : may(scope, 'service.manage');
  if (!allowed) return { kind: author === 'family' ? 'not_found' : refusal(scope) };
  if (!thread) return { kind: 'not_found' };
  const errors: MessageErrors = {};
  const message = checkMessage(input, errors);
  if (!message) return { kind: 'invalid', errors };
  const state = nextThreadState({ state: thread.state, assignedTo: thread.assigned_to }, { kind: 'message', author });
  await moveThread(scope, thread.id, thread.state, state);
  const messageId = await addMessage(scope, { id: thread.id, householdId: thread.household_id }, author, message);
  return { kind: 'sent', threadId: thread.id, messageId };
}

/** Records a state change of a thread with its audit row; nothing when it stays where it is. */
export async function moveThread(scope: Scope, threadId: string, from: ThreadState, to: ThreadState): Promise<void> {
  if (from === to) return;
  await scope.tx.updateTable('message_threads').set({ state: to }).where('id', '=', threadId).execute();
  await recordAudit(scope, { action: 'message_thread.state', objectType: 'message_thread', objectId: threadId, details: { from, to } });
}

async function addMessage(scope: Scope, thread: { id: string; householdId: string }, author: MessageAuthor, message: CheckedMessage): Promise<string> {
  const documentId = message.attachment ? await storeDocument(scope, { householdId: thread.householdId, kind: 'other', ...message.attachment }) : null;
  const row = await scope.tx
    .insertInto('messages')
    .values({
      tenant_id: scope.tenantId,
      thread_id: thread.id,
      author,
      author_account_id: accountIdOf(scope.actor),
      body: message.body,
      document_id: documentId,
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // A new message brings the thread back out of the family's bin: an answer must not go unseen.
  await scope.tx.updateTable('message_threads').set({ last_message_at: scope.now, family_deleted_at: null }).where('id', '=', thread.id).execute();
  await recordAudit(scope, {
    action: 'message.sent',
    objectType: 'message_thread',
    objectId: thread.id,
    details: { householdId: thread.householdId, author, attachment: documentId !== null },
  });
  if (author === 'family') await tellService(scope, thread.id);
  else await tellFamily(scope, thread);
  return row.id;
}
