import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addBookingPeriod, addCapacityPool, addGroup, addUnit, createActivity, setUnitRelations } from '../src/modules/activities/activity-setup.js';
import { weekdayOf } from '../src/modules/calendar/calendar-dates.js';
import { requestBookings, type BookingContext } from '../src/modules/bookings/booking-requests.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import { drawOrder } from '../src/modules/lottery/draw-order.js';
import { applyForLottery, withdrawApplications } from '../src/modules/lottery/lottery-applications.js';
import { runLottery } from '../src/modules/lottery/lottery-draw.js';
import { drawExport, verifyDraw } from '../src/modules/lottery/lottery-export.js';
import { giveLeftoverPlaces, lotteryLeftovers } from '../src/modules/lottery/lottery-leftovers.js';
import { loadLotteryPeriod, saveLotterySettings } from '../src/modules/lottery/lottery-settings.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, TestBrowser } from './support/http-client.js';
import { emailsTo } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** Summer weekdays, no holiday or closure in the way. */
const context: BookingContext = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => true, isWorkingDay: (date) => weekdayOf(date) <= 5 },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};
const OPENS = '2027-05-03T06:00:00Z';
const CLOSES = '2027-05-20T22:00:00Z';
const DURING = '2027-05-10T08:00:00Z';
const AFTER = '2027-05-21T08:00:00Z';
const PLACES = 3;

/** Each test has its own week of July, so its own lottery period. */
const WEEKS = {
  window: ['2027-07-05', '2027-07-09'],
  siblings: ['2027-07-12', '2027-07-16'],
  priorities: ['2027-07-19', '2027-07-23'],
  twice: ['2027-07-26', '2027-07-30'],
  pages: ['2027-08-02', '2027-08-06'],
  leftovers: ['2027-08-09', '2027-08-13'],
  oneDay: ['2027-08-16', '2027-08-16'],
} as const;

describe('lottery booking periods', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let staff: Scope['actor'];
  let staffLogin: { email: string; password: string };
  let families: TestFamily[];
  let activityId: string;
  let day: string;
  let meal: string;
  let pool: string;
  const periods: Record<keyof typeof WEEKS, string> = { window: '', siblings: '', priorities: '', twice: '', pages: '', leftovers: '', oneDay: '' };

  const asFamily = <T>(family: TestFamily, work: (scope: Scope) => Promise<T>) =>
    portal.inTenant(tenant, (scope) =>
      work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
    );
  const asStaff = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(tenant, (scope) => work({ ...scope, actor: staff }));
  const apply = (family: TestFamily, period: keyof typeof WEEKS, days: string[], options: { children?: number[]; units?: string[] } = {}) =>
    asFamily(family, (scope) =>
      applyForLottery(scope, context, {
        householdId: family.householdId,
        activityId,
        periodId: periods[period],
        choices: (options.children ?? family.childIds.map((_, index) => index)).flatMap((child) =>
          days.flatMap((date) => (options.units ?? [day]).map((unitId) => ({ childId: family.childIds[child]!, unitId, day: date }))),
        ),
      }),
    );
  const weekDays = (week: keyof typeof WEEKS) => {
    const [first] = WEEKS[week];
    return [0, 1, 2, 3, 4].map((offset) => new Date(Date.parse(`${first}T12:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10));
  };

  before(async () => {
    portal = await startTestPortal({ now: '2027-04-01T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    staffLogin = await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager', name: 'Agent Tirage' });
    staff = {
      kind: 'staff',
      accountId: (
        await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('accounts').select('id').where('email', '=', 'agent@example.test').executeTakeFirstOrThrow())
      ).id,
      role: 'manager',
      label: 'Agent',
    };
    families = [];
    const sizes = [2, 1, 2, 1, 3, 1, 2, 1];
    for (let index = 0; index < sizes.length; index++) {
      families.push(
        await createFamily(portal, tenant, {
          email: `parent${index}@example.test`,
          lastName: `FAMILLE${index}`,
          children: Array.from({ length: sizes[index]! }, (_, child) => `Enfant${child}`),
        }),
      );
    }
    await asStaff(async (scope) => {
      activityId = await createActivity(scope, {
        name: 'Centre de loisirs été',
        kind: 'alsh_holidays',
        site_id: null,
        starts_on: '2027-07-01',
        ends_on: '2027-08-31',
        weekdays: [1, 2, 3, 4, 5],
        opening: 'all',
        booking_deadline: { type: 'days_before', days: 2, time: '00:00' },
        cancellation_deadline: { type: 'days_before', days: 2, time: '00:00' },
      });
      const group = await addGroup(scope, { activity_id: activityId, name: '3-11 ans' });
      day = await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J', position: 0 });
      meal = await addUnit(scope, { activity_id: activityId, name: 'Repas', code: 'R', position: 1 });
      await setUnitRelations(scope, meal, { excludes: [], requiresAny: [day] });
      pool = await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [day], places: PLACES });
      for (const [name, [first, last]] of Object.entries(WEEKS) as [keyof typeof WEEKS, readonly [string, string]][]) {
        periods[name] = await addBookingPeriod(scope, {
          activity_id: activityId,
          name: `Été — ${name}`,
          first_day: first,
          last_day: last,
          opens_at: new Date(OPENS),
          closes_at: new Date(CLOSES),
          allocation: 'lottery',
        });
      }
      for (const family of families) {
        for (const childId of family.childIds) await requestEnrollment(scope, { householdId: family.householdId, childId, activityId, groupId: group });
      }
    });
  });
  after(() => portal.close());

  it('takes applications only inside the window, once each, withdrawable until the close; first-come booking is refused', async () => {
    const family = families[0]!;
    const days = weekDays('window').slice(0, 2);
    portal.clock.set('2027-05-03T05:59:00Z');
    const early = await apply(family, 'window', days);
    assert.ok(early.kind === 'done');
    assert.deepEqual(
      [...new Set(early.answers.map((answer) => JSON.stringify(answer.outcome)))],
      [JSON.stringify({ kind: 'refused', reason: 'period_not_open' })],
    );

    portal.clock.set(DURING);
    const applied = await apply(family, 'window', days);
    assert.ok(applied.kind === 'done');
    assert.deepEqual(
      applied.answers.map((answer) => answer.outcome.kind),
      ['applied', 'applied', 'applied', 'applied'],
    );
    const again = await apply(family, 'window', days);
    assert.ok(again.kind === 'done');
    assert.deepEqual(
      again.answers.map((answer) => answer.outcome.kind),
      ['already', 'already', 'already', 'already'],
      'a second submission records nothing twice',
    );
    const mealAlone = await apply(family, 'window', [weekDays('window')[2]!], { children: [0], units: [meal] });
    assert.deepEqual(
      mealAlone.kind === 'done' && mealAlone.answers[0]!.outcome,
      { kind: 'refused', reason: 'unit_conflict' },
      'units must go together, as for bookings',
    );
    const foreign = await asFamily(family, (scope) =>
      applyForLottery(scope, context, {
        householdId: family.householdId,
        activityId,
        periodId: periods.window,
        choices: [{ childId: families[1]!.childIds[0]!, unitId: day, day: days[0]! }],
      }),
    );
    assert.deepEqual(foreign, { kind: 'not_found' }, 'a child of another household: nothing is recorded');
    const outside = await apply(family, 'window', ['2027-07-12'], { children: [0] });
    assert.deepEqual(outside.kind === 'done' && outside.answers[0]!.outcome, { kind: 'refused', reason: 'no_open_period' });

    const booking = await asFamily(family, (scope) =>
      requestBookings(scope, context, { householdId: family.householdId, activityId, choices: [{ childId: family.childIds[0]!, unitId: day, day: days[0]! }] }),
    );
    assert.deepEqual(booking![0]!.outcome, { kind: 'refused', reason: 'lottery_period' }, 'a lottery period books nothing first come');

    const withdrawn = await asFamily(family, (scope) =>
      withdrawApplications(scope, { householdId: family.householdId, periodId: periods.window, childId: family.childIds[1]! }),
    );
    assert.deepEqual(withdrawn, { kind: 'withdrawn', count: 2 });

    portal.clock.set(CLOSES);
    const late = await apply(family, 'window', [weekDays('window')[3]!]);
    assert.ok(late.kind === 'done' && late.answers.every((answer) => answer.outcome.kind === 'refused' && answer.outcome.reason === 'period_closed'));
    const lateWithdraw = await asFamily(family, (scope) =>
      withdrawApplications(scope, { householdId: family.householdId, periodId: periods.window, childId: family.childIds[0]! }),
    );
    assert.deepEqual(lateWithdraw, { kind: 'closed' });
    const rows = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('lottery_applications').select(['child_id', 'day']).where('period_id', '=', periods.window).execute(),
    );
    assert.deepEqual(rows.map((row) => `${row.child_id === family.childIds[0] ? 'aîné' : 'cadet'} ${row.day}`).sort(), [`aîné ${days[0]}`, `aîné ${days[1]}`]);
    const seed = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('lottery_settings').select(['seed', 'seed_published_at']).where('period_id', '=', periods.window).executeTakeFirstOrThrow(),
    );
    assert.match(seed.seed, /^[0-9a-f]{64}$/, 'the first application published the seed');
    assert.ok(seed.seed_published_at < new Date(CLOSES));
    await assert.rejects(
      portal.inTenant(tenant, ({ tx }) =>
        tx
          .updateTable('lottery_settings')
          .set({ seed: 'a'.repeat(64) })
          .where('period_id', '=', periods.window)
          .execute(),
      ),
      'the seed never changes once published',
    );
  });

  it('draws households whole: siblings get their places together or wait together with consecutive ranks, places never exceeded', async () => {
    portal.clock.set(DURING);
    const days = weekDays('siblings');
    // Everybody wants the whole week; the third family also wants lunch on Monday.
    for (const family of families) assert.equal((await apply(family, 'siblings', days)).kind, 'done');
    await apply(families[2]!, 'siblings', [days[0]!], { units: [meal] });
    portal.clock.set(AFTER);
    const result = await asStaff((scope) => runLottery(scope, periods.siblings, { context }));
    assert.equal(result.kind, 'drawn');

    const file = (await asStaff((scope) => drawExport(scope, activityId, periods.siblings)))!;
    const bookings = await portal.inTenant(tenant, ({ tx }) =>
      tx
        .selectFrom('bookings')
        .select(['id', 'household_id', 'child_id', 'unit_id', 'day', 'status', 'waitlist_rank'])
        .where('day', '>=', days[0]!)
        .where('day', '<=', days[4]!)
        .execute(),
    );
    const counters = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('capacity_days').select(['day', 'places', 'taken']).where('pool_id', '=', pool).where('day', 'in', days).execute(),
    );
    for (const date of days) {
      // Replays the rule from the published order: a household gets the day if all its children fit.
      let left = PLACES;
      let rank = 1;
      const expected = new Map<string, { status: string; ranks: number[] }>();
      for (const household of file.households) {
        const family = families.find((candidate) => candidate.householdId === household.householdId)!;
        const need = family.childIds.length;
        if (need <= left) {
          left -= need;
          expected.set(household.householdId, { status: 'reserved', ranks: [] });
        } else {
          expected.set(household.householdId, { status: 'waitlisted', ranks: Array.from({ length: need }, (_, index) => rank + index) });
          rank += need;
        }
      }
      const dayBookings = bookings.filter((booking) => booking.day === date && booking.unit_id === day);
      for (const [householdId, wanted] of expected) {
        const own = dayBookings.filter((booking) => booking.household_id === householdId);
        assert.deepEqual([...new Set(own.map((booking) => booking.status))], [wanted.status], `${date}: the household’s children share one outcome`);
        assert.deepEqual(
          own
            .map((booking) => booking.waitlist_rank)
            .filter((value) => value !== null)
            .sort((a, b) => a! - b!),
          wanted.ranks,
          `${date}: consecutive ranks`,
        );
      }
      const counter = counters.find((row) => row.day === date)!;
      assert.ok(counter.taken <= counter.places, 'never oversold');
      assert.equal(counter.taken, dayBookings.filter((booking) => booking.status === 'reserved').length);
      const ranks = dayBookings
        .filter((booking) => booking.status === 'waitlisted')
        .map((booking) => booking.waitlist_rank!)
        .sort((a, b) => a - b);
      assert.deepEqual(
        ranks,
        Array.from({ length: ranks.length }, (_, index) => index + 1),
        'a clean 1..n waiting list',
      );
    }
    // Lunch goes with its household's day: booked with the day, or waiting with it.
    const lunch = bookings.filter((booking) => booking.unit_id === meal);
    const mondayOfThird = bookings.filter((booking) => booking.household_id === families[2]!.householdId && booking.day === days[0] && booking.unit_id === day);
    assert.deepEqual([...new Set(lunch.map((booking) => booking.status))], [...new Set(mondayOfThird.map((booking) => booking.status))]);
    const events = await portal.inTenant(tenant, ({ tx }) =>
      tx
        .selectFrom('booking_events')
        .select(['booking_id', 'to_status'])
        .where(
          'booking_id',
          'in',
          bookings.map((booking) => booking.id),
        )
        .execute(),
    );
    assert.equal(events.length, bookings.length, 'each booking of the draw has its event');
    const answers = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('lottery_applications').select(['result', 'booking_id']).where('period_id', '=', periods.siblings).execute(),
    );
    assert.ok(
      answers.every((answer) => answer.result !== null && answer.booking_id !== null),
      'every application has its answer and booking',
    );
  });

  it('shows the places a whole-household draw left free while children wait, and gives them down the waiting lists on request', async () => {
    // Two households of two children for three places: the first served takes two, the other
    // waits whole, and one place stays free whatever the draw's order.
    portal.clock.set(DURING);
    const days = weekDays('leftovers');
    for (const family of [families[0]!, families[2]!]) assert.equal((await apply(family, 'leftovers', days)).kind, 'done');
    portal.clock.set(AFTER);
    assert.equal((await asStaff((scope) => runLottery(scope, periods.leftovers, { context }))).kind, 'drawn');
    const period = (await asStaff((scope) => loadLotteryPeriod(scope, periods.leftovers)))!.period;
    const state = () =>
      portal.inTenant(tenant, async ({ tx }) => ({
        counters: await tx.selectFrom('capacity_days').select(['day', 'places', 'taken']).where('pool_id', '=', pool).where('day', 'in', days).execute(),
        waiting: await tx
          .selectFrom('bookings')
          .select(['day', sql<number>`count(*)::int`.as('count')])
          .where('unit_id', '=', day)
          .where('status', '=', 'waitlisted')
          .where('day', 'in', days)
          .groupBy('day')
          .execute(),
      }));
    const before = await state();
    const waitingOn = (date: string, of = before) => of.waiting.find((row) => row.day === date)?.count ?? 0;
    const freeOn = (date: string, of = before) => {
      const counter = of.counters.find((row) => row.day === date)!;
      return counter.places - counter.taken;
    };
    const expected = days.filter((date) => freeOn(date) > 0 && waitingOn(date) > 0);
    assert.deepEqual(expected, days, 'every day has a place free while two siblings wait');
    const leftovers = await asStaff((scope) => lotteryLeftovers(scope, period));
    assert.deepEqual(
      leftovers.filter((leftover) => leftover.unitId === day).map((leftover) => [leftover.day, leftover.free, leftover.waiting]),
      expected.map((date) => [date, freeOn(date), waitingOn(date)]),
    );

    const refused = await portal.inTenant(tenant, (scope) =>
      giveLeftoverPlaces(
        { ...scope, actor: { kind: 'staff', accountId: staff.kind === 'staff' ? staff.accountId : '', role: 'reader', label: 'Lecture' } },
        period,
      ),
    );
    assert.equal(refused.kind, 'forbidden', 'read-only staff cannot give places');

    const given = await asStaff((scope) => giveLeftoverPlaces(scope, period));
    const after = await state();
    const promised = expected.reduce((sum, date) => sum + Math.min(freeOn(date), waitingOn(date)), 0);
    assert.deepEqual(given, { kind: 'given', places: promised });
    for (const date of days) {
      assert.ok(freeOn(date, after) >= 0, 'never oversold');
      assert.equal(freeOn(date, after) === 0 || waitingOn(date, after) === 0, true, `${date}: no place left free while a child waits`);
    }
    assert.deepEqual(
      (await asStaff((scope) => lotteryLeftovers(scope, period))).filter((leftover) => leftover.unitId === day),
      [],
    );
  });

  it('orders households by the authority’s priority levels, then by the seed, reproducibly', async () => {
    portal.clock.set(DURING);
    const saved = await asStaff((scope) =>
      saveLotterySettings(scope, activityId, periods.priorities, {
        criterion1: 'resident',
        criterion2: 'working_guardians',
        criterion3: 'low_quotient',
        residentPostcodes: '38000 38100',
        quotientThreshold: '700',
      }),
    );
    assert.deepEqual(saved, { kind: 'saved' });
    // Families 0–3 live in town, families 4–7 do not; the even ones have a low quotient; family 1's guardian works.
    await portal.inTenant(tenant, async ({ tx }) => {
      for (const [index, family] of families.entries()) {
        await tx
          .updateTable('households')
          .set({ postcode: index < 4 ? '38000' : '69001', quotient_familial: index % 2 === 0 ? 500 : 1500 })
          .where('id', '=', family.householdId)
          .execute();
      }
      const guardian = await tx
        .selectFrom('household_members')
        .select('person_id')
        .where('household_id', '=', families[1]!.householdId)
        .where('role', '=', 'guardian')
        .executeTakeFirstOrThrow();
      await tx.updateTable('persons').set({ profession: 'Infirmière' }).where('id', '=', guardian.person_id).execute();
    });
    const days = weekDays('priorities').slice(0, 1);
    for (const family of families) await apply(family, 'priorities', days, { children: [0] });
    portal.clock.set(AFTER);
    assert.equal(
      (await asStaff((scope) => saveLotterySettings(scope, activityId, periods.priorities, { criterion1: 'low_quotient' }))).kind,
      'closed',
      'criteria are frozen at the close',
    );
    assert.equal((await asStaff((scope) => runLottery(scope, periods.priorities, { context }))).kind, 'drawn');

    const file = (await asStaff((scope) => drawExport(scope, activityId, periods.priorities)))!;
    const expectedLevel = (index: number) => [index < 4 ? 1 : 0, index === 1 ? 1 : 0, index % 2 === 0 ? 1 : 0];
    for (const household of file.households) {
      const index = families.findIndex((family) => family.householdId === household.householdId);
      assert.deepEqual(household.level, expectedLevel(index), `level of family ${index}`);
    }
    assert.equal(file.households[0]!.householdId, families[1]!.householdId, 'resident and working first');
    assert.deepEqual(
      file.households.slice(0, 4).map((household) => household.level[0]),
      [1, 1, 1, 1],
      'residents before everyone else',
    );
    assert.deepEqual(verifyDraw(file), { ok: true });
    const again = drawOrder(
      file.seed,
      families.map((family, index) => ({ householdId: family.householdId, level: expectedLevel(index) })),
    );
    assert.deepEqual(
      again.map((household) => [household.householdId, household.hash]),
      file.households.map((household) => [household.householdId, household.hash]),
      'anyone re-runs it from the seed and the levels',
    );
    const tampered = { ...file, seed: `${file.seed.slice(0, 63)}${file.seed[63] === '0' ? '1' : '0'}` };
    assert.equal(verifyDraw(tampered).ok, false);
    // Only the first three got a place (three places, one child each), in that order.
    const placed = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select('household_id').where('day', '=', days[0]!).where('status', '=', 'reserved').execute(),
    );
    assert.deepEqual(
      placed.map((row) => row.household_id).sort(),
      file.households
        .slice(0, 3)
        .map((household) => household.householdId)
        .sort(),
    );
  });

  it('runs a draw once only, even when two start at the same moment', async () => {
    portal.clock.set(DURING);
    for (const family of families) await apply(family, 'twice', weekDays('twice').slice(0, 2));
    assert.equal((await asStaff((scope) => runLottery(scope, periods.twice, { context }))).kind, 'not_closed');
    portal.clock.set(AFTER);
    const both = await Promise.all([
      asStaff((scope) => runLottery(scope, periods.twice, { context })),
      asStaff((scope) => runLottery(scope, periods.twice, { context })),
    ]);
    assert.deepEqual(both.map((result) => result.kind).sort(), ['already_drawn', 'drawn']);
    assert.equal((await asStaff((scope) => runLottery(scope, periods.twice, { context }))).kind, 'already_drawn');
    const counts = await portal.inTenant(tenant, async ({ tx }) => ({
      draws: (await sql<{ n: number }>`select count(*)::int as n from lottery_draws where period_id = ${periods.twice}`.execute(tx)).rows[0]!.n,
      bookings: (await sql<{ n: number }>`select count(*)::int as n from bookings where day in (${weekDays('twice')[0]}, ${weekDays('twice')[1]})`.execute(tx))
        .rows[0]!.n,
      applications: (await sql<{ n: number }>`select count(*)::int as n from lottery_applications where period_id = ${periods.twice}`.execute(tx)).rows[0]!.n,
    }));
    assert.deepEqual(counts, { draws: 1, bookings: counts.applications, applications: counts.applications }, 'one draw, one booking per application');
    const reader = { kind: 'family', accountId: families[0]!.accountId, householdId: families[0]!.householdId, label: 'famille' } as const;
    assert.equal((await portal.inTenant(tenant, (scope) => runLottery({ ...scope, actor: reader }, periods.twice))).kind, 'forbidden');
  });

  it('works through the pages: the family applies on its calendar, staff set and run the draw, export it, families are told and see their results', async () => {
    portal.clock.set(DURING);
    await portal.inTenant(tenant, ({ tx }) => tx.updateTable('accounts').set({ locale: 'en' }).where('id', '=', families[3]!.accountId).execute());
    const family = families[0]!;
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: family.email, password: PASSWORD });
    const calendarUrl = `/ville/reservations?enfant=${family.childIds[0]}&enfant=${family.childIds[1]}&activite=${activityId}&periode=${periods.pages}`;
    const calendar = await browser.get(calendarUrl);
    assert.equal(calendar.statusCode, 200);
    assert.match(calendar.body, /Période attribuée par tirage au sort/);
    assert.match(calendar.body, /Demande possible jusqu’au jeudi 20\/05 inclus pour tous les jours affichés/);
    assert.match(calendar.body, /name="periode" value="[^"]+"/);
    const days = weekDays('pages');
    const answer = await browser.post('/ville/reservations', {
      activite: activityId,
      periode: periods.pages,
      retour: '',
      choix: family.childIds.flatMap((childId) => days.slice(0, 2).map((date) => `${childId}|${day}|${date}`)),
    });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /Demande enregistrée pour le tirage qui suivra la clôture du 21\/05\/2027 00:00/);
    const after = await browser.get(calendarUrl);
    assert.equal([...after.body.matchAll(/Demande enregistrée/g)].length, 4, 'the calendar shows the applications');
    for (const other of families.slice(1)) await apply(other, 'pages', days.slice(0, 2));

    const desk = new TestBrowser(portal.app);
    await desk.get('/ville/connexion');
    await desk.post('/ville/connexion', { email: staffLogin.email, password: staffLogin.password });
    const base = `/ville/gestion/activites/${activityId}/periodes/${periods.pages}/tirage`;
    const settings = await desk.get(base);
    assert.equal(settings.statusCode, 200);
    assert.match(settings.body, /Tirage au sort — Été — pages/);
    assert.match(settings.body, /Jours demandés : 26 ; foyers : 8 ; enfants : 13\./);
    const invalid = await desk.post(`${base}/reglages`, {
      criterion1: 'siblings',
      criterion2: 'siblings',
      residentPostcodes: '',
      quotientThreshold: '',
      drawOn: '',
    });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /Chaque critère ne peut être choisi qu’une fois/);
    const saved = await desk.post(`${base}/reglages`, { criterion1: 'siblings', residentPostcodes: '', quotientThreshold: '', drawOn: '25/05/2027' });
    assert.equal(saved.statusCode, 302);
    const early = await desk.post(`${base}/lancer`, {});
    assert.match(early.headers.location as string, /fait=not_closed/);

    const familyView = await browser.get(`/ville/reservations/tirage/${periods.pages}`);
    assert.match(familyView.body, /Tirage prévu le 25\/05\/2027/);
    assert.match(familyView.body, /<code class="pf-seed">[0-9a-f]{64}<\/code>/, 'the seed is shown to families before the draw');

    portal.clock.set(AFTER);
    // A day later: both signed in again (sessions expire when idle).
    for (const [who, login] of [
      [desk, staffLogin],
      [browser, family],
    ] as const) {
      await who.get('/ville/connexion');
      await who.post('/ville/connexion', { email: login.email, password: login.password });
    }
    await desk.get(base);
    const run = await desk.post(`${base}/lancer`, {});
    assert.match(run.headers.location as string, /fait=drawn-8-/);
    const twice = await desk.post(`${base}/lancer`, {});
    assert.match(twice.headers.location as string, /fait=already_drawn/);
    const page = await desk.get(base);
    assert.match(page.body, /Tirage effectué le 21\/05\/2027 10:00 par Agent Tirage/);
    assert.match(page.body, /Ordre du tirage/);

    const csv = await desk.get(`${base}/ordre.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const json = JSON.parse((await desk.get(`${base}/tirage.json`)).body);
    assert.equal(json.households.length, families.length);
    assert.deepEqual(verifyDraw(json), { ok: true });
    for (const household of json.households) {
      assert.ok(
        csv.body.includes(`${household.position};${household.householdId};${household.familyNumber};${household.level.join('-')};`),
        'every household with its level',
      );
      assert.ok(csv.body.includes(household.hash), 'and its hash');
    }
    const results = await desk.get(`${base}/resultats.csv`);
    assert.equal(results.body.trim().split('\r\n').length, 1 + json.applications.length);

    const mailFr = (await emailsTo(portal, tenant, family.email)).find((mail) => mail.subject.includes('pages'));
    assert.match(mailFr!.subject, /^Résultat du tirage au sort — Été — pages — Commune ville$/);
    assert.match(mailFr!.text_body, /Enfant0 — Journée — 02\/08\/2027 : (place attribuée|liste d’attente, rang \d+)/);
    assert.match(mailFr!.text_body, new RegExp(`/ville/reservations/tirage/${periods.pages}`));
    const mailEn = (await emailsTo(portal, tenant, families[3]!.email)).find((mail) => mail.subject.includes('pages'));
    assert.match(mailEn!.subject, /^Result of the lottery — Été — pages/, 'each family in its account’s language');

    const mine = await browser.get(`/ville/reservations/tirage/${periods.pages}`);
    assert.match(mine.body, /Votre foyer est au rang \d+ sur 8 dans l’ordre du tirage/);
    assert.match(mine.body, /Place attribuée|Liste d’attente/);
    const planning = await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2027-08`);
    assert.match(planning.body, /Réservée|Liste d’attente/);
    const requests = await browser.get('/ville/mes-demandes?type=lottery');
    assert.match(requests.body, /Centre de loisirs été — Été — pages : 2 jours demandés/);
    assert.match(requests.body, /Places obtenues : \d+ ; en liste d’attente : \d+ ; refusées : \d+/);

    const reader = await createStaff(portal, tenant, { email: 'lecteur@example.test', role: 'reader' });
    const readerDesk = new TestBrowser(portal.app);
    await readerDesk.get('/ville/connexion');
    await readerDesk.post('/ville/connexion', { email: reader.email, password: reader.password });
    assert.equal((await readerDesk.get(base)).statusCode, 200);
    assert.equal((await readerDesk.post(`${base}/lancer`, {})).statusCode, 403);
  });

  it('says the days a period covers on its staff page: a single day as one day', async () => {
    const desk = await signedInBrowser(portal, tenant, (staff as { accountId: string }).accountId);
    const page = (name: keyof typeof WEEKS) => desk.get(`/ville/gestion/activites/${activityId}/periodes/${periods[name]}/tirage`);
    assert.match((await page('pages')).body, /pour les jours du 02\/08\/2027 au 06\/08\/2027\./);
    const single = (await page('oneDay')).body;
    assert.match(single, /pour le 16\/08\/2027\./);
    assert.doesNotMatch(single, /du 16\/08\/2027 au 16\/08\/2027/);
  });
});
