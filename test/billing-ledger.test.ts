import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { attendanceCertificate, taxCertificate } from '../src/modules/billing/certificates.js';
import { sendDueReminders } from '../src/modules/billing/invoice-notifications.js';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { findInvoice, issueCreditNote, listInvoices, markTreasuryTitle } from '../src/modules/billing/invoices.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';
import { consistencyProblems } from '../src/modules/ledger/consistency.js';
import { cancelPayment, recordPayment, refundCredit } from '../src/modules/ledger/payments.js';
import { accountStatement } from '../src/modules/ledger/statement.js';
import type { Scope } from '../src/modules/scope.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { emailsTo } from './support/outbox.js';
import { familyActor } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

async function invoiceOf(s: BillingScenario, householdId: string) {
  return s.asManager(async (scope) => (await listInvoices(scope, { householdId })).filter((invoice) => invoice.kind === 'invoice'));
}

describe('payments, credit and the ledger', () => {
  let s: BillingScenario;
  before(async () => {
    s = await startBillingScenario();
    // October: Léa ate 10 days at 3,10 €; Jules 4 days at 5,90 €.
    for (const day of ['01', '02', '05', '06', '08', '09', '12', '13', '15', '16']) await s.book(s.martin, 0, s.meal, `2026-10-${day}`, 'present');
    for (const day of ['01', '02', '05', '06']) await s.book(s.durand, 0, s.meal, `2026-10-${day}`, 'present');
    const october = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL));
    assert.equal(october.kind, 'generated');
  });
  after(() => s.portal.close());

  const pay = (form: Parameters<typeof recordPayment>[1]) =>
    s.asManager((scope) => recordPayment(scope, { regieId: s.regieId, receivedOn: '2026-11-20', payerName: 'Claire MARTIN', ...form }));

  it('refuses a payment above what is due unless the credit is confirmed, and a cheque without its number', async () => {
    const refused = await pay({ householdId: s.martin.householdId, method: 'cheque', amount: '40,00' });
    assert.equal(refused.kind, 'invalid');
    assert.deepEqual(refused.kind === 'invalid' && refused.errors, { amount: 'overpayment', chequeNumber: 'required' });
    assert.equal(refused.kind === 'invalid' && refused.dueCents, 3100);
    assert.equal(
      await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payments').select('id').execute()).then((rows) => rows.length),
      0,
      'nothing recorded',
    );
  });

  it('records a cheque with its receipt number, pays the invoice, and keeps the excess as a credit for the next invoice', async () => {
    const recorded = await pay({
      householdId: s.martin.householdId,
      method: 'cheque',
      amount: '40,00',
      chequeNumber: '1234567',
      bankName: 'Banque Postale',
      keepCredit: true,
    });
    assert.deepEqual(recorded.kind === 'recorded' && [recorded.number, recorded.creditCents], ['RSR-2026-00001', 900]);
    const [october] = await invoiceOf(s, s.martin.householdId);
    assert.deepEqual([october!.paidCents, october!.leftCents, october!.state], [3100, 0, 'paid']);
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), -900);
    for (const day of ['02', '03']) await s.book(s.martin, 0, s.meal, `2026-11-${day}`, 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    const november = (await invoiceOf(s, s.martin.householdId)).find((invoice) => invoice.periodFrom === '2026-11-01')!;
    assert.deepEqual([november.totalCents, november.paidCents, november.leftCents], [620, 620, 0], 'the credit paid it');
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), -280);
  });

  it('lets staff split a payment between invoices by hand, within what each lacks', async () => {
    const invoices = await invoiceOf(s, s.durand.householdId);
    const [october, november] = [
      invoices.find((invoice) => invoice.periodFrom === '2026-10-01')!,
      invoices.find((invoice) => invoice.periodFrom === '2026-11-01'),
    ];
    assert.equal(november, undefined, 'Jules had nothing in November');
    const tooMuch = await pay({
      householdId: s.durand.householdId,
      method: 'cash',
      amount: '50,00',
      payerName: 'Paul DURAND',
      allocations: { [october.id]: '30,00' },
      keepCredit: true,
    });
    assert.deepEqual(tooMuch.kind === 'invalid' && tooMuch.errors, { invoices: { [october.id]: 'allocationAboveDue' } });
    const partial = await pay({
      householdId: s.durand.householdId,
      method: 'cash',
      amount: '10,00',
      payerName: 'Paul DURAND',
      allocations: { [october.id]: '10,00' },
    });
    assert.equal(partial.kind, 'recorded');
    const [after] = await invoiceOf(s, s.durand.householdId);
    assert.deepEqual([after!.paidCents, after!.leftCents, after!.state], [1000, 1360, 'to_pay']);
  });

  it('cancels a wrong payment by a counter-entry: the invoice it paid is due again', async () => {
    const wrong = await pay({ householdId: s.durand.householdId, method: 'transfer', amount: '13,60', payerName: 'Paul DURAND' });
    assert.equal(wrong.kind, 'recorded');
    if (wrong.kind !== 'recorded') return;
    assert.equal((await invoiceOf(s, s.durand.householdId))[0]!.leftCents, 0);
    assert.equal(await s.asManager((scope) => cancelPayment(scope, wrong.paymentId, ' ')), 'reason_required');
    assert.equal(await s.asManager((scope) => cancelPayment(scope, wrong.paymentId, 'Virement rejeté par la banque')), 'done');
    assert.equal(await s.asManager((scope) => cancelPayment(scope, wrong.paymentId, 'deux fois')), 'already');
    assert.equal((await invoiceOf(s, s.durand.householdId))[0]!.leftCents, 1360);
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.durand.householdId)), 1360);
    const kinds = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('ledger_entries').select(['kind', 'amount_cents']).where('payment_id', '=', wrong.paymentId).orderBy('id').execute(),
    );
    assert.deepEqual(kinds, [
      { kind: 'payment', amount_cents: -1360 },
      { kind: 'payment_cancellation', amount_cents: 1360 },
    ]);
  });

  it('refuses to change or delete what was written', async () => {
    await assert.rejects(
      s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('invoices').set({ total_cents: 1 }).execute()),
      /never changed nor deleted/,
    );
    await assert.rejects(
      s.portal.inTenant(s.tenant, ({ tx }) => tx.deleteFrom('ledger_entries').execute()),
      /never changed nor deleted/,
    );
    await assert.rejects(
      s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('payments').set({ amount_cents: 1 }).execute()),
      /never changed nor deleted/,
    );
  });

  it('refunds only what the household has in credit', async () => {
    const tooMuch = await s.asManager((scope) =>
      refundCredit(scope, { householdId: s.martin.householdId, regieId: s.regieId, amount: '5,00', method: 'transfer', reason: 'Départ de la commune' }),
    );
    assert.deepEqual(tooMuch.kind === 'invalid' && [tooMuch.errors, tooMuch.creditCents], [{ amount: 'aboveCredit' }, 280]);
    const refunded = await s.asManager((scope) =>
      refundCredit(scope, { householdId: s.martin.householdId, regieId: s.regieId, amount: '2,80', method: 'transfer', reason: 'Départ de la commune' }),
    );
    assert.equal(refunded.kind, 'refunded');
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), 0);
  });

  it('issues a credit note for a line, once, which pays what the invoice lacks', async () => {
    const [october] = await invoiceOf(s, s.durand.householdId);
    const detail = await s.asManager((scope) => findInvoice(scope, october!.id));
    const line = detail!.lines[0]!;
    const missing = await s.asManager((scope) => issueCreditNote(scope, october!.id, { lineIds: [line.id], reason: '' }));
    assert.deepEqual(missing, { kind: 'invalid', errors: { reason: 'required' } });
    const issued = await s.asManager((scope) =>
      issueCreditNote(scope, october!.id, { lineIds: [line.id], reason: 'Repas facturés par erreur : sortie scolaire' }),
    );
    assert.equal(issued.kind, 'issued');
    const again = await s.asManager((scope) => issueCreditNote(scope, october!.id, { lineIds: [line.id], reason: 'encore' }));
    assert.deepEqual(again, { kind: 'invalid', errors: { lines: 'alreadyCredited' } });
    const [after] = await invoiceOf(s, s.durand.householdId);
    assert.deepEqual(
      [after!.paidCents, after!.leftCents, after!.state],
      [2360, 0, 'paid'],
      '10 € paid in cash, 23,60 € by the credit note, of 23,60 €… capped at what it lacked',
    );
  });

  it('hands an unpaid invoice to the Treasury, and reminds once per step the ones still due', async () => {
    for (const day of ['02', '03']) await s.book(s.durand, 0, s.meal, `2026-12-${day}`, 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-12-01', to: '2026-12-02' }, MAIL));
    s.portal.clock.set(new Date('2027-02-20T09:00:00Z'));
    const sent = await s.asManager((scope) => sendDueReminders(scope, MAIL));
    assert.equal(sent, 1);
    assert.equal(await s.asManager((scope) => sendDueReminders(scope, MAIL)), 0, 'not twice for the same step');
    const [reminder] = await emailsTo(s.portal, s.tenant, s.durand.email);
    assert.match(reminder!.subject, /^Rappel : facture RS-2026-\d{5} à régler — Ville$/);
    const [december] = (await invoiceOf(s, s.durand.householdId)).filter((invoice) => invoice.leftCents > 0);
    assert.equal(await s.asManager((scope) => markTreasuryTitle(scope, december!.id, { reference: '' })), 'reference_required');
    assert.equal(await s.asManager((scope) => markTreasuryTitle(scope, december!.id, { reference: 'T-2027-118' })), 'done');
    const [handed] = await s.asManager((scope) => listInvoices(scope, { invoiceIds: [december!.id] }));
    assert.equal(handed!.state, 'treasury');
    s.portal.clock.set(new Date('2027-03-20T09:00:00Z'));
    assert.equal(await s.asManager((scope) => sendDueReminders(scope, MAIL)), 0, 'the Treasury collects it now');
  });

  it('shows the statement of the school year: opening balance, operations, closing balance', async () => {
    const statement = await s.asManager((scope) => accountStatement(scope, s.martin.householdId, 2026));
    assert.equal(statement!.length, 1);
    const [regie] = statement!;
    assert.deepEqual(
      regie!.operations.map((operation) => [operation.on, operation.kind, operation.debitCents, operation.creditCents]),
      [
        ['2026-11-20', 'payment', 0, 4000],
        ['2026-12-03', 'invoice', 3100, 0],
        ['2026-12-03', 'invoice', 620, 0],
        ['2026-12-03', 'refund', 280, 0],
      ],
    );
    assert.deepEqual([regie!.openingCents, regie!.debitCents, regie!.creditCents], [0, 4000, 4000]);
    assert.equal(regie!.closingCents, 0);
  });

  it('keeps the money consistent: every check of the operator’s command passes', async () => {
    assert.deepEqual(await s.portal.inTenant(s.tenant, ({ tx }) => consistencyProblems(tx)), []);
  });

  it('shows a family its own invoices only, and another household’s invoice as not found', async () => {
    const [durandInvoice] = await invoiceOf(s, s.durand.householdId);
    const asMartin = <T>(work: (scope: Scope) => Promise<T>) => s.portal.inTenant(s.tenant, (scope) => work({ ...scope, actor: familyActor(s.martin) }));
    assert.equal(await asMartin((scope) => findInvoice(scope, durandInvoice!.id)), null);
    assert.deepEqual(await asMartin((scope) => listInvoices(scope, { householdId: s.durand.householdId })), []);
    assert.ok((await asMartin((scope) => listInvoices(scope, { householdId: s.martin.householdId }))).length >= 2);
  });
});

describe('the tax certificate', () => {
  let s: BillingScenario;
  before(async () => {
    s = await startBillingScenario();
  });
  after(() => s.portal.close());

  it('certifies the care paid in the year for children under six on 1 January, not meals nor penalties', async () => {
    // A toddler born in 2021 (under six on 1 January 2026) and Léa, born in 2016.
    const toddler = await s.portal.inTenant(s.tenant, async ({ tx, tenantId }) => {
      const person = await tx
        .insertInto('persons')
        .values({ tenant_id: tenantId, first_name: 'Nina', last_name: 'MARTIN', birth_date: '2021-05-04', created_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('household_members')
        .values({ tenant_id: tenantId, household_id: s.martin.householdId, person_id: person.id, role: 'child' })
        .execute();
      return person.id;
    });
    s.martin.childIds.push(toddler);
    for (const day of ['02', '03']) await s.book(s.martin, 2, s.meal, `2026-11-${day}`, 'present');
    await s.book(s.martin, 2, s.evening, '2026-11-02', 'present');
    await s.book(s.martin, 2, s.evening, '2026-11-03', 'absent_billed');
    await s.book(s.martin, 0, s.evening, '2026-11-02', 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    const [invoice] = await invoiceOf(s, s.martin.householdId);
    // Nina: a meal on the 2nd as the second child booked that day (care 0,99 + meal 2,00), one on the
    // 3rd alone (1,10 + 2,00), an evening 1,50 and an absence billed 1,50 (a penalty); Léa: an evening 1,50.
    assert.equal(invoice!.totalCents, 299 + 310 + 150 + 150 + 150);
    await s.asManager((scope) =>
      recordPayment(scope, {
        householdId: s.martin.householdId,
        regieId: s.regieId,
        method: 'cesu_paper',
        amount: '10,59',
        receivedOn: '2026-11-25',
        payerName: 'Claire MARTIN',
      }),
    );
    const certificate = await s.asManager((scope) => taxCertificate(scope, s.martin.householdId, 2026));
    // Nina's care only (0,99 + 1,10 + 1,50): not the meals, not the absence; Léa is over six.
    assert.deepEqual(
      certificate!.children.map((child) => [child.name, child.paidCareCents]),
      [['Nina MARTIN', 359]],
    );
    assert.equal((await s.asManager((scope) => taxCertificate(scope, s.martin.householdId, 2025)))!.children.length, 0, 'nothing paid in 2025');
  });

  it('lists a child’s enrollments and days attended over a period', async () => {
    const certificate = await s.asManager((scope) => attendanceCertificate(scope, s.martin.householdId, s.martin.childIds[2]!, '2026-11-01', '2026-11-30'));
    assert.deepEqual(certificate!.attended, [
      { activityName: 'Cantine 2026-2027', unitName: 'Repas', days: 2 },
      { activityName: 'Cantine 2026-2027', unitName: 'Garderie soir', days: 1 },
    ]);
    assert.equal(
      await s.asManager((scope) => attendanceCertificate(scope, s.durand.householdId, s.martin.childIds[2]!, '2026-11-01', '2026-11-30')),
      null,
      'a child of another household',
    );
  });
});

describe('random histories', () => {
  it('leave every balance the sum of its entries, no day billed twice, and no invoice paid beyond its total', async () => {
    const s = await startBillingScenario();
    try {
      // The histories run from 2021 on: the tariffs apply from then.
      await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('tariffs').set({ effective_from: '2020-01-01' }).execute());
      let month = 0;
      const operation = fc.oneof(
        fc.record({
          kind: fc.constant('bill' as const),
          days: fc.array(
            fc.record({
              family: fc.boolean(),
              child: fc.nat(1),
              unit: fc.boolean(),
              status: fc.constantFrom('present' as const, 'absent_billed' as const, 'absent_excused' as const, 'late_cancelled' as const),
            }),
            { maxLength: 6 },
          ),
        }),
        fc.record({
          kind: fc.constant('pay' as const),
          family: fc.boolean(),
          cents: fc.integer({ min: 1, max: 3000 }),
          method: fc.constantFrom('cash', 'cheque', 'transfer'),
        }),
        fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('credit' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('excuse' as const), pick: fc.nat() }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 8 }), async (operations) => {
          for (const op of operations) {
            if (op.kind === 'bill') {
              month += 1;
              const first = new Date(Date.UTC(2020, month, 1)).toISOString().slice(0, 10);
              const last = new Date(Date.UTC(2020, month + 1, 0)).toISOString().slice(0, 10);
              for (const [index, day] of op.days.entries()) {
                const family = day.family ? s.martin : s.durand;
                await s
                  .book(
                    family,
                    family === s.durand ? 0 : day.child,
                    day.unit ? s.meal : s.evening,
                    `${first.slice(0, 8)}${String(index + 1).padStart(2, '0')}`,
                    day.status,
                  )
                  .catch(() => undefined);
              }
              s.portal.clock.set(new Date(`${last}T12:00:00Z`));
              await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: first, to: last }, MAIL));
            } else if (op.kind === 'pay') {
              await s.asManager((scope) =>
                recordPayment(scope, {
                  householdId: (op.family ? s.martin : s.durand).householdId,
                  regieId: s.regieId,
                  method: op.method,
                  amount: (op.cents / 100).toFixed(2),
                  chequeNumber: '1',
                  payerName: 'X',
                  keepCredit: true,
                }),
              );
            } else if (op.kind === 'cancel') {
              const payments = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payments').select('id').orderBy('number').execute());
              if (payments.length > 0) await s.asManager((scope) => cancelPayment(scope, payments[op.pick % payments.length]!.id, 'erreur'));
            } else if (op.kind === 'credit') {
              const lines = await s.portal.inTenant(s.tenant, ({ tx }) =>
                tx
                  .selectFrom('invoice_lines as l')
                  .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
                  .select(['l.id', 'l.invoice_id'])
                  .where('i.kind', '=', 'invoice')
                  .where('l.kind', '!=', 'regularisation')
                  .orderBy('l.id')
                  .execute(),
              );
              if (lines.length > 0) {
                const line = lines[op.pick % lines.length]!;
                await s.asManager((scope) => issueCreditNote(scope, line.invoice_id, { lineIds: [line.id], reason: 'erreur' }));
              }
            } else {
              const billed = await s.portal.inTenant(s.tenant, ({ tx }) =>
                tx.selectFrom('bookings').select('id').where('status', 'in', ['present', 'absent_billed']).orderBy('id').execute(),
              );
              if (billed.length > 0)
                await s.portal.inTenant(s.tenant, ({ tx }) =>
                  tx
                    .updateTable('bookings')
                    .set({ status: 'absent_excused' })
                    .where('id', '=', billed[op.pick % billed.length]!.id)
                    .execute(),
                );
            }
          }
          const problems = await s.portal.inTenant(s.tenant, ({ tx }) => consistencyProblems(tx));
          assert.deepEqual(problems, []);
          for (const family of [s.martin, s.durand]) {
            const entries = await s.portal.inTenant(s.tenant, ({ tx }) =>
              tx.selectFrom('ledger_entries').select('amount_cents').where('household_id', '=', family.householdId).execute(),
            );
            const debits = entries.filter((entry) => entry.amount_cents > 0).reduce((sum, entry) => sum + entry.amount_cents, 0);
            const credits = entries.filter((entry) => entry.amount_cents < 0).reduce((sum, entry) => sum - entry.amount_cents, 0);
            assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, family.householdId)), debits - credits);
          }
        }),
        { numRuns: 12 },
      );
    } finally {
      await s.portal.close();
    }
  });
});
