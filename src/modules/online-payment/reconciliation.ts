import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import { SYSTEM } from '../actor.js';
import { tenantPublicBase } from '../tenancy/tenants.js';
import { adapterOf } from './adapters.js';
import { expireAttempt, type InScope, lookUpAttempt } from './attempts.js';

/**
 * Notifications get lost and families close tabs: every few minutes, the attempts still pending
 * after a while are asked about at their provider (PayFiP's lookup), which records those paid; an
 * attempt no provider will ever settle is marked expired — after PayFiP's "result not known yet"
 * has lasted long enough, or after the time a provider without lookups (Systempay, TIPI) takes to
 * retry its notifications. An expired attempt that its provider then says was paid is still recorded.
 */

export const RECONCILIATION_QUEUE = 'online-payment-reconciliation';

/** A pending attempt is first asked about after this long: its notification usually comes first. */
const ASK_AFTER_MS = 2 * 60_000;
/** PayFiP answers "not known yet" (P5) for a while; after this, the attempt is taken as abandoned. */
const UNKNOWN_YET_FOR_MS = 20 * 60_000;
/** Systempay retries its notification four times, fifteen minutes apart; TIPI never does. */
const SILENT_FOR_MS = 2 * 60 * 60_000;

export interface ReconciliationOptions {
  db: Database;
  clock: Clock;
  secret: string;
  publicUrl: string;
  mail: { wake(): void };
  log: JobQueueLog;
}

/** Asks about, or expires, the pending attempts of every authority; answers how many it settled either way. */
export async function reconcilePendingAttempts(options: ReconciliationOptions): Promise<number> {
  const { db, clock } = options;
  const now = clock.now();
  const due = await asSystem(db, (tx) =>
    tx
      .selectFrom('payment_attempts as a')
      .innerJoin('payment_channels as c', 'c.id', 'a.channel_id')
      .innerJoin('tenants as t', 't.id', 'a.tenant_id')
      .select(['a.id', 'a.tenant_id', 'a.created_at', 'c.provider', 't.slug', 't.hosts'])
      .where('a.state', '=', 'pending')
      .where('a.created_at', '<=', new Date(now.getTime() - ASK_AFTER_MS))
      .orderBy('a.created_at')
      .limit(500)
      .execute(),
  );
  let settled = 0;
  for (const attempt of due) {
    const run: InScope = (work) => inTenant(db, attempt.tenant_id, (tx) => work({ tx, tenantId: attempt.tenant_id, actor: SYSTEM, now: clock.now() }));
    const age = now.getTime() - attempt.created_at.getTime();
    try {
      const verdict = adapterOf(attempt.provider).lookup
        ? await lookUpAttempt(run, attempt.id, { secret: options.secret, publicBase: tenantPublicBase(options.publicUrl, attempt) })
        : null;
      if (verdict === 'paid' || verdict === 'refused' || verdict === 'abandoned') settled += 1;
      else if (verdict === 'unknown_attempt' || (verdict === 'unknown_yet' && age > UNKNOWN_YET_FOR_MS) || (verdict === null && age > SILENT_FOR_MS)) {
        if (await run((scope) => expireAttempt(scope, attempt.id, { step: 'reconciliation', verdict: verdict ?? 'no lookup' }))) settled += 1;
      }
    } catch (error) {
      options.log.error({ err: error, attemptId: attempt.id }, 'could not reconcile an online payment attempt');
    }
  }
  if (settled > 0) options.mail.wake();
  return settled;
}

/** Runs the reconciliation every five minutes on the job queue, one run at a time across processes. */
export async function startPaymentReconciliation(jobs: JobQueue | null, options: ReconciliationOptions): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(RECONCILIATION_QUEUE, { name: RECONCILIATION_QUEUE, policy: 'stately' });
  await jobs.work(RECONCILIATION_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    await reconcilePendingAttempts(options);
  });
  await jobs.schedule(RECONCILIATION_QUEUE, '*/5 * * * *');
}
