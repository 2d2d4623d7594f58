import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addBookingPeriod, addCapacityPool, addGroup, addUnit, createActivity, setUnitRelations } from '../src/modules/activities/activity-setup.js';
import { setDayPlaces } from '../src/modules/bookings/places-admin.js';
import type { DayCalendar } from '../src/modules/activities/availability.js';
import { weekdayOf } from '../src/modules/calendar/calendar-dates.js';
import { requestBookings, type BookingContext } from '../src/modules/bookings/booking-requests.js';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { emailsTo } from './support/outbox.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** A calendar with one public holiday (11 November) and the Christmas school holidays. */
const calendar: DayCalendar & { isWorkingDay(date: string): boolean } = {
  closedReason: (date) => (date === '2026-11-11' ? 'public_holiday' : null),
  isSchoolHoliday: (date) => date >= '2026-12-19' && date <= '2027-01-03',
  isWorkingDay: (date) => weekdayOf(date) <= 5 && date !== '2026-11-11',
};
const context: BookingContext = { calendar, timeZone: 'Europe/Paris', schoolYearClosed: () => false };

describe('the booking engine', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let staff: Scope['actor'];
  let families: TestFamily[];
  let activityId: string;
  let units: Record<'matin' | 'repas' | 'journee' | 'soir', string>;
  let group: string;
  let pool: string;

  const asFamily = <T>(family: TestFamily, work: (scope: Scope) => Promise<T>) =>
    portal.inTenant(tenant, (scope) =>
      work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
    );
  const asStaff = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(tenant, (scope) => work({ ...scope, actor: staff }));
  const book = (family: TestFamily, choices: { unit: keyof typeof units; day: string; child?: number }[]) =>
    asFamily(family, (scope) =>
      requestBookings(scope, context, {
        householdId: family.householdId,
        activityId,
        choices: choices.map((choice) => ({ childId: family.childIds[choice.child ?? 0]!, unitId: units[choice.unit], day: choice.day })),
      }),
    );
  const taken = (day: string) =>
    portal.inTenant(
      tenant,
      async ({ tx }) =>
        (await tx.selectFrom('capacity_days').select('taken').where('pool_id', '=', pool).where('day', '=', day).executeTakeFirst())?.taken ?? 0,
    );

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-02T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    const staffAccount = await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
    staff = { kind: 'staff', accountId: staffAccount.accountId, role: 'manager', label: 'Agent' };
    families = [];
    for (let index = 0; index < 4; index++)
      families.push(await createFamily(portal, tenant, { email: `parent${index}@example.test`, lastName: `FAMILLE${index}`, children: ['Aîné', 'Cadet'] }));
    await asStaff(async (scope) => {
      activityId = await createActivity(scope, {
        name: 'ALSH mercredis',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'school_days',
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
      });
      group = await addGroup(scope, { activity_id: activityId, name: '6-11 ans' });
      units = {
        matin: await addUnit(scope, { activity_id: activityId, name: 'Matin', code: 'M', position: 1 }),
        repas: await addUnit(scope, { activity_id: activityId, name: 'Repas', code: 'R', position: 2 }),
        journee: await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J', position: 0 }),
        soir: await addUnit(scope, { activity_id: activityId, name: 'Soir', code: 'S', position: 3 }),
      };
      await setUnitRelations(scope, units.journee, { excludes: [units.matin], requiresAny: [] });
      await setUnitRelations(scope, units.repas, { excludes: [], requiresAny: [units.journee, units.matin] });
      pool = await addCapacityPool(scope, { activity_id: activityId, group_id: group, unit_ids: [units.journee, units.matin], places: 2 });
      for (const family of families) {
        for (const childId of family.childIds) await requestEnrollment(scope, { householdId: family.householdId, childId, activityId, groupId: group });
      }
    });
  });
  beforeEach(async () => {
    await portal.inTenant(tenant, async ({ tx }) => {
      await tx.deleteFrom('booking_events').execute();
      await tx.deleteFrom('bookings').execute();
      await tx.deleteFrom('capacity_days').execute();
      await tx.updateTable('activities').set({ waitlist_mode: 'automatic', validation_mode: 'automatic' }).execute();
    });
    portal.clock.set('2026-11-02T08:00:00Z');
  });
  after(() => portal.close());

  it('books open days, refuses closed days and past deadlines with the reason, and a submission naming another family’s child altogether', async () => {
    const results = await book(families[0]!, [
      { unit: 'journee', day: '2026-11-18' },
      { unit: 'journee', day: '2026-11-19' },
      { unit: 'journee', day: '2026-11-11' },
      { unit: 'journee', day: '2026-12-23' },
      { unit: 'journee', day: '2026-11-04' },
    ]);
    assert.deepEqual(
      results!.map((result) => [result.day, result.outcome.kind, 'reason' in result.outcome ? result.outcome.reason : null]),
      [
        ['2026-11-04', 'refused', 'deadline_passed'],
        ['2026-11-11', 'refused', 'public_holiday'],
        ['2026-11-18', 'reserved', null],
        ['2026-11-19', 'refused', 'weekday'],
        ['2026-12-23', 'refused', 'school_holiday'],
      ],
    );
    const foreign = await asFamily(families[0]!, (scope) =>
      requestBookings(scope, context, {
        householdId: families[0]!.householdId,
        activityId,
        choices: [{ childId: families[1]!.childIds[0]!, unitId: units.journee, day: '2026-11-25' }],
      }),
    );
    assert.equal(foreign, null, 'a child of another household: the submission is not answered');
    const booked = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('id').where('child_id', '=', families[1]!.childIds[0]!).execute(),
    );
    assert.deepEqual(booked, []);
    const otherHousehold = await asFamily(families[0]!, (scope) =>
      requestBookings(scope, context, { householdId: families[1]!.householdId, activityId, choices: [] }),
    );
    assert.equal(otherHousehold, null);
  });

  it('applies the deadline in the authority’s time zone, to the minute', async () => {
    portal.clock.set('2026-11-17T22:59:00Z');
    assert.equal((await book(families[0]!, [{ unit: 'journee', day: '2026-11-25' }]))![0]!.outcome.kind, 'reserved');
    portal.clock.set('2026-11-17T23:00:00Z');
    assert.deepEqual((await book(families[0]!, [{ unit: 'soir', day: '2026-11-25' }]))![0]!.outcome, { kind: 'refused', reason: 'deadline_passed' });
  });

  it('refuses units that do not go together, counting what is already booked', async () => {
    await book(families[0]!, [{ unit: 'journee', day: '2026-11-25' }]);
    const results = await book(families[0]!, [
      { unit: 'matin', day: '2026-11-25' },
      { unit: 'repas', day: '2026-12-02' },
      { unit: 'repas', day: '2026-11-25' },
    ]);
    const byKey = Object.fromEntries(results!.map((result) => [`${result.day} ${result.unitId === units.matin ? 'matin' : 'repas'}`, result.outcome]));
    assert.deepEqual(byKey['2026-11-25 matin'], { kind: 'refused', reason: 'unit_conflict' });
    assert.equal(byKey['2026-11-25 repas']!.kind, 'reserved', 'a meal goes with the booked day');
    assert.deepEqual(byKey['2026-12-02 repas'], { kind: 'refused', reason: 'unit_conflict' });
  });

  it('refuses a meal asked with a day that only gets a waiting-list rank, and keeps it with a day that gets a place', async () => {
    // Two places: the first family fills the day.
    await book(families[0]!, [
      { unit: 'journee', day: '2026-11-25', child: 0 },
      { unit: 'journee', day: '2026-11-25', child: 1 },
    ]);
    const waiting = await book(families[1]!, [
      { unit: 'repas', day: '2026-11-25' },
      { unit: 'journee', day: '2026-11-25' },
    ]);
    const outcome = (unit: string) => waiting!.find((result) => result.unitId === unit)!.outcome;
    assert.deepEqual(outcome(units.journee), { kind: 'waitlisted', bookingId: (outcome(units.journee) as { bookingId: string }).bookingId, rank: 1 });
    assert.deepEqual(outcome(units.repas), { kind: 'refused', reason: 'needs_waiting_unit' });
    const meals = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('id').where('unit_id', '=', units.repas).execute());
    assert.equal(meals.length, 0, 'no meal stands alone on a day the child only waits for');
    const booked = await book(families[1]!, [
      { unit: 'repas', day: '2026-12-02' },
      { unit: 'journee', day: '2026-12-02' },
    ]);
    assert.deepEqual(
      booked!.map((result) => result.outcome.kind),
      ['reserved', 'reserved'],
      'with a place for the day, the meal is booked',
    );
  });

  it('never books twice the same child, unit and day', async () => {
    const first = await book(families[0]!, [{ unit: 'journee', day: '2026-11-25' }]);
    const again = await book(families[0]!, [
      { unit: 'journee', day: '2026-11-25' },
      { unit: 'journee', day: '2026-11-25' },
    ]);
    assert.equal(first![0]!.outcome.kind, 'reserved');
    assert.deepEqual(
      again!.map((result) => result.outcome.kind),
      ['already'],
    );
    assert.equal(await taken('2026-11-25'), 1);
  });

  it('puts a full day on the waiting list with ranks, and moves it when a place frees up', async () => {
    const day = '2026-11-25';
    const outcomes = [];
    for (const family of families) outcomes.push((await book(family, [{ unit: 'journee', day }]))![0]!.outcome);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.kind === 'waitlisted' ? `waitlisted ${outcome.rank}` : outcome.kind)),
      ['reserved', 'reserved', 'waitlisted 1', 'waitlisted 2'],
    );
    assert.equal(await taken(day), 2);

    const firstBooking = outcomes[0]! as { bookingId: string };
    portal.clock.advance(60_000);
    const cancelled = await asFamily(families[0]!, (scope) =>
      cancelBooking(scope, context, { householdId: families[0]!.householdId, bookingId: firstBooking.bookingId }),
    );
    assert.deepEqual(cancelled, { kind: 'cancelled', dependents: [] });
    const statuses = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['household_id', 'status', 'waitlist_rank']).where('day', '=', day).execute(),
    );
    const statusOf = (family: TestFamily) => statuses.filter((row) => row.household_id === family.householdId).map((row) => [row.status, row.waitlist_rank]);
    assert.deepEqual(families.map(statusOf), [[['cancelled', null]], [['reserved', null]], [['reserved', null]], [['waitlisted', 1]]]);
    assert.equal(await taken(day), 2);
    const [mail] = await emailsTo(portal, tenant, 'parent2@example.test');
    assert.match(mail!.subject, /Une place s’est libérée/);
  });

  it('offers a freed place for a limited time when the activity says so', async () => {
    await portal.inTenant(tenant, ({ tx }) => tx.updateTable('activities').set({ waitlist_mode: 'offer', offer_hours: 24 }).execute());
    const day = '2026-11-25';
    const outcomes: { bookingId: string }[] = [];
    for (const family of families.slice(0, 3)) outcomes.push((await book(family, [{ unit: 'journee', day }]))![0]!.outcome as { bookingId: string });
    await asFamily(families[1]!, (scope) => cancelBooking(scope, context, { householdId: families[1]!.householdId, bookingId: outcomes[1]!.bookingId }));
    const offered = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['status', 'offer_expires_at']).where('id', '=', outcomes[2]!.bookingId).executeTakeFirstOrThrow(),
    );
    assert.equal(offered.status, 'offered');
    assert.equal(offered.offer_expires_at!.toISOString(), '2026-11-03T08:00:00.000Z');
  });

  it('keeps a cancellation after its deadline from freeing the place', async () => {
    const [result] = (await book(families[0]!, [{ unit: 'journee', day: '2026-11-25' }]))!;
    portal.clock.set('2026-11-23T11:00:00Z');
    const refused = await asFamily(families[0]!, (scope) =>
      cancelBooking(scope, context, { householdId: families[0]!.householdId, bookingId: (result!.outcome as { bookingId: string }).bookingId }),
    );
    assert.deepEqual(refused, { kind: 'refused', reason: 'deadline_passed' });
    assert.equal(await taken('2026-11-25'), 1);
  });

  it('holds the place of a request the service must validate', async () => {
    await portal.inTenant(tenant, ({ tx }) => tx.updateTable('activities').set({ validation_mode: 'manual' }).execute());
    const [result] = (await book(families[0]!, [{ unit: 'journee', day: '2026-11-25' }]))!;
    assert.equal(result!.outcome.kind, 'requested');
    assert.equal(await taken('2026-11-25'), 1);
  });

  it('follows a per-day number of places set by staff, never below the places taken', async () => {
    await book(families[0]!, [
      { unit: 'journee', day: '2026-12-02' },
      { unit: 'journee', day: '2026-12-02', child: 1 },
    ]);
    assert.equal(await asStaff((scope) => setDayPlaces(scope, pool, '2026-12-02', 1)), 'below_taken');
    assert.equal(await asStaff((scope) => setDayPlaces(scope, pool, '2026-12-09', 1)), 'done');
    const outcomes = [
      (await book(families[1]!, [{ unit: 'journee', day: '2026-12-09' }]))![0]!.outcome.kind,
      (await book(families[2]!, [{ unit: 'journee', day: '2026-12-09' }]))![0]!.outcome.kind,
    ];
    assert.deepEqual(outcomes, ['reserved', 'waitlisted']);
  });

  it('requires an accepted enrollment', async () => {
    const stranger = await createFamily(portal, tenant, { email: 'new@example.test' });
    const [result] = (await book(stranger, [{ unit: 'journee', day: '2026-11-25' }]))!;
    assert.deepEqual(result!.outcome, { kind: 'refused', reason: 'not_enrolled' });
    await asFamily(stranger, (scope) => requestEnrollment(scope, { householdId: stranger.householdId, childId: stranger.childIds[0]!, activityId }));
    const [pending] = (await book(stranger, [{ unit: 'journee', day: '2026-11-25' }]))!;
    assert.deepEqual(pending!.outcome, { kind: 'refused', reason: 'enrollment_pending' });
  });

  it('books nothing before its booking period opens, whatever is posted', async () => {
    const periodActivity = await asStaff(async (scope) => {
      const id = await createActivity(scope, {
        name: 'Été',
        kind: 'alsh_holidays',
        site_id: null,
        starts_on: '2027-07-05',
        ends_on: '2027-08-27',
        weekdays: [1, 2, 3, 4, 5],
        opening: 'all',
        requires_enrollment: false,
      });
      const unit = await addUnit(scope, { activity_id: id, name: 'Journée', code: 'J' });
      await addBookingPeriod(scope, {
        activity_id: id,
        name: 'Été 2027',
        first_day: '2027-07-05',
        last_day: '2027-08-27',
        opens_at: new Date('2027-05-03T06:00:00Z'),
        closes_at: new Date('2027-06-01T06:00:00Z'),
      });
      return { id, unit };
    });
    const attempt = () =>
      asFamily(families[0]!, (scope) =>
        requestBookings(scope, context, {
          householdId: families[0]!.householdId,
          activityId: periodActivity.id,
          choices: [{ childId: families[0]!.childIds[0]!, unitId: periodActivity.unit, day: '2027-07-06' }],
        }),
      );
    portal.clock.set('2027-05-03T05:59:59Z');
    assert.deepEqual((await attempt())![0]!.outcome, { kind: 'refused', reason: 'period_not_open' });
    const rows = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('id').where('unit_id', '=', periodActivity.unit).execute());
    assert.equal(rows.length, 0);
    portal.clock.set('2027-05-03T06:00:00Z');
    assert.equal((await attempt())![0]!.outcome.kind, 'reserved');
  });

  it('keeps the place counters consistent with the bookings that hold them', async () => {
    for (const family of families)
      await book(family, [
        { unit: 'journee', day: '2026-12-16' },
        { unit: 'matin', day: '2026-12-16', child: 1 },
      ]);
    const check = await portal.inTenant(
      tenant,
      async ({ tx }) =>
        (
          await sql<{ taken: number; holders: number }>`
        select d.taken, (select count(*)::int from bookings b where ${sql.ref('d.pool_id')} = any(b.holds_pools) and b.day = d.day and b.status not in ('cancelled','refused','waitlisted')) as holders
        from capacity_days d where d.pool_id = ${pool} and d.day = '2026-12-16'`.execute(tx)
        ).rows[0]!,
    );
    assert.deepEqual(check, { taken: 2, holders: 2 });
  });
});
