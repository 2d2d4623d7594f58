import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelMode } from './online-payment.tables.js';
import type { Channel, Departing, Departure, ProviderAdapter, ProviderAnswer } from './providers.js';

/**
 * Systempay and PayZen (Lyra), form API (PAYMENTS.md): the browser posts a signed form to the
 * provider; the provider posts a signed notification (IPN) to `vads_url_check`. The two providers
 * differ only by their address, which is the channel's endpoint.
 */

export const SYSTEMPAY_ENDPOINT = 'https://paiement.systempay.fr/vads-payment/';
export const PAYZEN_ENDPOINT = 'https://secure.payzen.eu/vads-payment/';

const PAID = new Set(['AUTHORISED', 'CAPTURED']);
const PENDING = new Set(['AUTHORISED_TO_VALIDATE', 'WAITING_AUTHORISATION', 'WAITING_AUTHORISATION_TO_VALIDATE', 'INITIAL', 'UNDER_VERIFICATION', 'SUSPENDED']);
const ABANDONED = new Set(['ABANDONED', 'CANCELLED']);

/**
 * The signature of a form: every `vads_*` field, empty ones included, sorted by name, values joined
 * with '+', then '+' and the key; HMAC-SHA-256 keyed with the key, in base64.
 */
export function systempaySignature(fields: Record<string, string>, key: string): string {
  const values = Object.keys(fields)
    .filter((name) => name.startsWith('vads_'))
    .sort()
    .map((name) => fields[name]);
  return createHmac('sha256', key)
    .update([...values, key].join('+'), 'utf8')
    .digest('base64');
}

function sameSignature(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `vads_trans_date`: the attempt's instant in UTC, YYYYMMDDHHMMSS. */
function transDate(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * `vads_trans_id`: six digits unique per shop and UTC day, 900000–999999 reserved. Drawn from the
 * reference, which is unique and random; a clash within a day is refused by the provider, and the
 * family can try again.
 */
export function transId(reference: string): string {
  let hash = 0;
  for (const char of reference) hash = (hash * 31 + char.charCodeAt(0)) % 900_000;
  return String(hash).padStart(6, '0');
}

const MODES: Record<ChannelMode, string> = { test: 'TEST', production: 'PRODUCTION' };

function keyOf(channel: Channel, mode: ChannelMode): string | undefined {
  return channel.keys?.[mode];
}

export const systempay: ProviderAdapter = {
  verifiable: true,
  async depart(channel: Channel, attempt: Departing): Promise<Departure> {
    const key = keyOf(channel, channel.mode);
    if (!key) return { kind: 'unavailable', why: `no ${channel.mode} key` };
    const fields: Record<string, string> = {
      vads_action_mode: 'INTERACTIVE',
      vads_amount: String(attempt.amountCents),
      vads_ctx_mode: MODES[channel.mode],
      vads_currency: '978',
      vads_cust_email: attempt.payerEmail,
      vads_order_id: attempt.reference,
      vads_order_info: attempt.label,
      vads_page_action: 'PAYMENT',
      vads_payment_config: 'SINGLE',
      // The browser comes back without the result (and the payer's email) in its address: the
      // portal believes only the notification, and the history keeps nothing of it.
      vads_return_mode: 'NONE',
      vads_site_id: channel.merchantId,
      vads_trans_date: transDate(attempt.createdAt),
      vads_trans_id: transId(attempt.reference),
      vads_url_cancel: attempt.returnUrl,
      vads_url_check: attempt.notifyUrl,
      vads_url_refused: attempt.returnUrl,
      vads_url_return: attempt.returnUrl,
      vads_url_success: attempt.returnUrl,
      vads_version: 'V2',
    };
    return { kind: 'form', url: channel.endpoint, fields: { ...fields, signature: systempaySignature(fields, key) } };
  },

  claimOf(fields) {
    return fields.vads_order_id ? { reference: fields.vads_order_id } : null;
  },

  async verifyNotification(channel, fields): Promise<ProviderAnswer> {
    const mode = Object.entries(MODES).find(([, name]) => name === fields.vads_ctx_mode)?.[0] as ChannelMode | undefined;
    if (!mode) return { kind: 'rejected', why: 'unknown vads_ctx_mode' };
    if (mode !== channel.mode) return { kind: 'rejected', why: `${fields.vads_ctx_mode} notification sent to a ${MODES[channel.mode]} shop` };
    const key = keyOf(channel, mode);
    if (!key || !sameSignature(systempaySignature(fields, key), fields.signature)) return { kind: 'rejected', why: 'bad signature' };
    // A request form replayed as a notification is signed too, but has no vads_hash.
    if (!fields.vads_hash) return { kind: 'rejected', why: 'no vads_hash: not a notification' };
    if (fields.vads_currency !== '978') return { kind: 'rejected', why: `currency ${fields.vads_currency}` };
    const amount = Number(fields.vads_amount);
    const status = fields.vads_trans_status ?? '';
    if (!fields.vads_order_id || !Number.isSafeInteger(amount)) return { kind: 'rejected', why: 'no order id or amount' };
    return {
      kind: 'result',
      reference: fields.vads_order_id,
      amountCents: amount,
      merchantId: fields.vads_site_id ?? '',
      mode,
      outcome: PAID.has(status) ? 'paid' : PENDING.has(status) ? 'pending' : ABANDONED.has(status) ? 'abandoned' : 'refused',
      method: 'online_card',
      authorisation: fields.vads_auth_number || fields.vads_trans_uuid || undefined,
    };
  },

  // Systempay's lookup needs its REST API, which PAYMENTS.md leaves out: the IPN, which the provider
  // retries four times, is what settles an attempt; the reconciliation job expires the silent ones.
  lookup: null,
};
