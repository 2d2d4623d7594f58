import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestAttendanceCertificate } from '../src/modules/billing/attendance-request.js';
import { invoiceFilterChoices } from '../src/modules/billing/invoice-filters.js';
import type { Scope } from '../src/modules/scope.js';
import { type FamilyBillingScenario, startFamilyBillingScenario } from './support/family-billing.js';
import { TestBrowser } from './support/http-client.js';
import { familyActor, PASSWORD, type TestFamily } from './support/scenario.js';

/** A page's words as a person reads them: tags out, entities and spaces plain. */
function words(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
}

/** The text of the page's <main>. */
function main(html: string): string {
  return words(/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '');
}

/** The rows of the page's tables (thead left out), each as its cells' words. */
function rows(html: string): string[][] {
  const bodies = [...html.matchAll(/<(tbody|tfoot)>([\s\S]*?)<\/\1>/g)].map((match) => match[2]!).join('');
  return [...bodies.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => words(cell[1]!)),
  );
}

/**
 * The family's money pages over HTTP (test/support/family-billing.ts: the Martins' late September,
 * October partly paid, a payment cancelled, a credit note; the Durands' invoice handed to the
 * Treasury). Every page and PDF of the Martins is theirs only: the Durands' ids are not found.
 */
describe('the family’s invoices, statement, payments and certificates', () => {
  let s: FamilyBillingScenario;
  let ids: FamilyBillingScenario['ids'];

  before(async () => {
    s = await startFamilyBillingScenario();
    ids = s.ids;
  });
  after(() => s.portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    const response = await browser.post('/ville/connexion', { email, password: PASSWORD });
    assert.equal(response.statusCode, 302);
    return browser;
  }
  const martin = () => signIn(s.martin.email);
  const durand = () => signIn(s.durand.email);

  it('lists the invoices with their amounts, what is left, the due dates and the states in words, and filters them by year and régie', async () => {
    const page = await (await martin()).get('/ville/mes-factures');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(rows(page.body), [
      [ids.creditNumber, '03/12/2026', 'du 01/10/2026 au 31/10/2026', '-3,00 €', '—', '—', '—', 'Avoir', 'PDF'],
      [ids.octoberNumber, '03/12/2026', 'du 01/10/2026 au 31/10/2026', '34,00 €', '10,00 €', '24,00 €', '02/01/2027', 'À payer', 'PDF'],
      [ids.septemberNumber, '05/10/2026', 'du 01/09/2026 au 30/09/2026', '9,30 €', '8,00 €', '1,30 €', '04/11/2026', 'En retard', 'PDF'],
      ['Reste à payer', '25,30 €', ''],
    ]);
    assert.match(main(page.body), /Reste à payer sur ces factures : 25,30 €/);
    assert.ok(!page.body.includes(ids.durand), 'not the Durands’ invoice');
    // Each state has its badge: an icon and a word, never a colour alone.
    assert.match(page.body, /<p class="fr-badge fr-badge--sm fr-badge--error">En retard<\/p>/);
    assert.match(page.body, /<p class="fr-badge fr-badge--sm fr-badge--info">À payer<\/p>/);
    assert.match(
      page.body,
      new RegExp(`href="/ville/mes-factures/${ids.october}/pdf" aria-label="Télécharger le PDF de la facture ${ids.octoberNumber}">PDF</a>`),
      'the PDF link is named by what it downloads',
    );
    // The wide table scrolls inside a focusable region named by its caption.
    assert.match(page.body, /<div class="fr-table__container" tabindex="0" role="region" aria-labelledby="invoices-caption">/);

    const browser = await martin();
    const filtered = await browser.get(`/ville/mes-factures?annee=2026&regie=${s.regieId}`);
    assert.equal(rows(filtered.body).length, 4);
    assert.match(filtered.body, /<option value="2026" selected>2026<\/option>/);
    assert.match(filtered.body, new RegExp(`<option value="${s.regieId}" selected>Restauration scolaire</option>`));
    assert.match(main((await browser.get('/ville/mes-factures?annee=2025&regie=')).body), /Aucune facture ne correspond à ces critères/);
    assert.equal((await browser.get('/ville/mes-factures?regie=cantine')).statusCode, 400, 'a régie that is not an id');
    assert.equal((await browser.get('/ville/mes-factures?annee=deux')).statusCode, 400);
  });

  it('shows an invoice whole: lines by child, payments, credit notes, state, how to pay, and its PDF link', async () => {
    const page = await (await martin()).get(`/ville/mes-factures/${ids.october}`);
    assert.equal(page.statusCode, 200);
    const text = main(page.body);
    assert.match(text, new RegExp(`Facture n° ${ids.octoberNumber} À payer`));
    assert.match(
      text,
      /Régie Restauration scolaire Émise le 03\/12\/2026 Période du 01\/10\/2026 au 31\/10\/2026 Payeur Claire MARTIN Montant 34,00 € Échéance 02\/01\/2027 Payé 10,00 € Reste à payer 24,00 €/,
    );
    assert.deepEqual(rows(page.body).slice(0, 6), [
      ['Léa MARTIN'],
      ['Repas', '01, 02, 05, 06, 08, 09, 12, 13, 15, 16/10/2026', '10', '3,10 €', '31,00 €'],
      ['Sous-total Léa MARTIN', '31,00 €'],
      ['Hugo MARTIN'],
      ['Garderie soir', '01, 02/10/2026', '2', '1,50 €', '3,00 €'],
      ['Sous-total Hugo MARTIN', '3,00 €'],
    ]);
    assert.match(text, /Total 34,00 €/);
    assert.match(text, /Dont frais de garde : 14,00 € ; repas : 20,00 € ; pénalités et suppléments : 0,00 €/);
    assert.match(
      text,
      new RegExp(`Paiements reçus pour cette facture Date N° de pièce Moyen de paiement Montant 03/12/2026 ${ids.chequeNumber} Chèque 10,00 €`),
    );
    assert.match(text, new RegExp(`Avoir n° ${ids.creditNumber} : -3,00 €`));
    assert.match(page.body, new RegExp(`href="/ville/mes-factures/${ids.creditNote}"`));
    assert.match(text, /Comment payer À payer avant le 02\/01\/2027, en indiquant le numéro de la facture/);
    assert.match(text, /Titulaire du compte Régie Restauration scolaire IBAN FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP/);
    assert.match(text, /Au guichet de la mairie, le mardi de 9 h à 12 h\./);
    assert.match(page.body, new RegExp(`href="/ville/mes-factures/${ids.october}/pdf"`));

    // September: paid by the credit of December 2025, the October credit note's credit, and a payment cancelled since.
    const september = await (await martin()).get(`/ville/mes-factures/${ids.september}`);
    assert.match(main(september.body), /En retard Échéance dépassée Cette facture devait être payée avant le 04\/11\/2026/);
    const paid = rows(september.body)
      .filter((row) => row.length === 4)
      .map((row) => row.map((cell, index) => (index === 1 ? cell.replace(/^RSR-2\d{3}-\d{5}/, 'reçu') : cell)));
    assert.deepEqual(paid, [
      ['10/12/2025', 'reçu', 'Espèces', '5,00 €'],
      ['01/12/2026', 'reçu Annulé', 'Espèces', '1,00 €'],
      ['03/12/2026', ids.creditNumber, 'Avoir', '3,00 €'],
    ]);
    assert.match(september.body, /<s>1,00\s€<\/s>/, 'the cancelled payment is struck through');

    const note = main((await (await martin()).get(`/ville/mes-factures/${ids.creditNote}`)).body);
    assert.match(
      note,
      new RegExp(`Avoir n° ${ids.creditNumber} Avoir Cet avoir se rapporte à la facture n° ${ids.octoberNumber}\\. Motif : Garderie fermée ces soirs-là`),
    );
    assert.doesNotMatch(note, /Comment payer/);
  });

  it('tells plainly to pay the Treasury, not the portal, an invoice handed to it', async () => {
    const page = main((await (await durand()).get(`/ville/mes-factures/${ids.durand}`)).body);
    assert.match(page, /Titre émis : à payer au Trésor public/);
    assert.match(
      page,
      /Cette facture a été transmise au Trésor public le 03\/12\/2026 \(titre n° T-2026-118\)\. Payez-la désormais au Trésor public, .*pas sur ce portail, ni auprès du service/,
    );
    assert.doesNotMatch(page, /Comment payer/, 'no way to pay the régie is offered');
    const list = main((await (await durand()).get('/ville/mes-factures')).body);
    assert.match(list, /Dont 13,60 € à payer au Trésor public/);
  });

  it('downloads the invoice PDF in the page’s language, the same bytes every time, named after its number', async () => {
    const browser = await martin();
    const first = await browser.get(`/ville/mes-factures/${ids.october}/pdf`);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'application/pdf');
    assert.equal(first.headers['content-disposition'], `attachment; filename="${ids.octoberNumber}.pdf"`);
    assert.equal(first.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const second = await browser.get(`/ville/mes-factures/${ids.october}/pdf`);
    assert.ok(first.rawPayload.equals(second.rawPayload), 'the same bytes twice');
    const english = await browser.get(`/ville/mes-factures/${ids.october}/pdf?lang=en`);
    assert.equal(english.headers['content-type'], 'application/pdf');
    assert.ok(!english.rawPayload.equals(first.rawPayload), 'the English PDF is another document');
    assert.ok(english.rawPayload.equals((await browser.get(`/ville/mes-factures/${ids.october}/pdf?lang=en`)).rawPayload));
  });

  it('answers another household’s invoice, PDF, receipt or certificate as not found, and an id that is not one too', async () => {
    const browser = await martin();
    for (const url of [
      `/ville/mes-factures/${ids.durand}`,
      `/ville/mes-factures/${ids.durand}/pdf`,
      `/ville/mes-paiements/${ids.durandPayment}/recu`,
      '/ville/mes-factures/00000000-0000-4000-8000-000000000000',
      '/ville/mes-factures/RS-2026-00001',
      '/ville/mes-paiements/12/recu',
      '/ville/attestations/fiscale/2026',
      '/ville/attestations/fiscale/deux',
    ]) {
      const response = await browser.get(url);
      assert.equal(response.statusCode, 404, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
    }
    assert.equal((await (await durand()).get('/ville/attestations/fiscale/2025')).statusCode, 404, 'the Durands paid nothing in 2025');
  });

  it('shows the account statement of a school year per régie: old balance, operations with their documents, balance', async () => {
    const browser = await martin();
    const page = await browser.get('/ville/releve');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<option value="2026" selected>2026-2027<\/option>/);
    assert.match(page.body, /<option value="2025">2025-2026<\/option>/);
    const text = main(page.body);
    assert.match(
      text,
      /Restauration scolaire Relevé des opérations — Restauration scolaire, année scolaire 2026-2027 Date Opération N° de pièce Détail Débit Crédit/,
    );
    assert.deepEqual(rows(page.body), [
      ['Ancien solde au 01/09/2026', '', '5,00 €'],
      ['05/10/2026', 'Facture', ids.septemberNumber, 'du 01/09/2026 au 30/09/2026', '9,30 €', ''],
      ['01/12/2026', 'Paiement', rowNumber(page.body, ids.cancelled), 'Espèces', '', '1,00 €'],
      ['03/12/2026', 'Facture', ids.octoberNumber, 'du 01/10/2026 au 31/10/2026', '34,00 €', ''],
      ['03/12/2026', 'Paiement', ids.chequeNumber, 'Chèque', '', '10,00 €'],
      ['03/12/2026', 'Paiement annulé', rowNumber(page.body, ids.cancelled), 'Espèces', '1,00 €', ''],
      ['03/12/2026', 'Avoir', ids.creditNumber, 'du 01/10/2026 au 31/10/2026', '', '3,00 €'],
      ['Total de l’année scolaire', '44,30 €', '14,00 €'],
      ['Solde au 31/08/2027 : 25,30 € restant dû'],
    ]);
    assert.match(page.body, new RegExp(`href="/ville/mes-factures/${ids.october}">${ids.octoberNumber}</a>`));
    assert.match(
      page.body,
      new RegExp(`href="/ville/mes-paiements/${ids.cheque}/recu" aria-label="Reçu ${ids.chequeNumber} \\(PDF\\)">${ids.chequeNumber}</a>`),
    );
    const before = await browser.get('/ville/releve?annee=2025');
    assert.deepEqual(rows(before.body)[0], ['Ancien solde au 01/09/2025', '0,00 €', '']);
    assert.match(main(before.body), /Solde au 31\/08\/2026 : 5,00 € en votre faveur/);
    assert.match(main((await browser.get('/ville/releve?annee=2020')).body), /Aucune opération sur votre compte pendant l’année scolaire 2020-2021/);
    assert.equal((await browser.get('/ville/releve?annee=vingt')).statusCode, 400);
  });

  it('lists the payments with their method, payer, invoices paid, a cancelled one with its reason, and their receipts', async () => {
    const browser = await martin();
    const page = await browser.get('/ville/mes-paiements');
    assert.equal(page.statusCode, 200);
    const table = rows(page.body);
    assert.equal(table.length, 3);
    assert.deepEqual(table[0]!.slice(0, 7), [
      '03/12/2026',
      ids.chequeNumber,
      'Chèque n° 1234567',
      '10,00 €',
      'Claire MARTIN',
      `${ids.octoberNumber} (10,00 €)`,
      'Enregistré',
    ]);
    assert.deepEqual(
      table[1]!.slice(0, 7).map((cell, index) => (index === 1 ? '' : cell)),
      ['01/12/2026', '', 'Espèces', '1,00 €', 'Claire MARTIN', `${ids.septemberNumber} (1,00 €)`, 'Annulé Motif : Erreur de saisie'],
    );
    assert.deepEqual(
      table[2]!.slice(0, 6).map((cell, index) => (index === 1 ? '' : cell)),
      ['10/12/2025', '', 'Espèces', '5,00 €', 'Claire MARTIN', `${ids.septemberNumber} (5,00 €)`],
    );
    assert.match(page.body, /<p class="fr-badge fr-badge--sm fr-badge--error">Annulé<\/p>/);
    assert.match(page.body, new RegExp(`href="/ville/mes-paiements/${ids.cheque}/recu" aria-label="Télécharger le PDF du reçu ${ids.chequeNumber}">PDF</a>`));

    const receipt = await browser.get(`/ville/mes-paiements/${ids.cheque}/recu`);
    assert.equal(receipt.statusCode, 200);
    assert.equal(receipt.headers['content-type'], 'application/pdf');
    assert.equal(receipt.headers['content-disposition'], `attachment; filename="${ids.chequeNumber}.pdf"`);
    assert.ok(receipt.rawPayload.equals((await browser.get(`/ville/mes-paiements/${ids.cheque}/recu`)).rawPayload), 'the same bytes twice');
  });

  it('offers the tax certificate of each past year with payments, explained, and the attendance certificate by a form', async () => {
    const browser = await martin();
    const page = await browser.get('/ville/attestations');
    assert.equal(page.statusCode, 200);
    const text = main(page.body);
    assert.match(
      text,
      /il certifie|elle certifie ce que vous avez payé dans l’année pour la garde de vos enfants de moins de six ans au 1er janvier, repas et pénalités exclus/,
    );
    assert.match(text, /Télécharger l’attestation fiscale 2025 \(PDF\) — frais de garde certifiés : 0,00 €/);
    assert.doesNotMatch(text, /attestation fiscale 2026/, 'the year is not over');
    const tax = await browser.get('/ville/attestations/fiscale/2025');
    assert.equal(tax.statusCode, 200);
    assert.equal(tax.headers['content-type'], 'application/pdf');
    assert.equal(tax.headers['content-disposition'], 'attachment; filename="attestation-fiscale-2025.pdf"');
    assert.ok(tax.rawPayload.equals((await browser.get('/ville/attestations/fiscale/2025')).rawPayload), 'the same bytes twice');
    assert.match(main((await (await durand()).get('/ville/attestations')).body), /Aucune attestation fiscale pour le moment/);

    const lea = s.martin.childIds[0]!;
    const pdf = await browser.get(`/ville/attestations/presence?enfant=${lea}&du=01%2F10%2F2026&au=31%2F10%2F2026`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.headers['content-disposition'], 'attachment; filename="attestation-presence-2026-10-01-2026-10-31.pdf"');
    assert.ok(
      pdf.rawPayload.equals((await browser.get(`/ville/attestations/presence?enfant=${lea}&du=2026-10-01&au=2026-10-31`)).rawPayload),
      'the same bytes twice',
    );
    // In English, the file names say so too (and the documents are in English).
    assert.equal(
      (await browser.get('/ville/attestations/fiscale/2025?lang=en')).headers['content-disposition'],
      'attachment; filename="tax-certificate-2025.pdf"',
    );
    assert.equal(
      (await browser.get(`/ville/attestations/presence?enfant=${lea}&du=2026-10-01&au=2026-10-31`)).headers['content-disposition'],
      'attachment; filename="attendance-certificate-2026-10-01-2026-10-31.pdf"',
    );
  });

  it('answers a wrong attendance form with messages next to the fields, keeping what was typed', async () => {
    const browser = await martin();
    const empty = await browser.get('/ville/attestations/presence?enfant=&du=32%2F10%2F2026&au=');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /id="error-summary"/);
    assert.match(empty.body, /<p class="fr-error-text" id="field-enfant-error">Ce champ est obligatoire\.?<\/p>|id="field-enfant-error"/);
    assert.match(empty.body, /id="field-du-error"/);
    assert.match(empty.body, /id="field-au-error"/);
    assert.match(empty.body, /name="du" type="text" value="32\/10\/2026"/, 'what was typed stays');
    const reversed = await browser.get(`/ville/attestations/presence?enfant=${s.martin.childIds[0]}&du=31%2F10%2F2026&au=01%2F10%2F2026`);
    assert.equal(reversed.statusCode, 400);
    assert.match(reversed.body, /<p class="fr-error-text" id="field-au-error">La date de fin doit être le même jour que la date de début ou après\.<\/p>/);
    assert.match(reversed.body, new RegExp(`<option value="${s.martin.childIds[0]}" selected>`));
    const tooLong = await browser.get(`/ville/attestations/presence?enfant=${s.martin.childIds[0]}&du=01%2F01%2F2025&au=31%2F10%2F2026`);
    assert.match(tooLong.body, /id="field-au-error">Une attestation couvre un an au plus/);
    const neighbour = await browser.get(`/ville/attestations/presence?enfant=${s.durand.childIds[0]}&du=01%2F10%2F2026&au=31%2F10%2F2026`);
    assert.equal(neighbour.statusCode, 400);
    assert.match(neighbour.body, /id="field-enfant-error">Choisissez un de vos enfants dans la liste\./);
    assert.equal((await browser.get('/ville/attestations/presence?enfant=lea')).statusCode, 400, 'a child that is not an id');
  });

  it('shows on the home page the amount due, the unpaid invoices with their total and due dates, and the last payment', async () => {
    const page = await (await martin()).get('/ville/accueil');
    assert.equal(page.statusCode, 200);
    const text = main(page.body);
    assert.match(text, /Demandes en attente de réponse 0 Voir mes demandes/, 'what the home showed before stays');
    assert.match(text, /Restant dû 25,30 € Voir mes factures/);
    assert.deepEqual(rows(page.body), [
      [ids.septemberNumber, '05/10/2026', '04/11/2026', '1,30 €', 'En retard'],
      [ids.octoberNumber, '03/12/2026', '02/01/2027', '24,00 €', 'À payer'],
      ['Total à payer', '25,30 €', ''],
    ]);
    assert.match(page.body, new RegExp(`href="/ville/mes-factures/${ids.september}"`));
    assert.match(text, new RegExp(`Dernier paiement Le 03/12/2026, 10,00 € \\(Chèque\\), reçu n° ${ids.chequeNumber}\\.`));
    const durandHome = main((await (await durand()).get('/ville/accueil')).body);
    assert.match(durandHome, /Titre émis : à payer au Trésor public/);
  });

  it('speaks English on every money page when asked', async () => {
    const browser = await martin();
    const list = main((await browser.get('/ville/mes-factures?lang=en')).body);
    assert.match(list, /My invoices .* Left to pay on these invoices: €25\.30/);
    assert.match(list, /Overdue/);
    assert.match(list, /Credit note/);
    const invoice = main((await browser.get(`/ville/mes-factures/${ids.september}`)).body);
    assert.match(invoice, new RegExp(`Invoice no\\. ${ids.septemberNumber} Overdue Due date passed`));
    assert.match(invoice, /How to pay .* By bank transfer Account holder/);
    assert.match(
      main((await browser.get('/ville/releve')).body),
      /Account statement .* Balance brought forward on 01\/09\/2026 .* Balance on 31\/08\/2027: €25\.30 still due/,
    );
    assert.match(main((await browser.get('/ville/mes-paiements')).body), /My payments .* Cheque no\. 1234567 .* Cancelled Reason: Erreur de saisie/);
    assert.match(main((await browser.get('/ville/attestations')).body), /Tax certificate for childcare costs .* Download the tax certificate 2025 \(PDF\)/);
    assert.match(
      main((await browser.get('/ville/accueil')).body),
      /Invoices to pay .* Total to pay €25\.30 .* Last payment On 03\/12\/2026, €10\.00 \(Cheque\)/,
    );
  });

  it('gives staff what other family pages give them (not found), and sends visitors to log in', async () => {
    const staff = await signIn('gestion@example.test');
    const visitor = new TestBrowser(s.portal.app);
    for (const path of [
      '/mes-factures',
      `/mes-factures/${ids.october}`,
      `/mes-factures/${ids.october}/pdf`,
      '/releve',
      '/mes-paiements',
      `/mes-paiements/${ids.cheque}/recu`,
      '/attestations',
      '/attestations/fiscale/2025',
      '/attestations/presence',
    ]) {
      assert.equal((await staff.get(`/ville${path}`)).statusCode, 404, `staff on ${path}`);
      const anonymous = await visitor.get(`/ville${path}`);
      assert.equal(anonymous.statusCode, 302, `visitor on ${path}`);
      assert.equal(anonymous.headers.location, `/ville/connexion?retour=${encodeURIComponent(path)}`);
    }
  });

  it('reads the filters’ choices and checks the attendance form in the modules, for the household only', async () => {
    const asFamily = <T>(family: TestFamily, work: (scope: Scope) => Promise<T>) =>
      s.portal.inTenant(s.tenant, (scope) => work({ ...scope, actor: familyActor(family) }));
    assert.deepEqual(await asFamily(s.martin, (scope) => invoiceFilterChoices(scope, s.martin.householdId)), {
      years: [2026],
      regies: [{ id: s.regieId, name: 'Restauration scolaire' }],
    });
    assert.deepEqual(
      await asFamily(s.martin, (scope) => invoiceFilterChoices(scope, s.durand.householdId)),
      { years: [], regies: [] },
      'another household: nothing',
    );
    const lea = s.martin.childIds[0]!;
    const request = (form: Parameters<typeof requestAttendanceCertificate>[2], family = s.martin) =>
      asFamily(family, (scope) => requestAttendanceCertificate(scope, family.householdId, form, 'fr'));
    assert.deepEqual(await request({}), { kind: 'invalid', errors: { childId: 'required', from: 'required', to: 'required' } });
    assert.deepEqual(await request({ childId: lea, from: '2026-02-30', to: '2026-10-01' }), { kind: 'invalid', errors: { from: 'date' } });
    assert.deepEqual(await request({ childId: lea, from: '2026-10-02', to: '2026-10-01' }), { kind: 'invalid', errors: { to: 'order' } });
    assert.deepEqual(await request({ childId: lea, from: '2025-09-30', to: '2026-10-01' }), { kind: 'invalid', errors: { to: 'span' } });
    assert.deepEqual(await request({ childId: lea, from: '2026-10-01', to: '2026-10-01' }, s.durand), { kind: 'invalid', errors: { childId: 'choice' } });
    const answer = await request({ childId: lea, from: '01/10/2026', to: '31/10/2026' });
    assert.equal(answer.kind, 'pdf');
    assert.deepEqual(answer.kind === 'pdf' && [answer.from, answer.to], ['2026-10-01', '2026-10-31']);
  });
});

/** The receipt number written in the statement's row of a payment, read from its link. */
function rowNumber(html: string, paymentId: string): string {
  return new RegExp(`href="/ville/mes-paiements/${paymentId}/recu"[^>]*>([^<]+)<`).exec(html)?.[1] ?? '';
}
