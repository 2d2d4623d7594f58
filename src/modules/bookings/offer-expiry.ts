import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import { loadActivityDefinition } from '../activities/activity-definitions.js';
import { SYSTEM } from '../actor.js';
import { tenantPublicBase } from '../tenancy/tenants.js';
import { expireOffers } from './waitlist.js';

/**
 * The places offered from a waiting list for a limited time: once a minute, every authority's
 * offers past their time are cancelled and their places passed to the next children on the lists.
 */

export const OFFER_EXPIRY_QUEUE = 'waitlist-offer-expiry';

export interface OfferExpiryOptions {
  db: Database;
  clock: Clock;
  /** Told after each authority's transaction that queued emails (the next children's offers). */
  mail: { wake(): void };
  log: JobQueueLog;
  /**
   * PUBLIC_URL: the links of the emails a run sends (the next children's offers) start with each
   * authority's address under it (tenancy/tenants.ts). Without it they are paths only.
   */
  publicUrl?: string;
}

/**
 * Expires the overdue offers of every authority, each in its own transaction (as that authority,
 * under its row-level security); answers how many expired. An authority that fails does not stop
 * the others; the run then fails as a whole, so the job queue records it, and the next run retries.
 */
export async function expireOverdueOffers(options: OfferExpiryOptions): Promise<number> {
  const { db, clock, mail, log, publicUrl } = options;
  const now = clock.now();
  // Only the authorities with an offer due: most minutes, one query and nothing else.
  const tenants = await asSystem(db, (tx) =>
    tx
      .selectFrom('bookings as b')
      .innerJoin('tenants as t', 't.id', 'b.tenant_id')
      .select(['b.tenant_id', 't.slug', 't.hosts'])
      .distinct()
      .where('b.status', '=', 'offered')
      .where('b.offer_expires_at', '<=', now)
      .execute(),
  );
  let expired = 0;
  const failures: unknown[] = [];
  for (const { tenant_id: tenantId, ...tenant } of tenants) {
    const publicBase = publicUrl === undefined ? undefined : tenantPublicBase(publicUrl, tenant);
    let emailQueued = false;
    const afterCommit = () => {
      emailQueued = true;
    };
    try {
      expired += await inTenant(db, tenantId, (tx) =>
        expireOffers({ tx, tenantId, actor: SYSTEM, now, publicBase, afterCommit }, (activityId) => loadActivityDefinition(tx, activityId)),
      );
    } catch (error) {
      failures.push(error);
      log.error({ err: error, tenantId }, 'could not expire the waiting-list offers of an authority');
      continue;
    }
    if (emailQueued) mail.wake();
  }
  if (failures.length > 0) throw new AggregateError(failures, `offers of ${failures.length} authorities not expired`);
  return expired;
}

/**
 * Runs `expireOverdueOffers` every minute on the job queue, in whichever process takes the job.
 * 'stately': one run at a time, and at most one waiting, however many processes schedule it.
 */
export async function startOfferExpiry(jobs: JobQueue | null, options: OfferExpiryOptions): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(OFFER_EXPIRY_QUEUE, { name: OFFER_EXPIRY_QUEUE, policy: 'stately' });
  // The schedule posts a job a minute; polled every ten seconds, an offer expires at most about a
  // minute late without adding load on PGlite's single connection.
  await jobs.work(OFFER_EXPIRY_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    await expireOverdueOffers(options);
  });
  await jobs.schedule(OFFER_EXPIRY_QUEUE, '* * * * *');
}
