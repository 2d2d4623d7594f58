import type { Tx } from '../../db/tenant-scope.js';

/**
 * The amount a household still owes, in cents: the one place every page reads it from.
 * Invoicing is not built yet, so no household can owe anything; the invoicing issue replaces this
 * body with the sum of open invoices less payments.
 */
export async function householdBalanceCents(_tx: Tx, _householdId: string): Promise<number> {
  return 0;
}
