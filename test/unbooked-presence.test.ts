import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRun } from '../src/modules/billing/invoice-runs.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import { recordUnbookedPresence, unbookedChoices } from '../src/modules/bookings/unbooked-presence.js';
import type { Scope } from '../src/modules/scope.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { TestBrowser } from './support/http-client.js';
import { createStaff, PASSWORD } from './support/scenario.js';

const MAIL = { tenantName: 'Ville', baseUrl: 'https://portail.example.test/ville' };
/** A Tuesday of November the canteen opens (the scenario stands on 3 December). */
const DAY = '2026-11-10';

// Issue #12: a child who came to the canteen without a booking is added at attendance, present and
// unbooked, and billed at the unit's unbooked price (7,50 € for the Repas of the billing scenario).
describe('a child present without a booking', () => {
  let s: BillingScenario;
  let reader: { accountId: string };
  const calendar = (scope: Scope) => s.portal.services.calendars.forTenant(scope.tx, s.tenant);
  const add = (as: <T>(work: (scope: Scope) => Promise<T>) => Promise<T>, childId: string, day = DAY, unitId = s.meal) =>
    as(async (scope) => recordUnbookedPresence(scope, await calendar(scope), { site: 'none', day, choice: { unitId, childId } }));
  const asReader = <T>(work: (scope: Scope) => Promise<T>) =>
    s.portal.inTenant(s.tenant, (scope) => work({ ...scope, actor: { kind: 'staff', accountId: reader.accountId, role: 'reader', label: 'Lecture' } }));

  before(async () => {
    s = await startBillingScenario();
    reader = await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' });
    // The Martin children are enrolled in the canteen; Jules Durand is not.
    for (const childId of s.martin.childIds)
      await s.asManager((scope) => requestEnrollment(scope, { householdId: s.martin.householdId, childId, activityId: s.activityId }));
    await s.book(s.martin, 0, s.meal, DAY, 'present');
  });
  after(() => s.portal.close());

  it('offers the enrolled children who have no booking of an open unit that day', async () => {
    const choices = await s.asManager(async (scope) => unbookedChoices(scope, await calendar(scope), { site: 'none', day: DAY }));
    assert.deepEqual(
      choices.map((choice) => [choice.unitName, choice.children.map((child) => child.firstName)]),
      [
        ['Repas', ['Hugo']],
        ['Garderie soir', ['Hugo', 'Léa']],
      ],
    );
    const wednesday = await s.asManager(async (scope) => unbookedChoices(scope, await calendar(scope), { site: 'none', day: '2026-11-11' }));
    assert.deepEqual(wednesday, [], 'the canteen does not open on Wednesdays');
    assert.deepEqual(await asReader(async (scope) => unbookedChoices(scope, await calendar(scope), { site: 'none', day: DAY })), []);
  });

  it('records a present unbooked booking in the enrollment’s household, with its event and an audit row', async () => {
    const hugo = s.martin.childIds[1]!;
    const result = await add(s.asManager, hugo);
    assert.equal(result.kind, 'recorded', JSON.stringify(result));
    const { bookingId } = result as { bookingId: string };
    const booking = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow());
    assert.deepEqual(
      [booking.child_id, booking.unit_id, booking.day, booking.household_id, booking.status, booking.unbooked, booking.holds_pools, booking.created_by],
      [hugo, s.meal, DAY, s.martin.householdId, 'present', true, [], s.manager.accountId],
    );
    const events = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('booking_events').select(['from_status', 'to_status', 'actor_account_id']).where('booking_id', '=', bookingId).execute(),
    );
    assert.deepEqual(events, [{ from_status: null, to_status: 'present', actor_account_id: s.manager.accountId }]);
    const audit = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['action', 'object_type', 'details', 'actor_account_id']).where('object_id', '=', bookingId).execute(),
    );
    assert.deepEqual(audit, [
      {
        action: 'attendance.unbooked_presence',
        object_type: 'booking',
        details: { day: DAY, unitId: s.meal, childId: hugo },
        actor_account_id: s.manager.accountId,
      },
    ]);
  });

  it('refuses a child already booked that day in that unit, one not enrolled, a closed day, a day to come and a reader', async () => {
    const [lea, hugo] = s.martin.childIds as [string, string];
    assert.deepEqual(await add(s.asManager, lea), { kind: 'invalid', error: 'already_booked' }, 'Léa was booked');
    assert.deepEqual(await add(s.asManager, hugo), { kind: 'invalid', error: 'already_booked' }, 'Hugo was just added');
    assert.deepEqual(await add(s.asManager, s.durand.childIds[0]!), { kind: 'invalid', error: 'not_enrolled' });
    assert.deepEqual(await add(s.asManager, lea, '2026-11-11'), { kind: 'invalid', error: 'closed' });
    assert.deepEqual(await add(s.asManager, lea, '2026-12-04'), { kind: 'future_day' });
    assert.deepEqual(await s.asManager(async (scope) => recordUnbookedPresence(scope, await calendar(scope), { site: 'none', day: DAY, choice: null })), {
      kind: 'invalid',
      error: 'required',
    });
    assert.deepEqual(await add(asReader, lea, DAY, s.evening), { kind: 'forbidden' });
    const count = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('bookings')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('unbooked', '=', true)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(Number(count.n), 1, 'only Hugo’s day was recorded');
  });

  it('is billed by the next run at the unbooked price', async () => {
    const result = await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-11-01', to: '2026-11-30' }, MAIL));
    assert.equal(result.kind, 'generated');
    const lines = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('invoice_lines')
        .select(['child_name', 'kind', 'days', 'unit_price_cents', 'amount_cents'])
        .where('kind', '=', 'unbooked_presence')
        .execute(),
    );
    assert.deepEqual(lines, [{ child_name: 'Hugo MARTIN', kind: 'unbooked_presence', days: [DAY], unit_price_cents: 750, amount_cents: 750 }]);
  });
});

describe('the attendance page’s form for a child present without a booking', () => {
  let s: BillingScenario;
  const page = `/ville/gestion/presences?site=aucune&jour=${DAY}`;

  async function signIn(email: string, lang?: 'en') {
    const browser = new TestBrowser(s.portal.app);
    await browser.get(`/ville/connexion${lang ? `?lang=${lang}` : ''}`);
    assert.equal((await browser.post('/ville/connexion', { email, password: PASSWORD })).statusCode, 302, `login of ${email}`);
    return browser;
  }

  before(async () => {
    s = await startBillingScenario();
    await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' });
    const hugo = s.martin.childIds[1]!;
    await s.asManager((scope) => requestEnrollment(scope, { householdId: s.martin.householdId, childId: hugo, activityId: s.activityId }));
  });
  after(() => s.portal.close());

  it('answers a missing choice next to the field in the staff’s language, then adds the child to the list', async () => {
    const manager = await signIn('gestion@example.test');
    assert.match(
      (await manager.get(page)).body,
      /Enfant présent sans réservation.*<optgroup label="Cantine 2026-2027 — Repas"><option value="[^"]+">MARTIN Hugo<\/option>/s,
    );
    const missing = await manager.post('/ville/gestion/presences/sans-reservation', { site: 'aucune', jour: DAY, enfant: '' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /id="field-enfant-error">Choisissez l’enfant venu sans réservation\.</);
    assert.match(missing.body, /<a href="#field-enfant">Enfant venu sans réservation/);

    const english = await signIn('gestion@example.test', 'en');
    await english.get(page);
    const inEnglish = await english.post('/ville/gestion/presences/sans-reservation', { site: 'aucune', jour: DAY, enfant: '' });
    assert.match(inEnglish.body, /id="field-enfant-error">Choose the child who came without a booking\.</);

    const choice = `${s.meal}:${s.martin.childIds[1]}`;
    const added = await manager.post('/ville/gestion/presences/sans-reservation', { site: 'aucune', jour: DAY, enfant: choice });
    assert.equal(added.statusCode, 302);
    const list = await manager.follow(added);
    assert.match(list.body, /L’enfant a été ajouté à la liste, présent sans réservation\./);
    assert.match(list.body, /<strong>MARTIN<\/strong> Hugo.*Présent.*Sans réservation/s);

    const twice = await manager.post('/ville/gestion/presences/sans-reservation', { site: 'aucune', jour: DAY, enfant: choice });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /Cet enfant a déjà une réservation de cette prestation ce jour-là/);
  });

  it('shows a reader the lists without the form, and refuses their post', async () => {
    const reader = await signIn('lecture@example.test');
    const read = await reader.get(page);
    assert.equal(read.statusCode, 200);
    assert.doesNotMatch(read.body, /sans-reservation/);
    const post = await reader.post('/ville/gestion/presences/sans-reservation', { site: 'aucune', jour: DAY, enfant: `${s.meal}:${s.martin.childIds[0]}` });
    assert.equal(post.statusCode, 403);
  });
});
