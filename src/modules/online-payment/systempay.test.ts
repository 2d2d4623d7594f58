import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Channel } from './providers.js';
import { systempay, systempaySignature, transId } from './systempay.js';

const VECTOR = {
  vads_action_mode: 'INTERACTIVE',
  vads_amount: '5124',
  vads_ctx_mode: 'TEST',
  vads_currency: '978',
  vads_page_action: 'PAYMENT',
  vads_payment_config: 'SINGLE',
  vads_site_id: '12345678',
  vads_trans_date: '20170129130025',
  vads_trans_id: '123456',
  vads_version: 'V2',
};
const KEY = '1122334455667788';
const channel: Channel = { id: 'c', provider: 'systempay', mode: 'test', merchantId: '12345678', keys: { test: KEY, production: 'prod-key' }, endpoint: 'x' };

/** A notification as the provider signs it. */
function notification(fields: Record<string, string>, key = KEY): Record<string, string> {
  const all = { ...VECTOR, vads_order_id: 'REF123456', vads_trans_status: 'AUTHORISED', vads_hash: 'h', vads_auth_number: '3fc116', ...fields };
  return { ...all, signature: systempaySignature(all, key) };
}

describe('Systempay', () => {
  it('signs the test vector of PAYMENTS.md (HMAC-SHA-256), from the same string as the legacy SHA-1', () => {
    assert.equal(systempaySignature(VECTOR, KEY), 'ycA5Do5tNvsnKdc/eP1bj2xa19z9q3iWPy9/rpesfS0=');
    const signed = `${Object.values(VECTOR).join('+')}+${KEY}`;
    assert.equal(createHash('sha1').update(signed).digest('hex'), '59c96b34c74b9375c332b0b6a32e6deeec87de2b');
  });

  it('signs empty fields too, and ignores fields that are not vads_*', () => {
    const withEmpty = { ...VECTOR, vads_cust_email: '' };
    assert.notEqual(systempaySignature(withEmpty, KEY), systempaySignature(VECTOR, KEY));
    assert.equal(systempaySignature({ ...VECTOR, signature: 'x', other: 'y' }, KEY), systempaySignature(VECTOR, KEY));
  });

  it('draws a transaction id of six digits outside the reserved 900000–999999', () => {
    for (const reference of ['A', 'ZZZZZZZZZZZZZZZZZZ', '20261205K3J9X2M4QP']) assert.match(transId(reference), /^[0-8]\d{5}$/);
  });

  it('reads a verified notification: paid, pending, abandoned, refused', async () => {
    const read = (status: string) => systempay.verifyNotification(channel, notification({ vads_trans_status: status }), null);
    assert.deepEqual(await read('CAPTURED'), {
      kind: 'result',
      reference: 'REF123456',
      amountCents: 5124,
      merchantId: '12345678',
      mode: 'test',
      outcome: 'paid',
      method: 'online_card',
      authorisation: '3fc116',
    });
    assert.equal(((await read('AUTHORISED_TO_VALIDATE')) as { outcome: string }).outcome, 'pending');
    assert.equal(((await read('ABANDONED')) as { outcome: string }).outcome, 'abandoned');
    assert.equal(((await read('REFUSED')) as { outcome: string }).outcome, 'refused');
  });

  it('rejects a wrong signature, a replayed request form (no vads_hash), another currency, and TEST sent to a PRODUCTION shop', async () => {
    const verdict = async (fields: Record<string, string>, on = channel) => (await systempay.verifyNotification(on, fields, null)).kind;
    assert.equal(await verdict(notification({}, 'another key')), 'rejected');
    assert.equal(await verdict({ ...notification({}), vads_amount: '1' }), 'rejected', 'an amount changed after signing');
    const { vads_hash: _, ...request } = notification({});
    assert.equal(await verdict({ ...request, signature: systempaySignature(request, KEY) }), 'rejected');
    assert.equal(await verdict(notification({ vads_currency: '840' })), 'rejected');
    assert.equal(await verdict(notification({}), { ...channel, mode: 'production' }), 'rejected');
    assert.equal(await verdict(notification({})), 'result');
  });

  it('sends the browser with a signed form the provider can check', async () => {
    const departure = await systempay.depart(channel, {
      reference: '20261205ABCDEF1234',
      amountCents: 4250,
      payerEmail: 'claire@example.org',
      label: 'Factures RS-2026-00001',
      createdAt: new Date('2026-12-05T10:11:12Z'),
      year: 2026,
      notifyUrl: 'https://p/n',
      returnUrl: 'https://p/r',
    });
    assert.equal(departure.kind, 'form');
    if (departure.kind !== 'form') return;
    const { signature, ...fields } = departure.fields;
    assert.equal(signature, systempaySignature(fields, KEY));
    assert.equal(fields.vads_trans_date, '20261205101112');
    assert.equal(fields.vads_amount, '4250');
    assert.equal(fields.vads_ctx_mode, 'TEST');
  });
});
