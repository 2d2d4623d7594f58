import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * The amount a household still owes, in cents: the one place every page reads it from.
 * Invoicing is not built yet, so no household can owe anything; the invoicing issue replaces this
 * body with the sum of open invoices less payments — filtering the tenant itself, since every page
 * calls it on the owner's connection (households/household-summary.ts).
 */
export async function householdBalanceCents(_db: Kysely<DB>, _householdId: string): Promise<number> {
  return 0;
}
