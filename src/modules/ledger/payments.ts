import { sql } from 'kysely';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { tenantToday } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { calendarDate, euros, type FieldError, optional, required } from '../validation/fields.js';
import { allocate, availableCredits, lockAccount, openInvoices, useCredit } from './allocation.js';
import { recordEntries } from './ledger.js';
import { COUNTER_METHODS, type PaymentMethod, type RefundMethod } from './ledger.tables.js';
import { documentNumber, takeNumbers } from './numbering.js';

/**
 * Payments received by the régie: recorded by staff at the counter (cash, cheque, CESU, transfer,
 * card, direct debit) or by an online payment; each gets a receipt number, a ledger entry, and
 * pays invoices — oldest first, or as staff say. What pays nothing yet stays as a credit for the
 * next invoices. A wrong payment is never changed: it is cancelled by a counter-entry, with its reason.
 */

export interface PaymentForm {
  householdId?: string;
  regieId?: string;
  method?: string;
  amount?: string;
  receivedOn?: string;
  payerName?: string;
  chequeNumber?: string;
  bankName?: string;
  reference?: string;
  note?: string;
  /** Amounts per invoice id, when staff choose what the payment pays (otherwise oldest first). */
  allocations?: Record<string, string>;
  /** Staff confirmed that what exceeds the amount due stays as a credit. */
  keepCredit?: boolean;
}

export type PaymentField = 'regieId' | 'method' | 'amount' | 'receivedOn' | 'payerName' | 'chequeNumber' | 'bankName' | 'reference' | 'note' | 'allocations';
export type PaymentError = FieldError | 'overpayment' | 'allocationAboveDue' | 'allocationAboveAmount';
export type PaymentErrors = Partial<Record<PaymentField, PaymentError>> & { invoices?: Record<string, PaymentError> };

export type RecordPaymentResult =
  | { kind: 'recorded'; paymentId: string; number: string; creditCents: number }
  | { kind: 'invalid'; errors: PaymentErrors; dueCents: number }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Records a payment received by staff, with its allocation to invoices and its receipt number. */
export async function recordPayment(scope: Scope, form: PaymentForm): Promise<RecordPaymentResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const household = form.householdId
    ? await scope.tx.selectFrom('households').select(['id', 'name']).where('id', '=', form.householdId).executeTakeFirst()
    : undefined;
  if (!household) return { kind: 'not_found' };
  const today = await tenantToday(scope);
  const errors: PaymentErrors = {};
  const regie = form.regieId
    ? await scope.tx.selectFrom('regies').select(['id', 'invoice_prefix']).where('id', '=', form.regieId).executeTakeFirst()
    : undefined;
  if (!regie) errors.regieId = 'required';
  const method = COUNTER_METHODS.find((candidate) => candidate === form.method);
  if (!method) errors.method = 'choice';
  const amount = euros(form.amount);
  if (!amount.ok) errors.amount = amount.error;
  else if (!amount.value) errors.amount = 'required';
  const receivedOn = calendarDate(form.receivedOn || today, { notAfter: today });
  if (!receivedOn.ok) errors.receivedOn = receivedOn.error;
  const payerName = required(form.payerName, 200);
  if (!payerName.ok) errors.payerName = payerName.error;
  const chequeNumber = method === 'cheque' ? required(form.chequeNumber, 40) : optional(form.chequeNumber, 40);
  if (!chequeNumber.ok) errors.chequeNumber = chequeNumber.error;
  const bankName = optional(form.bankName, 100);
  if (!bankName.ok) errors.bankName = bankName.error;
  const reference = optional(form.reference, 100);
  if (!reference.ok) errors.reference = reference.error;
  const note = optional(form.note, 1000);
  if (!note.ok) errors.note = note.error;
  if (!regie) return { kind: 'invalid', errors, dueCents: 0 };

  await lockAccount(scope, household.id, regie.id);
  const open = (await openInvoices(scope, household.id, regie.id)).filter((invoice) => !invoice.treasury);
  const dueCents = open.reduce((sum, invoice) => sum + invoice.leftCents, 0);
  const chosen = readAllocations(form.allocations, open, errors);
  const amountCents = amount.ok ? (amount.value ?? 0) : 0;
  if (chosen && amountCents > 0 && chosen.total > amountCents) errors.allocations = 'allocationAboveAmount';
  if (amountCents > dueCents && !form.keepCredit && !errors.amount) errors.amount = 'overpayment';
  if (Object.keys(errors).length > 0 || !method || !receivedOn.ok || !payerName.ok || !chequeNumber.ok || !bankName.ok || !reference.ok || !note.ok) {
    return { kind: 'invalid', errors, dueCents };
  }

  const { paymentId, number } = await enterPayment(scope, {
    householdId: household.id,
    regie,
    method,
    amountCents,
    on: receivedOn.value ?? today,
    payerName: payerName.value,
    chequeNumber: chequeNumber.value,
    bankName: bankName.value,
    reference: reference.value,
    note: note.value,
    allocations: chosen?.byInvoice ?? null,
  });
  return { kind: 'recorded', paymentId, number, creditCents: Math.max(0, amountCents - (chosen ? chosen.total : dueCents)) };
}

export interface PaymentEntry {
  householdId: string;
  regie: { id: string; invoice_prefix: string };
  method: PaymentMethod;
  amountCents: number;
  on: string;
  payerName: string;
  chequeNumber?: string | null;
  bankName?: string | null;
  reference?: string | null;
  note?: string | null;
  /** The online payment attempt it settles: the database refuses a second payment for it. */
  attemptId?: string;
  /** What it pays, per invoice (each within what the invoice lacks); null: oldest first. */
  allocations: Map<string, number> | null;
}

/**
 * Enters a payment already checked, wherever it was received (the counter, online): its receipt
 * number, its ledger entry, what it pays, what is left as a credit, the audit. The caller holds the
 * account's lock (lockAccount).
 */
export async function enterPayment(scope: Scope, entry: PaymentEntry): Promise<{ paymentId: string; number: string }> {
  const year = Number(entry.on.slice(0, 4));
  const seq = await takeNumbers(scope, entry.regie.id, 'receipt', year, 1);
  const number = documentNumber(`${entry.regie.invoice_prefix}R`, year, seq);
  const payment = await scope.tx
    .insertInto('payments')
    .values({
      tenant_id: scope.tenantId,
      regie_id: entry.regie.id,
      household_id: entry.householdId,
      number,
      method: entry.method,
      amount_cents: entry.amountCents,
      received_on: entry.on,
      payer_name: entry.payerName,
      cheque_number: entry.chequeNumber ?? null,
      bank_name: entry.bankName ?? null,
      reference: entry.reference ?? null,
      note: entry.note ?? null,
      attempt_id: entry.attemptId ?? null,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEntries(scope, [
    { householdId: entry.householdId, regieId: entry.regie.id, on: entry.on, kind: 'payment', amountCents: -entry.amountCents, paymentId: payment.id },
  ]);
  if (entry.allocations) {
    for (const [invoiceId, cents] of entry.allocations) await allocate(scope, invoiceId, { paymentId: payment.id }, cents);
  } else {
    await useCredit(scope, entry.householdId, entry.regie.id);
  }
  await recordAudit(scope, {
    action: 'payment.recorded',
    objectType: 'payment',
    objectId: payment.id,
    details: { number, householdId: entry.householdId, method: entry.method, amountCents: entry.amountCents, receivedOn: entry.on },
  });
  return { paymentId: payment.id, number };
}

/** Staff's own split of a payment between invoices: each amount within what the invoice still lacks. */
function readAllocations(
  raw: Record<string, string> | undefined,
  open: { id: string; leftCents: number }[],
  errors: PaymentErrors,
): { byInvoice: Map<string, number>; total: number } | null {
  if (!raw) return null;
  const byInvoice = new Map<string, number>();
  const invoiceErrors: Record<string, PaymentError> = {};
  for (const invoice of open) {
    const typed = euros(raw[invoice.id]);
    if (!typed.ok) invoiceErrors[invoice.id] = typed.error;
    else if (typed.value !== null && typed.value > invoice.leftCents) invoiceErrors[invoice.id] = 'allocationAboveDue';
    else if (typed.value) byInvoice.set(invoice.id, typed.value);
  }
  if (Object.keys(invoiceErrors).length > 0) errors.invoices = invoiceErrors;
  return { byInvoice, total: [...byInvoice.values()].reduce((sum, cents) => sum + cents, 0) };
}

export type CancelResult = 'done' | 'already' | 'reason_required' | 'forbidden' | 'not_found';

/** Cancels a wrong payment: a counter-entry in the ledger, with the reason; the invoices it paid are due again. */
export async function cancelPayment(scope: Scope, paymentId: string, reason: string): Promise<CancelResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (reason.trim() === '') return 'reason_required';
  const payment = await scope.tx.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) return 'not_found';
  await lockAccount(scope, payment.household_id, payment.regie_id);
  const cancelled = await scope.tx
    .insertInto('payment_cancellations')
    .values({ payment_id: paymentId, tenant_id: scope.tenantId, reason: reason.trim(), created_at: scope.now, created_by: accountIdOf(scope.actor) })
    .onConflict((conflict) => conflict.column('payment_id').doNothing())
    .returning('payment_id')
    .executeTakeFirst();
  if (!cancelled) return 'already';
  await recordEntries(scope, [
    {
      householdId: payment.household_id,
      regieId: payment.regie_id,
      on: await tenantToday(scope),
      kind: 'payment_cancellation',
      amountCents: payment.amount_cents,
      paymentId,
    },
  ]);
  // What other credit the household has goes to the invoices this payment paid.
  await useCredit(scope, payment.household_id, payment.regie_id);
  await recordAudit(scope, {
    action: 'payment.cancelled',
    objectType: 'payment',
    objectId: paymentId,
    details: { number: payment.number, amountCents: payment.amount_cents, reason: reason.trim() },
  });
  return 'done';
}

export interface PaymentRow {
  id: string;
  number: string;
  regieId: string;
  regieName: string;
  householdId: string;
  householdName: string;
  method: PaymentMethod;
  amountCents: number;
  receivedOn: string;
  payerName: string;
  chequeNumber: string | null;
  bankName: string | null;
  reference: string | null;
  note: string | null;
  cancelled: { reason: string; at: Date } | null;
  /** The invoices it paid, and how much of each. */
  paid: { invoiceId: string; number: string; amountCents: number }[];
}

/** A household's payments (its family or staff), or the service's latest (staff), newest first. */
export async function listPayments(scope: Scope, filter: { householdId?: string; paymentId?: string; limit?: number }): Promise<PaymentRow[]> {
  if (filter.householdId === undefined ? !may(scope, 'service.read') : !may(scope, 'household.read', filter.householdId)) return [];
  let query = scope.tx
    .selectFrom('payments as p')
    .innerJoin('regies as r', 'r.id', 'p.regie_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .leftJoin('payment_cancellations as c', 'c.payment_id', 'p.id')
    .select([
      'p.id',
      'p.number',
      'p.regie_id',
      'r.name as regie_name',
      'p.household_id',
      'h.name as household_name',
      'p.method',
      'p.amount_cents',
      'p.received_on',
      'p.payer_name',
      'p.cheque_number',
      'p.bank_name',
      'p.reference',
      'p.note',
      'c.reason as cancel_reason',
      'c.created_at as cancelled_at',
      sql<
        { invoiceId: string; number: string; amountCents: number }[]
      >`coalesce((select json_agg(json_build_object('invoiceId', i.id, 'number', i.number, 'amountCents', a.amount_cents) order by i.issued_on, i.seq)
        from allocations a join invoices i on i.id = a.invoice_id where a.payment_id = p.id), '[]')`.as('paid'),
    ])
    .orderBy('p.received_on', 'desc')
    .orderBy('p.created_at', 'desc')
    // Payments entered in the same instant (a run's credits, a frozen test clock) in a fixed order.
    .orderBy('p.number', 'desc')
    .limit(filter.limit ?? 200);
  if (filter.householdId !== undefined) query = query.where('p.household_id', '=', filter.householdId);
  if (filter.paymentId !== undefined) query = query.where('p.id', '=', filter.paymentId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    regieId: row.regie_id,
    regieName: row.regie_name,
    householdId: row.household_id,
    householdName: row.household_name,
    method: row.method,
    amountCents: row.amount_cents,
    receivedOn: row.received_on,
    payerName: row.payer_name,
    chequeNumber: row.cheque_number,
    bankName: row.bank_name,
    reference: row.reference,
    note: row.note,
    cancelled: row.cancel_reason !== null && row.cancelled_at !== null ? { reason: row.cancel_reason, at: row.cancelled_at } : null,
    paid: typeof row.paid === 'string' ? JSON.parse(row.paid) : row.paid,
  }));
}

/** One payment, for its household or staff; null otherwise. */
export async function findPayment(scope: Scope, paymentId: string): Promise<PaymentRow | null> {
  const owner = await scope.tx.selectFrom('payments').select('household_id').where('id', '=', paymentId).executeTakeFirst();
  if (!owner || !may(scope, 'household.read', owner.household_id)) return null;
  return (await listPayments(scope, { householdId: owner.household_id, paymentId }))[0] ?? null;
}

export type RefundResult =
  | { kind: 'refunded'; refundId: string }
  | { kind: 'invalid'; errors: RefundErrors; creditCents: number }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

export interface RefundErrors {
  amount?: FieldError | 'aboveCredit';
  reason?: FieldError;
  method?: FieldError;
}

/** The régies at which the household has a credit staff may hand back, with how much. */
export async function refundableCredits(scope: Scope, householdId: string): Promise<{ regieId: string; regieName: string; creditCents: number }[]> {
  if (!may(scope, 'service.manage')) return [];
  const regies = await scope.tx.selectFrom('regies').select(['id', 'name']).orderBy('name').execute();
  const credits = [];
  for (const regie of regies) {
    const creditCents = (await availableCredits(scope, householdId, regie.id)).reduce((sum, credit) => sum + credit.leftCents, 0);
    if (creditCents > 0) credits.push({ regieId: regie.id, regieName: regie.name, creditCents });
  }
  return credits;
}

/** Hands back part of a household's credit at a régie. */
export async function refundCredit(
  scope: Scope,
  input: { householdId: string; regieId: string; amount?: string; method?: string; reason?: string },
): Promise<RefundResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const household = await scope.tx.selectFrom('households').select('id').where('id', '=', input.householdId).executeTakeFirst();
  const regie = await scope.tx.selectFrom('regies').select('id').where('id', '=', input.regieId).executeTakeFirst();
  if (!household || !regie) return { kind: 'not_found' };
  await lockAccount(scope, household.id, regie.id);
  const creditCents = (await availableCredits(scope, household.id, regie.id)).reduce((sum, credit) => sum + credit.leftCents, 0);
  const errors: RefundErrors = {};
  const amount = euros(input.amount);
  if (!amount.ok) errors.amount = amount.error;
  else if (!amount.value) errors.amount = 'required';
  else if (amount.value > creditCents) errors.amount = 'aboveCredit';
  const reason = required(input.reason, 500);
  if (!reason.ok) errors.reason = reason.error;
  const method = (['transfer', 'cheque', 'cash'] as const).find((candidate) => candidate === input.method);
  if (!method) errors.method = 'choice';
  if (Object.keys(errors).length > 0 || !amount.ok || !amount.value || !reason.ok || !method) return { kind: 'invalid', errors, creditCents };
  const on = await tenantToday(scope);
  const refund = await scope.tx
    .insertInto('refunds')
    .values({
      tenant_id: scope.tenantId,
      regie_id: regie.id,
      household_id: household.id,
      amount_cents: amount.value,
      refunded_on: on,
      method: method as RefundMethod,
      reason: reason.value,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEntries(scope, [{ householdId: household.id, regieId: regie.id, on, kind: 'refund', amountCents: amount.value, refundId: refund.id }]);
  await recordAudit(scope, {
    action: 'refund.recorded',
    objectType: 'refund',
    objectId: refund.id,
    details: { householdId: household.id, amountCents: amount.value, reason: reason.value },
  });
  return { kind: 'refunded', refundId: refund.id };
}
