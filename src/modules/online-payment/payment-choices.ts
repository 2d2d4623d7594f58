import { may } from '../access.js';
import { openInvoices, type OpenInvoice } from '../ledger/allocation.js';
import type { Scope } from '../scope.js';
import { type ChannelChoice, channelsOfRegies } from './channels.js';
import type { AttemptState } from './online-payment.tables.js';
import { openBaskets, type BasketView } from '../prepayment/baskets.js';

/** What a family may pay online at a régie: its open invoices there (those at the Treasury apart), the providers, part payment or not. */
export interface PaymentChoices {
  regieId: string;
  regieName: string;
  invoices: OpenInvoice[];
  /** Open invoices handed to the Treasury: paid there, not here. */
  atTreasury: OpenInvoice[];
  channels: ChannelChoice[];
  partialAllowed: boolean;
  /**
   * The web origins of those providers: the pay page's form may lead there. Browsers check the
   * redirect that answers a form (PayFiP's) against the form-action of the form's own page.
   */
  providerOrigins: string[];
  /** The household's attempts at this régie still waiting for their provider: paying again may pay twice. */
  pending: { attemptId: string; amountCents: number; createdAt: Date }[];
}

/** The choices for the régie of an invoice of the household; null when it is not the household's. */
export async function paymentChoicesOf(scope: Scope, householdId: string, invoiceId: string): Promise<PaymentChoices | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const invoice = await scope.tx
    .selectFrom('invoices as i')
    .innerJoin('regies as r', 'r.id', 'i.regie_id')
    .select(['r.id', 'r.name', 'r.online_partial'])
    .where('i.id', '=', invoiceId)
    .where('i.household_id', '=', householdId)
    .executeTakeFirst();
  if (!invoice) return null;
  const open = await openInvoices(scope, householdId, invoice.id);
  const channels = await channelsOfRegies(scope, [invoice.id]);
  return {
    regieId: invoice.id,
    regieName: invoice.name,
    invoices: open.filter((row) => !row.treasury),
    atTreasury: open.filter((row) => row.treasury),
    channels,
    partialAllowed: invoice.online_partial,
    pending: await pendingAttempts(scope, householdId, invoice.id),
    providerOrigins: [...new Set(channels.flatMap(({ origin }) => (origin ? [origin] : [])))],
  };
}

async function pendingAttempts(scope: Scope, householdId: string, regieId: string): Promise<PaymentChoices['pending']> {
  const rows = await scope.tx
    .selectFrom('payment_attempts')
    .select(['id', 'amount_cents', 'created_at'])
    .where('household_id', '=', householdId)
    .where('regie_id', '=', regieId)
    .where('state', '=', 'pending')
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({ attemptId: row.id, amountCents: row.amount_cents, createdAt: row.created_at }));
}

/** The régies of the list that offer online payment. */
export async function regiesPayingOnline(scope: Scope, regieIds: string[]): Promise<Set<string>> {
  return new Set((await channelsOfRegies(scope, [...new Set(regieIds)])).map((channel) => channel.regieId));
}

export interface AttemptView {
  id: string;
  state: AttemptState;
  createdAt: Date;
  amountCents: number;
  provider: ChannelChoice['provider'];
  /** The receipt, once paid. */
  payment: { id: string; number: string } | null;
  /** An invoice it pays, to try again from. */
  firstInvoiceId: string | null;
  /** The prepayment basket it pays, if it pays one. */
  basketId: string | null;
}

/** An attempt as its family sees it on the return page; null for anyone else's. */
export async function attemptOf(scope: Scope, householdId: string, attemptId: string): Promise<AttemptView | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const row = await scope.tx
    .selectFrom('payment_attempts as a')
    .innerJoin('payment_channels as c', 'c.id', 'a.channel_id')
    .leftJoin('payments as p', 'p.attempt_id', 'a.id')
    .select(['a.id', 'a.state', 'a.created_at', 'a.amount_cents', 'a.basket_id', 'c.provider', 'p.id as payment_id', 'p.number as payment_number'])
    .select((eb) => eb.selectFrom('payment_attempt_invoices as i').select('i.invoice_id').whereRef('i.attempt_id', '=', 'a.id').limit(1).as('first_invoice_id'))
    .where('a.id', '=', attemptId)
    .where('a.household_id', '=', householdId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    state: row.state,
    createdAt: row.created_at,
    amountCents: row.amount_cents,
    provider: row.provider,
    payment: row.payment_id && row.payment_number ? { id: row.payment_id, number: row.payment_number } : null,
    firstInvoiceId: row.first_invoice_id,
    basketId: row.basket_id,
  };
}

/** A family's open baskets, each with the channels of its régie and its payments under way. */
export interface BasketChoices {
  baskets: (BasketView & { channels: ChannelChoice[]; pending: PaymentChoices['pending'] })[];
  providerOrigins: string[];
}

export async function basketChoicesOf(scope: Scope, householdId: string): Promise<BasketChoices> {
  const baskets = await openBaskets(scope, householdId);
  const channels = await channelsOfRegies(scope, [...new Set(baskets.map((basket) => basket.regieId))]);
  const withChoices = [];
  for (const basket of baskets) {
    const pending = await scope.tx
      .selectFrom('payment_attempts')
      .select(['id', 'amount_cents', 'created_at'])
      .where('basket_id', '=', basket.id)
      .where('state', '=', 'pending')
      .orderBy('created_at', 'desc')
      .execute();
    withChoices.push({
      ...basket,
      channels: channels.filter((channel) => channel.regieId === basket.regieId),
      pending: pending.map((row) => ({ attemptId: row.id, amountCents: row.amount_cents, createdAt: row.created_at })),
    });
  }
  return { baskets: withChoices, providerOrigins: [...new Set(channels.flatMap(({ origin }) => (origin ? [origin] : [])))] };
}
