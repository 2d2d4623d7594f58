import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { taxCertificate } from '../src/modules/billing/certificates.js';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { findInvoice, listInvoices } from '../src/modules/billing/invoices.js';
import { addExistingMember } from '../src/modules/households/households.js';
import { recordPayment } from '../src/modules/ledger/payments.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { familyActor } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

/**
 * Separated parents are two households sharing a child (DESIGN.md): each books its own days, so each
 * payer gets an invoice for the days that household booked, pays it, and gets the tax certificate
 * for what that payer paid (BILLING.md: "per payer, for the amounts that payer paid").
 */
describe('separated parents', () => {
  let s: BillingScenario;
  let hugo: string;
  before(async () => {
    s = await startBillingScenario();
    hugo = s.martin.childIds[1]!;
    await s.portal.inTenant(s.tenant, async (scope) => {
      await addExistingMember(scope, s.durand.householdId, hugo, 'child');
      // Under six on 1 January 2026, so his care counts for the 2026 certificate.
      await scope.tx.updateTable('persons').set({ birth_date: '2021-05-01' }).where('id', '=', hugo).execute();
    });
    // Hugo eats at his mother's on the 2nd and 3rd (QF 450: 1,10 € care + 2,00 € meal), at his
    // father's on the 5th (no QF: 3,90 € + 2,00 €), with Jules, the Durands' elder: Hugo is the second
    // child there that day (10 % off the care part: 3,51 €).
    await s.book(s.martin, 1, s.meal, '2026-11-02', 'present');
    await s.book(s.martin, 1, s.meal, '2026-11-03', 'present');
    await s.portal.inTenant(s.tenant, ({ tx, tenantId }) =>
      tx
        .insertInto('bookings')
        .values({
          tenant_id: tenantId,
          child_id: hugo,
          unit_id: s.meal,
          day: '2026-11-05',
          household_id: s.durand.householdId,
          status: 'present',
          created_at: new Date(),
          updated_at: new Date(),
          holds_pools: [],
        })
        .execute(),
    );
    await s.book(s.durand, 0, s.meal, '2026-11-05', 'present');
    const run = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    assert.equal(run.kind, 'generated');
  });
  after(() => s.portal.close());

  const invoiceOf = async (householdId: string) => {
    const [summary] = await s.asManager((scope) => listInvoices(scope, { householdId }));
    return (await s.asManager((scope) => findInvoice(scope, summary!.id)))!;
  };

  it('bills each parent for the days their household booked, under their own name', async () => {
    const mother = await invoiceOf(s.martin.householdId);
    const father = await invoiceOf(s.durand.householdId);
    assert.equal(mother.payerName, 'Claire MARTIN');
    assert.deepEqual(
      mother.lines.map((line) => [line.childId === hugo, line.days, line.amountCents]),
      [[true, ['2026-11-02', '2026-11-03'], 620]],
    );
    assert.equal(father.payerName, 'Paul DURAND');
    const fathersHugo = father.lines.filter((line) => line.childId === hugo);
    assert.deepEqual(
      fathersHugo.map((line) => [line.days, line.amountCents]),
      [[['2026-11-05'], 551]],
    );
    assert.equal(father.totalCents, 590 + 551);
  });

  it('keeps each household’s invoices to itself, though they share a child', async () => {
    const father = await invoiceOf(s.durand.householdId);
    const seenByMother = await s.portal.inTenant(s.tenant, (scope) => findInvoice({ ...scope, actor: familyActor(s.martin) }, father.id));
    assert.equal(seenByMother, null);
  });

  it('gives each payer the tax certificate of what that payer paid for the shared child', async () => {
    for (const [family, amount, payerName] of [
      [s.martin, '6,20', 'Claire MARTIN'],
      [s.durand, '11,41', 'Paul DURAND'],
    ] as const) {
      const paid = await s.asManager((scope) =>
        recordPayment(scope, { householdId: family.householdId, regieId: s.regieId, method: 'cash', amount, receivedOn: '2026-11-25', payerName }),
      );
      assert.equal(paid.kind, 'recorded');
    }
    const mother = await s.asManager((scope) => taxCertificate(scope, s.martin.householdId, 2026));
    const father = await s.asManager((scope) => taxCertificate(scope, s.durand.householdId, 2026));
    assert.deepEqual([mother!.payerName, mother!.children.map((child) => [child.id === hugo, child.paidCareCents])], ['Claire MARTIN', [[true, 220]]]);
    // Jules was born in 2015: only Hugo's care counts, 3,51 € paid by his father.
    assert.deepEqual([father!.payerName, father!.children.map((child) => [child.id === hugo, child.paidCareCents])], ['Paul DURAND', [[true, 351]]]);
  });
});
