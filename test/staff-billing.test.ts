import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { createStaff } from './support/scenario.js';

describe('billing in the back office', () => {
  let s: BillingScenario;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let admin: TestBrowser;
  let family: TestBrowser;

  const browserOf = (accountId: string) => signedInBrowser(s.portal, s.tenant, accountId);

  before(async () => {
    s = await startBillingScenario();
    for (const day of ['02', '03', '05']) await s.book(s.martin, 0, s.meal, `2026-11-${day}`, 'present');
    await s.book(s.durand, 0, s.meal, '2026-11-02', 'present');
    manager = await browserOf(s.manager.accountId);
    reader = await browserOf((await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' })).accountId);
    admin = await browserOf((await createStaff(s.portal, s.tenant, { email: 'admin2@example.test', role: 'admin' })).accountId);
    family = await browserOf(s.martin.accountId);
  });
  after(() => s.portal.close());

  it('previews a month without writing, then generates its invoices', async () => {
    await manager.get('/ville/gestion/facturation/campagnes');
    const preview = await manager.post('/ville/gestion/facturation/campagnes/apercu', { regie: s.regieId, du: '01/11/2026', au: '30/11/2026' });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Restauration scolaire, du 01\/11\/2026 au 30\/11\/2026 : 2 factures,/);
    assert.match(preview.body, /Familles sans quotient familial valide \(1\)/);
    assert.match(preview.body, /DURAND Paul/);
    assert.equal((await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('invoices').select('id').execute())).length, 0);
    const refused = await reader.post(
      '/ville/gestion/facturation/campagnes',
      { regie: s.regieId, du: '2026-11-01', au: '2026-11-30' },
      { csrf: preview.body.match(/name="_csrf" value="([^"]+)"/)?.[1] },
    );
    assert.equal(refused.statusCode, 403);
    const generated = await manager.post('/ville/gestion/facturation/campagnes', { regie: s.regieId, du: '2026-11-01', au: '2026-11-30' });
    assert.equal(generated.statusCode, 302);
    const run = await manager.follow(generated);
    assert.match(run.body, /2 factures émises,/);
    assert.match(run.body, /RS-2026-00001/);
  });

  it('shows a period already invoiced as an error next to its field, keeping what was typed', async () => {
    const again = await manager.post('/ville/gestion/facturation/campagnes/apercu', { regie: s.regieId, du: '15/11/2026', au: '30/11/2026' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /Une partie de cette période est déjà facturée pour cette régie\./);
    assert.match(again.body, /value="15\/11\/2026"/);
    assert.match(again.body, /id="error-summary"|fr-error-text/);
  });

  it('says a preview of a single day as one day', async () => {
    await manager.get('/ville/gestion/facturation/campagnes');
    const preview = await manager.post('/ville/gestion/facturation/campagnes/apercu', { regie: s.regieId, du: '01/12/2026', au: '01/12/2026' });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Restauration scolaire, le 01\/12\/2026 : /);
    assert.doesNotMatch(preview.body, /du 01\/12\/2026 au 01\/12\/2026/);
  });

  it('serves an invoice’s PDF, the same bytes each time', async () => {
    const list = await manager.get('/ville/gestion/facturation/factures');
    const id = /href="\/ville\/gestion\/facturation\/factures\/([0-9a-f-]{36})">RS-2026-00002/.exec(list.body)?.[1];
    assert.ok(id, 'the Martins’ invoice is listed');
    const first = await manager.get(`/ville/gestion/facturation/factures/${id}/pdf`);
    const second = await family.get(`/ville/mes-factures/${id}/pdf`).catch(() => null);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'application/pdf');
    assert.match(String(first.headers['content-disposition']), /attachment; filename="RS-2026-00002\.pdf"/);
    assert.ok(first.rawPayload.subarray(0, 5).toString() === '%PDF-');
    const again = await manager.get(`/ville/gestion/facturation/factures/${id}/pdf`);
    assert.ok(again.rawPayload.equals(first.rawPayload), 'same bytes');
    if (second && second.statusCode === 200) assert.ok(second.rawPayload.equals(first.rawPayload), 'the family downloads the same file');
  });

  it('records a cheque at the counter: an overpayment needs the credit confirmed', async () => {
    const form = await manager.get(`/ville/gestion/foyers/${s.martin.householdId}/paiement`);
    assert.equal(form.statusCode, 200);
    const over = await manager.post(`/ville/gestion/foyers/${s.martin.householdId}/paiement`, {
      regie: s.regieId,
      moyen: 'cheque',
      montant: '20,00',
      recuLe: '03/12/2026',
      payeur: 'Claire MARTIN',
      numeroCheque: '',
    });
    assert.equal(over.statusCode, 400);
    assert.match(over.body, /Ce montant dépasse ce qui est dû \(9,30\s€\)/);
    assert.match(over.body, /Numéro du chèque/);
    assert.match(over.body, /value="20,00"/);
    const recorded = await manager.post(`/ville/gestion/foyers/${s.martin.householdId}/paiement`, {
      regie: s.regieId,
      moyen: 'cheque',
      montant: '20,00',
      recuLe: '03/12/2026',
      payeur: 'Claire MARTIN',
      numeroCheque: '0012345',
      credit: '1',
    });
    assert.equal(recorded.statusCode, 302);
    const page = await manager.follow(recorded);
    assert.match(page.body, /Paiement enregistré, reçu n° RSR-2026-00001\./);
    assert.match(page.body, /Reste au crédit de la famille : 10,70\s€\./);
    const paymentId = /paiements\/([0-9a-f-]{36})\/recu/.exec(page.body)![1]!;
    const receipt = await manager.get(`/ville/gestion/facturation/paiements/${paymentId}/recu`);
    assert.equal(receipt.headers['content-type'], 'application/pdf');
    const cancelled = await manager.post(`/ville/gestion/facturation/paiements/${paymentId}/annulation`, { motif: 'Chèque sans provision' });
    assert.equal(cancelled.statusCode, 302);
    assert.match((await manager.follow(cancelled)).body, /Paiement annulé\. Motif : Chèque sans provision/);
  });

  it('refuses a negative price next to its field, and lets administrators alone change the régies', async () => {
    await manager.get(`/ville/gestion/facturation/tarifs/${s.evening}`);
    const wrong = await manager.post(`/ville/gestion/facturation/tarifs/${s.evening}`, { depuis: '01/01/2027', type: 'flat', prix: '-2' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Saisissez un montant positif\./);
    assert.equal((await manager.get('/ville/gestion/facturation/regies/nouvelle')).statusCode, 403);
    await admin.get('/ville/gestion/facturation/regies/nouvelle');
    const saved = await admin.post('/ville/gestion/facturation/regies', { nom: 'Périscolaire et loisirs', prefixe: 'pl', conditions: '20', relances: '10' });
    assert.equal(saved.statusCode, 302);
    assert.match((await admin.follow(saved)).body, /Périscolaire et loisirs/);
  });

  it('shows a household’s money on its file, and offers managers alone to record a payment there and from an invoice', async () => {
    const file = `/ville/gestion/foyers/${s.martin.householdId}`;
    const payment = `href="/ville/gestion/foyers/${s.martin.householdId}/paiement`;
    const invoiceId = /href="\/ville\/gestion\/facturation\/factures\/([0-9a-f-]{36})">RS-2026-00002/.exec((await manager.get(file)).body)?.[1];
    assert.ok(invoiceId, 'the Martins’ invoice is on their file');
    for (const [staff, offered] of [
      [manager, true],
      [reader, false],
    ] as const) {
      const body: string = (await staff.get(file)).body;
      // The cheque of 20 € was cancelled: the invoice of 9,30 € is due again.
      assert.match(body, /Reste dû, toutes régies confondues : 9,30\s€/);
      assert.match(body, /RSR-2026-00001<\/a> — annulé/);
      assert.equal(body.includes(`${payment}"`), offered);
      const invoice: string = (await staff.get(`/ville/gestion/facturation/factures/${invoiceId}`)).body;
      assert.equal(invoice.includes(`${payment}?regie=${s.regieId}"`), offered);
    }
  });

  it('shows read-only staff the billing pages, and families none of them', async () => {
    assert.equal((await reader.get('/ville/gestion/facturation')).statusCode, 200);
    assert.equal((await reader.get('/ville/gestion/facturation/factures')).statusCode, 200);
    assert.equal((await reader.get(`/ville/gestion/foyers/${s.martin.householdId}/paiement`)).statusCode, 403);
    for (const path of ['/ville/gestion/facturation', '/ville/gestion/facturation/factures', '/ville/gestion/facturation/paiements']) {
      assert.equal((await family.get(path)).statusCode, 404, path);
    }
  });

  it('hands back a credit: at most what the family has, with a reason, managers only', async () => {
    // A cash payment of 30 € on 9,30 € due leaves a credit of 20,70 €.
    await manager.get(`/ville/gestion/foyers/${s.durand.householdId}/paiement`);
    const paid = await manager.post(`/ville/gestion/foyers/${s.durand.householdId}/paiement`, {
      regie: s.regieId,
      moyen: 'cash',
      montant: '30,00',
      payeur: 'Paul DURAND',
      credit: '1',
    });
    assert.equal(paid.statusCode, 302, paid.body);
    const file = (await manager.get(`/ville/gestion/foyers/${s.durand.householdId}`)).body;
    const refund = `/ville/gestion/foyers/${s.durand.householdId}/remboursement`;
    assert.ok(file.includes(`href="${refund}"`), 'offered where there is a credit');
    const page = (await manager.get(refund)).body;
    const credit = /avoir de ([\d,]+)\s€/.exec(page)?.[1];
    assert.ok(credit, 'the credit of the régie is shown');
    const tooMuch = await manager.post(refund, { regie: s.regieId, montant: '999,00', moyen: 'transfer', motif: '' });
    assert.equal(tooMuch.statusCode, 400);
    assert.match(tooMuch.body, new RegExp(`Le montant dépasse l’avoir de la famille dans cette régie \\(${credit}\\s€\\)`));
    assert.match(tooMuch.body, /value="999,00"/, 'what was typed is kept');
    assert.equal((await reader.post(refund, { regie: s.regieId, montant: '1,00', moyen: 'cash', motif: 'x' })).statusCode, 403);
    const done = await manager.post(refund, { regie: s.regieId, montant: credit!, moyen: 'transfer', motif: 'Trop-perçu remboursé par virement' });
    assert.equal(done.statusCode, 302);
    assert.match((await manager.follow(done)).body, /Le remboursement est enregistré/);
    assert.match((await manager.get(refund)).body, /n’a d’avoir dans aucune régie/);
  });
});
