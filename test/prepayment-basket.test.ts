import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCapacityPool } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { expireOverdueBaskets } from '../src/modules/bookings/basket-expiry.js';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';
import { consistencyProblems } from '../src/modules/ledger/consistency.js';
import { saveChannel } from '../src/modules/online-payment/channels.js';
import { openBaskets } from '../src/modules/prepayment/baskets.js';
import { DEMO_SYSTEMPAY_SHOP } from '../src/payment-simulators/demo-shops.js';
import { systempayNotification } from '../src/payment-simulators/systempay-simulator.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { freePort } from './support/free-port.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { emailsTo } from './support/outbox.js';
import { departureForm, postNotification } from './support/provider-notification.js';
import { familyActor, type TestFamily } from './support/scenario.js';
import { weekdayOf } from '../src/modules/calendar/calendar-dates.js';

const KEY = DEMO_SYSTEMPAY_SHOP.keys.test;
const CONTEXT = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: (date: string) => weekdayOf(date) <= 5 },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};
const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };

/**
 * The prepayment basket (issue #13, seed 004): the canteen of the billing scenario is paid at
 * booking; its evening care has one place a day. Léa's meal costs 3,10 € (QF 450), Hugo's 2,99 €
 * (second child, 10 % off the care part), an evening 1,50 €.
 */
describe('the prepayment basket', () => {
  let s: BillingScenario;
  let base: string;
  let channelId: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s = await startBillingScenario({ env: { PUBLIC_URL: base, PAYMENT_SIMULATORS: 'true' } });
    await s.portal.inTenant(s.tenant, async (scope) => {
      await scope.tx.updateTable('activities').set({ paid_at_booking: true }).where('id', '=', s.activityId).execute();
      await addCapacityPool({ ...scope, actor: SYSTEM }, { activity_id: s.activityId, group_id: null, unit_ids: [s.evening], places: 1 });
    });
    const saved = await s.portal.inTenant(s.tenant, (scope) =>
      saveChannel(
        { ...scope, actor: { kind: 'system', label: 'test' } },
        s.regieId,
        {
          provider: 'systempay',
          mode: 'test',
          merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
          endpoint: `${base}/simulateurs/systempay/vads-payment/`,
          keys: DEMO_SYSTEMPAY_SHOP.keys,
        },
        s.portal.config,
      ),
    );
    assert.equal(saved.kind, 'saved');
    channelId = saved.kind === 'saved' ? saved.id : '';
    await s.portal.app.listen({ port, host: '127.0.0.1' });
  });
  after(() => s.portal.close());

  const book = (family: TestFamily, choices: { child: number; unitId: string; day: string }[]) =>
    s.portal.inTenant(s.tenant, (scope) =>
      requestBookings({ ...scope, actor: familyActor(family) }, CONTEXT, {
        householdId: family.householdId,
        activityId: s.activityId,
        choices: choices.map((choice) => ({ childId: family.childIds[choice.child]!, unitId: choice.unitId, day: choice.day })),
      }),
    );
  const statusOf = (bookingId: string) =>
    s.portal.inTenant(
      s.tenant,
      async ({ tx }) => (await tx.selectFrom('bookings').select('status').where('id', '=', bookingId).executeTakeFirstOrThrow()).status,
    );
  const basketsOf = (family: TestFamily) => s.portal.inTenant(s.tenant, (scope) => openBaskets({ ...scope, actor: familyActor(family) }, family.householdId));
  const balance = (family: TestFamily) => s.asManager((scope) => householdBalanceCents(scope.tx, scope.tenantId, family.householdId));
  const consistent = async () => assert.deepEqual(await s.asManager((scope) => consistencyProblems(scope.tx)), []);
  const paymentsOf = (family: TestFamily) =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('payments').select(['id', 'amount_cents', 'attempt_id']).where('household_id', '=', family.householdId).execute(),
    );
  const notify = (fields: Record<string, string>) => postNotification(base, channelId, fields);

  /** The family pays its basket from the page: the attempt is written, the browser gets the signed form for the provider. */
  async function leaveForProvider(browser: TestBrowser): Promise<{ action: string; fields: Record<string, string> }> {
    const page = await browser.get('/ville/reservations/panier');
    assert.equal(page.statusCode, 200);
    const basketId = /name="panier" value="([^"]+)"/.exec(page.body)![1]!;
    const rest = /name="reste" value="(\d+)"/.exec(page.body)![1]!;
    const left = await browser.post('/ville/reservations/panier/payer', { panier: basketId, reste: rest, moyen: channelId });
    assert.equal(left.statusCode, 200, left.body);
    return departureForm(left.body);
  }
  const paidNotification = (departure: { fields: Record<string, string> }) => systempayNotification(departure.fields, 'paid', KEY);

  it('holds the booked days in a basket with their prices, then books them once when paid, whatever the notifications', async () => {
    const answers = await book(s.martin, [
      { child: 0, unitId: s.meal, day: '2026-12-14' },
      { child: 1, unitId: s.meal, day: '2026-12-14' },
    ]);
    assert.deepEqual(
      answers!.map((answer) => answer.outcome.kind),
      ['awaiting_payment', 'awaiting_payment'],
    );
    const [basket] = await basketsOf(s.martin);
    assert.equal(basket!.totalCents, 310 + 299);
    assert.equal(basket!.restCents, 609);
    assert.equal(basket!.expiresAt.toISOString(), '2026-12-03T09:15:00.000Z', 'the régie holds places 15 minutes by default');

    const martin = await signedInBrowser(s.portal, s.tenant, s.martin.accountId);
    const page = await martin.get('/ville/reservations/panier');
    assert.match(page.body, /6,09/);
    const menu = (html: string) => html.slice(html.indexOf('<nav class="fr-nav"'), html.indexOf('</nav>', html.indexOf('<nav class="fr-nav"')));
    assert.match(menu((await martin.get('/ville/accueil')).body), /Mon panier/, 'the menu leads to the basket while it holds days');
    const departure = await leaveForProvider(martin);
    assert.equal(departure.fields.vads_amount, '609');
    const attempts = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('payment_attempts').select(['id', 'state', 'basket_id']).execute());
    assert.deepEqual(
      attempts.map((row) => [row.state, row.basket_id]),
      [['pending', basket!.id]],
      'the attempt is written before leaving',
    );
    assert.match((await martin.get('/ville/reservations/panier')).body, /Un paiement de ce panier est en cours/);

    const ipn = paidNotification(departure);
    const verdicts = await Promise.all([notify(ipn), notify(ipn)]);
    assert.deepEqual(verdicts.map((answer) => answer.verdict).sort(), ['already_paid', 'paid']);
    assert.equal((await notify(ipn)).verdict, 'already_paid');
    for (const answer of answers!) assert.equal(await statusOf(answer.outcome.kind === 'awaiting_payment' ? answer.outcome.bookingId : ''), 'reserved');
    assert.deepEqual(
      (await paymentsOf(s.martin)).map((row) => row.amount_cents),
      [609],
    );
    assert.equal(await balance(s.martin), 0, 'the prepaid invoice and its payment balance');
    assert.deepEqual(await basketsOf(s.martin), []);
    assert.doesNotMatch(menu((await martin.get('/ville/accueil')).body), /Mon panier/, 'and no longer once paid');
    await consistent();
  });

  it('does not bill prepaid days again in the monthly run, and credits a prepaid day cancelled in time', async () => {
    const booked = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['id', 'child_id']).where('household_id', '=', s.martin.householdId).where('status', '=', 'reserved').execute(),
    );
    // Léa came; Hugo's day is cancelled in time by staff (as the family could before the deadline).
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .updateTable('bookings')
        .set({ status: 'present' })
        .where('id', '=', booked.find((row) => row.child_id === s.martin.childIds[0])!.id)
        .execute(),
    );
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .updateTable('bookings')
        .set({ status: 'cancelled' })
        .where('id', '=', booked.find((row) => row.child_id === s.martin.childIds[1])!.id)
        .execute(),
    );
    s.portal.clock.set('2027-01-02T09:00:00Z');
    const run = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-12-01', to: '2026-12-31' }, MAIL));
    assert.equal(run.kind, 'generated');
    const lines = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('invoice_lines as l')
        .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
        .select(['l.kind', 'l.amount_cents', 'i.run_id'])
        .where('i.household_id', '=', s.martin.householdId)
        .where('i.run_id', 'is not', null)
        .execute(),
    );
    assert.deepEqual(
      lines.map((line) => [line.kind, line.amount_cents]),
      [['regularisation', -299]],
      'Léa’s prepaid meal is not billed again; Hugo’s cancelled one comes back as a credit',
    );
    assert.equal(await balance(s.martin), -299);
    await consistent();
    s.portal.clock.set('2026-12-03T09:00:00Z');
  });

  it('confirms at once a basket the credit pays whole', async () => {
    const answers = await book(s.martin, [{ child: 1, unitId: s.meal, day: '2026-12-17' }]);
    assert.equal(answers![0]!.outcome.kind, 'awaiting_payment');
    const [basket] = await basketsOf(s.martin);
    assert.equal(basket!.totalCents, 310, 'Hugo alone that day: no sibling reduction');
    assert.equal(basket!.creditCents, 299);
    assert.equal(basket!.restCents, 11);
    // Below a euro the rest is paid as one: the surplus will stay as a credit. Here more credit comes first.
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .updateTable('bookings')
        .set({ status: 'cancelled' })
        .where('id', '=', answers![0]!.outcome.kind === 'awaiting_payment' ? answers![0]!.outcome.bookingId : '')
        .execute(),
    );
    const again = await book(s.martin, [{ child: 1, unitId: s.evening, day: '2026-12-18' }]);
    const [cheap] = await basketsOf(s.martin);
    assert.equal(cheap!.totalCents, 150);
    assert.equal(cheap!.restCents, 0);
    const martin = await signedInBrowser(s.portal, s.tenant, s.martin.accountId);
    const page = await martin.get('/ville/reservations/panier');
    assert.match(page.body, /payées par mon avoir/);
    const confirmed = await martin.post('/ville/reservations/panier/payer', { panier: cheap!.id, reste: '0' });
    assert.equal(confirmed.statusCode, 303);
    assert.match((await martin.follow(confirmed)).body, /Vos réservations sont confirmées/);
    assert.equal(await statusOf(again![0]!.outcome.kind === 'awaiting_payment' ? again![0]!.outcome.bookingId : ''), 'reserved');
    assert.equal(await balance(s.martin), -149);
    await consistent();
  });

  it('frees the places of an expired basket for the waiting list; a late payment books what is still free and keeps the rest as credit', async () => {
    const held = await book(s.durand, [
      { child: 0, unitId: s.meal, day: '2026-12-21' },
      { child: 0, unitId: s.evening, day: '2026-12-21' },
    ]);
    assert.deepEqual(
      held!.map((answer) => answer.outcome.kind),
      ['awaiting_payment', 'awaiting_payment'],
    );
    const waiting = await book(s.martin, [{ child: 0, unitId: s.evening, day: '2026-12-21' }]);
    assert.equal(waiting![0]!.outcome.kind, 'waitlisted', 'the held place counts as taken');
    const durand = await signedInBrowser(s.portal, s.tenant, s.durand.accountId);
    const departure = await leaveForProvider(durand);
    // Durand has no QF: the meal at the highest bracket, 3,90 + 2,00, and the evening 1,50.
    assert.equal(departure.fields.vads_amount, '740');

    s.portal.clock.advance(16 * 60_000);
    const expired = await expireOverdueBaskets({ db: s.portal.db, clock: s.portal.clock, mail: { wake() {} }, log: { error() {} } });
    assert.equal(expired, 1);
    for (const answer of held!) assert.equal(await statusOf(answer.outcome.kind === 'awaiting_payment' ? answer.outcome.bookingId : ''), 'cancelled');
    const promoted = waiting![0]!.outcome.kind === 'waitlisted' ? waiting![0]!.outcome.bookingId : '';
    assert.equal(await statusOf(promoted), 'reserved', 'the waiting child gets the freed place');

    // The payment's word arrives after the expiry: the meal (unlimited) is booked again, the evening place is gone.
    assert.equal((await notify(paidNotification(departure))).verdict, 'paid');
    const days = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['unit_id', 'status']).where('household_id', '=', s.durand.householdId).where('status', '=', 'reserved').execute(),
    );
    assert.deepEqual(
      days.map((row) => row.unit_id),
      [s.meal],
    );
    assert.deepEqual(
      (await paymentsOf(s.durand)).map((row) => row.amount_cents),
      [740],
    );
    assert.equal(await balance(s.durand), -150, 'the evening not booked stays as a credit');
    const mail = (await emailsTo(s.portal, s.tenant, s.durand.email)).find((email) => email.subject.startsWith('Paiement reçu après'));
    assert.ok(mail, 'the family is told');
    assert.match(mail!.text_body, /Non réservées \(plus de place\) :\n- 21\/12\/2026 Jules — Garderie soir/);
    assert.match(mail!.text_body, /1,50/);
    await consistent();
  });
});
