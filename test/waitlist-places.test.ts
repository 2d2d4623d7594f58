import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addCapacityPool } from '../src/modules/activities/activity-setup.js';
import { resetDayPlaces, savePool, setPlacesForDays } from '../src/modules/bookings/places-admin.js';
import { cancelBooking } from '../src/modules/bookings/cancellations.js';
import { subjectsTo } from './support/outbox.js';
import { openCalendar, startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const DAY = '2026-11-25';
const NEXT_WEEK = '2026-12-02';
const FREED = /Une place s’est libérée/;

describe('places raised by staff go to the waiting list', () => {
  let s: WaitlistScenario;
  const everyone = () => s.families;
  /** Five families ask for a Journée for their older child: two get it, three wait (ranks 1, 2, 3). */
  const fillDay = async (day: string) => {
    for (const family of everyone()) await s.book(family, [{ unit: 'journee', day }]);
  };
  const raiseDay = (day: string, places: number) =>
    s.asStaff((scope) => setPlacesForDays(scope, s.activityId, s.pools.grands, { firstDay: day, places: String(places) }));

  before(async () => {
    s = await startWaitlistScenario({ families: 5, places: 2 });
  });
  beforeEach(() => s.reset('automatic'));
  after(() => s.portal.close());

  it('gives each new place of a day to the next waiting child in rank order, tells the family, and keeps ranks 1..n', async () => {
    await fillDay(DAY);
    assert.deepEqual((await s.statuses('journee', DAY)).flat(), [
      { status: 'reserved', rank: null },
      { status: 'reserved', rank: null },
      { status: 'waitlisted', rank: 1 },
      { status: 'waitlisted', rank: 2 },
      { status: 'waitlisted', rank: 3 },
    ]);
    const result = await raiseDay(DAY, 4);
    assert.deepEqual(result, { kind: 'saved', changed: 1, belowTaken: [] });
    assert.deepEqual((await s.statuses('journee', DAY)).flat(), [
      { status: 'reserved', rank: null },
      { status: 'reserved', rank: null },
      { status: 'reserved', rank: null },
      { status: 'reserved', rank: null },
      { status: 'waitlisted', rank: 1 },
    ]);
    assert.equal(await s.taken('grands', DAY), 4, 'never beyond the places');
    assert.ok((await subjectsTo(s.portal, s.tenant, 'parent2@example.test')).some((subject) => FREED.test(subject)));
    assert.ok((await subjectsTo(s.portal, s.tenant, 'parent3@example.test')).some((subject) => FREED.test(subject)));
    assert.ok(!(await subjectsTo(s.portal, s.tenant, 'parent4@example.test')).some((subject) => FREED.test(subject)), 'still waiting: told of its rank only');
  });

  it('offers the new place for a limited time when the activity offers places', async () => {
    await s.reset('offer');
    await fillDay(DAY);
    await raiseDay(DAY, 3);
    const offered = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['status', 'offer_expires_at', 'child_id']).where('status', '=', 'offered').execute(),
    );
    assert.deepEqual(
      offered.map((row) => [row.child_id, row.offer_expires_at?.toISOString()]),
      [[s.families[2]!.childIds[0], '2026-11-03T08:00:00.000Z']],
    );
    assert.deepEqual((await s.statuses('journee', DAY)).flat().slice(3), [
      { status: 'waitlisted', rank: 1 },
      { status: 'waitlisted', rank: 2 },
    ]);
    assert.equal(await s.taken('grands', DAY), 3);
  });

  it('moves nothing by itself when staff manage the waiting list by hand', async () => {
    await s.reset('manual');
    await fillDay(DAY);
    await raiseDay(DAY, 4);
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank),
      [null, null, 1, 2, 3],
    );
    assert.equal(await s.taken('grands', DAY), 2);
    assert.ok(!(await subjectsTo(s.portal, s.tenant, 'parent2@example.test')).some((subject) => FREED.test(subject)));
  });

  it('moves the waiting lists of every coming day when the pool’s usual number is raised', async () => {
    await fillDay(DAY);
    await fillDay(NEXT_WEEK);
    const saved = await s.asStaff((scope) =>
      savePool(scope, s.activityId, s.pools.grands, { unitIds: [s.units.journee, s.units.matin], groupId: s.groups.grands, places: '3' }),
    );
    assert.equal(saved.kind, 'saved');
    for (const day of [DAY, NEXT_WEEK]) {
      assert.deepEqual(
        (await s.statuses('journee', day)).flat().map((row) => row.rank ?? row.status),
        ['reserved', 'reserved', 'reserved', 1, 2],
        day,
      );
      assert.equal(await s.taken('grands', day), 3);
    }
  });

  it('moves the waiting list when a date is given back the pool’s usual number', async () => {
    await raiseDay(DAY, 1);
    await fillDay(DAY);
    assert.equal(await s.taken('grands', DAY), 1);
    assert.equal(await s.asStaff((scope) => resetDayPlaces(scope, s.activityId, s.pools.grands, DAY)), 'done');
    assert.deepEqual(
      (await s.statuses('journee', DAY)).flat().map((row) => row.rank ?? row.status),
      ['reserved', 'reserved', 1, 2, 3],
    );
    assert.equal(await s.taken('grands', DAY), 2);
  });

  it('gives a group’s new place to that group’s waiting children, even behind another group’s earlier list', async () => {
    // The older children's list was written first; the younger children's places are raised.
    await fillDay(DAY);
    for (const family of everyone()) await s.book(family, [{ unit: 'journee', day: DAY, child: 1 }]);
    await s.asStaff((scope) => setPlacesForDays(scope, s.activityId, s.pools.petits, { firstDay: DAY, places: '3' }));
    assert.deepEqual(
      (await s.statuses('journee', DAY, 1)).flat().map((row) => row.rank ?? row.status),
      ['reserved', 'reserved', 'reserved', 1, 2],
    );
    assert.deepEqual(
      (await s.statuses('journee', DAY, 0)).flat().map((row) => row.rank ?? row.status),
      ['reserved', 'reserved', 1, 2, 3],
    );
    assert.equal(await s.taken('petits', DAY), 3);
    assert.equal(await s.taken('grands', DAY), 2);
  });

  it('passes a freed place to the next list that can take it when the first waiting child also needs a place that is full', async () => {
    // The Journée is also counted across groups, two a day: with both taken, a waiting Journée
    // cannot take a freed place of its group, but a waiting Matin of that group can.
    const acrossGroups = await s.asStaff((scope) =>
      addCapacityPool(scope, { activity_id: s.activityId, group_id: null, unit_ids: [s.units.journee], places: 2 }),
    );
    try {
      const [first, second, third, fourth, fifth] = everyone();
      const outcomes = [];
      for (const [family, choice] of [
        [first, { unit: 'journee' }],
        [second, { unit: 'matin' }],
        [third, { unit: 'journee', child: 1 }],
        [fourth, { unit: 'journee' }],
        [fifth, { unit: 'matin' }],
      ] as const) {
        outcomes.push(...(await s.book(family!, [{ ...choice, day: DAY }])));
        // One after the other: the Journée waiting first is the first the freed place is tried for.
        s.portal.clock.advance(60_000);
      }
      assert.deepEqual(
        outcomes.map((outcome) => outcome.kind),
        ['reserved', 'reserved', 'reserved', 'waitlisted', 'waitlisted'],
      );
      const matin = await s.portal.inTenant(s.tenant, ({ tx }) =>
        tx.selectFrom('bookings').select('id').where('child_id', '=', second!.childIds[0]!).executeTakeFirstOrThrow(),
      );
      await s.asFamily(second!, (scope) => cancelBooking(scope, openCalendar, { householdId: second!.householdId, bookingId: matin.id }));
      assert.deepEqual((await s.statuses('journee', DAY))[3], [{ status: 'waitlisted', rank: 1 }], 'the Journée still waits: its day is full across groups');
      assert.deepEqual((await s.statuses('matin', DAY))[4], [{ status: 'reserved', rank: null }], 'the waiting Matin takes the freed place');
      assert.equal(await s.taken('grands', DAY), 2);
      assert.ok((await subjectsTo(s.portal, s.tenant, 'parent4@example.test')).some((subject) => FREED.test(subject)));
    } finally {
      await s.portal.inTenant(s.tenant, async ({ tx }) => {
        await tx.deleteFrom('capacity_days').where('pool_id', '=', acrossGroups).execute();
        await tx.deleteFrom('capacity_pools').where('id', '=', acrossGroups).execute();
      });
    }
  });
});
