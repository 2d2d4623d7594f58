import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';

/** The next number of a per-tenant sequence; gapless, because it is taken in the caller's transaction. */
export async function nextNumber(tx: Tx, tenantId: string, name: string): Promise<number> {
  const row = await tx
    .insertInto('counters')
    .values({ tenant_id: tenantId, name, value: 1 })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'name']).doUpdateSet({ value: sql`counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
