import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { listInvoices } from '../src/modules/billing/invoices.js';
import { saveChannel } from '../src/modules/online-payment/channels.js';
import type { ProviderKind } from '../src/modules/online-payment/online-payment.tables.js';
import { reconcilePendingAttempts } from '../src/modules/online-payment/reconciliation.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { freePort } from './support/free-port.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postNotification } from './support/provider-notification.js';
import type { TestFamily } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

/**
 * Paying through the Treasury's services, simulated by the portal (PAYMENTS.md): PayFiP's
 * notification carries only an idOp, so the portal asks PayFiP itself; TIPI signs nothing, so its
 * result is believed for a pending attempt of the same amount and client number, once. The
 * reconciliation job settles what no notification did, and expires what no provider will.
 */
describe('paying online through PayFiP and TIPI', () => {
  let s: BillingScenario;
  let base: string;
  const channels: Partial<Record<ProviderKind, string>> = {};

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s = await startBillingScenario({ env: { PUBLIC_URL: base, PAYMENT_SIMULATORS: 'true' } });
    for (const day of ['01', '02', '05', '06', '08', '09', '12', '13', '15', '16']) await s.book(s.martin, 0, s.meal, `2026-10-${day}`, 'present');
    for (const day of ['01', '02', '05', '06']) await s.book(s.durand, 0, s.meal, `2026-10-${day}`, 'present');
    assert.equal((await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL))).kind, 'generated');
    for (const provider of ['payfip', 'tipi'] as const) {
      const saved = await s.portal.inTenant(s.tenant, (scope) =>
        saveChannel(
          { ...scope, actor: { kind: 'system', label: 'test' } },
          s.regieId,
          { provider, mode: 'test', merchantId: '123456', endpoint: `${base}/simulateurs/${provider}` },
          s.portal.config,
        ),
      );
      channels[provider] = saved.kind === 'saved' ? saved.id : undefined;
    }
    await s.portal.app.listen({ port, host: '127.0.0.1' });
  });
  after(() => s.portal.close());

  const signIn = (family: TestFamily) => signedInBrowser(s.portal, s.tenant, family.accountId);
  const invoiceOf = async (family: TestFamily) => (await s.asManager((scope) => listInvoices(scope, { householdId: family.householdId })))[0]!;
  const paymentsOf = (family: TestFamily) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('payments').select(['attempt_id', 'amount_cents', 'method']).where('household_id', '=', family.householdId).execute(),
    );
  const attemptOf = (family: TestFamily, provider: ProviderKind) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('payment_attempts')
        .selectAll()
        .where('household_id', '=', family.householdId)
        .where('channel_id', '=', channels[provider]!)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
  const reconcile = () =>
    reconcilePendingAttempts({ db: s.portal.db, clock: s.portal.clock, secret: s.portal.config.secret, publicUrl: base, mail: { wake() {} }, log: console });

  /** The family leaves for the provider: the redirect its browser follows, in the same tab. */
  async function leave(browser: TestBrowser, invoiceId: string, provider: ProviderKind): Promise<string> {
    const page = await browser.get(`/ville/paiement?facture=${invoiceId}`);
    // Browsers check the redirect that answers the form against the form-action of the form's page.
    assert.match(String(page.headers['content-security-policy']), /form-action [^;]*http:\/\/127\.0\.0\.1/, 'the pay page’s form may lead to the provider');
    const left = await browser.post('/ville/paiement', { depuis: invoiceId, facture: invoiceId, moyen: channels[provider]! });
    assert.equal(left.statusCode, 303, left.body);
    const location = String(left.headers.location);
    assert.ok(location.startsWith(`${base}/simulateurs/${provider}/tpa/`), location);
    return location.replace(base, '');
  }

  it('PayFiP: the notification names an idOp, the portal looks it up, and the family comes back to its result', async () => {
    const martin = await signIn(s.martin);
    const invoice = await invoiceOf(s.martin);
    const page = await martin.get(await leave(martin, invoice.id, 'payfip'));
    assert.match(page.body, /Simulateur PayFiP — aucun paiement réel/);
    const idop = /name="idop" value="([^"]+)"/.exec(page.body)![1]!;
    const chosen = await martin.post('/simulateurs/payfip/tpa/paiementws.web', { idop, outcome: 'debit', notification: 'duplicate' }, { csrf: false });
    assert.equal(chosen.statusCode, 303);
    const result = await martin.follow(chosen);
    assert.match(result.body, /Paiement accepté/);
    assert.deepEqual(
      (await paymentsOf(s.martin)).map((row) => [row.amount_cents, row.method]),
      [[3100, 'online_debit']],
    );
    const attempt = await attemptOf(s.martin, 'payfip');
    const events = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('payment_events').select(['kind', 'verdict', 'raw']).where('attempt_id', '=', attempt.id).execute(),
    );
    assert.deepEqual(events.map((event) => `${event.kind} ${event.verdict}`).sort(), ['notification already_paid', 'notification paid']);
  });

  it('PayFiP: a closed tab and a lost notification are settled by the reconciliation job’s lookup', async () => {
    const durand = await signIn(s.durand);
    const invoice = await invoiceOf(s.durand);
    const page = await durand.get(await leave(durand, invoice.id, 'payfip'));
    const idop = /name="idop" value="([^"]+)"/.exec(page.body)![1]!;
    await durand.post('/simulateurs/payfip/tpa/paiementws.web', { idop, outcome: 'closed', notification: 'none' }, { csrf: false });
    assert.equal((await attemptOf(s.durand, 'payfip')).state, 'pending', 'nothing heard yet');
    assert.equal(await reconcile(), 0, 'too early to ask');
    s.portal.clock.advance(3 * 60_000);
    assert.equal(await reconcile(), 1);
    assert.equal((await attemptOf(s.durand, 'payfip')).state, 'paid');
    assert.deepEqual(
      (await paymentsOf(s.durand)).map((row) => row.amount_cents),
      [2360],
    );
    assert.equal(await reconcile(), 0, 'nothing left pending');
  });

  it('PayFiP: an attempt the payer never finished stays pending while PayFiP does not know yet, then expires', async () => {
    const martin = await signIn(s.martin);
    // A November invoice to pay, then left at PayFiP's page.
    await s.book(s.martin, 0, s.meal, '2026-11-02', 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    const november = (await s.asManager((scope) => listInvoices(scope, { householdId: s.martin.householdId }))).find((invoice) => invoice.leftCents > 0)!;
    await martin.get(await leave(martin, november.id, 'payfip'));
    const attempt = await attemptOf(s.martin, 'payfip');
    s.portal.clock.advance(5 * 60_000);
    assert.equal(await reconcile(), 0, 'P5: not known yet');
    assert.equal((await attemptOf(s.martin, 'payfip')).state, 'pending');
    assert.match((await martin.get(`/ville/paiement?facture=${november.id}`)).body, /attend encore la confirmation du prestataire/, 'paying again is warned');
    s.portal.clock.advance(30 * 60_000);
    assert.equal(await reconcile(), 1);
    assert.equal((await attemptOf(s.martin, 'payfip')).state, 'expired');
    // Half an hour later the family signs in again (sessions end after 30 idle minutes).
    const page = await (await signIn(s.martin)).get(`/ville/paiement/${attempt.id}`);
    assert.match(page.body, /Paiement non abouti/);
    assert.match(page.body, /Réessayer/);
  });

  it('TIPI: an unsigned result is believed once, for a pending attempt of the same amount and client; the browser comes back through it', async () => {
    let martin = await signIn(s.martin);
    const november = (await s.asManager((scope) => listInvoices(scope, { householdId: s.martin.householdId }))).find((invoice) => invoice.leftCents > 0)!;
    const notify = async (body: Record<string, string>) => (await postNotification(base, channels.tipi!, body)).verdict;
    /** The TIPI page's fields, and the result a forger would post for them. */
    const leaveForTipi = async () => {
      const page = await martin.get(await leave(martin, november.id, 'tipi'));
      assert.match(page.body, /Simulateur TIPI — aucun paiement réel/);
      const fields: Record<string, string> = {};
      for (const [, name, value] of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name!] = value!.replace(/&amp;/g, '&');
      const { urlcl: _, ...echoed } = fields;
      return { fields, result: { ...echoed, resultrans: 'P', numauto: '123456', dattrans: '03122026', heurtrans: '1000' } };
    };

    // Left at TIPI's page: no lookup exists, so after two hours the attempt expires, and a result
    // posted after that (anyone can post one) pays nothing.
    const abandoned = await leaveForTipi();
    s.portal.clock.advance(3 * 60 * 60_000);
    assert.equal(await reconcile(), 1);
    assert.equal(await notify(abandoned.result), 'not_pending');
    martin = await signIn(s.martin);

    const paying = await leaveForTipi();
    assert.equal(await notify({ ...paying.result, montant: '1' }), 'mismatch: amount');
    assert.equal(await notify({ ...paying.result, numcli: '999999' }), 'mismatch: merchant');
    const chosen = await martin.post('/simulateurs/tipi/tpa/paiement.web', { ...paying.fields, outcome: 'card', notification: 'normal' }, { csrf: false });
    assert.equal(chosen.statusCode, 303);
    const back = await martin.follow(chosen);
    assert.equal(back.statusCode, 303, 'the browser’s return goes on to the attempt’s page');
    assert.match((await martin.follow(back)).body, /Paiement accepté/);
    assert.equal(await notify(paying.result), 'already_paid');
    assert.deepEqual((await paymentsOf(s.martin)).map((row) => row.method).sort(), ['online_card', 'online_debit'], 'October by PayFiP, November by TIPI');
  });
});
