import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCapacityPool, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { declareAbsence, decideAbsence } from '../src/modules/bookings/absences.js';
import { decideMany, type DecisionItem, type Verdict } from '../src/modules/bookings/booking-decisions.js';
import { requestBookings, type BookingContext } from '../src/modules/bookings/booking-requests.js';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { weekdayOf, eachDay } from '../src/modules/calendar/calendar-dates.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const context: BookingContext = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: (date) => weekdayOf(date) <= 5 },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};
const MAIL = { tenantName: 'Ville', baseUrl: 'http://localhost/ville' };

/** One request decided by staff, as the validations page decides it. */
async function decideOne(scope: Scope, item: DecisionItem, verdict: Verdict) {
  const [outcome] = await decideMany(scope, [item], verdict, MAIL);
  return outcome!.result;
}
/** The canteen's days booked at once: every school day from 1 to 18 December but Wednesdays. */
const CANTEEN_DAYS = eachDay('2026-12-01', '2026-12-18').filter((day) => [1, 2, 4, 5].includes(weekdayOf(day)));

/** The rows of the page's table, each as its cells' words. */
function rows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
      cell[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/&#x27;|&#39;/g, "'")
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

describe('Mes demandes lists everything the family asked: bookings, cancellations, absences, enrollments', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let staff: Scope['actor'];
  let asFamily: <T>(work: (scope: Scope) => Promise<T>) => Promise<T>;
  let asStaff: <T>(work: (scope: Scope) => Promise<T>) => Promise<T>;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-02T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    family = await createFamily(portal, tenant, { email: 'lina@example.test', firstName: 'Lina', lastName: 'ROUX', children: ['Théo', 'Inès'] });
    await createFamily(portal, tenant, { email: 'voisin@example.test', lastName: 'VOISIN', children: ['Paul'] });
    staff = { kind: 'staff', accountId: (await createStaff(portal, tenant, { email: 'agent@example.test' })).accountId, role: 'manager', label: 'Agent' };
    asFamily = (work) =>
      portal.inTenant(tenant, (scope) =>
        work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
      );
    asStaff = (work) => portal.inTenant(tenant, (scope) => work({ ...scope, actor: staff }));
    const [theo, ines] = family.childIds as [string, string];

    const setUp = await asStaff(async (scope) => {
      const deadlines = {
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
      } as const;
      const canteen = await createActivity(scope, {
        name: 'Cantine',
        kind: 'canteen',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [1, 2, 4, 5],
        opening: 'all',
        requires_enrollment: false,
        ...deadlines,
      });
      const wednesdays = await createActivity(scope, {
        name: 'Mercredis',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'all',
        requires_enrollment: false,
        validation_mode: 'manual',
        ...deadlines,
      });
      const swimming = await createActivity(scope, { name: 'Piscine', kind: 'other', site_id: null, starts_on: '2026-09-01', ends_on: '2027-07-03' });
      const meal = await addUnit(scope, { activity_id: canteen, name: 'Repas', code: 'R' });
      const day = await addUnit(scope, { activity_id: wednesdays, name: 'Journée', code: 'J' });
      await addCapacityPool(scope, { activity_id: wednesdays, group_id: null, unit_ids: [day], places: 1 });
      return { canteen, wednesdays, swimming, meal, day };
    });
    const bookingId = async (childId: string, unitId: string, day: string) =>
      (
        await portal.inTenant(tenant, ({ tx }) =>
          tx.selectFrom('bookings').select('id').where('child_id', '=', childId).where('unit_id', '=', unitId).where('day', '=', day).executeTakeFirstOrThrow(),
        )
      ).id;
    const at = (instant: string) => portal.clock.set(instant);

    // 2 November: the canteen for the first half of December at once, then Wednesdays, validated by the service.
    at('2026-11-02T08:00:00Z');
    await asFamily((scope) =>
      requestBookings(scope, context, {
        householdId: family.householdId,
        activityId: setUp.canteen,
        choices: CANTEEN_DAYS.map((day) => ({ childId: theo, unitId: setUp.meal, day })),
      }),
    );
    at('2026-11-02T09:00:00Z');
    const wednesdayChoices = [
      [theo, '2026-12-02'],
      [ines, '2026-12-02'],
      [ines, '2026-12-09'],
      [theo, '2026-12-16'],
    ] as const;
    await asFamily((scope) =>
      requestBookings(scope, context, {
        householdId: family.householdId,
        activityId: setUp.wednesdays,
        choices: wednesdayChoices.map(([childId, day]) => ({ childId, unitId: setUp.day, day })),
      }),
    );
    // 3 November: the service accepts Théo's two days and refuses Inès's second.
    at('2026-11-03T08:00:00Z');
    const [second, sixteenth, ninth] = [
      await bookingId(theo, setUp.day, '2026-12-02'),
      await bookingId(theo, setUp.day, '2026-12-16'),
      await bookingId(ines, setUp.day, '2026-12-09'),
    ];
    for (const id of [second, sixteenth]) assert.equal(await asStaff((scope) => decideOne(scope, { kind: 'booking', id }, { accept: true })), 'done');
    assert.equal(await asStaff((scope) => decideOne(scope, { kind: 'booking', id: ninth }, { accept: false, reason: 'Dossier incomplet' })), 'done');
    // 4 November: two canteen days cancelled at once; the two Wednesdays asked to be cancelled.
    at('2026-11-04T08:00:00Z');
    for (const day of ['2026-12-07', '2026-12-08']) {
      const id = await bookingId(theo, setUp.meal, day);
      assert.equal((await asFamily((scope) => cancelBooking(scope, context, { householdId: family.householdId, bookingId: id }))).kind, 'cancelled');
    }
    at('2026-11-04T08:05:00Z');
    assert.equal((await asFamily((scope) => cancelBooking(scope, context, { householdId: family.householdId, bookingId: second }))).kind, 'cancel_requested');
    at('2026-11-04T08:10:00Z');
    assert.equal(
      (await asFamily((scope) => cancelBooking(scope, context, { householdId: family.householdId, bookingId: sixteenth }))).kind,
      'cancel_requested',
    );
    // 5 November: the service refuses the second.
    at('2026-11-05T08:00:00Z');
    assert.equal(await asStaff((scope) => decideOne(scope, { kind: 'cancellation', id: sixteenth }, { accept: false, reason: 'Sortie déjà payée' })), 'done');
    // 6 and 7 November: two absences declared, the first not excused; then an enrollment asked.
    at('2026-11-06T08:00:00Z');
    const absence = { file: null, fileTooLarge: false, comment: undefined };
    const limits = { today: '2026-11-06', lateDays: 7 };
    const first = await asFamily((scope) =>
      declareAbsence(
        scope,
        family.householdId,
        {
          ...absence,
          childId: theo,
          firstDay: '2026-12-10',
          lastDay: '2026-12-11',
          reason: 'other',
          comment: 'Voyage',
        },
        limits,
      ),
    );
    assert.equal(first.kind, 'declared');
    at('2026-11-06T10:00:00Z');
    assert.equal(await asStaff((scope) => decideAbsence(scope, (first as { id: string }).id, { excuse: false, reason: 'Hors vacances scolaires' })), 'done');
    at('2026-11-07T08:00:00Z');
    assert.equal(
      (
        await asFamily((scope) =>
          declareAbsence(scope, family.householdId, { ...absence, childId: theo, firstDay: '2026-12-14', lastDay: undefined, reason: 'family' }, limits),
        )
      ).kind,
      'declared',
    );
    at('2026-11-07T09:00:00Z');
    const browser = await signIn();
    await browser.get('/ville/inscriptions');
    assert.equal((await browser.post('/ville/inscriptions', { enfant: theo, activite: setUp.swimming })).statusCode, 302);
  });
  after(() => portal.close());

  async function signIn(email = family.email) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  it('shows every request, newest first, bookings grouped by submission with each state in words', async () => {
    const page = await (await signIn()).get('/ville/mes-demandes');
    assert.equal(page.statusCode, 200);
    const table = rows(page.body);
    const canteenDays = CANTEEN_DAYS.filter((day) => day !== '2026-12-07' && day !== '2026-12-08').map((day) => day.split('-').reverse().join('/'));
    const expected: [string, string, RegExp, RegExp, RegExp][] = [
      // [type, about, request, made on, state and answer]
      ['Inscription', 'Théo', /^Piscine$/, /07\/11\/2026/, /^En attente$/],
      ['Absence', 'Théo ROUX', /^Le 14\/12\/2026 Raison familiale$/, /07\/11\/2026 09:00/, /^En attente$/],
      [
        'Absence',
        'Théo ROUX',
        /^Du 10\/12\/2026 au 11\/12\/2026 Autre Voyage$/,
        /06\/11\/2026 09:00/,
        /^Non excusée Hors vacances scolaires le 06\/11\/2026 11:00$/,
      ],
      ['Annulation', 'Théo ROUX', /^Mercredis — Journée — 16\/12\/2026$/, /04\/11\/2026 09:10/, /^Refusée Sortie déjà payée le 05\/11\/2026 09:00$/],
      ['Annulation', 'Théo ROUX', /^Mercredis — Journée — 02\/12\/2026$/, /04\/11\/2026 09:05/, /^En attente de validation$/],
      ['Annulation', 'Théo ROUX', /^Cantine — Repas — 07\/12\/2026, 08\/12\/2026$/, /04\/11\/2026 09:00/, /^Effectuée$/],
      ['Réservation', 'Inès ROUX', /^Mercredis — Journée — 02\/12\/2026$/, /02\/11\/2026 10:00/, /^Liste d’attente rang 1$/],
      ['Réservation', 'Inès ROUX', /^Mercredis — Journée — 09\/12\/2026$/, /02\/11\/2026 10:00/, /^Refusée Dossier incomplet le 03\/11\/2026 09:00$/],
      ['Réservation', 'Théo ROUX', /^Mercredis — Journée — 02\/12\/2026$/, /02\/11\/2026 10:00/, /^Annulation demandée$/],
      ['Réservation', 'Théo ROUX', /^Mercredis — Journée — 16\/12\/2026$/, /02\/11\/2026 10:00/, /^Réservée le 03\/11\/2026 09:00$/],
      [
        'Réservation',
        'Théo ROUX',
        new RegExp(`^Cantine — Repas — 9 jours, du 01/12/2026 au 18/12/2026 Voir les 9 jours ${canteenDays.join(', ')}$`),
        /02\/11\/2026 09:00/,
        /^Réservée$/,
      ],
      ['Réservation', 'Théo ROUX', /^Cantine — Repas — 07\/12\/2026, 08\/12\/2026$/, /02\/11\/2026 09:00/, /^Annulée$/],
    ];
    assert.equal(table.length, expected.length, table.map((row) => row.join(' | ')).join('\n'));
    expected.forEach(([type, about, change, date, answer], index) => {
      const [cellType, cellAbout, cellChange, cellDate, cellState, cellAnswer] = table[index]!;
      const line = table[index]!.join(' | ');
      assert.equal(cellType, type, line);
      assert.ok(cellAbout!.startsWith(about), line);
      assert.match(cellChange!, change, line);
      assert.match(cellDate!, date, line);
      assert.match(`${cellState} ${cellAnswer}`.trim(), answer, line);
    });
    // Badges carry words, and a long list of days is one click away, not spread over the page.
    assert.match(page.body, /<details class="pf-days-asked"><summary[^>]*>Voir les 9 jours<\/summary>/);
  });

  it('filters by type, the new ones included', async () => {
    const browser = await signIn();
    const kinds = async (type: string) => rows((await browser.get(`/ville/mes-demandes?type=${type}`)).body).map((row) => row[0]);
    assert.deepEqual(await kinds('cancellation'), ['Annulation', 'Annulation', 'Annulation']);
    assert.deepEqual(await kinds('absence'), ['Absence', 'Absence']);
    assert.deepEqual(await kinds('booking'), Array(6).fill('Réservation'));
    assert.deepEqual(await kinds('enrollment'), ['Inscription']);
    const page = await browser.get('/ville/mes-demandes');
    assert.match(page.body, /<option value="cancellation">Annulation<\/option>/);
    assert.match(page.body, /<option value="absence">Absence<\/option>/);
  });

  it('speaks English, and shows nothing of this household to another', async () => {
    const english = rows((await (await signIn()).get('/ville/mes-demandes?type=cancellation&lang=en')).body);
    assert.deepEqual(
      english.map((row) => `${row[0]} ${row[4]}`),
      ['Cancellation Refused', 'Cancellation Awaiting approval', 'Cancellation Done'],
    );
    const neighbour = await (await signIn('voisin@example.test')).get('/ville/mes-demandes');
    assert.match(neighbour.body, /Aucune demande/);
  });

  it('counts on the home page the lines of Mes demandes still waiting for the service, whatever their kind', async () => {
    const browser = await signIn();
    const pending = async () => {
      const lines = rows((await browser.get('/ville/mes-demandes')).body).filter((row) => /^(Demande en|En) attente/.test(row[4] ?? ''));
      const tile = /Demandes en attente[\s\S]*?<strong class="fr-h4 fr-mb-0">(\d+)<\/strong>/.exec((await browser.get('/ville/accueil')).body)?.[1];
      return { lines: lines.map((row) => row[0]).sort(), tile: Number(tile) };
    };
    // The enrollment, the absence of the 14th and the cancellation asked of the 2nd; not the waiting list.
    assert.deepEqual(await pending(), { lines: ['Absence', 'Annulation', 'Inscription'], tile: 3 });
    // Two days asked of the activity the service validates count too, as one line.
    const wednesdays = await portal.inTenant(tenant, ({ tx }) =>
      tx
        .selectFrom('units')
        .innerJoin('activities', 'activities.id', 'units.activity_id')
        .select(['units.id as unitId', 'activities.id as activityId'])
        .where('activities.name', '=', 'Mercredis')
        .executeTakeFirstOrThrow(),
    );
    const ines = family.childIds[1]!;
    await asFamily((scope) =>
      requestBookings(scope, context, {
        householdId: family.householdId,
        activityId: wednesdays.activityId,
        choices: ['2027-01-06', '2027-01-13'].map((day) => ({ childId: ines, unitId: wednesdays.unitId, day })),
      }),
    );
    assert.deepEqual(await pending(), { lines: ['Absence', 'Annulation', 'Inscription', 'Réservation'], tile: 4 });
  });
});
