import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * The amount a household still owes, in cents, all régies together: the sum of its ledger
 * (invoices and cancelled payments and refunds count up, payments and credit notes down) — never
 * a stored figure that could drift. Negative when the household has a credit. The one place every
 * page reads it from; it filters the tenant itself, since pages call it on the owner's connection
 * (households/household-summary.ts) as well as in a tenant's transaction.
 */
export async function householdBalanceCents(db: Kysely<DB>, tenantId: string, householdId: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select(sql<string>`coalesce(sum(amount_cents), 0)`.as('balance'))
    .where('tenant_id', '=', tenantId)
    .where('household_id', '=', householdId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** The same sum as an SQL expression over a households row aliased `h` (for statements that read many households at once). */
export const BALANCE_OF_H = sql<string>`(select coalesce(sum(l.amount_cents), 0) from ledger_entries l where l.tenant_id = h.tenant_id and l.household_id = h.id)`;
