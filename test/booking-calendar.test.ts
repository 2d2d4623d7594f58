import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addBookingPeriod, addUnit, createActivity, setUnitRelations } from '../src/modules/activities/activity-setup.js';
import { loadActivityDefinition } from '../src/modules/activities/activity-definitions.js';
import { weekdayOf } from '../src/modules/calendar/calendar-dates.js';
import { familyCalendar, type CellState } from '../src/modules/bookings/booking-calendar.js';
import { requestBookings, type BookingContext } from '../src/modules/bookings/booking-requests.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** No holiday, no closure: only the activity's own rules decide. */
const context: BookingContext = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: (date) => weekdayOf(date) <= 5 },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};

describe('the family’s booking calendar offers only what the pipeline would book', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let staff: Scope['actor'];
  /** Winter holidays booked by period (closing 21 November at midnight), and Wednesdays booked by month. */
  let winter: { id: string; periodId: string; day: string; morning: string };
  let wednesdays: { id: string; day: string; morning: string; meal: string; evening: string };

  const asFamily = <T>(work: (scope: Scope) => Promise<T>) =>
    portal.inTenant(tenant, (scope) =>
      work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
    );
  const calendarOf = async (activityId: string, from: string, to: string) => {
    const calendar = await asFamily(async (scope) =>
      familyCalendar(scope, context, (await loadActivityDefinition(scope.tx, activityId))!, {
        householdId: family.householdId,
        childIds: [family.childIds[0]!],
        from,
        to,
      }),
    );
    return (day: string, unitId: string): CellState =>
      calendar!.children[0]!.days.find((candidate) => candidate.day === day)!.cells.find((cell) => cell.unitId === unitId)!.state;
  };
  const book = (activityId: string, choices: { unitId: string; day: string }[]) =>
    asFamily((scope) =>
      requestBookings(scope, context, {
        householdId: family.householdId,
        activityId,
        choices: choices.map((choice) => ({ ...choice, childId: family.childIds[0]! })),
      }),
    );

  async function signIn() {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: family.email, password: PASSWORD });
    return browser;
  }

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-02T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    family = await createFamily(portal, tenant, { email: 'mia@example.test', firstName: 'Mia', lastName: 'LEROY', children: ['Jade'] });
    staff = { kind: 'staff', accountId: (await createStaff(portal, tenant, { email: 'agent@example.test' })).accountId, role: 'manager', label: 'Agent' };
    await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: staff };
      const winterId = await createActivity(scope, {
        name: 'Vacances d’hiver',
        kind: 'alsh_holidays',
        site_id: null,
        starts_on: '2027-02-08',
        ends_on: '2027-02-19',
        weekdays: [1, 2, 3, 4, 5],
        opening: 'all',
        requires_enrollment: false,
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
      });
      winter = {
        id: winterId,
        periodId: await addBookingPeriod(scope, {
          activity_id: winterId,
          name: 'Hiver 2027',
          first_day: '2027-02-08',
          last_day: '2027-02-19',
          opens_at: new Date('2026-11-01T23:00:00Z'),
          closes_at: new Date('2026-11-20T23:00:00Z'),
        }),
        day: await addUnit(scope, { activity_id: winterId, name: 'Journée', code: 'J', position: 0 }),
        morning: await addUnit(scope, { activity_id: winterId, name: 'Matin', code: 'M', position: 1 }),
      };
      const wednesdaysId = await createActivity(scope, {
        name: 'Mercredis',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'all',
        requires_enrollment: false,
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
      });
      wednesdays = {
        id: wednesdaysId,
        day: await addUnit(scope, { activity_id: wednesdaysId, name: 'Journée', code: 'J', position: 0 }),
        morning: await addUnit(scope, { activity_id: wednesdaysId, name: 'Matin', code: 'M', position: 1 }),
        meal: await addUnit(scope, { activity_id: wednesdaysId, name: 'Repas', code: 'R', position: 2 }),
        evening: await addUnit(scope, { activity_id: wednesdaysId, name: 'Soir', code: 'S', position: 3 }),
      };
      await setUnitRelations(scope, wednesdays.day, { excludes: [wednesdays.morning], requiresAny: [] });
      await setUnitRelations(scope, wednesdays.meal, { excludes: [], requiresAny: [wednesdays.day, wednesdays.morning] });
    });
  });
  beforeEach(async () => {
    portal.clock.set('2026-11-02T08:00:00Z');
    await portal.inTenant(tenant, async ({ tx }) => {
      await tx.deleteFrom('booking_events').execute();
      await tx.deleteFrom('bookings').execute();
      await tx.deleteFrom('capacity_days').execute();
    });
  });
  after(() => portal.close());

  it('shows the period’s close as the deadline when it comes before the unit’s own', async () => {
    const cell = await calendarOf(winter.id, '2027-02-08', '2027-02-19');
    // The unit alone would allow booking Monday 8 February until 1 February.
    assert.deepEqual(cell('2027-02-08', winter.day), { kind: 'open', full: false, placesLeft: null, deadline: new Date('2026-11-20T23:00:00Z') });
    assert.deepEqual(cell('2027-02-19', winter.morning), { kind: 'open', full: false, placesLeft: null, deadline: new Date('2026-11-20T23:00:00Z') });

    const browser = await signIn();
    const page = await browser.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${winter.id}&periode=${winter.periodId}`);
    assert.match(page.body, /Réservation possible jusqu’au vendredi 20\/11 inclus pour tous les jours affichés/, 'said once, as people say it');
    assert.doesNotMatch(page.body, /jusqu’au dimanche 31\/01/);
  });

  it('keeps the unit’s deadline when it comes first, and offers nothing once the period has closed', async () => {
    const wednesday = await calendarOf(wednesdays.id, '2026-11-25', '2026-11-25');
    assert.deepEqual(
      wednesday('2026-11-25', wednesdays.day),
      { kind: 'open', full: false, placesLeft: null, deadline: new Date('2026-11-17T23:00:00Z') },
      'no period: J-7 at midnight in Paris',
    );

    portal.clock.set('2026-11-20T23:00:00Z');
    const cell = await calendarOf(winter.id, '2027-02-08', '2027-02-19');
    assert.deepEqual(cell('2027-02-08', winter.day), { kind: 'closed', reason: 'period_closed' });
    const browser = await signIn();
    const page = await browser.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${winter.id}&periode=${winter.periodId}`);
    assert.doesNotMatch(page.body, /name="choix"/, 'not one box can be ticked');
    assert.match(page.body, /les réservations sont closes/);
  });

  it('shows a unit that cannot join what the child already holds that day as not bookable, with the reason', async () => {
    const booked = await book(wednesdays.id, [{ unitId: wednesdays.day, day: '2026-12-02' }]);
    assert.equal(booked![0]!.outcome.kind, 'reserved');
    const cell = await calendarOf(wednesdays.id, '2026-12-02', '2026-12-09');
    assert.deepEqual(
      cell('2026-12-02', wednesdays.morning),
      { kind: 'closed', reason: 'conflicts_with_booked', conflictsWith: [wednesdays.day] },
      'Journée excludes Matin',
    );
    assert.equal(cell('2026-12-02', wednesdays.meal).kind, 'open', 'Repas goes with the Journée held');
    assert.equal(cell('2026-12-02', wednesdays.evening).kind, 'open');
    assert.equal(cell('2026-12-09', wednesdays.morning).kind, 'open', 'another day holds nothing');
    // What the calendar says is what submitting answers.
    assert.deepEqual((await book(wednesdays.id, [{ unitId: wednesdays.morning, day: '2026-12-02' }]))![0]!.outcome, {
      kind: 'refused',
      reason: 'unit_conflict',
    });

    const browser = await signIn();
    const page = await browser.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${wednesdays.id}&mois=2026-12`);
    assert.doesNotMatch(page.body, new RegExp(`value="${family.childIds[0]}\\|${wednesdays.morning}\\|2026-12-02"`), 'no box to tick');
    assert.match(page.body, new RegExp(`value="${family.childIds[0]}\\|${wednesdays.morning}\\|2026-12-09"`));
    assert.match(page.body, /ne se cumule pas avec Journée, déjà réservé ce jour/, 'the reason names the unit held');
    const english = await browser.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${wednesdays.id}&mois=2026-12&lang=en`);
    assert.match(english.body, /does not go with Journée, already booked that day/);
  });

  it('counts a waiting-list entry as holding nothing, as the pipeline does', async () => {
    await portal.inTenant(tenant, async ({ tx, tenantId }) => {
      await tx
        .insertInto('bookings')
        .values({
          tenant_id: tenantId,
          child_id: family.childIds[0]!,
          unit_id: wednesdays.day,
          day: '2026-12-16',
          household_id: family.householdId,
          status: 'waitlisted',
          waitlist_rank: 1,
          created_at: new Date(),
          updated_at: new Date(),
        })
        .execute();
    });
    const cell = await calendarOf(wednesdays.id, '2026-12-16', '2026-12-16');
    assert.equal(cell('2026-12-16', wednesdays.morning).kind, 'open');
    assert.equal((await book(wednesdays.id, [{ unitId: wednesdays.morning, day: '2026-12-16' }]))![0]!.outcome.kind, 'reserved');
  });
});
