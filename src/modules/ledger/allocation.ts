import { sql } from 'kysely';
import type { Scope } from '../scope.js';

/**
 * What pays what. An invoice is paid by allocations: parts of payments, or of credit notes. What a
 * payment or a credit note has not paid yet is the household's credit, used by the next invoices
 * oldest first. A cancelled payment's allocations stay written but pay nothing.
 */

/** Serialises the changes of one household's money at one régie: two payments recorded at once never pay the same euro twice. */
export async function lockAccount(scope: Scope, householdId: string, regieId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`account:${householdId}:${regieId}`}, 0))`.execute(scope.tx);
}

/** Allocations that pay: those of credit notes, and of payments not cancelled. */
const LIVE_ALLOCATION = sql<boolean>`(a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id))`;

export interface OpenInvoice {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  totalCents: number;
  paidCents: number;
  leftCents: number;
  /** Handed to the Treasury: the family pays it there, not here. */
  treasury: boolean;
}

/** The household's invoices at the régie still to be paid, oldest first. */
export async function openInvoices(scope: Scope, householdId: string, regieId: string): Promise<OpenInvoice[]> {
  const rows = await scope.tx
    .selectFrom('invoices as i')
    .select([
      'i.id',
      'i.number',
      'i.issued_on',
      'i.due_on',
      'i.total_cents',
      sql<string>`coalesce((select sum(a.amount_cents) from allocations a where a.invoice_id = i.id and ${LIVE_ALLOCATION}), 0)`.as('paid'),
      sql<boolean>`exists (select 1 from treasury_titles t where t.invoice_id = i.id)`.as('treasury'),
    ])
    .where('i.household_id', '=', householdId)
    .where('i.regie_id', '=', regieId)
    .where('i.kind', '=', 'invoice')
    .orderBy('i.issued_on')
    .orderBy('i.seq')
    .execute();
  return rows
    .map((row) => ({
      id: row.id,
      number: row.number,
      issuedOn: row.issued_on,
      dueOn: row.due_on,
      totalCents: row.total_cents,
      paidCents: Number(row.paid),
      leftCents: row.total_cents - Number(row.paid),
      treasury: row.treasury,
    }))
    .filter((invoice) => invoice.leftCents > 0);
}

export interface Credit {
  paymentId: string | null;
  creditNoteId: string | null;
  leftCents: number;
}

/** What the household's payments and credit notes at the régie have not paid yet, oldest first. */
export async function availableCredits(scope: Scope, householdId: string, regieId: string): Promise<Credit[]> {
  const payments = await scope.tx
    .selectFrom('payments as p')
    .select([
      'p.id',
      'p.received_on as on',
      'p.created_at',
      sql<string>`p.amount_cents - coalesce((select sum(a.amount_cents) from allocations a where a.payment_id = p.id), 0)`.as('left'),
    ])
    .where('p.household_id', '=', householdId)
    .where('p.regie_id', '=', regieId)
    .where(sql<boolean>`not exists (select 1 from payment_cancellations c where c.payment_id = p.id)`)
    .execute();
  const notes = await scope.tx
    .selectFrom('invoices as n')
    .select([
      'n.id',
      'n.issued_on as on',
      'n.created_at',
      sql<string>`-n.total_cents - coalesce((select sum(a.amount_cents) from allocations a where a.credit_note_id = n.id), 0)`.as('left'),
    ])
    .where('n.household_id', '=', householdId)
    .where('n.regie_id', '=', regieId)
    .where('n.kind', '=', 'credit_note')
    .execute();
  const refunded = await scope.tx
    .selectFrom('refunds')
    .select(sql<string>`coalesce(sum(amount_cents), 0)`.as('total'))
    .where('household_id', '=', householdId)
    .where('regie_id', '=', regieId)
    .executeTakeFirstOrThrow();
  const credits = [
    ...payments.map((row) => ({ paymentId: row.id, creditNoteId: null, leftCents: Number(row.left), on: row.on, at: row.created_at })),
    ...notes.map((row) => ({ paymentId: null, creditNoteId: row.id, leftCents: Number(row.left), on: row.on, at: row.created_at })),
  ]
    .filter((credit) => credit.leftCents > 0)
    .sort((a, b) => a.on.localeCompare(b.on) || a.at.getTime() - b.at.getTime());
  // Refunds hand credit back: they use it up, oldest first, as an invoice would.
  let toRefund = Number(refunded.total);
  const left: Credit[] = [];
  for (const { paymentId, creditNoteId, leftCents } of credits) {
    const used = Math.min(toRefund, leftCents);
    toRefund -= used;
    if (leftCents > used) left.push({ paymentId, creditNoteId, leftCents: leftCents - used });
  }
  return left;
}

/** Writes one allocation. */
export async function allocate(scope: Scope, invoiceId: string, from: { paymentId?: string; creditNoteId?: string }, amountCents: number): Promise<void> {
  if (amountCents <= 0) return;
  await scope.tx
    .insertInto('allocations')
    .values({
      tenant_id: scope.tenantId,
      invoice_id: invoiceId,
      payment_id: from.paymentId ?? null,
      credit_note_id: from.creditNoteId ?? null,
      amount_cents: amountCents,
      created_at: scope.now,
    })
    .execute();
}

/**
 * Uses the household's credit at the régie (payments and credit notes not used up) for its unpaid
 * invoices, oldest first, except those handed to the Treasury (paid there). Call it with the
 * account locked (lockAccount), after anything that adds an invoice or a credit.
 */
export async function useCredit(scope: Scope, householdId: string, regieId: string): Promise<void> {
  const invoices = (await openInvoices(scope, householdId, regieId)).filter((invoice) => !invoice.treasury);
  const credits = await availableCredits(scope, householdId, regieId);
  for (const invoice of invoices) {
    let left = invoice.leftCents;
    for (const credit of credits) {
      if (left === 0) break;
      const amount = Math.min(left, credit.leftCents);
      if (amount === 0) continue;
      await allocate(scope, invoice.id, { paymentId: credit.paymentId ?? undefined, creditNoteId: credit.creditNoteId ?? undefined }, amount);
      credit.leftCents -= amount;
      left -= amount;
    }
  }
}
