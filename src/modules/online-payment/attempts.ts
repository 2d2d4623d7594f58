import { randomBytes } from 'node:crypto';
import { may } from '../access.js';
import { SYSTEM } from '../actor.js';
import { tenantToday } from '../calendar/local-date.js';
import { lockAccount, openInvoices, useCredit } from '../ledger/allocation.js';
import { prepareBasketPayment, settleBasket, tellLateBasketPayment, thawBasket } from '../prepayment/baskets.js';
import { enterPayment } from '../ledger/payments.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';
import { euros, type FieldError } from '../validation/fields.js';
import { adapterOf } from './adapters.js';
import { type ChannelSecrets, openChannel } from './channels.js';
import type { AttemptState, PaymentEventKind } from './online-payment.tables.js';
import { tellPaymentReceived } from './payment-receipts.js';
import type { Channel, ProviderAnswer } from './providers.js';

/**
 * Attempts to pay online (PAYMENTS.md): written before the family leaves for the provider, settled
 * once by what the provider says after verification — never by the browser's return. Settling is
 * one transition from an unpaid state, and the payment it records carries the attempt's id under a
 * unique constraint: any number of notifications and lookups, in any order and at once, record one
 * payment for a paid attempt and none otherwise. Everything heard is kept raw, with the verdict.
 */

/** Runs work in one transaction of the tenant (a request's `inScope`, or a job's). */
export type InScope = <T>(work: (scope: Scope) => Promise<T>) => Promise<T>;

export interface AttemptContext extends ChannelSecrets {
  /** The tenant portal's absolute address: the provider's notification and the browser's way back start here. */
  publicBase: string;
}

export interface StartForm {
  invoiceIds: string[];
  channelId?: string;
  /** The amount typed, where the régie allows paying part; otherwise what the invoices lack. */
  amount?: string;
}

export type StartField = 'invoices' | 'channel' | 'amount';
export type StartError = FieldError | 'noInvoice' | 'noChannel' | 'treasury' | 'paid' | 'oneRegie' | 'aboveDue' | 'belowMinimum';

export type StartResult =
  | { kind: 'departure'; attemptId: string; departure: { kind: 'redirect'; url: string } | { kind: 'form'; url: string; fields: Record<string, string> } }
  | { kind: 'invalid'; errors: Partial<Record<StartField, StartError>> }
  | { kind: 'unavailable'; attemptId: string }
  | { kind: 'not_found' };

/** PayFiP takes 1 € to 100 000 €; the others no less than a euro either, for the fees' sake. */
const MIN_CENTS = 100;
const MAX_CENTS = 10_000_000;

/** Our reference: the day and ten random letters or digits, accepted by every provider (PayFiP's refdet: 6–30). */
function newReference(at: Date): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const random = [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${at.toISOString().slice(0, 10).replace(/-/g, '')}${random}`;
}

/**
 * A family starts paying invoices of one régie through one of its channels: the attempt is written
 * (committed) before the provider is asked for the way there, and the answer is noted after.
 */
export async function startAttempt(run: InScope, householdId: string, form: StartForm, context: AttemptContext): Promise<StartResult> {
  return depart(run, householdId, context, async (scope) => {
    const checked = await checkStart(scope, householdId, form, context);
    return checked.kind === 'ok' ? { ...checked, basketId: null } : checked;
  });
}

export type BasketStartResult = StartResult | { kind: 'confirmed' } | { kind: 'basket'; problem: 'gone' | 'changed' };

/**
 * A family pays its prepayment basket through one of the régie's channels: the basket's days and
 * prices are fixed and the attempt written for the rest to pay (its amount fixed then), committed
 * before the provider is asked for the way there. A basket its credit pays whole is confirmed at
 * once, with no attempt. `expectedCents` is the rest the family saw on the page.
 */
export async function startBasketAttempt(
  run: InScope,
  householdId: string,
  form: { basketId: string; channelId?: string; expectedCents?: number },
  context: AttemptContext,
): Promise<BasketStartResult> {
  let confirmed = false;
  let problem: 'gone' | 'changed' | null = null;
  const result = await depart(run, householdId, context, async (scope) => {
    const regie = await scope.tx
      .selectFrom('baskets')
      .select(['regie_id', 'frozen_at'])
      .where('id', '=', form.basketId)
      .where('household_id', '=', householdId)
      .executeTakeFirst();
    if (!regie) return { kind: 'not_found' as const };
    const channel = form.channelId ? await openChannelOfRegie(scope, form.channelId, regie.regie_id, context) : null;
    const prepared = await prepareBasketPayment(scope, householdId, form.basketId, form.expectedCents);
    if (prepared.kind === 'confirmed') {
      confirmed = true;
      return { kind: 'not_found' as const };
    }
    if (prepared.kind !== 'to_pay') {
      problem = prepared.kind;
      return { kind: 'not_found' as const };
    }
    if (!channel) {
      // Nothing is paid: the basket stays as it was, open to change (unless a payment was under way).
      if (!regie.frozen_at) await thawBasket(scope, prepared.basketId);
      return { kind: 'invalid' as const, errors: { channel: 'noChannel' as const } };
    }
    return {
      kind: 'ok' as const,
      regieId: prepared.regieId,
      channel,
      amountCents: prepared.amountCents,
      allocations: new Map<string, number>(),
      label: prepared.label,
      basketId: prepared.basketId,
    };
  });
  if (confirmed) return { kind: 'confirmed' };
  if (problem) return { kind: 'basket', problem };
  return result;
}

/** Writes the attempt that `check` allows (committed), then asks the provider the way there and notes its answer. */
async function depart(
  run: InScope,
  householdId: string,
  context: AttemptContext,
  check: (scope: Scope) => Promise<(Extract<Checked, { kind: 'ok' }> & { basketId: string | null }) | Exclude<Checked, { kind: 'ok' }> | { kind: 'not_found' }>,
): Promise<StartResult> {
  const prepared = await run(async (scope) => {
    if (!may(scope, 'household.act', householdId)) return { kind: 'not_found' as const };
    const account = scope.actor.kind === 'family' ? await payerOf(scope, scope.actor.accountId) : null;
    if (!account) return { kind: 'not_found' as const };
    const checked = await check(scope);
    if (checked.kind !== 'ok') return checked;
    const id = crypto.randomUUID();
    const reference = newReference(scope.now);
    await scope.tx
      .insertInto('payment_attempts')
      .values({
        id,
        tenant_id: scope.tenantId,
        regie_id: checked.regieId,
        household_id: householdId,
        channel_id: checked.channel.id,
        reference,
        amount_cents: checked.amountCents,
        mode: checked.channel.mode,
        payer_email: account.email,
        payer_name: account.name,
        created_at: scope.now,
        created_by: account.id,
        basket_id: checked.basketId,
      })
      .execute();
    if (checked.allocations.size > 0)
      await scope.tx
        .insertInto('payment_attempt_invoices')
        .values(
          [...checked.allocations].map(([invoiceId, cents]) => ({ attempt_id: id, invoice_id: invoiceId, tenant_id: scope.tenantId, amount_cents: cents })),
        )
        .execute();
    return {
      kind: 'prepared' as const,
      channel: checked.channel,
      departing: {
        reference,
        amountCents: checked.amountCents,
        payerEmail: account.email,
        label: checked.label,
        createdAt: scope.now,
        year: Number((await tenantToday(scope)).slice(0, 4)),
        notifyUrl: `${context.publicBase}${pagePath(PAGES.paymentNotification, { channelId: checked.channel.id })}`,
        returnUrl: `${context.publicBase}${pagePath(PAGES.paymentReturn, { attemptId: id })}`,
      },
      attemptId: id,
    };
  });
  if (prepared.kind !== 'prepared') return prepared;
  const departure = await adapterOf(prepared.channel.provider).depart(prepared.channel, prepared.departing);
  return run(async (scope) => {
    if (departure.kind === 'unavailable') {
      await expireAttempt(scope, prepared.attemptId, { step: 'depart', why: departure.why });
      return { kind: 'unavailable' as const, attemptId: prepared.attemptId };
    }
    if (departure.providerRef)
      await scope.tx.updateTable('payment_attempts').set({ provider_ref: departure.providerRef }).where('id', '=', prepared.attemptId).execute();
    const { providerRef: _, ...way } = departure;
    return { kind: 'departure' as const, attemptId: prepared.attemptId, departure: way };
  });
}

async function payerOf(scope: Scope, accountId: string) {
  const row = await scope.tx.selectFrom('accounts').select(['id', 'email', 'display_name']).where('id', '=', accountId).executeTakeFirst();
  return row ? { id: row.id, email: row.email, name: row.display_name } : null;
}

type Checked =
  | {
      kind: 'ok';
      regieId: string;
      channel: Channel;
      amountCents: number;
      allocations: Map<string, number>;
      label: string;
    }
  | { kind: 'invalid'; errors: Partial<Record<StartField, StartError>> };

/** The invoices chosen are the household's, open, of one régie, not handed to the Treasury; the amount within what they lack. */
async function checkStart(scope: Scope, householdId: string, form: StartForm, secrets: ChannelSecrets): Promise<Checked> {
  const errors: Partial<Record<StartField, StartError>> = {};
  if (form.invoiceIds.length === 0) return { kind: 'invalid', errors: { invoices: 'noInvoice' } };
  const chosen = await scope.tx
    .selectFrom('invoices')
    .select(['id', 'regie_id'])
    .where('household_id', '=', householdId)
    .where('kind', '=', 'invoice')
    .where('id', 'in', form.invoiceIds)
    .execute();
  const regies = new Set(chosen.map((row) => row.regie_id));
  if (chosen.length !== new Set(form.invoiceIds).size) return { kind: 'invalid', errors: { invoices: 'noInvoice' } };
  if (regies.size > 1) return { kind: 'invalid', errors: { invoices: 'oneRegie' } };
  const regieId = chosen[0]!.regie_id;
  await lockAccount(scope, householdId, regieId);
  const open = new Map((await openInvoices(scope, householdId, regieId)).map((invoice) => [invoice.id, invoice]));
  const invoices = chosen.map((row) => open.get(row.id));
  if (invoices.some((invoice) => invoice === undefined)) errors.invoices = 'paid';
  else if (invoices.some((invoice) => invoice!.treasury)) errors.invoices = 'treasury';
  const channel = form.channelId ? await openChannelOfRegie(scope, form.channelId, regieId, secrets) : null;
  if (!channel) errors.channel = 'noChannel';
  const dueCents = invoices.reduce((sum, invoice) => sum + (invoice?.leftCents ?? 0), 0);
  const regie = await scope.tx.selectFrom('regies').select(['online_partial']).where('id', '=', regieId).executeTakeFirstOrThrow();
  let amountCents = dueCents;
  if (regie.online_partial && form.amount !== undefined && form.amount.trim() !== '') {
    const typed = euros(form.amount);
    if (!typed.ok) errors.amount = typed.error;
    else if ((typed.value ?? 0) > dueCents) errors.amount = 'aboveDue';
    else amountCents = typed.value ?? 0;
  }
  if (!errors.amount && !errors.invoices && amountCents < MIN_CENTS) errors.amount = 'belowMinimum';
  if (amountCents > MAX_CENTS) errors.amount = 'aboveDue';
  if (Object.keys(errors).length > 0 || !channel) return { kind: 'invalid', errors };
  // A part payment pays the oldest invoices first, as at the counter.
  const allocations = new Map<string, number>();
  let left = amountCents;
  for (const invoice of (invoices as NonNullable<(typeof invoices)[number]>[]).sort((a, b) => a.issuedOn.localeCompare(b.issuedOn))) {
    const cents = Math.min(left, invoice.leftCents);
    if (cents > 0) allocations.set(invoice.id, cents);
    left -= cents;
  }
  const numbers = invoices.map((invoice) => invoice!.number).join(' ');
  return { kind: 'ok', regieId, channel, amountCents, allocations, label: `Factures ${numbers}`.slice(0, 100) };
}

/** The channel, when it is an enabled one of the régie. */
async function openChannelOfRegie(scope: Scope, channelId: string, regieId: string, secrets: ChannelSecrets): Promise<Channel | null> {
  const row = await scope.tx
    .selectFrom('payment_channels')
    .select('id')
    .where('id', '=', channelId)
    .where('regie_id', '=', regieId)
    .where('enabled', '=', true)
    .executeTakeFirst();
  return row ? openChannel(scope, row.id, secrets) : null;
}

// --- what the provider says ---------------------------------------------------------------------

export type Verdict =
  | 'paid'
  | 'already_paid'
  | 'refused'
  | 'abandoned'
  | 'pending'
  | 'not_pending'
  | 'unknown_attempt'
  | 'unknown_yet'
  | 'unavailable'
  | `rejected: ${string}`
  | `mismatch: ${string}`;

interface AttemptRow {
  id: string;
  household_id: string;
  regie_id: string;
  channel_id: string;
  reference: string;
  provider_ref: string | null;
  amount_cents: number;
  mode: 'test' | 'production';
  payer_name: string;
  payer_email: string;
  state: AttemptState;
  created_at: Date;
  created_by: string | null;
  basket_id: string | null;
}

const ATTEMPT_COLUMNS = [
  'id',
  'household_id',
  'regie_id',
  'channel_id',
  'reference',
  'provider_ref',
  'amount_cents',
  'mode',
  'payer_name',
  'payer_email',
  'state',
  'created_at',
  'created_by',
  'basket_id',
] as const;

async function logEvent(scope: Scope, channelId: string, attemptId: string | null, kind: PaymentEventKind, raw: Record<string, string>, verdict: string) {
  await scope.tx
    .insertInto('payment_events')
    .values({ tenant_id: scope.tenantId, channel_id: channelId, attempt_id: attemptId, kind, raw: JSON.stringify(raw), verdict, created_at: scope.now })
    .execute();
}

/** Marks a pending attempt expired (it left for no provider, or no provider will ever settle it), with why. */
export async function expireAttempt(scope: Scope, attemptId: string, why: Record<string, string>): Promise<boolean> {
  const expired = await scope.tx
    .updateTable('payment_attempts')
    .set({ state: 'expired', settled_at: scope.now })
    .where('id', '=', attemptId)
    .where('state', '=', 'pending')
    .returning(['channel_id', 'basket_id'])
    .executeTakeFirst();
  if (expired) await logEvent(scope, expired.channel_id, attemptId, 'lookup', why, 'expired');
  if (expired?.basket_id) await thawIfUnpaid(scope, expired.basket_id);
  return expired !== undefined;
}

/** A basket whose payment failed may change again, unless another payment of it is still under way. */
async function thawIfUnpaid(scope: Scope, basketId: string): Promise<void> {
  const other = await scope.tx.selectFrom('payment_attempts').select('id').where('basket_id', '=', basketId).where('state', '=', 'pending').executeTakeFirst();
  if (!other) await thawBasket(scope, basketId);
}

/**
 * Applies a verified answer to its attempt, under the attempt's row lock: a result that does not
 * match the attempt (reference, amount, merchant, mode) changes nothing; a payment is recorded once.
 */
async function settle(scope: Scope, channel: Channel, attempt: AttemptRow, answer: ProviderAnswer, context: AttemptContext): Promise<Verdict> {
  if (answer.kind === 'rejected') return `rejected: ${answer.why}`;
  if (answer.kind !== 'result') return answer.kind;
  const mismatch =
    answer.reference !== attempt.reference
      ? 'reference'
      : answer.amountCents !== attempt.amount_cents
        ? 'amount'
        : answer.merchantId !== channel.merchantId
          ? 'merchant'
          : answer.mode !== attempt.mode
            ? 'mode'
            : null;
  if (mismatch) return `mismatch: ${mismatch}`;
  if (answer.outcome === 'pending') return 'pending';
  const current = await scope.tx.selectFrom('payment_attempts').select('state').where('id', '=', attempt.id).forUpdate().executeTakeFirstOrThrow();
  if (answer.outcome !== 'paid') {
    if (current.state !== 'pending') return 'not_pending';
    await scope.tx.updateTable('payment_attempts').set({ state: answer.outcome, settled_at: scope.now }).where('id', '=', attempt.id).execute();
    if (attempt.basket_id) await thawIfUnpaid(scope, attempt.basket_id);
    return answer.outcome;
  }
  // Paid: money was taken, so it is recorded whatever the attempt's state (an attempt expired by
  // the reconciliation job may still be paid by a late notification) — when the provider's word
  // can be verified; an unsigned result (TIPI) is believed for a pending attempt only, once.
  if (current.state === 'paid') return 'already_paid';
  if (current.state !== 'pending' && !adapterOf(channel.provider).verifiable) return 'not_pending';
  await scope.tx
    .updateTable('payment_attempts')
    .set({ state: 'paid', settled_at: scope.now, method: answer.method ?? 'online_card', authorisation: answer.authorisation ?? null })
    .where('id', '=', attempt.id)
    .execute();
  const system = { ...scope, actor: SYSTEM };
  await lockAccount(system, attempt.household_id, attempt.regie_id);
  const regie = await scope.tx.selectFrom('regies').select(['id', 'invoice_prefix']).where('id', '=', attempt.regie_id).executeTakeFirstOrThrow();
  const entry = {
    householdId: attempt.household_id,
    regie,
    method: answer.method ?? 'online_card',
    amountCents: attempt.amount_cents,
    on: await tenantToday(scope),
    payerName: attempt.payer_name,
    reference: `${channel.provider} ${attempt.reference}${answer.authorisation ? ` ${answer.authorisation}` : ''}`,
    attemptId: attempt.id,
  } as const;
  let paymentId: string;
  if (attempt.basket_id) {
    // A basket: its days booked and invoiced as prepaid (once, whatever the number of payments), the
    // payment pays that invoice, the household's credit the rest; a payment with nothing left to
    // pay (the basket paid already, its places gone) stays as a credit.
    const settled = await settleBasket(system, attempt.basket_id);
    const allocations = new Map<string, number>();
    if (settled.invoiceId) allocations.set(settled.invoiceId, Math.min(attempt.amount_cents, settled.totalCents));
    ({ paymentId } = await enterPayment(system, { ...entry, allocations }));
    await useCredit(system, attempt.household_id, attempt.regie_id);
    if (settled.late)
      await tellLateBasketPayment(system, {
        householdId: attempt.household_id,
        regieId: attempt.regie_id,
        accountId: attempt.created_by,
        amountCents: attempt.amount_cents,
        late: settled.late,
        publicBase: context.publicBase,
      });
  } else {
    const open = new Map((await openInvoices(system, attempt.household_id, attempt.regie_id)).map((invoice) => [invoice.id, invoice]));
    const meant = await scope.tx.selectFrom('payment_attempt_invoices').select(['invoice_id', 'amount_cents']).where('attempt_id', '=', attempt.id).execute();
    // Each invoice gets what the attempt meant for it, within what it still lacks (it may have been
    // paid at the counter meanwhile, or handed to the Treasury): the rest stays as a credit.
    const allocations = new Map<string, number>();
    for (const row of meant) {
      const invoice = open.get(row.invoice_id);
      if (invoice && !invoice.treasury && invoice.leftCents > 0) allocations.set(row.invoice_id, Math.min(row.amount_cents, invoice.leftCents));
    }
    ({ paymentId } = await enterPayment(system, { ...entry, allocations }));
  }
  await tellPaymentReceived(system, paymentId, context.publicBase);
  return 'paid';
}

/**
 * A provider's notification about a channel: the attempt it claims, verified by the adapter
 * (signature, or our own lookup at the provider), then settled. Unknown or forged notifications
 * change nothing and are logged. Null when the channel is not this tenant's.
 */
export async function receiveNotification(run: InScope, channelId: string, fields: Record<string, string>, context: AttemptContext): Promise<Verdict | null> {
  const found = await run(async (scope) => {
    const channel = await openChannel(scope, channelId, context);
    if (!channel) return null;
    return { channel, attempt: await findClaimed(scope, channel, fields) };
  });
  if (!found) return null;
  const { channel, attempt } = found;
  const answer = await adapterOf(channel.provider).verifyNotification(
    channel,
    fields,
    attempt && { reference: attempt.reference, providerRef: attempt.provider_ref },
  );
  return run(async (scope) => {
    const verdict: Verdict = attempt
      ? await settle(scope, channel, attempt, answer, context)
      : answer.kind === 'rejected'
        ? `rejected: ${answer.why}`
        : 'unknown_attempt';
    await logEvent(scope, channel.id, attempt?.id ?? null, 'notification', fields, verdict);
    return verdict;
  });
}

/**
 * The browser coming back from a provider that returns it to the notification's address (TIPI's
 * urlcl): logged, believed in nothing; the attempt whose page it should see, if any.
 */
export async function browserReturn(run: InScope, channelId: string, fields: Record<string, string>, secrets: ChannelSecrets): Promise<string | null> {
  return run(async (scope) => {
    const channel = await openChannel(scope, channelId, secrets);
    if (!channel) return null;
    const attempt = await findClaimed(scope, channel, fields);
    await logEvent(scope, channel.id, attempt?.id ?? null, 'return', fields, 'return');
    return attempt?.id ?? null;
  });
}

/** The attempt of a channel that a provider's fields name, before anything in them is believed. */
async function findClaimed(scope: Scope, channel: Channel, fields: Record<string, string>): Promise<AttemptRow | null> {
  const claim = adapterOf(channel.provider).claimOf(fields);
  if (!claim) return null;
  let query = scope.tx.selectFrom('payment_attempts').select(ATTEMPT_COLUMNS).where('channel_id', '=', channel.id);
  if (claim.reference) query = query.where('reference', '=', claim.reference);
  else if (claim.providerRef) query = query.where('provider_ref', '=', claim.providerRef);
  else return null;
  return (await query.executeTakeFirst()) ?? null;
}

/** Asks the provider about an attempt (the return page, the reconciliation job, staff's "re-check"), and settles it. */
export async function lookUpAttempt(run: InScope, attemptId: string, context: AttemptContext): Promise<Verdict | null> {
  const found = await run(async (scope) => {
    const attempt = await scope.tx.selectFrom('payment_attempts').select(ATTEMPT_COLUMNS).where('id', '=', attemptId).executeTakeFirst();
    if (!attempt) return null;
    const channel = await openChannel(scope, attempt.channel_id, context);
    return channel && { attempt, channel };
  });
  if (!found) return null;
  const lookup = adapterOf(found.channel.provider).lookup;
  if (!lookup) return null;
  const { attempt, channel } = found;
  const answer = await lookup(channel, { reference: attempt.reference, providerRef: attempt.provider_ref, createdAt: attempt.created_at });
  return run(async (scope) => {
    const verdict = await settle(scope, channel, attempt, answer, context);
    await logEvent(
      scope,
      channel.id,
      attempt.id,
      'lookup',
      { reference: attempt.reference, providerRef: attempt.provider_ref ?? '', answer: answer.kind },
      verdict,
    );
    return verdict;
  });
}

/** Staff ask the provider about an attempt by hand (managers): the verdict, or null when the provider offers no lookup. */
export async function recheckAttempt(run: InScope, attemptId: string, context: AttemptContext): Promise<Verdict | 'forbidden' | null> {
  if (!(await run(async (scope) => may(scope, 'service.manage')))) return 'forbidden';
  return lookUpAttempt(run, attemptId, context);
}
