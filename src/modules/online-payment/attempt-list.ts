import { may } from '../access.js';
import type { Scope } from '../scope.js';
import type { AttemptState, PaymentEventKind, ProviderKind } from './online-payment.tables.js';

/**
 * The online payment attempts as staff follow them: every attempt with its state, the household,
 * the provider, the payment it recorded; one attempt with everything heard about it, raw.
 */

export interface AttemptFilter {
  state?: AttemptState;
  regieId?: string;
  provider?: ProviderKind;
  page?: number;
}

export interface AttemptSummary {
  id: string;
  createdAt: Date;
  settledAt: Date | null;
  state: AttemptState;
  provider: ProviderKind;
  mode: 'test' | 'production';
  reference: string;
  amountCents: number;
  householdId: string;
  householdName: string;
  regieName: string;
  paymentNumber: string | null;
}

export const ATTEMPTS_PER_PAGE = 50;

/** Attempts, newest first, a page at a time; with how many match. */
export async function listAttempts(scope: Scope, filter: AttemptFilter): Promise<{ attempts: AttemptSummary[]; total: number }> {
  if (!may(scope, 'service.read')) return { attempts: [], total: 0 };
  let query = scope.tx
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_channels as c', 'c.id', 'a.channel_id')
    .innerJoin('households as h', 'h.id', 'a.household_id')
    .innerJoin('regies as r', 'r.id', 'a.regie_id')
    .leftJoin('payments as p', 'p.attempt_id', 'a.id');
  if (filter.state) query = query.where('a.state', '=', filter.state);
  if (filter.regieId) query = query.where('a.regie_id', '=', filter.regieId);
  if (filter.provider) query = query.where('c.provider', '=', filter.provider);
  const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'a.id',
      'a.created_at',
      'a.settled_at',
      'a.state',
      'c.provider',
      'a.mode',
      'a.reference',
      'a.amount_cents',
      'a.household_id',
      'h.name as household_name',
      'r.name as regie_name',
      'p.number as payment_number',
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .limit(ATTEMPTS_PER_PAGE)
    .offset(((filter.page ?? 1) - 1) * ATTEMPTS_PER_PAGE)
    .execute();
  return {
    total: Number(total),
    attempts: rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      settledAt: row.settled_at,
      state: row.state,
      provider: row.provider,
      mode: row.mode,
      reference: row.reference,
      amountCents: row.amount_cents,
      householdId: row.household_id,
      householdName: row.household_name,
      regieName: row.regie_name,
      paymentNumber: row.payment_number,
    })),
  };
}

export interface AttemptDetail extends AttemptSummary {
  providerRef: string | null;
  payerName: string;
  payerEmail: string;
  paymentId: string | null;
  invoices: { id: string; number: string; amountCents: number }[];
  events: { at: Date; kind: PaymentEventKind; verdict: string; raw: Record<string, string> }[];
}

/** One attempt whole, with its events in order; null when unknown. */
export async function attemptDetail(scope: Scope, attemptId: string): Promise<AttemptDetail | null> {
  if (!may(scope, 'service.read')) return null;
  const row = await scope.tx
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_channels as c', 'c.id', 'a.channel_id')
    .innerJoin('households as h', 'h.id', 'a.household_id')
    .innerJoin('regies as r', 'r.id', 'a.regie_id')
    .leftJoin('payments as p', 'p.attempt_id', 'a.id')
    .select([
      'a.id',
      'a.created_at',
      'a.settled_at',
      'a.state',
      'c.provider',
      'a.mode',
      'a.reference',
      'a.provider_ref',
      'a.amount_cents',
      'a.household_id',
      'a.payer_name',
      'a.payer_email',
      'h.name as household_name',
      'r.name as regie_name',
      'p.id as payment_id',
      'p.number as payment_number',
    ])
    .where('a.id', '=', attemptId)
    .executeTakeFirst();
  if (!row) return null;
  const invoices = await scope.tx
    .selectFrom('payment_attempt_invoices as x')
    .innerJoin('invoices as i', 'i.id', 'x.invoice_id')
    .select(['i.id', 'i.number', 'x.amount_cents'])
    .where('x.attempt_id', '=', attemptId)
    .orderBy('i.number')
    .execute();
  const events = await scope.tx
    .selectFrom('payment_events')
    .select(['created_at', 'kind', 'verdict', 'raw'])
    .where('attempt_id', '=', attemptId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    id: row.id,
    createdAt: row.created_at,
    settledAt: row.settled_at,
    state: row.state,
    provider: row.provider,
    mode: row.mode,
    reference: row.reference,
    providerRef: row.provider_ref,
    amountCents: row.amount_cents,
    householdId: row.household_id,
    householdName: row.household_name,
    regieName: row.regie_name,
    payerName: row.payer_name,
    payerEmail: row.payer_email,
    paymentId: row.payment_id,
    paymentNumber: row.payment_number,
    invoices: invoices.map((invoice) => ({ id: invoice.id, number: invoice.number, amountCents: invoice.amount_cents })),
    events: events.map((event) => ({ at: event.created_at, kind: event.kind, verdict: event.verdict, raw: event.raw })),
  };
}
