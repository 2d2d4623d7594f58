import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import { activityFamilies, type FamilySelection } from '../bookings/activity-families.js';
import type { Scope } from '../scope.js';
import { checkMessage, checkNewThread, type MessageErrors, type NewThreadInput } from './message-form.js';
import { openThread } from './threads.js';

export type SelectionOutcome =
  | { kind: 'sent'; households: number }
  | { kind: 'invalid'; errors: MessageErrors }
  | { kind: 'nobody' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' };

/**
 * Staff write first to every family of an activity or group: each household gets a thread of its
 * own (a family's answer reaches the service alone, never the other families) and its email. The
 * message is checked once, before anything is written and not again per household: all get it, or none.
 */
export async function writeToSelection(scope: Scope, selection: FamilySelection, input: Omit<NewThreadInput, 'childId'>): Promise<SelectionOutcome> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const families = await activityFamilies(scope, selection);
  if (!families) return { kind: 'not_found' };
  const errors: MessageErrors = {};
  const thread = await checkNewThread(scope, null, { ...input, childId: undefined }, errors);
  const message = checkMessage(input, errors);
  if (!thread || !message) return { kind: 'invalid', errors };
  if (families.length === 0) return { kind: 'nobody' };
  for (const family of families) await openThread(scope, family.householdId, thread, message);
  await recordAudit(scope, {
    action: 'message.sent_to_selection',
    objectType: 'activity',
    objectId: selection.activityId,
    details: { groupId: selection.groupId, households: families.length },
  });
  return { kind: 'sent', households: families.length };
}
