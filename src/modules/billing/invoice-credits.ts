import { allowedHouseholds } from '../access.js';
import type { Scope } from '../scope.js';

/**
 * The credit notes whose credit paid part of an invoice: a credit note's amount pays what the
 * household's oldest open invoices lack, not only the invoice it corrects, so an invoice's "paid"
 * is its payments and these. Each with what it paid of the invoice.
 */
export interface CreditApplied {
  creditNoteId: string;
  number: string;
  issuedOn: string;
  amountCents: number;
}

/** None for an invoice the actor may not read (or that does not exist). */
export async function creditsApplied(scope: Scope, invoiceId: string): Promise<CreditApplied[]> {
  const owner = await scope.tx.selectFrom('invoices').select('household_id').where('id', '=', invoiceId).executeTakeFirst();
  if (!owner || allowedHouseholds(scope, 'household.read', [owner.household_id]).size === 0) return [];
  const rows = await scope.tx
    .selectFrom('allocations as a')
    .innerJoin('invoices as c', 'c.id', 'a.credit_note_id')
    .select(['c.id', 'c.number', 'c.issued_on', 'a.amount_cents'])
    .where('a.invoice_id', '=', invoiceId)
    .orderBy('c.issued_on')
    .orderBy('c.seq')
    .execute();
  return rows.map((row) => ({ creditNoteId: row.id, number: row.number, issuedOn: row.issued_on, amountCents: row.amount_cents }));
}
