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

/** Attempts with what both the list and the page of one show: channel, household, régie, payment. */
function attemptsSeen(scope: Scope) {
  return scope.tx
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_channels as c', 'c.id', 'a.channel_id')
    .innerJoin('households as h', 'h.id', 'a.household_id')
    .innerJoin('regies as r', 'r.id', 'a.regie_id')
    .leftJoin('payments as p', 'p.attempt_id', 'a.id');
}

/** Named as AttemptSummary's fields, so that a row is a summary as it comes. */
const SUMMARY_COLUMNS = [
  'a.id',
  'a.created_at as createdAt',
  'a.settled_at as settledAt',
  'a.state',
  'c.provider',
  'a.mode',
  'a.reference',
  'a.amount_cents as amountCents',
  'a.household_id as householdId',
  'h.name as householdName',
  'r.name as regieName',
  'p.number as paymentNumber',
] as const;

/** Attempts, newest first, a page at a time; with how many match. */
export async function listAttempts(scope: Scope, filter: AttemptFilter): Promise<{ attempts: AttemptSummary[]; total: number }> {
  if (!may(scope, 'service.read')) return { attempts: [], total: 0 };
  let query = attemptsSeen(scope);
  if (filter.state) query = query.where('a.state', '=', filter.state);
  if (filter.regieId) query = query.where('a.regie_id', '=', filter.regieId);
  if (filter.provider) query = query.where('c.provider', '=', filter.provider);
  const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .select(SUMMARY_COLUMNS)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .limit(ATTEMPTS_PER_PAGE)
    .offset(((filter.page ?? 1) - 1) * ATTEMPTS_PER_PAGE)
    .execute();
  return { total: Number(total), attempts: rows };
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
  const row = await attemptsSeen(scope)
    .select([...SUMMARY_COLUMNS, 'a.provider_ref as providerRef', 'a.payer_name as payerName', 'a.payer_email as payerEmail', 'p.id as paymentId'])
    .where('a.id', '=', attemptId)
    .executeTakeFirst();
  if (!row) return null;
  const invoices = await scope.tx
    .selectFrom('payment_attempt_invoices as x')
    .innerJoin('invoices as i', 'i.id', 'x.invoice_id')
    .select(['i.id', 'i.number', 'x.amount_cents as amountCents'])
    .where('x.attempt_id', '=', attemptId)
    .orderBy('i.number')
    .execute();
  const events = await scope.tx
    .selectFrom('payment_events')
    .select(['created_at as at', 'kind', 'verdict', 'raw'])
    .where('attempt_id', '=', attemptId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { ...row, invoices, events };
}
