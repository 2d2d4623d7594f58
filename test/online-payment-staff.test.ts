import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { listInvoices } from '../src/modules/billing/invoices.js';
import { type InScope, receiveNotification, startAttempt } from '../src/modules/online-payment/attempts.js';
import { systempayNotification } from '../src/payment-simulators/systempay-simulator.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { createStaff, familyActor } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };
const SHOP = '87654321';
const TEST_KEY = 'une-clé-de-test-qui-ne-doit-jamais-sortir';

/**
 * Online payment in the back office: administrators set a régie's providers (keys sealed, never
 * shown again), all staff follow the attempts and what was heard of each, managers ask again.
 */
describe('online payment in the back office', () => {
  let s: BillingScenario;
  let admin: TestBrowser;
  let reader: TestBrowser;
  let manager: TestBrowser;
  const setup = () => `/ville/gestion/facturation/regies/${s.regieId}/paiement-en-ligne`;

  before(async () => {
    s = await startBillingScenario();
    for (const day of ['01', '02']) await s.book(s.martin, 0, s.meal, `2026-10-${day}`, 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL));
    admin = await signedInBrowser(s.portal, s.tenant, (await createStaff(s.portal, s.tenant, { email: 'admin2@example.test', role: 'admin' })).accountId);
    reader = await signedInBrowser(s.portal, s.tenant, (await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' })).accountId);
    manager = await signedInBrowser(s.portal, s.tenant, s.manager.accountId);
  });
  after(() => s.portal.close());

  it('sets a provider: mistakes beside their field, keys never sent back, sealed at rest', async () => {
    assert.match((await admin.get(setup())).body, /Aucun prestataire/);
    const wrong = await admin.post(setup(), {
      prestataire: 'systempay',
      mode: 'production',
      identifiant: '123456',
      adresse: 'http://paiement.example.test/',
      cleTest: TEST_KEY,
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Ce n’est pas un identifiant de ce prestataire/);
    assert.match(wrong.body, /Saisissez une adresse en https/);
    assert.match(wrong.body, /saisissez la clé du mode choisi/);
    assert.match(wrong.body, /value="123456"/, 'what was typed is kept');
    assert.doesNotMatch(wrong.body, new RegExp(TEST_KEY), 'but never a key');

    const saved = await admin.post(setup(), { prestataire: 'systempay', mode: 'test', identifiant: SHOP, adresse: '', cleTest: TEST_KEY, actif: 'oui' });
    assert.equal(saved.statusCode, 302);
    const page = await admin.follow(saved);
    assert.match(page.body, /Le prestataire est enregistré/);
    assert.match(page.body, /Carte bancaire \(Systempay\)/);
    assert.doesNotMatch(page.body, new RegExp(TEST_KEY));
    const [row] = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payment_channels').select(['sealed_keys', 'endpoint']).execute());
    assert.equal(row!.endpoint, 'https://paiement.systempay.fr/vads-payment/', 'the official address by default');
    assert.ok(row!.sealed_keys?.startsWith('v1.') && !row!.sealed_keys.includes(TEST_KEY));

    // Saved again without keys: the stored key is kept.
    assert.equal((await admin.post(setup(), { prestataire: 'systempay', mode: 'test', identifiant: SHOP, actif: 'oui' })).statusCode, 302);
    assert.match((await admin.get(setup())).body, /Test \(aucun paiement réel\)<\/td><td>87654321/);

    assert.equal((await admin.post(`${setup()}/partiel`, { partiel: 'oui' })).statusCode, 302);
    assert.equal(
      (await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('regies').select('online_partial').executeTakeFirstOrThrow())).online_partial,
      true,
    );
    assert.equal((await reader.get(setup())).statusCode, 403, 'administrators only');
    assert.equal((await manager.post(setup(), { prestataire: 'payfip', mode: 'test', identifiant: '123456' })).statusCode, 403);
  });

  it('lists the attempts, shows what was heard of one, and lets managers ask the provider again', async () => {
    const [invoice] = await s.asManager((scope) => listInvoices(scope, { householdId: s.martin.householdId }));
    const [channel] = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payment_channels').select('id').execute());
    const asFamily: InScope = (work) => s.portal.inTenant(s.tenant, (scope) => work({ ...scope, actor: familyActor(s.martin) }));
    const context = { secret: s.portal.config.secret, publicBase: 'https://portail.example.test/ville' };
    const started = await startAttempt(asFamily, s.martin.householdId, { invoiceIds: [invoice!.id], channelId: channel!.id }, context);
    assert.equal(started.kind, 'departure');
    const form = started.kind === 'departure' && started.departure.kind === 'form' ? started.departure.fields : {};
    const verdict = await receiveNotification(asFamily, channel!.id, systempayNotification(form, 'paid', TEST_KEY), context);
    assert.equal(verdict, 'paid');

    const list = await reader.get('/ville/gestion/facturation/paiements-en-ligne?etat=paid');
    assert.match(list.body, /1 tentative</);
    assert.match(list.body, /MARTIN Claire/);
    assert.match(list.body, /RSR-2026-00001/);
    assert.match((await reader.get('/ville/gestion/facturation/paiements-en-ligne?etat=refused')).body, /Aucune tentative/);
    const attemptId = started.kind === 'departure' ? started.attemptId : '';
    const detail = await reader.get(`/ville/gestion/facturation/paiements-en-ligne/${attemptId}`);
    assert.match(detail.body, /Notification — <code>paid<\/code>/);
    assert.match(detail.body, /vads_trans_status/);
    assert.doesNotMatch(detail.body, /Interroger le prestataire/, 'read-only staff cannot ask');
    assert.equal((await reader.post(`/ville/gestion/facturation/paiements-en-ligne/${attemptId}/verifier`, {})).statusCode, 403);

    await manager.get(`/ville/gestion/facturation/paiements-en-ligne/${attemptId}`);
    const asked = await manager.post(`/ville/gestion/facturation/paiements-en-ligne/${attemptId}/verifier`, {});
    assert.equal(asked.statusCode, 302);
    assert.match((await manager.follow(asked)).body, /ne se laisse pas interroger/, 'Systempay has no lookup');
  });
});
