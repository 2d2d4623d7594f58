import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiLogin, callApi } from './support/api-scenario.js';
import { type FamilyBillingScenario, startFamilyBillingScenario } from './support/family-billing.js';

interface Invoice {
  id: string;
  number: string;
  kind: string;
  state: string;
  stateText: string;
  totalCents: number;
  paidCents: number;
  leftCents: number;
  treasury: { reference: string; handedOn: string } | null;
}

/**
 * The money of the families' API (test/support/family-billing.ts): the same answers as the pages,
 * in JSON and PDF, for the token's household only — another household's ids are 404 as unknown ones.
 */
describe('the families’ API: invoices, payments, statement, certificates', () => {
  let s: FamilyBillingScenario;
  let martin: string;
  let durand: string;

  before(async () => {
    s = await startFamilyBillingScenario();
    martin = await apiLogin(s.portal, s.martin);
    durand = await apiLogin(s.portal, s.durand);
  });
  after(() => s.portal.close());

  const get = (url: string, token: string | null = martin) => callApi(s.portal, { url: `/ville/api/v1${url}`, token });

  it('lists the household’s invoices with their states and what is left, filtered by year, régie and unpaid', async () => {
    const response = await get('/invoices');
    assert.equal(response.statusCode, 200);
    const body = response.json() as { invoices: Invoice[]; leftCents: number; treasuryCents: number };
    assert.deepEqual(
      body.invoices.map((invoice) => [
        invoice.number,
        invoice.kind,
        invoice.totalCents,
        invoice.paidCents,
        invoice.leftCents,
        invoice.state,
        invoice.stateText,
      ]),
      [
        [s.ids.creditNumber, 'credit_note', -300, 300, 0, 'credit_note', 'Avoir'],
        [s.ids.octoberNumber, 'invoice', 3400, 1000, 2400, 'to_pay', 'À payer'],
        [s.ids.septemberNumber, 'invoice', 930, 800, 130, 'late', 'En retard'],
      ],
    );
    assert.deepEqual([body.leftCents, body.treasuryCents], [2530, 0]);
    const unpaid = (await get(`/invoices?unpaid=true&year=2026&regieId=${s.regieId}&lang=en`)).json() as { invoices: Invoice[] };
    assert.deepEqual(
      unpaid.invoices.map((invoice) => [invoice.number, invoice.stateText]),
      [
        [s.ids.octoberNumber, 'To pay'],
        [s.ids.septemberNumber, 'Overdue'],
      ],
    );
    assert.deepEqual((await get('/invoices?year=2025')).json(), { invoices: [], leftCents: 0, treasuryCents: 0 });
    const wrong = await get('/invoices?year=twenty&regieId=cantine');
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual((wrong.json() as { error: { code: string; fields: { field: string }[] } }).error.fields.map((field) => field.field).sort(), [
      'regieId',
      'year',
    ]);
    const durandList = (await get('/invoices', durand)).json() as { invoices: Invoice[]; treasuryCents: number };
    assert.deepEqual(
      durandList.invoices.map((invoice) => [invoice.state, invoice.treasury?.reference]),
      [['treasury', 'T-2026-118']],
    );
    assert.equal(durandList.treasuryCents, 1360);
  });

  it('answers one invoice with its lines, payments, credit and how to pay; another household’s is 404', async () => {
    const response = await get(`/invoices/${s.ids.october}`);
    assert.equal(response.statusCode, 200);
    const invoice = response.json() as Invoice & {
      lines: {
        childName: string;
        kindText: string;
        days: string[];
        quantity: number;
        unitPriceCents: number;
        amountCents: number;
        careCents: number;
        mealCents: number;
      }[];
      payments: { number: string; methodText: string; amountCents: number; cancelled: boolean }[];
      creditNotes: { number: string; totalCents: number }[];
      howToPay: { iban: string; instructions: string };
    };
    assert.deepEqual(
      invoice.lines.map((line) => [
        line.childName,
        line.kindText,
        line.days.length,
        line.quantity,
        line.unitPriceCents,
        line.amountCents,
        line.careCents,
        line.mealCents,
      ]),
      [
        ['Léa MARTIN', 'Repas', 10, 10, 310, 3100, 1100, 2000],
        ['Hugo MARTIN', 'Garderie soir', 2, 2, 150, 300, 300, 0],
      ],
    );
    assert.deepEqual(
      invoice.payments.map((payment) => [payment.number, payment.methodText, payment.amountCents, payment.cancelled]),
      [[s.ids.chequeNumber, 'Chèque', 1000, false]],
    );
    assert.deepEqual(
      invoice.creditNotes.map((note) => [note.number, note.totalCents]),
      [[s.ids.creditNumber, -300]],
    );
    assert.equal(invoice.howToPay.iban, 'FR7630006000011234567890189');
    const september = (await get(`/invoices/${s.ids.september}`)).json() as {
      payments: { cancelled: boolean; amountCents: number }[];
      credits: { number: string; amountCents: number }[];
    };
    assert.deepEqual(
      september.payments.map((payment) => [payment.amountCents, payment.cancelled]),
      [
        [500, false],
        [100, true],
      ],
    );
    assert.deepEqual(
      september.credits.map((credit) => [credit.number, credit.amountCents]),
      [[s.ids.creditNumber, 300]],
    );

    for (const url of [
      `/invoices/${s.ids.durand}`,
      `/invoices/${s.ids.durand}/pdf`,
      `/payments/${s.ids.durandPayment}/receipt`,
      '/invoices/00000000-0000-4000-8000-000000000000',
      '/tax-certificates/2026',
    ]) {
      const refused = await get(url);
      assert.equal(refused.statusCode, 404, url);
      assert.equal((refused.json() as { error: { code: string } }).error.code, 'not_found', url);
    }
    assert.equal((await get(`/invoices/${s.ids.durand}`, durand)).statusCode, 200, 'the Durands see their own');
    assert.equal((await get('/tax-certificates/2025', durand)).statusCode, 404, 'the Durands paid nothing in 2025');
    assert.equal((await get('/invoices/RS-2026-00001')).statusCode, 400, 'not an id');
  });

  it('answers the PDFs (invoice, receipt, tax certificate) as attachments, the same bytes twice, in the asked language', async () => {
    for (const [url, name] of [
      [`/invoices/${s.ids.october}/pdf`, `${s.ids.octoberNumber}.pdf`],
      [`/payments/${s.ids.cheque}/receipt`, `${s.ids.chequeNumber}.pdf`],
      ['/tax-certificates/2025', 'attestation-fiscale-2025.pdf'],
    ] as const) {
      const first = await get(url);
      assert.equal(first.statusCode, 200, url);
      assert.equal(first.headers['content-type'], 'application/pdf');
      assert.equal(first.headers['content-disposition'], `attachment; filename="${name}"`);
      assert.equal(first.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.ok(first.rawPayload.equals((await get(url)).rawPayload), `${url}: the same bytes twice`);
    }
    const english = await get(`/invoices/${s.ids.october}/pdf?lang=en`);
    assert.ok(!english.rawPayload.equals((await get(`/invoices/${s.ids.october}/pdf`)).rawPayload), 'the English invoice is its own document');
    assert.equal((await get('/tax-certificates/2025?lang=en')).headers['content-disposition'], 'attachment; filename="tax-certificate-2025.pdf"');
  });

  it('lists the payments, a cancelled one with its reason', async () => {
    const body = (await get('/payments')).json() as {
      payments: {
        number: string;
        methodText: string;
        amountCents: number;
        cancelled: { reason: string } | null;
        invoices: { number: string; amountCents: number }[];
      }[];
    };
    assert.deepEqual(
      body.payments.map((payment) => [payment.methodText, payment.amountCents, payment.cancelled?.reason ?? null, payment.invoices.map((part) => part.number)]),
      [
        ['Chèque', 1000, null, [s.ids.octoberNumber]],
        ['Espèces', 100, 'Erreur de saisie', [s.ids.septemberNumber]],
        ['Espèces', 500, null, [s.ids.septemberNumber]],
      ],
    );
  });

  it('answers the account statement of a school year, the current one by default', async () => {
    const body = (await get('/statement')).json() as {
      schoolYear: number;
      schoolYears: number[];
      regies: {
        regieName: string;
        openingCents: number;
        debitCents: number;
        creditCents: number;
        closingCents: number;
        operations: { kind: string; kindText: string; number: string }[];
      }[];
    };
    assert.deepEqual([body.schoolYear, body.schoolYears], [2026, [2026, 2025]]);
    const [regie] = body.regies;
    assert.deepEqual(
      [regie!.regieName, regie!.openingCents, regie!.debitCents, regie!.creditCents, regie!.closingCents],
      ['Restauration scolaire', -500, 4430, 1400, 2530],
    );
    assert.deepEqual(
      regie!.operations.map((operation) => operation.kindText),
      ['Facture', 'Paiement', 'Facture', 'Paiement', 'Paiement annulé', 'Avoir'],
    );
    const before = (await get('/statement?schoolYear=2025')).json() as { regies: { closingCents: number }[] };
    assert.equal(before.regies[0]!.closingCents, -500);
    assert.equal((await get('/statement?schoolYear=1999')).statusCode, 400);
  });

  it('refuses every money route without a token', async () => {
    for (const url of [
      '/invoices',
      `/invoices/${s.ids.october}`,
      `/invoices/${s.ids.october}/pdf`,
      '/payments',
      `/payments/${s.ids.cheque}/receipt`,
      '/statement',
      '/tax-certificates/2025',
    ]) {
      const response = await get(url, null);
      assert.equal(response.statusCode, 401, url);
    }
  });
});
