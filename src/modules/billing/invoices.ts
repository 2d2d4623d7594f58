import { sql } from 'kysely';
import { allowedHouseholds, may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { tenantToday } from '../calendar/local-date.js';
import { lockAccount, useCredit } from '../ledger/allocation.js';
import { recordEntries } from '../ledger/ledger.js';
import { documentNumber, takeNumbers } from '../ledger/numbering.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import type { InvoiceKind, LineKind } from './billing.tables.js';

/**
 * Invoices as families and staff read them — what they owe, what was paid, what is left, their
 * state in words — and what staff do to them: a credit note (avoir) to correct a mistake, since an
 * issued invoice never changes, and the hand-over of an unpaid one to the Treasury (titre émis).
 */

/** An invoice's state: paid, to pay, late, handed to the Treasury; a credit note is its own kind. */
export type InvoiceState = 'paid' | 'to_pay' | 'late' | 'treasury' | 'credit_note';

export interface InvoiceSummary {
  id: string;
  number: string;
  kind: InvoiceKind;
  regieId: string;
  regieName: string;
  householdId: string;
  householdName: string;
  payerName: string;
  issuedOn: string;
  dueOn: string;
  periodFrom: string | null;
  periodTo: string | null;
  totalCents: number;
  paidCents: number;
  leftCents: number;
  state: InvoiceState;
  treasury: { reference: string; handedOn: string } | null;
  creditOf: { id: string; number: string } | null;
}

export interface InvoiceFilter {
  householdId?: string;
  regieId?: string;
  year?: number;
  /** Only invoices with something left to pay. */
  unpaid?: boolean;
  invoiceIds?: string[];
  runId?: string;
  limit?: number;
  offset?: number;
}

const PAID = sql<string>`coalesce((select sum(a.amount_cents) from allocations a where a.invoice_id = i.id
  and (a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id))), 0)`;
const USED = sql<string>`coalesce((select sum(a.amount_cents) from allocations a where a.credit_note_id = i.id), 0)`;

/** Invoices and credit notes, newest first: a household's (its family or staff), or the service's (staff). */
export async function listInvoices(scope: Scope, filter: InvoiceFilter): Promise<InvoiceSummary[]> {
  if (filter.householdId === undefined ? !may(scope, 'service.read') : !may(scope, 'household.read', filter.householdId)) return [];
  const today = await tenantToday(scope);
  let query = scope.tx
    .selectFrom('invoices as i')
    .innerJoin('regies as r', 'r.id', 'i.regie_id')
    .innerJoin('households as h', 'h.id', 'i.household_id')
    .leftJoin('treasury_titles as t', 't.invoice_id', 'i.id')
    .leftJoin('invoices as o', 'o.id', 'i.credit_of')
    .select([
      'i.id',
      'i.number',
      'i.kind',
      'i.regie_id',
      'r.name as regie_name',
      'i.household_id',
      'h.name as household_name',
      'i.payer_name',
      'i.issued_on',
      'i.due_on',
      'i.period_from',
      'i.period_to',
      'i.total_cents',
      't.reference as treasury_reference',
      't.handed_on as treasury_on',
      'o.id as credit_of_id',
      'o.number as credit_of_number',
      PAID.as('paid'),
      USED.as('used'),
    ])
    .orderBy('i.issued_on', 'desc')
    .orderBy('i.seq', filter.runId ? 'asc' : 'desc')
    .limit(filter.limit ?? 500)
    .offset(filter.offset ?? 0);
  if (filter.householdId !== undefined) query = query.where('i.household_id', '=', filter.householdId);
  if (filter.regieId !== undefined) query = query.where('i.regie_id', '=', filter.regieId);
  if (filter.year !== undefined) query = query.where('i.year', '=', filter.year);
  if (filter.runId !== undefined) query = query.where('i.run_id', '=', filter.runId);
  if (filter.invoiceIds !== undefined)
    query = query.where('i.id', 'in', filter.invoiceIds.length > 0 ? filter.invoiceIds : ['00000000-0000-0000-0000-000000000000']);
  if (filter.unpaid) query = query.where('i.kind', '=', 'invoice').where(sql<boolean>`i.total_cents > ${PAID}`);
  const rows = await query.execute();
  return rows.map((row) => {
    const paid = row.kind === 'invoice' ? Number(row.paid) : Number(row.used);
    const left = row.kind === 'invoice' ? row.total_cents - paid : 0;
    const treasury = row.treasury_reference !== null && row.treasury_on !== null ? { reference: row.treasury_reference, handedOn: row.treasury_on } : null;
    return {
      id: row.id,
      number: row.number,
      kind: row.kind,
      regieId: row.regie_id,
      regieName: row.regie_name,
      householdId: row.household_id,
      householdName: row.household_name,
      payerName: row.payer_name,
      issuedOn: row.issued_on,
      dueOn: row.due_on,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      totalCents: row.total_cents,
      paidCents: paid,
      leftCents: left,
      treasury,
      state: stateOf(row.kind, left, row.due_on, today, treasury !== null),
      creditOf: row.credit_of_id !== null && row.credit_of_number !== null ? { id: row.credit_of_id, number: row.credit_of_number } : null,
    };
  });
}

export function stateOf(kind: InvoiceKind, leftCents: number, dueOn: string, today: string, treasury: boolean): InvoiceState {
  if (kind === 'credit_note') return 'credit_note';
  if (leftCents <= 0) return 'paid';
  if (treasury) return 'treasury';
  return dueOn < today ? 'late' : 'to_pay';
}

export interface InvoiceLine {
  id: string;
  position: number;
  childId: string | null;
  childName: string;
  label: string;
  kind: LineKind;
  days: string[];
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  careCents: number;
  mealCents: number;
  penaltyCents: number;
}

export interface InvoiceDetail extends InvoiceSummary {
  payerAddress: string;
  reason: string | null;
  lang: 'fr' | 'en';
  lines: InvoiceLine[];
  payments: { number: string; receivedOn: string; method: string; amountCents: number; cancelled: boolean }[];
  creditNotes: { id: string; number: string; totalCents: number }[];
  regie: { name: string; bankHolder: string | null; iban: string | null; bic: string | null; paymentInstructions: string | null; payfipNumcli: string | null };
}

/** One invoice whole, for its household or staff; null for anyone else (not found). */
export async function findInvoice(scope: Scope, invoiceId: string): Promise<InvoiceDetail | null> {
  const owner = await scope.tx
    .selectFrom('invoices')
    .select(['household_id', 'payer_address', 'reason', 'lang', 'regie_id'])
    .where('id', '=', invoiceId)
    .executeTakeFirst();
  if (!owner || allowedHouseholds(scope, 'household.read', [owner.household_id]).size === 0) return null;
  const [summary] = await listInvoices(scope, { householdId: owner.household_id, invoiceIds: [invoiceId] });
  if (!summary) return null;
  const lines = await scope.tx.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).orderBy('position').execute();
  const payments = await scope.tx
    .selectFrom('allocations as a')
    .innerJoin('payments as p', 'p.id', 'a.payment_id')
    .select([
      'p.number',
      'p.received_on',
      'p.method',
      'a.amount_cents',
      sql<boolean>`exists (select 1 from payment_cancellations c where c.payment_id = p.id)`.as('cancelled'),
    ])
    .where('a.invoice_id', '=', invoiceId)
    .orderBy('p.received_on')
    .execute();
  const creditNotes = await scope.tx.selectFrom('invoices').select(['id', 'number', 'total_cents']).where('credit_of', '=', invoiceId).orderBy('seq').execute();
  const regie = await scope.tx
    .selectFrom('regies')
    .select(['name', 'bank_holder', 'iban', 'bic', 'payment_instructions', 'payfip_numcli'])
    .where('id', '=', owner.regie_id)
    .executeTakeFirstOrThrow();
  return {
    ...summary,
    payerAddress: owner.payer_address,
    reason: owner.reason,
    lang: owner.lang,
    lines: lines.map((line) => ({
      id: line.id,
      position: line.position,
      childId: line.child_id,
      childName: line.child_name,
      label: line.label,
      kind: line.kind,
      days: line.days,
      quantity: line.quantity,
      unitPriceCents: line.unit_price_cents,
      amountCents: line.amount_cents,
      careCents: line.care_cents,
      mealCents: line.meal_cents,
      penaltyCents: line.penalty_cents,
    })),
    payments: payments.map((row) => ({
      number: row.number,
      receivedOn: row.received_on,
      method: row.method,
      amountCents: row.amount_cents,
      cancelled: row.cancelled,
    })),
    creditNotes: creditNotes.map((row) => ({ id: row.id, number: row.number, totalCents: row.total_cents })),
    regie: {
      name: regie.name,
      bankHolder: regie.bank_holder,
      iban: regie.iban,
      bic: regie.bic,
      paymentInstructions: regie.payment_instructions,
      payfipNumcli: regie.payfip_numcli,
    },
  };
}

export type CreditNoteResult =
  | { kind: 'issued'; creditNoteId: string; number: string }
  | { kind: 'invalid'; errors: Partial<Record<'reason' | 'lines', 'required' | 'tooLong' | 'alreadyCredited'>> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/**
 * Issues a credit note (avoir) for some lines of an invoice, or all: a new document, numbered in
 * the régie's series, for the opposite amount, which refers to the invoice and pays what it still
 * lacks; the days of those lines may be billed again (correctly) by the next run. Each line is
 * credited at most once.
 */
export async function issueCreditNote(scope: Scope, invoiceId: string, input: { lineIds: string[]; reason?: string }): Promise<CreditNoteResult> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) === 'forbidden' ? 'forbidden' : 'not_found' };
  const invoice = await scope.tx
    .selectFrom('invoices as i')
    .innerJoin('regies as r', 'r.id', 'i.regie_id')
    .selectAll('i')
    .select('r.invoice_prefix')
    .where('i.id', '=', invoiceId)
    .where('i.kind', '=', 'invoice')
    .executeTakeFirst();
  if (!invoice) return { kind: 'not_found' };
  const errors: Partial<Record<'reason' | 'lines', 'required' | 'tooLong' | 'alreadyCredited'>> = {};
  const reason = required(input.reason, 500);
  if (!reason.ok) errors.reason = reason.error === 'tooLong' ? 'tooLong' : 'required';
  await lockAccount(scope, invoice.household_id, invoice.regie_id);
  const lines = await scope.tx
    .selectFrom('invoice_lines')
    .selectAll()
    .where('invoice_id', '=', invoiceId)
    .where('id', 'in', input.lineIds.length > 0 ? input.lineIds : ['00000000-0000-0000-0000-000000000000'])
    .orderBy('position')
    .execute();
  if (lines.length === 0 || lines.length !== new Set(input.lineIds).size) errors.lines = 'required';
  const charged =
    lines.length === 0
      ? []
      : await scope.tx
          .selectFrom('billed_units')
          .selectAll()
          .where(
            'invoice_line_id',
            'in',
            lines.map((line) => line.id),
          )
          .where('reverses', 'is', null)
          .execute();
  // A line whose days were reversed (by a credit note or a regularisation) is credited already; a
  // regularisation line is itself a correction, not to be credited.
  if (charged.some((unit) => unit.reversed_by !== null) || lines.some((line) => line.kind === 'regularisation')) errors.lines = 'alreadyCredited';
  if (Object.keys(errors).length > 0 || !reason.ok) return { kind: 'invalid', errors };

  const today = await tenantToday(scope);
  const year = Number(today.slice(0, 4));
  const seq = await takeNumbers(scope, invoice.regie_id, 'invoice', year, 1);
  const number = documentNumber(invoice.invoice_prefix, year, seq);
  const total = -lines.reduce((sum, line) => sum + line.amount_cents, 0);
  const note = await scope.tx
    .insertInto('invoices')
    .values({
      tenant_id: scope.tenantId,
      regie_id: invoice.regie_id,
      run_id: null,
      kind: 'credit_note',
      credit_of: invoiceId,
      number,
      year,
      seq,
      household_id: invoice.household_id,
      payer_person_id: invoice.payer_person_id,
      payer_name: invoice.payer_name,
      payer_address: invoice.payer_address,
      issued_on: today,
      due_on: today,
      period_from: invoice.period_from,
      period_to: invoice.period_to,
      total_cents: total,
      reason: reason.value,
      lang: invoice.lang,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [index, line] of lines.entries()) {
    const creditLine = await scope.tx
      .insertInto('invoice_lines')
      .values({
        tenant_id: scope.tenantId,
        invoice_id: note.id,
        position: index + 1,
        child_id: line.child_id,
        child_name: line.child_name,
        unit_id: line.unit_id,
        label: line.label,
        kind: line.kind,
        days: line.days,
        quantity: -line.quantity,
        unit_price_cents: line.unit_price_cents,
        amount_cents: -line.amount_cents,
        care_cents: -line.care_cents,
        meal_cents: -line.meal_cents,
        penalty_cents: -line.penalty_cents,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const unit of charged.filter((candidate) => candidate.invoice_line_id === line.id)) {
      const reversal = await scope.tx
        .insertInto('billed_units')
        .values({
          tenant_id: scope.tenantId,
          invoice_line_id: creditLine.id,
          booking_id: unit.booking_id,
          day: unit.day,
          kind: unit.kind,
          care_cents: -unit.care_cents,
          meal_cents: -unit.meal_cents,
          penalty_cents: -unit.penalty_cents,
          reverses: unit.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await scope.tx.updateTable('billed_units').set({ reversed_by: reversal.id }).where('id', '=', unit.id).execute();
    }
  }
  await recordEntries(scope, [
    { householdId: invoice.household_id, regieId: invoice.regie_id, on: today, kind: 'credit_note', amountCents: total, invoiceId: note.id },
  ]);
  await useCredit(scope, invoice.household_id, invoice.regie_id);
  await recordAudit(scope, {
    action: 'credit_note.issued',
    objectType: 'invoice',
    objectId: invoiceId,
    details: { creditNote: number, totalCents: total, reason: reason.value, lines: lines.map((line) => line.position) },
  });
  return { kind: 'issued', creditNoteId: note.id, number };
}

/** Staff record that an unpaid invoice was handed to the Treasury for collection, with the title's reference. */
export async function markTreasuryTitle(
  scope: Scope,
  invoiceId: string,
  input: { reference?: string },
): Promise<'done' | 'paid' | 'already' | 'reference_required' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const [invoice] = await listInvoices(scope, { invoiceIds: [invoiceId] });
  if (invoice?.kind !== 'invoice') return 'not_found';
  if (invoice.treasury) return 'already';
  if (invoice.leftCents <= 0) return 'paid';
  const reference = required(input.reference, 60);
  if (!reference.ok) return 'reference_required';
  await scope.tx
    .insertInto('treasury_titles')
    .values({
      invoice_id: invoiceId,
      tenant_id: scope.tenantId,
      reference: reference.value,
      handed_on: await tenantToday(scope),
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .execute();
  await recordAudit(scope, {
    action: 'invoice.treasury_title',
    objectType: 'invoice',
    objectId: invoiceId,
    details: { number: invoice.number, reference: reference.value, leftCents: invoice.leftCents },
  });
  return 'done';
}

export interface AgedDebt {
  regieId: string;
  regieName: string;
  /** Amounts left on invoices past their due date by 0–30, 31–60 and over 60 days, and those not due yet. */
  notDue: number;
  upTo30: number;
  upTo60: number;
  over60: number;
  invoices: InvoiceSummary[];
}

/** What is owed per régie, by age past the due date (invoices handed to the Treasury apart). */
export async function unpaidByAge(scope: Scope, today: string): Promise<AgedDebt[]> {
  if (!may(scope, 'service.read')) return [];
  const unpaid = (await listInvoices(scope, { unpaid: true, limit: 100_000 })).filter((invoice) => !invoice.treasury);
  const byRegie = new Map<string, AgedDebt>();
  for (const invoice of unpaid) {
    const debt = byRegie.get(invoice.regieId) ?? {
      regieId: invoice.regieId,
      regieName: invoice.regieName,
      notDue: 0,
      upTo30: 0,
      upTo60: 0,
      over60: 0,
      invoices: [],
    };
    const late = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${invoice.dueOn}T00:00:00Z`)) / 86_400_000);
    if (late <= 0) debt.notDue += invoice.leftCents;
    else if (late <= 30) debt.upTo30 += invoice.leftCents;
    else if (late <= 60) debt.upTo60 += invoice.leftCents;
    else debt.over60 += invoice.leftCents;
    debt.invoices.push(invoice);
    byRegie.set(invoice.regieId, debt);
  }
  return [...byRegie.values()].sort((a, b) => a.regieName.localeCompare(b.regieName, 'fr'));
}
