import { sql } from 'kysely';
import type { Scope } from '../scope.js';
import type { LedgerKind } from './ledger.tables.js';

/** What a ledger entry records: a document (invoice, credit note, payment, its cancellation, a refund) and its amount. */
export interface NewEntry {
  householdId: string;
  regieId: string;
  on: string;
  kind: LedgerKind;
  /** Positive for what the household owes more (invoice, cancelled payment, refund), negative for what it paid or was credited. */
  amountCents: number;
  invoiceId?: string;
  paymentId?: string;
  refundId?: string;
}

/**
 * Writes entries in the caller's transaction; each document is entered once (a unique index). One
 * array per column rather than one parameter per value: an invoice run enters a city's households
 * at once, more values than a statement may have parameters.
 */
export async function recordEntries(scope: Scope, entries: NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <T>(read: (entry: NewEntry) => T) => entries.map(read);
  await sql`
    insert into ledger_entries (tenant_id, household_id, regie_id, entry_on, kind, amount_cents, invoice_id, payment_id, refund_id, created_at)
    select ${scope.tenantId}, e.household_id, e.regie_id, e.entry_on, e.kind, e.amount_cents, e.invoice_id, e.payment_id, e.refund_id, ${scope.now}
    from unnest(${column((entry) => entry.householdId)}::uuid[], ${column((entry) => entry.regieId)}::uuid[], ${column((entry) => entry.on)}::date[],
                ${column((entry) => entry.kind)}::text[], ${column((entry) => entry.amountCents)}::int[], ${column((entry) => entry.invoiceId ?? null)}::uuid[],
                ${column((entry) => entry.paymentId ?? null)}::uuid[], ${column((entry) => entry.refundId ?? null)}::uuid[])
      as e(household_id, regie_id, entry_on, kind, amount_cents, invoice_id, payment_id, refund_id)`.execute(scope.tx);
}
