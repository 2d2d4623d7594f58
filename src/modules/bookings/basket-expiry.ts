import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import { SYSTEM } from '../actor.js';
import { tenantPublicBase } from '../tenancy/tenants.js';
import { expireBasket, overdueBaskets } from './baskets.js';

/**
 * Prepayment baskets not paid in time: once a minute, every authority's open baskets past their
 * time are expired — their held days cancelled without charge, their places passed to the waiting
 * lists (whose families are told by email). A payment verified later is still honoured (the
 * prepayment module books what places remain, the rest stays as a credit).
 */

export const BASKET_EXPIRY_QUEUE = 'prepayment-basket-expiry';

export interface BasketExpiryOptions {
  db: Database;
  clock: Clock;
  mail: { wake(): void };
  log: JobQueueLog;
  publicUrl?: string;
}

/** Expires the overdue baskets of every authority, each in its own transaction; answers how many. */
export async function expireOverdueBaskets(options: BasketExpiryOptions): Promise<number> {
  const { db, clock, mail, log, publicUrl } = options;
  const now = clock.now();
  const tenants = await asSystem(db, (tx) =>
    tx
      .selectFrom('baskets as k')
      .innerJoin('tenants as t', 't.id', 'k.tenant_id')
      .select(['k.tenant_id', 't.slug', 't.hosts'])
      .distinct()
      .where('k.state', '=', 'open')
      .where('k.expires_at', '<=', now)
      .execute(),
  );
  let expired = 0;
  const failures: unknown[] = [];
  for (const { tenant_id: tenantId, ...tenant } of tenants) {
    const publicBase = publicUrl === undefined ? undefined : tenantPublicBase(publicUrl, tenant);
    try {
      expired += await inTenant(db, tenantId, async (tx) => {
        const scope = { tx, tenantId, actor: SYSTEM, now, publicBase };
        let count = 0;
        for (const basketId of await overdueBaskets(scope)) if (await expireBasket(scope, basketId)) count += 1;
        return count;
      });
    } catch (error) {
      failures.push(error);
      log.error({ err: error, tenantId }, 'could not expire the prepayment baskets of an authority');
      continue;
    }
    mail.wake();
  }
  if (failures.length > 0) throw new AggregateError(failures, `baskets of ${failures.length} authorities not expired`);
  return expired;
}

/** Runs `expireOverdueBaskets` every minute on the job queue, one run at a time across processes. */
export async function startBasketExpiry(jobs: JobQueue | null, options: BasketExpiryOptions): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(BASKET_EXPIRY_QUEUE, { name: BASKET_EXPIRY_QUEUE, policy: 'stately' });
  await jobs.work(BASKET_EXPIRY_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    await expireOverdueBaskets(options);
  });
  await jobs.schedule(BASKET_EXPIRY_QUEUE, '* * * * *');
}
