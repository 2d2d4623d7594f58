import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import { recordAudit } from '../audit/audit-log.js';
import { SYSTEM } from '../actor.js';
import { BALANCE_OF_H } from '../ledger/balance.js';
import type { Scope } from '../scope.js';
import { eraseHousehold } from './household-erasure.js';
import { MONEY_AUDIT_PREFIXES, MONEY_AUDIT_YEARS, monthsBefore, type RetentionPolicy, retentionPolicy } from './retention-policy.js';

/** What one pass removed from an authority, and the closed households it had to leave for now. */
export interface RetentionOutcome {
  erasedHouseholds: number;
  /** Past their keeping time but with money owed or a credit: kept until settled. */
  householdsAwaitingSettlement: number;
  threads: number;
  files: number;
  emails: number;
  connectionTraces: number;
  auditEntries: number;
}

export const RETENTION_QUEUE = 'data-retention';

/**
 * Applies the authority's keeping times (retention-policy.ts) in its own transaction: what is older
 * is erased or deleted. Writes what it removed to the audit log (counts, never content), when it
 * removed anything.
 */
export async function applyRetention(scope: Scope, policy: RetentionPolicy): Promise<RetentionOutcome> {
  const { tx, now } = scope;
  const before = (months: number) => monthsBefore(now, months);

  const closed = await tx
    .selectFrom('households as h')
    .select(['h.id', BALANCE_OF_H.as('balance')])
    .where('h.closed_at', '<', before(policy.closedHouseholdMonths))
    .where('h.erased_at', 'is', null)
    .execute();
  const settled = closed.filter((household) => Number(household.balance) === 0);
  for (const household of settled) await eraseHousehold(scope, household.id);

  // A thread's attachments go with it: read them before the thread (and its messages) are deleted.
  const oldThreads = tx.selectFrom('message_threads').select('id').where('last_message_at', '<', before(policy.messageMonths));
  const attachments = await tx.selectFrom('messages').select('document_id').where('thread_id', 'in', oldThreads).where('document_id', 'is not', null).execute();
  const threads = await tx.deleteFrom('message_threads').where('last_message_at', '<', before(policy.messageMonths)).executeTakeFirst();
  const attachmentIds = attachments.map((row) => row.document_id!);
  if (attachmentIds.length > 0) await tx.deleteFrom('documents').where('id', 'in', attachmentIds).execute();

  const oldCertificates = tx
    .selectFrom('absence_declarations as a')
    .innerJoin('documents as d', 'd.id', 'a.document_id')
    .select('d.id')
    .where('d.created_at', '<', before(policy.fileMonths));
  const certificateIds = (await oldCertificates.execute()).map((row) => row.id);
  if (certificateIds.length > 0) {
    await tx.updateTable('absence_declarations').set({ document_id: null }).where('document_id', 'in', certificateIds).execute();
    await tx.deleteFrom('documents').where('id', 'in', certificateIds).execute();
  }

  const emails = await tx.deleteFrom('outbox_emails').where('created_at', '<', before(policy.emailMonths)).where('status', '!=', 'queued').executeTakeFirst();
  const connectionTraces = await removeConnectionTraces(scope, before(policy.connectionMonths));
  const auditEntries = await tx
    .deleteFrom('audit_log')
    .where((eb) =>
      eb.or([
        eb.and([eb('at', '<', before(policy.auditMonths)), eb.not(eb.or(MONEY_AUDIT_PREFIXES.map((prefix) => eb('action', 'like', `${prefix}%`))))]),
        eb('at', '<', before(12 * MONEY_AUDIT_YEARS)),
      ]),
    )
    .executeTakeFirst();

  const outcome: RetentionOutcome = {
    erasedHouseholds: settled.length,
    householdsAwaitingSettlement: closed.length - settled.length,
    threads: Number(threads.numDeletedRows),
    files: certificateIds.length + attachmentIds.length,
    emails: Number(emails.numDeletedRows),
    connectionTraces,
    auditEntries: Number(auditEntries.numDeletedRows),
  };
  const removed = Object.entries(outcome).some(([kind, count]) => kind !== 'householdsAwaitingSettlement' && count > 0);
  if (removed) await recordAudit(scope, { action: 'retention.applied', objectType: 'tenant', objectId: scope.tenantId, details: { ...outcome } });
  return outcome;
}

/** Logins and network addresses older than `limit`, ended sessions and tokens, spent anti-robot proofs. */
async function removeConnectionTraces(scope: Scope, limit: Date): Promise<number> {
  const { tx, now } = scope;
  const removed = [
    await tx.deleteFrom('audit_log').where('action', '=', 'account.login').where('at', '<', limit).executeTakeFirst(),
    await tx.deleteFrom('login_failures').where('last_failure_at', '<', limit).executeTakeFirst(),
    await tx.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst(),
    await tx.deleteFrom('api_tokens').where('expires_at', '<', now).executeTakeFirst(),
  ];
  const addresses = await tx.updateTable('audit_log').set({ ip: null }).where('ip', 'is not', null).where('at', '<', limit).executeTakeFirst();
  await tx.deleteFrom('altcha_spent').where('expires_at', '<', now).execute();
  return removed.reduce((sum, result) => sum + Number(result.numDeletedRows), Number(addresses.numUpdatedRows));
}

export interface RetentionOptions {
  db: Database;
  clock: Clock;
  log: JobQueueLog;
}

/** One pass over every authority, each in its own transaction: one failing leaves the others done. */
export async function applyRetentionEverywhere({ db, clock, log }: RetentionOptions): Promise<Map<string, RetentionOutcome>> {
  const now = clock.now();
  const tenants = await asSystem(db, (tx) => tx.selectFrom('tenants').select(['id', 'settings']).execute());
  const outcomes = new Map<string, RetentionOutcome>();
  const failures: unknown[] = [];
  for (const tenant of tenants) {
    try {
      const outcome = await inTenant(db, tenant.id, (tx) => applyRetention({ tx, tenantId: tenant.id, actor: SYSTEM, now }, retentionPolicy(tenant.settings)));
      outcomes.set(tenant.id, outcome);
    } catch (error) {
      failures.push(error);
      log.error({ err: error, tenantId: tenant.id }, 'could not apply the data retention of an authority');
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `data retention failed for ${failures.length} authorities`);
  return outcomes;
}

/** Every night at 03:30 (Paris), one run at a time across processes. */
export async function startRetention(jobs: JobQueue | null, options: RetentionOptions): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, policy: 'stately' });
  await jobs.work(RETENTION_QUEUE, async () => {
    await applyRetentionEverywhere(options);
  });
  await jobs.schedule(RETENTION_QUEUE, '30 3 * * *', {}, { tz: 'Europe/Paris' });
}

/** The last pass that removed something from this authority: when, and what (shown with the keeping times). */
export async function lastRetentionRun(scope: Scope): Promise<{ at: Date; outcome: RetentionOutcome } | null> {
  const entry = await scope.tx
    .selectFrom('audit_log')
    .select(['at', 'details'])
    .where('action', '=', 'retention.applied')
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return entry ? { at: entry.at, outcome: entry.details as unknown as RetentionOutcome } : null;
}
