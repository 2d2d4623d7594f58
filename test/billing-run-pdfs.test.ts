import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { invoicePdf, makeRunPdfs } from '../src/modules/billing/invoice-pdf.js';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

describe('the PDFs of a run, made by the job after it', () => {
  let s: BillingScenario;
  let runId: string;
  before(async () => {
    s = await startBillingScenario();
    await s.book(s.martin, 0, s.meal, '2026-11-02', 'present');
    await s.book(s.martin, 1, s.meal, '2026-11-02', 'present');
    await s.book(s.durand, 0, s.meal, '2026-11-03', 'present');
    // The Durands read the portal in English: their invoice is in English.
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('accounts').set({ locale: 'en' }).where('household_id', '=', s.durand.householdId).execute());
    const run = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    assert.equal(run.kind, 'generated');
    runId = run.kind === 'generated' ? run.runId : '';
  });
  after(() => s.portal.close());

  it("makes each invoice's PDF once, in its family's language, and the download gives the one kept", async () => {
    assert.equal(await makeRunPdfs(s.portal, s.tenant.id, runId), 2);
    const kept = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('invoice_pdfs as p')
        .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
        .select(['i.id', 'i.household_id', 'p.lang', 'p.pdf'])
        .orderBy('i.seq')
        .execute(),
    );
    assert.deepEqual(
      kept.map((row) => [row.household_id, row.lang]),
      [
        [s.durand.householdId, 'en'],
        [s.martin.householdId, 'fr'],
      ],
    );
    const [english, french] = kept.map((row) => Buffer.from(row.pdf));
    assert.ok(english!.includes('/Lang (en-GB)') && french!.includes('/Lang (fr-FR)'));
    const downloaded = await s.asManager((scope) => invoicePdf(scope, kept[1]!.id, 'fr'));
    assert.ok(downloaded && Buffer.from(downloaded.pdf).equals(french!));
    assert.equal(await makeRunPdfs(s.portal, s.tenant.id, runId), 0, 'a job taken again makes only what is missing');
  });
});
