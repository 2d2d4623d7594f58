import { sql, type Transaction } from 'kysely';
import { isUuidText } from './column-types.js';
import type { Database } from './database.js';
import type { DB } from './schema.js';

export type Tx = Transaction<DB>;

/**
 * Runs `work` in one transaction as the restricted role, seeing only `tenantId`'s rows: row-level
 * security backs every query the application already filters by tenant.
 */
export function inTenant<T>(db: Database, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (isUuidText(tenantId)) return inTenantBegunAtOnce(db, tenantId, work);
  return db.kysely.transaction().execute(async (tx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'portail_app', true)`.execute(tx);
    return work(tx);
  });
}

/**
 * The same, the transaction begun and bound to the tenant in one message instead of two: a
 * family's page makes ten, each a fraction of a millisecond of work for the database and, on a
 * server, most of a millisecond of waiting for the process (bench/pages). Two statements in one
 * message go by the simple protocol, without parameters: the tenant's id, checked to be a uuid, is
 * written in the text.
 */
function inTenantBegunAtOnce<T>(db: Database, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.connection().execute(async (connection) => {
    await sql.raw(`begin; select set_config('app.tenant_id', '${tenantId}', true), set_config('role', 'portail_app', true)`).execute(connection);
    let result: T;
    try {
      // A connection held for the whole transaction is what Kysely's transaction object is too.
      result = await work(connection as unknown as Tx);
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}

/** Runs `work` in one transaction with the owner's rights, across tenants: start-up, jobs, tenant lookup. */
export function asSystem<T>(db: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(work);
}
