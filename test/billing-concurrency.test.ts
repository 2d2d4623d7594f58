import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { consistencyProblems } from '../src/modules/ledger/consistency.js';
import { recordPayment } from '../src/modules/ledger/payments.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';

/** Races settled by the database (on PostgreSQL, truly at once; PGlite has one connection and runs them in turn). */
const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };
let s: BillingScenario;

before(async () => {
  s = await startBillingScenario();
  for (const month of ['09', '10']) {
    for (const day of ['01', '02', '03', '07', '08']) {
      await s.book(s.martin, 0, s.meal, `2026-${month}-${day}`, 'present');
      await s.book(s.durand, 0, s.meal, `2026-${month}-${day}`, 'present');
    }
  }
});
after(() => s.portal.close());

it('numbers two runs started at once without a gap or a duplicate, and refuses the same period twice', async () => {
  const run = (from: string, to: string) => s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from, to }, MAIL));
  const results = await Promise.all([run('2026-09-01', '2026-09-30'), run('2026-10-01', '2026-10-31'), run('2026-10-01', '2026-10-31')]);
  assert.deepEqual(results.map((result) => result.kind).sort(), ['generated', 'generated', 'invalid']);
  assert.deepEqual(
    results.find((result) => result.kind === 'invalid'),
    { kind: 'invalid', errors: { from: 'periodInvoiced' } },
  );
  const numbers = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('invoices').select(['seq', 'number']).orderBy('seq').execute());
  assert.deepEqual(
    numbers.map((row) => row.seq),
    [1, 2, 3, 4],
  );
  assert.equal(new Set(numbers.map((row) => row.number)).size, 4);
});

it('lets two payments recorded at once pay an invoice once, the second kept as credit', async () => {
  const pay = () =>
    s.asManager((scope) =>
      recordPayment(scope, {
        householdId: s.martin.householdId,
        regieId: s.regieId,
        method: 'cash',
        amount: '15,50',
        receivedOn: '2026-11-20',
        payerName: 'Claire MARTIN',
        keepCredit: true,
      }),
    );
  const [first, second] = await Promise.all([pay(), pay()]);
  assert.equal(first.kind, 'recorded');
  assert.equal(second.kind, 'recorded');
  const paid = await s.portal.inTenant(s.tenant, ({ tx }) =>
    tx
      .selectFrom('allocations as a')
      .innerJoin('invoices as i', 'i.id', 'a.invoice_id')
      .select(['i.number', 'i.total_cents'])
      .select((eb) => eb.fn.sum<number>('a.amount_cents').as('paid'))
      .groupBy(['i.number', 'i.total_cents'])
      .execute(),
  );
  for (const invoice of paid) assert.ok(Number(invoice.paid) <= invoice.total_cents, `${invoice.number} paid ${invoice.paid} of ${invoice.total_cents}`);
  assert.equal(
    paid.reduce((sum, invoice) => sum + Number(invoice.paid), 0),
    3100,
    'both invoices of 15,50 € paid, each once',
  );
  assert.deepEqual(await s.portal.inTenant(s.tenant, ({ tx }) => consistencyProblems(tx)), []);
});
