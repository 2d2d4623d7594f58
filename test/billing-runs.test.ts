import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRun, previewRun } from '../src/modules/billing/invoice-runs.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { emailsTo } from './support/outbox.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

describe('an invoice run', () => {
  let s: BillingScenario;
  before(async () => {
    s = await startBillingScenario();
    const { martin, durand, meal, evening } = s;
    // November: Léa ate on the 2nd, 3rd and 5th, was absent without excuse on the 6th, excused on the 9th.
    await s.book(martin, 0, meal, '2026-11-02', 'present');
    await s.book(martin, 0, meal, '2026-11-03', 'present');
    await s.book(martin, 0, meal, '2026-11-05', 'present');
    await s.book(martin, 0, meal, '2026-11-06', 'absent_billed');
    await s.book(martin, 0, meal, '2026-11-09', 'absent_excused');
    // Hugo, the younger, ate on the 2nd with his sister (10 % off the care part: 1,10 € → 0,99 €), came unbooked on the 10th.
    await s.book(martin, 1, meal, '2026-11-02', 'present');
    await s.book(martin, 1, meal, '2026-11-10', 'present', { unbooked: true });
    await s.book(martin, 0, evening, '2026-11-03', 'late_cancelled');
    await s.book(martin, 0, evening, '2026-11-05', 'cancelled');
    // Jules (no QF: the highest bracket) ate on the 2nd; the 27th still waits for the service, the 30th is
    // still booked: attendance not taken on either.
    await s.book(durand, 0, meal, '2026-11-02', 'present');
    await s.book(durand, 0, meal, '2026-11-30', 'reserved');
    await s.book(durand, 0, meal, '2026-11-27', 'requested');
  });
  after(() => s.portal.close());

  it('previews the period without writing anything, with its anomalies', async () => {
    const result = await s.asManager((scope) => previewRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }));
    assert.equal(result.kind, 'plan');
    if (result.kind !== 'plan') return;
    const { plan } = result;
    assert.deepEqual(
      plan.invoices.map((invoice) => [invoice.householdName, invoice.totalCents]),
      [
        ['DURAND Paul', 590],
        ['MARTIN Claire', 310 * 3 + 310 + 299 + 750 + 150],
      ],
    );
    assert.deepEqual(
      plan.anomalies.withoutQuotient.map((row) => row.name),
      ['DURAND Paul'],
    );
    assert.deepEqual(
      plan.anomalies.attendanceMissing.map((row) => [row.day, row.count]),
      [
        ['2026-11-27', 1],
        ['2026-11-30', 1],
      ],
    );
    const written = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('invoices').select('id').execute());
    assert.equal(written.length, 0);
  });

  it('generates numbered invoices whose totals are their lines, with the care, meal and penalty parts', async () => {
    const result = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    assert.equal(result.kind, 'generated');
    const invoices = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('invoices').selectAll().orderBy('seq').execute());
    assert.deepEqual(
      invoices.map((invoice) => [invoice.number, invoice.payer_name, invoice.total_cents, invoice.due_on]),
      [
        ['RS-2026-00001', 'Paul DURAND', 590, '2027-01-02'],
        ['RS-2026-00002', 'Claire MARTIN', 2439, '2027-01-02'],
      ],
    );
    const lines = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoices[1]!.id).orderBy('position').execute(),
    );
    assert.deepEqual(
      lines.map((line) => [
        line.child_name,
        line.label,
        line.kind,
        line.days,
        line.quantity,
        line.unit_price_cents,
        line.amount_cents,
        line.care_cents,
        line.meal_cents,
        line.penalty_cents,
      ]),
      [
        ['Léa MARTIN', 'Repas', 'attended', ['2026-11-02', '2026-11-03', '2026-11-05'], 3, 310, 930, 330, 600, 0],
        ['Léa MARTIN', 'Repas', 'absence', ['2026-11-06'], 1, 310, 310, 0, 0, 310],
        ['Léa MARTIN', 'Garderie soir', 'late_cancellation', ['2026-11-03'], 1, 150, 150, 0, 0, 150],
        ['Hugo MARTIN', 'Repas', 'attended', ['2026-11-02'], 1, 299, 299, 99, 200, 0],
        ['Hugo MARTIN', 'Repas', 'unbooked_presence', ['2026-11-10'], 1, 750, 750, 110, 200, 440],
      ],
    );
    assert.equal(
      lines.reduce((sum, line) => sum + line.amount_cents, 0),
      invoices[1]!.total_cents,
    );
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), 2439);
    const [mail] = await emailsTo(s.portal, s.tenant, s.martin.email);
    assert.equal(mail!.subject, 'Votre facture RS-2026-00002 est disponible — Ville');
    assert.match(mail!.text_body, /d’un montant de 24,39\s€, est disponible sur le portail famille\. Elle est à régler avant le 02\/01\/2027/);
    assert.ok(mail!.text_body.includes(`https://portail.example.test/ville/mes-factures/${invoices[1]!.id}`));
  });

  it('refuses a second run over a period already invoiced, and never bills a day twice', async () => {
    const again = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-15', to: '2026-11-30' }, MAIL));
    assert.deepEqual(again, { kind: 'invalid', errors: { from: 'periodInvoiced' } });
    const december = await s.asManager((scope) => previewRun(scope, { regieId: s.regieId, from: '2026-12-01', to: '2026-12-02' }));
    assert.equal(december.kind === 'plan' && december.plan.invoices.length, 0, 'nothing new to bill');
  });

  it('bills late attendance and reverses an absence excused since, on the next run', async () => {
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.updateTable('bookings').set({ status: 'present' }).where('household_id', '=', s.durand.householdId).where('day', '=', '2026-11-30').execute(),
    );
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.updateTable('bookings').set({ status: 'absent_excused' }).where('household_id', '=', s.martin.householdId).where('day', '=', '2026-11-06').execute(),
    );
    await s.book(s.durand, 0, s.meal, '2026-12-01', 'present');
    const result = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-12-01', to: '2026-12-02' }, MAIL));
    assert.equal(result.kind, 'generated');
    const invoices = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('invoices').select(['number', 'kind', 'total_cents', 'household_id']).where('seq', '>', 2).orderBy('seq').execute(),
    );
    assert.deepEqual(
      invoices.map((invoice) => [invoice.number, invoice.kind, invoice.total_cents]),
      [
        ['RS-2026-00003', 'invoice', 1180],
        ['RS-2026-00004', 'credit_note', -310],
      ],
    );
    const billedTwice = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('billed_units')
        .select('booking_id')
        .where('reverses', 'is', null)
        .where('reversed_by', 'is', null)
        .groupBy('booking_id')
        .having((eb) => eb.fn.countAll(), '>', 1)
        .execute(),
    );
    assert.deepEqual(billedTwice, []);
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), 2439 - 310);
  });

  it('keeps every billed day tied to its invoice line and booking, and a billed booking from being deleted', async () => {
    const billed = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('billed_units')
        .select(['id', 'invoice_line_id', 'booking_id', 'day'])
        .where('reverses', 'is', null)
        .orderBy('day')
        .executeTakeFirstOrThrow(),
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    const write = (values: { invoice_line_id: string; booking_id: string; reverses?: number }) =>
      s.portal.inTenant(s.tenant, ({ tx, tenantId }) =>
        tx
          .insertInto('billed_units')
          .values({ tenant_id: tenantId, day: billed.day, kind: 'attended', care_cents: 0, meal_cents: 0, penalty_cents: 0, ...values })
          .execute(),
      );
    // As a foreign key refuses it (23503), checked once per statement (migration 0034).
    const missing = (error: { code?: string }) => error.code === '23503';
    const unbilled = await s.book(s.durand, 0, s.meal, '2026-12-14', 'reserved');
    await assert.rejects(write({ invoice_line_id: unknown, booking_id: unbilled }), missing);
    await assert.rejects(write({ invoice_line_id: billed.invoice_line_id, booking_id: unknown }), missing);
    await assert.rejects(write({ invoice_line_id: billed.invoice_line_id, booking_id: billed.booking_id, reverses: billed.id + 1_000_000 }), missing);
    await assert.rejects(
      s.portal.inTenant(s.tenant, ({ tx }) => tx.deleteFrom('bookings').where('id', '=', billed.booking_id).execute()),
      missing,
    );
    // A booking never billed may go (the database's cascades delete bookings).
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.deleteFrom('bookings').where('id', '=', unbilled).execute());
  });
});

describe('a run whose lines cancel out', () => {
  let s: BillingScenario;
  before(async () => {
    s = await startBillingScenario();
  });
  after(() => s.portal.close());

  it('issues an invoice of zero, entered in the ledger, rather than failing', async () => {
    const excused = await s.book(s.martin, 0, s.evening, '2026-11-02', 'present');
    await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    // Léa's evening of the 2nd is excused since, and she stayed the evening of 1 December: same price.
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('bookings').set({ status: 'absent_excused' }).where('id', '=', excused).execute());
    await s.book(s.martin, 0, s.evening, '2026-12-01', 'present');
    const result = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-12-01', to: '2026-12-02' }, MAIL));
    assert.equal(result.kind, 'generated');
    const [zero] = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('invoices').select(['id', 'total_cents']).where('seq', '=', 2).execute());
    assert.equal(zero!.total_cents, 0);
    const entry = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('ledger_entries').select('amount_cents').where('invoice_id', '=', zero!.id).executeTakeFirstOrThrow(),
    );
    assert.equal(entry.amount_cents, 0);
    assert.equal(await s.portal.inTenant(s.tenant, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, s.martin.householdId)), 150);
  });
});
