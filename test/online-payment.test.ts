import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { listInvoices, markTreasuryTitle } from '../src/modules/billing/invoices.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';
import { consistencyProblems } from '../src/modules/ledger/consistency.js';
import { saveChannel } from '../src/modules/online-payment/channels.js';
import { systempaySignature } from '../src/modules/online-payment/systempay.js';
import { DEMO_SYSTEMPAY_SHOP } from '../src/payment-simulators/demo-shops.js';
import { systempayNotification } from '../src/payment-simulators/systempay-simulator.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { freePort } from './support/free-port.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { emailsTo } from './support/outbox.js';
import { departureForm, postNotification } from './support/provider-notification.js';
import type { TestFamily } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };
const KEY = DEMO_SYSTEMPAY_SHOP.keys.test;

/**
 * Paying online through the Systempay simulator the portal serves (PAYMENTS.md): the family leaves
 * in the same tab with a signed form, the simulator notifies the portal server to server, and the
 * ledger records exactly one payment per paid attempt — whatever is duplicated, replayed or forged.
 */
describe('paying an invoice online', () => {
  let s: BillingScenario;
  let base: string;
  let channelId: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s = await startBillingScenario({ env: { PUBLIC_URL: base, PAYMENT_SIMULATORS: 'true' } });
    // October: Léa ate 10 days (31,00 €), Jules 4 (23,60 €); Hugo 2 in the evening (3,00 €).
    for (const day of ['01', '02', '05', '06', '08', '09', '12', '13', '15', '16']) await s.book(s.martin, 0, s.meal, `2026-10-${day}`, 'present');
    for (const day of ['01', '02', '05', '06']) await s.book(s.durand, 0, s.meal, `2026-10-${day}`, 'present');
    const run = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL));
    assert.equal(run.kind, 'generated');
    const saved = await s.portal.inTenant(s.tenant, (scope) =>
      saveChannel(
        { ...scope, actor: { kind: 'system', label: 'test' } },
        s.regieId,
        {
          provider: 'systempay',
          mode: 'test',
          merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
          endpoint: `${base}/simulateurs/systempay/vads-payment/`,
          keys: DEMO_SYSTEMPAY_SHOP.keys,
        },
        s.portal.config,
      ),
    );
    assert.equal(saved.kind, 'saved');
    channelId = saved.kind === 'saved' ? saved.id : '';
    await s.portal.app.listen({ port, host: '127.0.0.1' });
  });
  after(() => s.portal.close());

  const signIn = (family: TestFamily) => signedInBrowser(s.portal, s.tenant, family.accountId);
  const invoiceOf = async (family: TestFamily) => (await s.asManager((scope) => listInvoices(scope, { householdId: family.householdId })))[0]!;
  const payments = () =>
    s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payments').select(['id', 'attempt_id', 'amount_cents', 'method', 'household_id']).execute());
  /** The attempts of a household (all made at the scenario's fixed instant). */
  const attemptsOf = (family: TestFamily) =>
    s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payment_attempts').selectAll().where('household_id', '=', family.householdId).execute());
  const events = (attemptId: string | null) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('payment_events')
        .select(['kind', 'verdict'])
        .where((eb) => (attemptId === null ? eb('attempt_id', 'is', null) : eb('attempt_id', '=', attemptId)))
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
  /** Posts a notification to the portal as a provider's server would. */
  const notify = (fields: Record<string, string>) => postNotification(base, channelId, fields);

  /** The family goes from the pay page to the provider's page: the signed form its browser posts. */
  async function leaveForProvider(browser: TestBrowser, invoiceId: string): Promise<{ action: string; fields: Record<string, string> }> {
    const page = await browser.get(`/ville/paiement?facture=${invoiceId}`);
    assert.equal(page.statusCode, 200);
    const left = await browser.post('/ville/paiement', { depuis: invoiceId, facture: invoiceId, moyen: channelId });
    assert.equal(left.statusCode, 200, left.body);
    assert.match(
      String(left.headers['content-security-policy']),
      new RegExp(`form-action [^;]*${base.replace(/[.:/]/g, '\\$&')}`),
      'the page may post to the provider',
    );
    return departureForm(left.body);
  }

  /** The person's choice on the simulator's page; the answer sends the browser back (or not). */
  async function chooseAtProvider(browser: TestBrowser, departure: { action: string; fields: Record<string, string> }, outcome: string, notification: string) {
    const path = departure.action.replace(base, '');
    const page = await browser.post(path, departure.fields, { csrf: false });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Simulateur Systempay — aucun paiement réel/);
    return browser.post(`${path}choix`, { ...departure.fields, outcome, notification }, { csrf: false });
  }

  it('pays an invoice in the same tab: two notifications at once record one payment, allocated, with a receipt by email', async () => {
    const martin = await signIn(s.martin);
    const invoice = await invoiceOf(s.martin);
    assert.match((await martin.get(`/ville/mes-factures/${invoice.id}`)).body, /Payer en ligne/);
    const departure = await leaveForProvider(martin, invoice.id);
    assert.equal(departure.fields.vads_amount, '3100');
    assert.equal(
      departure.fields.signature,
      systempaySignature(Object.fromEntries(Object.entries(departure.fields).filter(([name]) => name !== 'signature')), KEY),
    );
    const [attempt] = await attemptsOf(s.martin);
    assert.equal(attempt!.state, 'pending', 'written before leaving');
    assert.equal((await payments()).length, 0);

    const back = await chooseAtProvider(martin, departure, 'paid', 'simultaneous');
    assert.equal(back.statusCode, 303);
    const result = await martin.follow(back);
    assert.match(result.body, /Paiement accepté/);
    assert.match(result.body, /RSR-2026-00001/);

    const paid = await payments();
    assert.deepEqual(
      paid.map((row) => [row.attempt_id, row.amount_cents, row.method]),
      [[attempt!.id, 3100, 'online_card']],
    );
    assert.deepEqual((await events(attempt!.id)).map((event) => event.verdict).sort(), ['already_paid', 'paid']);
    assert.equal((await invoiceOf(s.martin)).leftCents, 0);
    assert.equal(await s.asManager((scope) => householdBalanceCents(scope.tx, scope.tenantId, s.martin.householdId)), 0);
    assert.deepEqual(await s.asManager((scope) => consistencyProblems(scope.tx)), []);
    const receipt = (await emailsTo(s.portal, s.tenant, s.martin.email)).find((email) => email.subject.startsWith('Reçu'));
    assert.match(receipt!.subject, /Reçu de votre paiement en ligne RSR-2026-00001/);
    assert.match(receipt!.text_body, /31,00/);
    assert.match((await martin.get('/ville/mes-paiements')).body, /Carte bancaire en ligne/);
  });

  it('records nothing more when the same notification is replayed later', async () => {
    const [attempt] = await attemptsOf(s.martin);
    const ipn = systempayNotification(
      { vads_site_id: DEMO_SYSTEMPAY_SHOP.siteId, vads_ctx_mode: 'TEST', vads_order_id: attempt!.reference, vads_amount: '3100', vads_currency: '978' },
      'paid',
      KEY,
    );
    assert.deepEqual(await notify(ipn), { status: 200, verdict: 'already_paid' });
    assert.equal((await payments()).length, 1);
  });

  it('changes nothing on forged notifications, and logs each', async () => {
    const durand = await signIn(s.durand);
    const invoice = await invoiceOf(s.durand);
    const departure = await leaveForProvider(durand, invoice.id);
    const reference = departure.fields.vads_order_id!;
    const genuine = (fields: Record<string, string> = {}, key = KEY) =>
      systempayNotification({ ...departure.fields, ...fields, signature: systempaySignature({ ...departure.fields, ...fields }, key) }, 'paid', key);
    const { vads_hash: _, ...withoutHash } = genuine();
    const forged = [
      ['a wrong signature', { ...genuine(), signature: 'AAAA' }, 'rejected: bad signature'],
      ['signed with another key', genuine({}, 'not-the-shop-key'), 'rejected: bad signature'],
      [
        'no vads_hash (a replayed request form)',
        { ...withoutHash, signature: systempaySignature(withoutHash, KEY) },
        'rejected: no vads_hash: not a notification',
      ],
      [
        'TEST sent as PRODUCTION',
        genuine({ vads_ctx_mode: 'PRODUCTION' }, DEMO_SYSTEMPAY_SHOP.keys.production),
        'rejected: PRODUCTION notification sent to a TEST shop',
      ],
      ['a wrong amount', genuine({ vads_amount: '100' }), 'mismatch: amount'],
      ['another shop', genuine({ vads_site_id: '87654321' }), 'mismatch: merchant'],
      ['an unknown reference', genuine({ vads_order_id: '20261203UNKNOWNREF' }), 'unknown_attempt'],
    ] as const;
    for (const [what, fields, verdict] of forged) {
      const answer = await notify(fields);
      assert.deepEqual(answer, { status: 400, verdict }, what);
    }
    const [attempt] = await attemptsOf(s.durand);
    assert.equal(attempt!.reference, reference);
    assert.equal(attempt!.state, 'pending');
    assert.equal((await payments()).length, 1, 'only the Martins’ payment');
    assert.equal((await events(attempt!.id)).length, 6, 'the forged notifications naming the attempt');
    assert.equal((await events(null)).length, 1, 'the one naming no attempt');
    assert.equal((await notify({ nothing: 'here' })).status, 400);
  });

  it('refuses and abandons without recording money, and lets the family try again', async () => {
    const durand = await signIn(s.durand);
    const invoice = await invoiceOf(s.durand);
    const refused = await durand.follow(await chooseAtProvider(durand, await leaveForProvider(durand, invoice.id), 'refused', 'duplicate'));
    assert.match(refused.body, /Paiement refusé/);
    assert.match(refused.body, /Réessayer/);
    const abandoned = await durand.follow(await chooseAtProvider(durand, await leaveForProvider(durand, invoice.id), 'abandoned', 'normal'));
    assert.match(abandoned.body, /Paiement abandonné/);
    assert.equal((await payments()).length, 1);
    assert.equal((await invoiceOf(s.durand)).leftCents, 2360);
  });

  it('records the payment of a family that closed the tab at the bank', async () => {
    const durand = await signIn(s.durand);
    const invoice = await invoiceOf(s.durand);
    const closed = await chooseAtProvider(durand, await leaveForProvider(durand, invoice.id), 'closed', 'normal');
    assert.equal(closed.statusCode, 200, 'no way back to the portal');
    assert.equal((await invoiceOf(s.durand)).leftCents, 0);
    assert.equal((await payments()).filter((row) => row.household_id === s.durand.householdId).length, 1);
  });

  it('believes nothing the browser brings back: a forged return settles nothing', async () => {
    const martin = await signIn(s.martin);
    const late = await s.asManager((scope) => listInvoices(scope, { householdId: s.martin.householdId }));
    assert.equal(late[0]!.leftCents, 0);
    const [first] = await attemptsOf(s.martin);
    const page = await martin.get(`/ville/paiement/${first!.id}?vads_trans_status=REFUSED&vads_result=05`);
    assert.match(page.body, /Paiement accepté/, 'the query says refused, the attempt is paid');
    const other = await martin.get(`/ville/paiement/${(await attemptsOf(s.durand))[0]!.id}`);
    assert.equal(other.statusCode, 404, 'another household’s attempt');
  });

  it('answers the pay page’s mistakes next to their field, and an invoice at the Treasury is paid there', async () => {
    const durand = await signIn(s.durand);
    // A second invoice for the Durands, handed to the Treasury.
    await s.book(s.durand, 0, s.meal, '2026-11-02', 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    const november = (await s.asManager((scope) => listInvoices(scope, { householdId: s.durand.householdId }))).find((invoice) => invoice.leftCents > 0)!;
    await durand.get(`/ville/paiement?facture=${november.id}`);
    const nothing = await durand.post('/ville/paiement', { depuis: november.id, moyen: channelId });
    assert.equal(nothing.statusCode, 400);
    assert.match(nothing.body, /Choisissez au moins une facture/);
    const noChannel = await durand.post('/ville/paiement', { depuis: november.id, facture: november.id });
    assert.match(noChannel.body, /Choisissez un moyen de paiement/);
    assert.match(noChannel.body, /checked/, 'the invoice ticked is still ticked');
    await s.asManager((scope) => markTreasuryTitle(scope, november.id, { reference: 'T-2026-42' }));
    const page = await durand.get(`/ville/paiement?facture=${november.id}`);
    assert.match(page.body, /transmise au Trésor public/);
    const refused = await durand.post('/ville/paiement', { depuis: november.id, facture: november.id, moyen: channelId });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /se paie auprès de lui/);
  });
});
