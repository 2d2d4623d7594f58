import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { addExistingMember } from '../src/modules/households/households.js';
import { apiLogin, callApi } from './support/api-scenario.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, subjectsTo } from './support/outbox.js';
import { PASSWORD, type TestFamily } from './support/scenario.js';
import { openCalendar, startWaitlistScenario, type UnitName, type WaitlistScenario } from './support/waitlist-scenario.js';

const DAY = '2026-11-25';
const FREED = /Une place s’est libérée/;

describe('cancelling a unit cancels the units of the day that need it', () => {
  let s: WaitlistScenario;
  /** Booking ids of the day, by family and unit (older child). */
  let ids: Record<UnitName, string | undefined>[];
  const cancel = (family: TestFamily, bookingId: string) =>
    s.asFamily(family, (scope) => cancelBooking(scope, openCalendar, { householdId: family.householdId, bookingId }));
  const statusesOf = async (unit: UnitName) => (await s.statuses(unit, DAY)).map((rows) => rows.map((row) => row.rank ?? row.status).join());

  before(async () => {
    // Two places for the day (Journée or Matin), one meal.
    s = await startWaitlistScenario({ families: 3, places: 2, mealPlaces: 1 });
  });
  /**
   * Family 0: Journée and Repas, booked. Family 1: Matin booked, Repas waiting (rank 1). Family 2:
   * Journée waiting (rank 1).
   */
  beforeEach(async () => {
    await s.reset('automatic');
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('units').set({ cancellation_deadline: null }).execute());
    const booked = [
      await s.book(s.families[0]!, [
        { unit: 'journee', day: DAY },
        { unit: 'repas', day: DAY },
      ]),
      await s.book(s.families[1]!, [
        { unit: 'matin', day: DAY },
        { unit: 'repas', day: DAY },
      ]),
      await s.book(s.families[2]!, [{ unit: 'journee', day: DAY }]),
    ];
    assert.deepEqual(
      booked.map((outcomes) => outcomes.map((outcome) => outcome.kind)),
      [['reserved', 'reserved'], ['reserved', 'waitlisted'], ['waitlisted']],
    );
    const idOf = (outcome: { kind: string } | undefined) => (outcome && 'bookingId' in outcome ? (outcome.bookingId as string) : undefined);
    ids = [
      { journee: idOf(booked[0]![0]), repas: idOf(booked[0]![1]), matin: undefined },
      { matin: idOf(booked[1]![0]), repas: idOf(booked[1]![1]), journee: undefined },
      { journee: idOf(booked[2]![0]), matin: undefined, repas: undefined },
    ];
  });
  after(() => s.portal.close());

  it('cancels the meal with the day, frees both places, moves both waiting lists and says so', async () => {
    const outcome = await cancel(s.families[0]!, ids[0]!.journee!);
    assert.deepEqual(outcome, {
      kind: 'cancelled',
      dependents: [{ bookingId: ids[0]!.repas, unitId: s.units.repas, unitName: 'Repas', outcome: 'cancelled', otherHousehold: false }],
    });
    assert.deepEqual(await statusesOf('journee'), ['cancelled', '', 'reserved']);
    assert.deepEqual(await statusesOf('repas'), ['cancelled', 'reserved', '']);
    assert.equal(await s.taken('grands', DAY), 2);
    assert.equal(await s.taken('repas', DAY), 1);
    assert.ok((await subjectsTo(s.portal, s.tenant, 'parent1@example.test')).some((subject) => FREED.test(subject)));
    assert.ok((await subjectsTo(s.portal, s.tenant, 'parent2@example.test')).some((subject) => FREED.test(subject)));
  });

  it('keeps the day when only the meal is cancelled', async () => {
    assert.deepEqual(await cancel(s.families[0]!, ids[0]!.repas!), { kind: 'cancelled', dependents: [] });
    assert.deepEqual(await statusesOf('journee'), ['reserved', '', '1']);
    assert.deepEqual(await statusesOf('repas'), ['cancelled', 'reserved', '']);
  });

  it('withdraws a meal waiting for a place with the unit it needed', async () => {
    const outcome = await cancel(s.families[1]!, ids[1]!.matin!);
    assert.deepEqual(outcome, {
      kind: 'cancelled',
      dependents: [{ bookingId: ids[1]!.repas, unitId: s.units.repas, unitName: 'Repas', outcome: 'cancelled', otherHousehold: false }],
    });
    assert.deepEqual(await statusesOf('repas'), ['reserved', 'cancelled', '']);
    assert.deepEqual(await statusesOf('journee'), ['reserved', '', 'reserved'], 'the freed morning place went to the waiting day');
  });

  it('refuses to cancel the day while its meal can no longer be cancelled, and keeps both', async () => {
    // The meal is ordered a week ahead; the day may be cancelled until J-2.
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .updateTable('units')
        .set({ cancellation_deadline: JSON.stringify({ type: 'days_before', days: 7, time: '12:00' }) })
        .where('id', '=', s.units.repas)
        .execute(),
    );
    s.portal.clock.set('2026-11-20T08:00:00Z');
    assert.deepEqual(await cancel(s.families[0]!, ids[0]!.journee!), { kind: 'refused', reason: 'dependent_deadline_passed' });
    assert.deepEqual(await statusesOf('journee'), ['reserved', '', '1']);
    assert.deepEqual(await statusesOf('repas'), ['reserved', '1', '']);
    assert.equal(await s.taken('grands', DAY), 2);
  });

  it('asks the cancellation of the meal with the day’s where the service validates', async () => {
    await s.portal.inTenant(s.tenant, ({ tx }) => tx.updateTable('activities').set({ validation_mode: 'manual' }).execute());
    const outcome = await cancel(s.families[0]!, ids[0]!.journee!);
    assert.deepEqual(outcome, {
      kind: 'cancel_requested',
      dependents: [{ bookingId: ids[0]!.repas, unitId: s.units.repas, unitName: 'Repas', outcome: 'cancel_requested', otherHousehold: false }],
    });
    assert.deepEqual(await statusesOf('journee'), ['cancel_requested', '', '1']);
    assert.deepEqual(await statusesOf('repas'), ['cancel_requested', '1', '']);
  });

  it('tells the family on its planning page what was cancelled with the day', async () => {
    const family = s.families[0]!;
    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: family.email, password: PASSWORD });
    await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-11`);
    const page = await browser.follow(await browser.post(`/ville/reservations/${ids[0]!.journee}/annuler`, { enfant: family.childIds[0]!, mois: '2026-11' }));
    assert.match(page.body, /La réservation est annulée\./);
    assert.match(page.body, /Ce qui en dépendait est annulé aussi : Repas\./);
  });

  it('answers the API with what was cancelled with the day, and the reason of a refusal', async () => {
    const family = s.families[0]!;
    const token = await apiLogin(s.portal, family);
    const cancelled = await callApi(s.portal, { method: 'DELETE', url: `/ville/api/v1/bookings/${ids[0]!.journee}?lang=en`, token });
    assert.equal(cancelled.statusCode, 200);
    assert.deepEqual(cancelled.json(), {
      outcome: 'cancelled',
      message: 'The booking is cancelled. What depended on it is cancelled too: Repas.',
      dependents: [{ bookingId: ids[0]!.repas, unitId: s.units.repas, unitName: 'Repas', outcome: 'cancelled', otherHousehold: false }],
    });

    await s.reset('automatic');
    const [day, meal] = await s.book(family, [
      { unit: 'journee', day: DAY },
      { unit: 'repas', day: DAY },
    ]);
    await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .updateTable('units')
        .set({ cancellation_deadline: JSON.stringify({ type: 'days_before', days: 7, time: '12:00' }) })
        .where('id', '=', s.units.repas)
        .execute(),
    );
    s.portal.clock.set('2026-11-20T08:00:00Z');
    const refused = await callApi(s.portal, {
      method: 'DELETE',
      url: `/ville/api/v1/bookings/${(day as { bookingId: string }).bookingId}?lang=en`,
      token: await apiLogin(s.portal, family),
    });
    assert.equal(refused.statusCode, 409);
    assert.equal((refused.json() as { error: { code: string } }).error.code, 'dependent_deadline_passed');
    assert.ok(meal);
  });
});

describe('separated parents: a unit one household cancels takes the other household’s unit that needs it', () => {
  let s: WaitlistScenario;
  const SHARED_DAY = '2026-12-02';

  before(async () => {
    s = await startWaitlistScenario({ families: 2, places: 5 });
    // The first family's elder also lives with the second family.
    await s.asStaff((scope) => addExistingMember(scope, s.families[1]!.householdId, s.families[0]!.childIds[0]!, 'child'));
  });
  after(() => s.portal.close());

  it('says so before the confirmation, cancels the other household’s meal unbilled and tells that household by email', async () => {
    const [mother, father] = [s.families[0]!, s.families[1]!];
    const child = mother.childIds[0]!;
    const [day] = await s.book(mother, [{ unit: 'journee', day: SHARED_DAY }]);
    const meal = await s.asFamily(father, (scope) =>
      requestBookings(scope, openCalendar, {
        householdId: father.householdId,
        activityId: s.activityId,
        choices: [{ childId: child, unitId: s.units.repas, day: SHARED_DAY }],
      }),
    );
    assert.equal(meal![0]!.outcome.kind, 'reserved');
    const dayId = (day as { bookingId: string }).bookingId;
    const mealId = (meal![0]!.outcome as { bookingId: string }).bookingId;

    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: mother.email, password: PASSWORD });
    const confirm = await browser.get(`/ville/reservations/planning/jour?enfant=${child}&jour=${SHARED_DAY}&annuler=${dayId}`);
    assert.match(
      confirm.body,
      /Réservé par l’autre foyer de l’enfant, Repas en dépend : annulé aussi, sans être facturé ; ce foyer sera prévenu par courriel\./,
    );
    assert.deepEqual(
      (await s.statuses('repas', SHARED_DAY)).flat().map((row) => row.status),
      ['reserved'],
      'the confirmation changes nothing',
    );

    const outcome = await s.asFamily(mother, (scope) => cancelBooking(scope, openCalendar, { householdId: mother.householdId, bookingId: dayId }));
    assert.deepEqual(outcome, {
      kind: 'cancelled',
      dependents: [{ bookingId: mealId, unitId: s.units.repas, unitName: 'Repas', outcome: 'cancelled', otherHousehold: true }],
    });
    const rows = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['id', 'status', 'household_id']).where('id', '=', mealId).execute(),
    );
    assert.deepEqual(rows, [{ id: mealId, status: 'cancelled', household_id: father.householdId }], 'cancelled, so never billed');
    const [mail] = (await emailsTo(s.portal, s.tenant, father.email)).filter((email) => /Réservation annulée/.test(email.subject));
    assert.ok(mail, 'the other household is told');
    assert.match(
      mail.text_body,
      /L’autre foyer de Aîné FAMILLE0 a annulé « Journée » le 02\/12\/2026 \(ALSH mercredis\)\. Votre réservation « Repas » de ce jour en dépendait : elle est annulée aussi et ne vous sera pas facturée\./,
    );
    assert.equal((await emailsTo(s.portal, s.tenant, mother.email)).filter((email) => /Réservation annulée/.test(email.subject)).length, 0);
  });

  it('names the other household’s unit in the message after the cancellation', async () => {
    const [mother, father] = [s.families[0]!, s.families[1]!];
    const child = mother.childIds[0]!;
    const day = '2026-12-09';
    const [booked] = await s.book(mother, [{ unit: 'journee', day }]);
    const meal = await s.asFamily(father, (scope) =>
      requestBookings(scope, openCalendar, {
        householdId: father.householdId,
        activityId: s.activityId,
        choices: [{ childId: child, unitId: s.units.repas, day }],
      }),
    );
    assert.equal(meal![0]!.outcome.kind, 'reserved');
    const browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: mother.email, password: PASSWORD });
    await browser.get(`/ville/reservations/planning/jour?enfant=${child}&jour=${day}`);
    const page = await browser.follow(
      await browser.post(`/ville/reservations/${(booked as { bookingId: string }).bookingId}/annuler`, { enfant: child, jour: day }),
    );
    assert.match(page.body, /La réservation est annulée\./);
    assert.match(
      page.body,
      /Réservé par l’autre foyer de l’enfant, Repas en dépendait : annulé aussi, sans être facturé ; ce foyer est prévenu par courriel\./,
    );
    assert.doesNotMatch(page.body, /Ce qui en dépendait est annulé aussi/, 'not said to be the family’s own');
  });
});
