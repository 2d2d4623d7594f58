import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addCapacityPool, addGroup, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import type { DayCalendar } from '../src/modules/activities/availability.js';
import { requestBookings, type BookingContext, type BookingOutcome } from '../src/modules/bookings/booking-requests.js';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import type { BookingStatus } from '../src/modules/bookings/bookings.tables.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import { weekdayOf } from '../src/modules/calendar/calendar-dates.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, subjectsTo } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** The engine's calendar for the families' bookings: 11 November is a public holiday. */
const calendar: DayCalendar & { isWorkingDay(date: string): boolean } = {
  closedReason: (date) => (date === '2026-11-11' ? 'public_holiday' : null),
  isSchoolHoliday: (date) => date >= '2026-12-19' && date <= '2027-01-03',
  isWorkingDay: (date) => weekdayOf(date) <= 5 && date !== '2026-11-11',
};
const context: BookingContext = { calendar, timeZone: 'Europe/Paris', schoolYearClosed: () => false };
const DAY = '2026-11-25';

describe('staff work on bookings: places, waiting lists, validations, attendance', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let families: TestFamily[];
  let newcomer: TestFamily;
  let activityId: string;
  let siteId: string;
  let journee: string;
  let group: string;
  let pool: string;

  const asFamily = <T>(family: TestFamily, work: (scope: Scope) => Promise<T>) =>
    portal.inTenant(tenant, (scope) =>
      work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
    );
  const book = async (family: TestFamily, day = DAY, child = 0): Promise<BookingOutcome & { bookingId: string }> => {
    portal.clock.advance(1000);
    const results = await asFamily(family, (scope) =>
      requestBookings(scope, context, { householdId: family.householdId, activityId, choices: [{ childId: family.childIds[child]!, unitId: journee, day }] }),
    );
    const outcome = results![0]!.outcome;
    assert.ok('bookingId' in outcome, `booked: ${JSON.stringify(outcome)}`);
    return outcome as BookingOutcome & { bookingId: string };
  };
  const bookingOf = (id: string) =>
    portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['status', 'waitlist_rank', 'reason', 'holds_pools']).where('id', '=', id).executeTakeFirstOrThrow(),
    );
  const statusOf = async (id: string): Promise<BookingStatus> => (await bookingOf(id)).status;
  /** The day's counter and the bookings that hold a place of it: they must always agree. */
  const places = (day = DAY) =>
    portal.inTenant(
      tenant,
      async ({ tx }) =>
        (
          await sql<{ taken: number; holders: number; places: number }>`
        select d.taken, d.places, (select count(*)::int from bookings b where ${sql.ref('d.pool_id')} = any(b.holds_pools) and b.day = d.day
          and b.status not in ('cancelled', 'refused', 'waitlisted')) as holders
        from capacity_days d where d.pool_id = ${pool} and d.day = ${day}`.execute(tx)
        ).rows[0]!,
    );
  const setModes = (modes: { validation_mode?: 'automatic' | 'manual'; waitlist_mode?: 'automatic' | 'offer' | 'manual' }) =>
    portal.inTenant(tenant, ({ tx }) => tx.updateTable('activities').set(modes).where('id', '=', activityId).execute());

  async function signIn(email: string, slug = 'ville') {
    const browser = new TestBrowser(portal.app);
    await browser.get(`/${slug}/connexion`);
    const response = await browser.post(`/${slug}/connexion`, { email, password: PASSWORD });
    assert.equal(response.statusCode, 302, `login of ${email}`);
    return browser;
  }

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-02T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', time_zone: 'Europe/Paris' });
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    const manager = await createStaff(portal, tenant, { email: 'setup@example.test', role: 'admin' });
    families = [];
    for (let index = 0; index < 4; index++) {
      families.push(
        await createFamily(portal, tenant, {
          email: `parent${index}@example.test`,
          lastName: `FAMILLE${index}`,
          firstName: `Parent${index}`,
          children: [`Enfant${index}`, `Cadet${index}`],
        }),
      );
    }
    newcomer = await createFamily(portal, tenant, { email: 'nouveau@example.test', lastName: 'NOUVEAU', children: ['Lina'] });
    await portal.inTenant(tenant, async (scope) => {
      const staff: Scope = { ...scope, actor: { kind: 'staff', accountId: manager.accountId, role: 'admin', label: 'Admin' } };
      siteId = (
        await scope.tx
          .insertInto('sites')
          .values({ tenant_id: tenant.id, name: 'Relais des enfants', kind: 'leisure_centre' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      activityId = await createActivity(staff, {
        name: 'ALSH mercredis',
        kind: 'alsh_wednesday',
        site_id: siteId,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'school_days',
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
      });
      group = await addGroup(staff, { activity_id: activityId, name: '6-11 ans' });
      journee = await addUnit(staff, { activity_id: activityId, name: 'Journée', code: 'J' });
      pool = await addCapacityPool(staff, { activity_id: activityId, group_id: group, unit_ids: [journee], places: 2 });
      for (const family of families) {
        for (const childId of family.childIds) await requestEnrollment(staff, { householdId: family.householdId, childId, activityId, groupId: group });
      }
    });
  });
  beforeEach(async () => {
    await portal.inTenant(tenant, async ({ tx }) => {
      await tx.deleteFrom('booking_events').execute();
      await tx.deleteFrom('bookings').execute();
      await tx.deleteFrom('capacity_days').execute();
      await tx.deleteFrom('outbox_emails').execute();
      await tx.deleteFrom('enrollments').where('household_id', '=', newcomer.householdId).execute();
      await tx.updateTable('capacity_pools').set({ places: 2 }).where('id', '=', pool).execute();
    });
    await setModes({ validation_mode: 'automatic', waitlist_mode: 'manual' });
    portal.clock.set('2026-11-02T08:00:00Z');
  });
  after(() => portal.close());

  describe('places and waiting lists', () => {
    it('shows places, taken, left and waiting per day, unit and group, and the days closed with their reason', async () => {
      await book(families[0]!);
      await book(families[1]!);
      await book(families[2]!);
      const reader = await signIn('lecture@example.test');
      const page = await reader.get(`/ville/gestion/places?activite=${activityId}&du=2026-11-04&au=2026-11-25`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<caption[^>]*>ALSH mercredis — du 04\/11\/2026 au 25\/11\/2026<\/caption>/);
      assert.match(page.body, /mercredi 11 novembre 2026<\/th><td colspan="2" class="pf-cell-closed">.*Fermé : jour férié/s);
      assert.doesNotMatch(page.body, /jeudi 5 novembre/, 'days the activity never opens are left out');
      const cell = new RegExp(`href="/ville/gestion/places/${activityId}/${DAY}\\?unite=${journee}&amp;groupe=${group}">2 / 2.*?Complet.*?1 en attente`, 's');
      assert.match(page.body, cell);
      assert.match(page.body, /0 \/ 2.*?2 restantes/s, 'an empty day shows all its places');

      const day = await reader.get(`/ville/gestion/places/${activityId}/${DAY}?unite=${journee}&groupe=${group}`);
      assert.equal(day.statusCode, 200);
      assert.match(day.body, /Liste d’attente \(1\)/);
      assert.match(day.body, /Enfants inscrits \(2\)/);
      assert.match(day.body, /FAMILLE2 Enfant2/);
      assert.doesNotMatch(day.body, /name="act"/, 'a reader only reads');
    });

    it('speaks of one place and of a single day in the singular', async () => {
      await book(families[0]!);
      const reader = await signIn('lecture@example.test');
      const page = await reader.get(`/ville/gestion/places?activite=${activityId}&du=${DAY}&au=${DAY}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<caption[^>]*>ALSH mercredis — le ${DAY.split('-').reverse().join('/')}</caption>`));
      assert.match(page.body, />1 \/ 2<.*?1 restante</s);
      const day = await reader.get(`/ville/gestion/places/${activityId}/${DAY}?unite=${journee}&groupe=${group}`);
      assert.match(day.body, /1 place prise sur 2, 1 restante/);
    });

    it('promotes a waiting child when a place is free, and says so when the day is full, never overselling', async () => {
      const first = await book(families[0]!);
      await book(families[1]!);
      const waiting1 = await book(families[2]!);
      const waiting2 = await book(families[3]!);
      assert.deepEqual([waiting1.kind, waiting2.kind], ['waitlisted', 'waitlisted']);
      const agent = await signIn('agent@example.test');
      const url = `/ville/gestion/places/${activityId}/${DAY}`;

      const full = await agent.post(url, { act: `promote:${waiting2.bookingId}` });
      assert.equal(full.statusCode, 409);
      assert.match(full.body, /Complet : il n’y a aucune place libre/);
      assert.equal(await statusOf(waiting2.bookingId), 'waitlisted');
      assert.deepEqual(await places(), { taken: 2, places: 2, holders: 2 });

      // The family cancels: the waiting list is moved by hand on this activity.
      await asFamily(families[0]!, (scope) => cancelBooking(scope, context, { householdId: families[0]!.householdId, bookingId: first.bookingId }));
      assert.deepEqual(await places(), { taken: 1, places: 2, holders: 1 });

      await agent.get(url);
      const promoted = await agent.post(url, { act: `promote:${waiting2.bookingId}` });
      assert.equal(promoted.statusCode, 200);
      assert.match(promoted.body, /Enfant3 FAMILLE3 a obtenu une place/);
      assert.equal(await statusOf(waiting2.bookingId), 'reserved');
      assert.deepEqual(await bookingOf(waiting1.bookingId).then((row) => [row.status, row.waitlist_rank]), ['waitlisted', 1]);
      assert.deepEqual(await places(), { taken: 2, places: 2, holders: 2 });
      assert.ok((await subjectsTo(portal, tenant, 'parent3@example.test')).some((subject) => /Une place s’est libérée pour Enfant3/.test(subject)));

      const again = await agent.post(url, { act: `promote:${waiting1.bookingId}` });
      assert.equal(again.statusCode, 409);
      assert.deepEqual(await places(), { taken: 2, places: 2, holders: 2 });
    });

    it('refuses a waiting child with a reason: ranks stay 1..n and the family is told', async () => {
      await book(families[0]!);
      await book(families[0]!, DAY, 1);
      const waiting = [await book(families[1]!), await book(families[2]!), await book(families[3]!)];
      assert.deepEqual(
        waiting.map((outcome) => (outcome.kind === 'waitlisted' ? outcome.rank : 0)),
        [1, 2, 3],
      );
      const agent = await signIn('agent@example.test');
      const url = `/ville/gestion/places/${activityId}/${DAY}?unite=${journee}&groupe=${group}`;
      await agent.get(url);
      const noReason = await agent.post(url, { act: `refuse:${waiting[1]!.bookingId}`, [`reason.${waiting[1]!.bookingId}`]: ' ' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Indiquez la raison du refus/);
      assert.equal(await statusOf(waiting[1]!.bookingId), 'waitlisted');

      const refused = await agent.post(url, { act: `refuse:${waiting[1]!.bookingId}`, [`reason.${waiting[1]!.bookingId}`]: 'Enfant déjà accueilli ailleurs' });
      assert.equal(refused.statusCode, 200);
      assert.match(refused.body, /est retiré\(e\) de la liste d’attente/);
      const rows = await Promise.all(waiting.map((outcome) => bookingOf(outcome.bookingId)));
      assert.deepEqual(
        rows.map((row) => [row.status, row.waitlist_rank]),
        [
          ['waitlisted', 1],
          ['refused', null],
          ['waitlisted', 2],
        ],
      );
      assert.equal(rows[1]!.reason, 'Enfant déjà accueilli ailleurs');
      const mail = (await emailsTo(portal, tenant, 'parent2@example.test')).find((email) =>
        /Liste d’attente : demande refusée pour Enfant2/.test(email.subject),
      );
      assert.match(mail!.text_body, /Enfant déjà accueilli ailleurs/);
      assert.deepEqual(await places(), { taken: 2, places: 2, holders: 2 });
    });
  });

  describe('requests to validate', () => {
    const ids = (html: string) => [...html.matchAll(/name="ids" value="(\w+:[0-9a-f-]{36})"/g)].map((match) => match[1]!);

    it('accepts a booking request, and refusing one frees its place for the next waiting child', async () => {
      await setModes({ validation_mode: 'manual', waitlist_mode: 'automatic' });
      const a = await book(families[0]!);
      const b = await book(families[1]!);
      const c = await book(families[2]!);
      assert.deepEqual([a.kind, b.kind, c.kind], ['requested', 'requested', 'waitlisted']);
      const agent = await signIn('agent@example.test');
      const page = await agent.get('/ville/gestion/validations');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Réservations à valider \(2\)/);
      assert.deepEqual(ids(page.body), [`booking:${a.bookingId}`, `booking:${b.bookingId}`]);

      const accepted = await agent.post('/ville/gestion/validations', { act: `accept:booking:${a.bookingId}` });
      assert.equal(accepted.statusCode, 200);
      assert.match(accepted.body, /Réservation — Enfant0 FAMILLE0, ALSH mercredis \(Journée\), 25\/11\/2026 : acceptée/);
      assert.equal(await statusOf(a.bookingId), 'reserved');
      assert.match((await emailsTo(portal, tenant, 'parent0@example.test'))[0]!.subject, /Réservation acceptée pour Enfant0/);

      const refused = await agent.post('/ville/gestion/validations', { act: `refuse:booking:${b.bookingId}`, [`reason.${b.bookingId}`]: 'Dossier incomplet' });
      assert.equal(refused.statusCode, 200);
      const row = await bookingOf(b.bookingId);
      assert.deepEqual([row.status, row.reason, row.holds_pools], ['refused', 'Dossier incomplet', []]);
      assert.match((await emailsTo(portal, tenant, 'parent1@example.test'))[0]!.text_body, /Dossier incomplet/);
      // The freed place went to the waiting child, who now waits for the service's validation.
      assert.equal(await statusOf(c.bookingId), 'requested');
      assert.ok((await subjectsTo(portal, tenant, 'parent2@example.test')).some((subject) => /Une place s’est libérée/.test(subject)));
      assert.deepEqual(await places(), { taken: 2, places: 2, holders: 2 });

      const stale = await agent.post('/ville/gestion/validations', { act: `accept:cancellation:${a.bookingId}` });
      assert.match(stale.body, /déjà traitée/, 'a booking request is not taken for a cancellation');
      assert.equal(await statusOf(a.bookingId), 'reserved');
    });

    it('accepts a cancellation request (the place is freed) and refuses another (still booked)', async () => {
      await setModes({ validation_mode: 'manual', waitlist_mode: 'manual' });
      const a = await book(families[0]!);
      const b = await book(families[1]!);
      const agent = await signIn('agent@example.test');
      await agent.get('/ville/gestion/validations');
      await agent.post('/ville/gestion/validations', { act: 'accept:selection', ids: [`booking:${a.bookingId}`, `booking:${b.bookingId}`] });
      for (const [family, booking] of [
        [families[0]!, a],
        [families[1]!, b],
      ] as const) {
        const outcome = await asFamily(family, (scope) => cancelBooking(scope, context, { householdId: family.householdId, bookingId: booking.bookingId }));
        assert.deepEqual(outcome, { kind: 'cancel_requested', dependents: [] });
      }
      const page = await agent.get('/ville/gestion/validations');
      assert.match(page.body, /Annulations à valider \(2\)/);

      portal.clock.advance(1000);
      await agent.post('/ville/gestion/validations', { act: `accept:cancellation:${a.bookingId}` });
      assert.equal(await statusOf(a.bookingId), 'cancelled');
      assert.deepEqual(await places(), { taken: 1, places: 2, holders: 1 });
      assert.match((await emailsTo(portal, tenant, 'parent0@example.test'))[0]!.subject, /Annulation acceptée/);

      portal.clock.advance(1000);
      await agent.post('/ville/gestion/validations', { act: `refuse:cancellation:${b.bookingId}`, [`reason.${b.bookingId}`]: 'Délai dépassé' });
      assert.deepEqual(await bookingOf(b.bookingId).then((row) => [row.status, row.reason]), ['reserved', 'Délai dépassé']);
      assert.deepEqual(await places(), { taken: 1, places: 2, holders: 1 });
      assert.match((await emailsTo(portal, tenant, 'parent1@example.test'))[0]!.text_body, /reste réservée.*Délai dépassé/s);
    });

    it('decides a selection at once, bookings and enrollments together, with one reason for refusals', async () => {
      await setModes({ validation_mode: 'manual' });
      const a = await book(families[0]!, '2026-12-02');
      const b = await book(families[1]!, '2026-12-02');
      const enrollment = await asFamily(newcomer, (scope) =>
        requestEnrollment(scope, { householdId: newcomer.householdId, childId: newcomer.childIds[0]!, activityId }),
      );
      assert.equal(enrollment, 'requested');
      const agent = await signIn('agent@example.test');
      const page = await agent.get('/ville/gestion/validations');
      const selection = ids(page.body);
      assert.equal(selection.length, 3);
      const enrollmentId = selection.find((id) => id.startsWith('enrollment:'))!.split(':')[1]!;

      const nothing = await agent.post('/ville/gestion/validations', { act: 'accept:selection' });
      assert.equal(nothing.statusCode, 400);
      assert.match(nothing.body, /Cochez au moins une demande/);
      const noReason = await agent.post('/ville/gestion/validations', { act: 'refuse:selection', ids: selection, reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /id="field-reason-error"/);

      const bulk = await agent.post('/ville/gestion/validations', { act: 'accept:selection', ids: selection, [`group.${enrollmentId}`]: group });
      assert.equal(bulk.statusCode, 200);
      assert.equal((bulk.body.match(/ : acceptée/g) ?? []).length, 3);
      assert.deepEqual([await statusOf(a.bookingId), await statusOf(b.bookingId)], ['reserved', 'reserved']);
      assert.match((await agent.get('/ville/gestion/validations')).body, /Aucune réservation à valider/);
    });

    it('accepts an enrollment in a group chosen by staff, after which the family can book', async () => {
      await asFamily(newcomer, (scope) =>
        requestEnrollment(scope, { householdId: newcomer.householdId, childId: newcomer.childIds[0]!, activityId, comment: 'Le mercredi seulement' }),
      );
      const agent = await signIn('agent@example.test');
      const page = await agent.get('/ville/gestion/validations');
      assert.match(page.body, /Inscriptions à valider \(1\)/);
      assert.match(page.body, /Commentaire de la famille : Le mercredi seulement/);
      const id = ids(page.body)[0]!.split(':')[1]!;

      const noGroup = await agent.post('/ville/gestion/validations', { act: `accept:enrollment:${id}` });
      assert.equal(noGroup.statusCode, 400);
      assert.match(noGroup.body, /choisissez le groupe de l’enfant/);

      const accepted = await agent.post('/ville/gestion/validations', { act: `accept:enrollment:${id}`, [`group.${id}`]: group });
      assert.equal(accepted.statusCode, 200);
      const row = await portal.inTenant(tenant, ({ tx }) =>
        tx.selectFrom('enrollments').select(['status', 'group_id']).where('id', '=', id).executeTakeFirstOrThrow(),
      );
      assert.deepEqual(row, { status: 'accepted', group_id: group });
      const [mail] = await emailsTo(portal, tenant, newcomer.email);
      assert.match(mail!.text_body, /dans le groupe « 6-11 ans »/);
      assert.equal((await book(newcomer)).kind, 'reserved');
    });
  });

  describe('attendance', () => {
    it('lists the day’s children per site, marks them present, absent excused or billed, and exports the list', async () => {
      await setModes({ validation_mode: 'manual' });
      const a = await book(families[0]!);
      const b = await book(families[1]!);
      let agent = await signIn('agent@example.test');
      await agent.get('/ville/gestion/validations');
      await agent.post('/ville/gestion/validations', { act: `accept:booking:${a.bookingId}` });
      await setModes({ validation_mode: 'automatic' });
      await portal.inTenant(tenant, ({ tx }) => tx.updateTable('capacity_pools').set({ places: 3 }).where('id', '=', pool).execute());
      await portal.inTenant(tenant, ({ tx }) => tx.updateTable('capacity_days').set({ places: 3 }).where('pool_id', '=', pool).execute());
      const c = await book(families[2]!);
      await portal.inTenant(tenant, ({ tx }) =>
        tx.updateTable('persons').set({ allergies: 'arachide', pai: true }).where('id', '=', families[2]!.childIds[0]!).execute(),
      );

      const future = `/ville/gestion/presences?site=${siteId}&jour=${DAY}`;
      const early = await agent.get(future);
      assert.equal(early.statusCode, 200);
      assert.match(early.body, /Ce jour n’est pas encore arrivé/);
      assert.doesNotMatch(early.body, /type="radio"/);
      const tooEarly = await agent.post('/ville/gestion/presences', { site: siteId, jour: DAY, [`mark.${a.bookingId}`]: 'present' });
      assert.equal(tooEarly.statusCode, 400);
      assert.equal(await statusOf(a.bookingId), 'reserved');

      portal.clock.set('2026-11-25T16:00:00Z');
      agent = await signIn('agent@example.test');
      const page = await agent.get(future);
      assert.match(page.body, /ALSH mercredis — Journée — 6-11 ans : 3 enfants/);
      assert.match(page.body, /PAI.*Allergies : arachide/s);
      assert.equal((page.body.match(/type="radio"/g) ?? []).length, 9);

      const saved = await agent.post('/ville/gestion/presences', {
        site: siteId,
        jour: DAY,
        [`mark.${a.bookingId}`]: 'present',
        [`mark.${b.bookingId}`]: 'absent_excused',
        [`mark.${c.bookingId}`]: 'absent_billed',
      });
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /3 présences enregistrées\./);
      assert.deepEqual([await statusOf(a.bookingId), await statusOf(b.bookingId), await statusOf(c.bookingId)], ['present', 'absent_excused', 'absent_billed']);
      const events = await portal.inTenant(tenant, ({ tx }) =>
        tx.selectFrom('booking_events').select(['from_status', 'to_status']).where('booking_id', '=', b.bookingId).orderBy('id').execute(),
      );
      assert.deepEqual(
        events.map((event) => `${event.from_status}→${event.to_status}`),
        ['null→requested', 'requested→reserved', 'reserved→absent_excused'],
      );

      const corrected = await agent.post('/ville/gestion/presences', { site: siteId, jour: DAY, [`mark.${c.bookingId}`]: 'present' });
      assert.match(corrected.body, /1 présence enregistrée\./);
      assert.equal(await statusOf(c.bookingId), 'present');

      const csv = await agent.get(`/ville/gestion/presences/export.csv?site=${siteId}&jour=${DAY}`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="presences-2026-11-25.csv"/);
      assert.ok(csv.body.startsWith('\uFEFF'), 'a byte-order mark for Excel');
      const lines = csv.body.slice(1).trimEnd().split('\r\n');
      assert.equal(lines[0], 'Date;Structure;Activité;Prestation;Groupe;Nom;Prénom;Date de naissance;Foyer;N° de famille;Allergies;PAI;Régime;État');
      assert.equal(lines.length, 4);
      assert.match(
        lines[1]!,
        /^25\/11\/2026;Relais des enfants;ALSH mercredis;Journée;6-11 ans;FAMILLE0;Enfant0;01\/03\/2015;FAMILLE0 Parent0;[^;]*;;Non;;Présent$/,
      );
      assert.match(lines[2]!, /;FAMILLE1;Enfant1;.*;Absence justifiée$/);
      assert.match(lines[3]!, /;FAMILLE2;Enfant2;.*;arachide;Oui;;Présent$/);

      const print = await agent.get(`${future}&vue=impression`);
      assert.doesNotMatch(print.body, /type="radio"/);
      assert.match(print.body, /☐ Présent/);
    });
  });

  describe('access', () => {
    it('dashboard counts the requests to validate and the children expected today', async () => {
      await setModes({ validation_mode: 'manual' });
      await book(families[0]!);
      await book(families[1]!);
      portal.clock.set('2026-11-25T07:00:00Z');
      const agent = await signIn('agent@example.test');
      const dashboard = await agent.get('/ville/gestion');
      // As on the family home: the figure on its own line, then where the tile leads.
      assert.match(
        dashboard.body,
        /Demandes à valider<\/a><\/h2><p class="fr-tile__desc"><strong class="fr-h4 fr-mb-0">2<\/strong><\/p><p class="fr-tile__detail">Valider les réservations et inscriptions<\/p>/,
      );
      assert.match(dashboard.body, /Enfants attendus aujourd’hui<\/a><\/h2><p class="fr-tile__desc"><strong class="fr-h4 fr-mb-0">2<\/strong><\/p>/);
    });

    it('lets a reader read but answers 403 to every change', async () => {
      await setModes({ validation_mode: 'manual', waitlist_mode: 'manual' });
      const a = await book(families[0]!);
      await book(families[1]!);
      const waiting = await book(families[2]!);
      portal.clock.set('2026-11-25T16:00:00Z');
      const reader = await signIn('lecture@example.test');
      for (const path of [
        '/ville/gestion/places',
        `/ville/gestion/places/${activityId}/${DAY}`,
        '/ville/gestion/validations',
        `/ville/gestion/presences?site=${siteId}&jour=${DAY}`,
      ]) {
        assert.equal((await reader.get(path)).statusCode, 200, path);
      }
      const attempts = [
        reader.post(`/ville/gestion/places/${activityId}/${DAY}`, { act: `promote:${waiting.bookingId}` }),
        reader.post(`/ville/gestion/places/${activityId}/${DAY}`, { act: `refuse:${waiting.bookingId}`, [`reason.${waiting.bookingId}`]: 'Non' }),
        reader.post('/ville/gestion/validations', { act: `accept:booking:${a.bookingId}` }),
        reader.post('/ville/gestion/validations', { act: 'refuse:selection', ids: [`booking:${a.bookingId}`], reason: 'Non' }),
        reader.post('/ville/gestion/presences', { site: siteId, jour: DAY, [`mark.${a.bookingId}`]: 'present' }),
      ];
      for (const response of await Promise.all(attempts)) assert.equal(response.statusCode, 403);
      assert.deepEqual([await statusOf(a.bookingId), await statusOf(waiting.bookingId)], ['requested', 'waitlisted']);
    });

    it('answers 404 to another authority’s ids, and to a family account', async () => {
      const other = await portal.addTenant({ slug: 'autre', time_zone: 'Europe/Paris' });
      const otherAdmin = await createStaff(portal, other, { email: 'admin@autre.test', role: 'admin' });
      const otherFamily = await createFamily(portal, other, { email: 'famille@autre.test' });
      const foreign = await portal.inTenant(other, async (scope) => {
        const staff: Scope = { ...scope, actor: { kind: 'staff', accountId: otherAdmin.accountId, role: 'admin', label: 'Admin' } };
        const site = (
          await scope.tx.insertInto('sites').values({ tenant_id: other.id, name: 'École', kind: 'school' }).returning('id').executeTakeFirstOrThrow()
        ).id;
        const activity = await createActivity(staff, {
          name: 'Cantine',
          kind: 'canteen',
          site_id: site,
          starts_on: '2026-09-01',
          ends_on: '2027-07-03',
          weekdays: [3],
          requires_enrollment: false,
        });
        const unit = await addUnit(staff, { activity_id: activity, name: 'Repas', code: 'R' });
        await addCapacityPool(staff, { activity_id: activity, group_id: null, unit_ids: [unit], places: 0 });
        const family: Scope = { ...scope, actor: { kind: 'family', accountId: otherFamily.accountId, householdId: otherFamily.householdId, label: 'famille' } };
        const [result] = (await requestBookings(family, context, {
          householdId: otherFamily.householdId,
          activityId: activity,
          choices: [{ childId: otherFamily.childIds[0]!, unitId: unit, day: DAY }],
        }))!;
        const enrollment = await requestEnrollment(family, { householdId: otherFamily.householdId, childId: otherFamily.childIds[0]!, activityId: activity });
        assert.equal(enrollment, 'requested');
        const enrollmentId = (await scope.tx.selectFrom('enrollments').select('id').executeTakeFirstOrThrow()).id;
        return { site, activity, bookingId: (result!.outcome as { bookingId: string }).bookingId, enrollmentId };
      });
      await book(families[0]!);
      portal.clock.set('2026-11-25T16:00:00Z');
      const agent = await signIn('agent@example.test');
      const notFound = [
        await agent.get(`/ville/gestion/places?activite=${foreign.activity}`),
        await agent.get(`/ville/gestion/places/${foreign.activity}/${DAY}`),
        await agent.post(`/ville/gestion/places/${activityId}/${DAY}`, { act: `promote:${foreign.bookingId}` }),
        await agent.post(`/ville/gestion/places/${foreign.activity}/${DAY}`, { act: `promote:${foreign.bookingId}` }),
        await agent.post('/ville/gestion/validations', { act: `accept:booking:${foreign.bookingId}` }),
        await agent.post('/ville/gestion/validations', { act: `accept:enrollment:${foreign.enrollmentId}` }),
        await agent.get(`/ville/gestion/presences?site=${foreign.site}&jour=${DAY}`),
        await agent.get(`/ville/gestion/presences/export.csv?site=${foreign.site}&jour=${DAY}`),
        await agent.post('/ville/gestion/presences', { site: siteId, jour: DAY, [`mark.${foreign.bookingId}`]: 'present' }),
        await agent.post('/ville/gestion/presences', { site: foreign.site, jour: DAY, [`mark.${foreign.bookingId}`]: 'present' }),
      ];
      assert.deepEqual(
        notFound.map((response) => response.statusCode),
        notFound.map(() => 404),
      );
      const untouched = await portal.inTenant(other, ({ tx }) =>
        tx.selectFrom('bookings').select('status').where('id', '=', foreign.bookingId).executeTakeFirstOrThrow(),
      );
      assert.equal(untouched.status, 'waitlisted');

      const family = await signIn('parent0@example.test');
      for (const path of [
        '/ville/gestion/places',
        `/ville/gestion/places/${activityId}/${DAY}`,
        '/ville/gestion/validations',
        '/ville/gestion/presences',
        `/ville/gestion/presences/export.csv?site=${siteId}`,
      ]) {
        assert.equal((await family.get(path)).statusCode, 404, path);
      }
      assert.equal((await family.post('/ville/gestion/validations', { act: 'accept:selection' })).statusCode, 404);
    });
  });
});
