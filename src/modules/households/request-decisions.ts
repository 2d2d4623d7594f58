import type { MailSender } from '../notifications/compose-email.js';
import type { Scope } from '../scope.js';
import { decisionBatch } from '../notifications/family-news.js';
import { decideRequestInBatch, type Decision, type DecisionResult } from './change-requests.js';

/**
 * Staff decide several requests (ids already checked well-formed) at once with one decision, and
 * one reason for a refusal. Each is
 * decided as if alone, in the caller's transaction: one that cannot be (already decided, address
 * taken) does not stop the others, and each result is reported. Each household gets one email
 * listing its decisions.
 */
export async function decideRequests(
  scope: Scope,
  requestIds: string[],
  decision: Decision,
  mail: MailSender,
): Promise<{ id: string; result: DecisionResult }[]> {
  const results: { id: string; result: DecisionResult }[] = [];
  const news = decisionBatch();
  for (const id of new Set(requestIds)) {
    results.push({ id, result: await decideRequestInBatch(scope, id, decision, news) });
  }
  await news.send(scope, mail);
  return results;
}
