import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCapacityPool, addUnit, createActivity, setUnitRelations } from '../src/modules/activities/activity-setup.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('the family books on its calendar, follows its planning and cancels', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let neighbour: TestFamily;
  let activityId: string;
  let units: { day: string; morning: string; meal: string };
  let staff: Scope['actor'];

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    family = await createFamily(portal, tenant, { email: 'lina@example.test', firstName: 'Lina', lastName: 'ROUX', children: ['Théo', 'Inès'] });
    neighbour = await createFamily(portal, tenant, { email: 'voisin@example.test', lastName: 'VOISIN', children: ['Paul'] });
    const account = await createStaff(portal, tenant, { email: 'agent@example.test' });
    staff = { kind: 'staff', accountId: account.accountId, role: 'manager', label: 'Agent' };
    await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: staff };
      activityId = await createActivity(scope, {
        name: 'Mercredis loisirs',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'school_days',
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
      });
      units = {
        day: await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J', position: 0 }),
        morning: await addUnit(scope, { activity_id: activityId, name: 'Matin', code: 'M', position: 1 }),
        meal: await addUnit(scope, { activity_id: activityId, name: 'Repas', code: 'R', position: 2 }),
      };
      await setUnitRelations(scope, units.day, { excludes: [units.morning], requiresAny: [] });
      await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [units.day, units.morning], places: 1 });
      for (const child of family.childIds) await requestEnrollment(scope, { householdId: family.householdId, childId: child, activityId });
      await requestEnrollment(scope, { householdId: neighbour.householdId, childId: neighbour.childIds[0]!, activityId });
    });
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  const calendarUrl = (extra = '') =>
    `/ville/reservations?enfant=${family.childIds[0]}&enfant=${family.childIds[1]}&activite=${activityId}&mois=2026-12${extra}`;

  it('shows each child’s month with open boxes, their deadline, and the days that cannot be booked', async () => {
    const browser = await signIn(family.email);
    const page = await browser.get(calendarUrl());
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<caption[^>]*>Théo ROUX<\/caption>/);
    assert.match(page.body, /<caption[^>]*>Inès ROUX<\/caption>/);
    assert.match(page.body, /Jour<span class="fr-hint-text">réservation possible<\/span>/, 'said once above the days');
    assert.match(page.body, /mer\. 02\/12<span class="fr-hint-text">jusqu’au mardi 24\/11 inclus</, 'until when, on the day’s row');
    assert.doesNotMatch(page.body, /jeu\. 03\/12/, 'days the activity never opens are left out');
    const early = await browser.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${activityId}&mois=2026-11`);
    assert.match(early.body, /délai de réservation dépassé/);
  });

  it('ticks every chosen weekday and unit at once, then books and answers for each day', async () => {
    const browser = await signIn(family.email);
    const applied = await browser.get(calendarUrl(`&jour=3&prestation=${units.day}&appliquer=1`));
    const ticked = [...applied.body.matchAll(/name="choix" value="([^"]+)" checked/g)].map((match) => match[1]!);
    assert.equal(ticked.length, 10, 'five Wednesdays of December for two children');
    assert.ok(ticked.every((value) => value.includes(units.day)));
    const sent = await browser.post('/ville/reservations', {
      activite: activityId,
      choix: [
        `${family.childIds[0]}|${units.day}|2026-12-02`,
        `${family.childIds[1]}|${units.day}|2026-12-02`,
        `${family.childIds[0]}|${units.meal}|2026-12-09`,
      ],
      retour: '',
    });
    assert.equal(sent.statusCode, 303, 'the answer is a page of its own, which a refresh does not send again');
    const result = await browser.follow(sent);
    assert.equal(result.statusCode, 200);
    assert.match(result.body, /Réservée/);
    assert.match(result.body, /Liste d’attente<\/p><span class="fr-text--xs fr-ml-1v">rang 1/);
    const again = await browser.follow(
      await browser.post('/ville/reservations', { activite: activityId, choix: [`${family.childIds[0]}|${units.day}|2026-12-02`] }),
    );
    assert.match(again.body, /Réservée/);
    const rows = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('child_id', '=', family.childIds[0]!).where('day', '=', '2026-12-02').execute(),
    );
    assert.equal(rows.length, 1, 'a second submission books nothing twice');
    const calendar = await browser.get(calendarUrl());
    assert.match(calendar.body, /Réservée/);
  });

  it('refuses a forged choice for another household’s child', async () => {
    const browser = await signIn(family.email);
    await browser.get(calendarUrl());
    const forged = await browser.post('/ville/reservations', {
      activite: activityId,
      choix: [`${neighbour.childIds[0]}|${units.day}|2026-12-16`, `${family.childIds[0]}|${units.day}|2026-12-16`],
    });
    assert.equal(forged.statusCode, 404, 'an id the household cannot know: nothing is answered');
    const own = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('child_id', '=', family.childIds[0]!).where('day', '=', '2026-12-16').execute(),
    );
    assert.deepEqual(own, [], 'not even its own child’s choice is booked');
    const rows = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('id').where('child_id', '=', neighbour.childIds[0]!).execute());
    assert.equal(rows.length, 0);
  });

  it('shows the month planning with a legend, cancels before the deadline and refuses after it', async () => {
    const browser = await signIn(family.email);
    const planning = await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-12`);
    assert.match(planning.body, /Légende/);
    assert.match(planning.body, /Mercredis loisirs — <strong>Journée<\/strong>/);
    const bookingId = /annuler=([0-9a-f-]{36})/.exec(planning.body)![1]!;
    assert.match(planning.body, /annulable jusqu’au lundi 30\/11 à 12:00/);

    portal.clock.set('2026-11-30T11:30:00Z');
    const lateBrowser = await signIn(family.email);
    await lateBrowser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-12`);
    const late = await lateBrowser.post(`/ville/reservations/${bookingId}/annuler`, { enfant: family.childIds[0]!, mois: '2026-12' });
    const refused = await lateBrowser.follow(late);
    assert.match(refused.body, /Annulation impossible : le délai d’annulation est dépassé/);
    portal.clock.set('2026-11-23T08:00:00Z');

    const onTime = await signIn(family.email);
    await onTime.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-12`);
    const cancelled = await onTime.follow(await onTime.post(`/ville/reservations/${bookingId}/annuler`, { enfant: family.childIds[0]!, mois: '2026-12' }));
    assert.match(cancelled.body, /La réservation est annulée/);
    const promoted = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('status').where('child_id', '=', family.childIds[1]!).where('day', '=', '2026-12-02').executeTakeFirstOrThrow(),
    );
    assert.equal(promoted.status, 'reserved', 'the waiting sister got the freed place');
  });

  it('lists enrollments and booking answers in Mes demandes, and keeps other households out', async () => {
    const browser = await signIn(family.email);
    await browser.get('/ville/inscriptions');
    const otherActivity = await portal.inTenant(tenant, (scope) =>
      createActivity({ ...scope, actor: staff }, { name: 'Cantine', kind: 'canteen', site_id: null, starts_on: '2026-09-01', ends_on: '2027-07-03' }),
    );
    await browser.get('/ville/inscriptions');
    const sent = await browser.post('/ville/inscriptions', { enfant: family.childIds[0]!, activite: otherActivity, commentaire: 'Régime sans porc' });
    assert.equal(sent.headers.location, '/ville/inscriptions?envoyee=1');
    const again = await browser.post('/ville/inscriptions', { enfant: family.childIds[0]!, activite: otherActivity });
    assert.match(again.body, /déjà inscrit, ou sa demande est en attente/);
    const foreign = await browser.post('/ville/inscriptions', { enfant: neighbour.childIds[0]!, activite: otherActivity });
    assert.equal(foreign.statusCode, 404);
    const requests = await browser.get('/ville/mes-demandes?type=enrollment');
    assert.match(requests.body, /Cantine/);
    assert.match(requests.body, /En attente/);
    await browser.get(calendarUrl());
    await browser.post('/ville/reservations', {
      activite: activityId,
      choix: [`${family.childIds[0]}|${units.day}|2026-12-16`, `${family.childIds[1]}|${units.day}|2026-12-16`],
    });
    const bookings = await browser.get('/ville/mes-demandes?type=booking');
    assert.match(bookings.body, /Mercredis loisirs — Journée — 16\/12\/2026/, 'the waiting booking is listed');
    assert.match(bookings.body, /Liste d’attente/);
  });

  it('speaks English on the calendar when asked', async () => {
    const browser = await signIn(family.email);
    const page = await browser.get(calendarUrl('&lang=en'));
    assert.match(page.body, /can be booked<\/span>[\s\S]*until Tuesday 24\/11 included/);
    assert.match(page.body, /Send my bookings/);
  });
});
