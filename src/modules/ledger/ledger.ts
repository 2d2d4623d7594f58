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

/** Writes entries in the caller's transaction; each document is entered once (a unique index). */
export async function recordEntries(scope: Scope, entries: NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await scope.tx
    .insertInto('ledger_entries')
    .values(
      entries.map((entry) => ({
        tenant_id: scope.tenantId,
        household_id: entry.householdId,
        regie_id: entry.regieId,
        entry_on: entry.on,
        kind: entry.kind,
        amount_cents: entry.amountCents,
        invoice_id: entry.invoiceId ?? null,
        payment_id: entry.paymentId ?? null,
        refund_id: entry.refundId ?? null,
        created_at: scope.now,
      })),
    )
    .execute();
}
