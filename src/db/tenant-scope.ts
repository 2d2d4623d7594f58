import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { DB } from './schema.js';

export type Tx = Transaction<DB>;

/**
 * Runs `work` in one transaction as the restricted role, seeing only `tenantId`'s rows: row-level
 * security backs every query the application already filters by tenant.
 */
export function inTenant<T>(db: Database, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(async (tx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'portail_app', true)`.execute(tx);
    return work(tx);
  });
}

/** Runs `work` in one transaction with the owner's rights, across tenants: start-up, jobs, tenant lookup. */
export function asSystem<T>(db: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(work);
}
