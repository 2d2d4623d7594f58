import { auditFor } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';

export type HistoryEntry = Awaited<ReturnType<typeof auditFor>>[number];

/**
 * Who changed what in a household, newest first: the household itself, its people, its requests
 * and its accounts. Staff only: families follow their requests in "Mes demandes".
 */
export async function householdHistory(scope: Scope, householdId: string): Promise<HistoryEntry[] | null> {
  if (!may(scope, 'service.read')) return null;
  const { tx } = scope;
  const people = await tx.selectFrom('household_members').select('person_id as id').where('household_id', '=', householdId).execute();
  const requests = await tx.selectFrom('change_requests').select('id').where('household_id', '=', householdId).execute();
  const accounts = await tx.selectFrom('accounts').select('id').where('household_id', '=', householdId).execute();
  // Logins say nothing about the record, and would crowd out its changes.
  return auditFor(scope, [householdId, ...[...people, ...requests, ...accounts].map((row) => row.id)], { exceptActions: ['account.login'] });
}
