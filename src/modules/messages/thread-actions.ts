import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { nextThreadState } from './thread-states.js';
import { moveThread } from './threads.js';

/** What staff do with a thread besides answering (assign it to a colleague, close it), and the family's bin. */

export type ActionOutcome = 'done' | 'not_found' | 'forbidden';

/** The colleagues a thread may be given to: staff who may answer (read-only staff cannot). */
export async function assignableStaff(scope: Scope): Promise<{ id: string; name: string }[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('accounts')
    .select(['id', 'display_name'])
    .where('kind', '=', 'staff')
    .where('status', '=', 'active')
    .where('staff_role', 'in', ['manager', 'admin'])
    .orderBy('display_name')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.display_name }));
}

/** Gives the thread to a colleague (or to nobody: `null`); a new thread is then in progress. */
export async function assignThread(scope: Scope, threadId: string, accountId: string | null): Promise<ActionOutcome | 'unknown_colleague'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const thread = await scope.tx.selectFrom('message_threads').select(['id', 'state', 'assigned_to']).where('id', '=', threadId).forUpdate().executeTakeFirst();
  if (!thread) return 'not_found';
  if (accountId !== null && !(await assignableStaff(scope)).some((colleague) => colleague.id === accountId)) return 'unknown_colleague';
  await scope.tx.updateTable('message_threads').set({ assigned_to: accountId }).where('id', '=', threadId).execute();
  await recordAudit(scope, {
    action: 'message_thread.assigned',
    objectType: 'message_thread',
    objectId: threadId,
    details: { from: thread.assigned_to, to: accountId },
  });
  if (accountId !== null)
    await moveThread(scope, threadId, thread.state, nextThreadState({ state: thread.state, assignedTo: accountId }, { kind: 'assigned' }));
  return 'done';
}

/** Closes the thread: handled. A new message of either side opens it again. */
export async function closeThread(scope: Scope, threadId: string): Promise<ActionOutcome> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const thread = await scope.tx.selectFrom('message_threads').select(['id', 'state', 'assigned_to']).where('id', '=', threadId).forUpdate().executeTakeFirst();
  if (!thread) return 'not_found';
  await moveThread(scope, threadId, thread.state, nextThreadState({ state: thread.state, assignedTo: thread.assigned_to }, { kind: 'closed' }));
  return 'done';
}

/**
 * Moves a thread to the family's bin, or back (`restore`). Only the family's view changes: the
 * service keeps the whole thread, which is the authority's record of what was said.
 */
export async function binThread(scope: Scope, householdId: string, threadId: string, restore: boolean): Promise<ActionOutcome> {
  if (!may(scope, 'household.act', householdId) || scope.actor.kind !== 'family') return 'not_found';
  const updated = await scope.tx
    .updateTable('message_threads')
    .set({ family_deleted_at: restore ? null : scope.now })
    .where('id', '=', threadId)
    .where('household_id', '=', householdId)
    .returning('id')
    .executeTakeFirst();
  if (!updated) return 'not_found';
  await recordAudit(scope, {
    action: restore ? 'message_thread.restored' : 'message_thread.binned',
    objectType: 'message_thread',
    objectId: threadId,
    details: { householdId },
  });
  return 'done';
}
