import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { addCapacityPool, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { requestBookings, type BookingContext } from '../src/modules/bookings/booking-requests.js';
import { SYSTEM } from '../src/modules/actor.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { createFamily, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const context: BookingContext = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: () => true },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};
const FAMILIES = 200;
const PLACES = 30;
const DAY = '2026-12-09';

let portal: TestPortal;
let tenant: Tenant;
let families: TestFamily[];
let activityId: string;
let unitId: string;
let poolId: string;

before(async () => {
  portal = await startTestPortal({ now: '2026-11-02T08:00:00Z' });
  tenant = await portal.addTenant({ slug: 'ruee' });
  families = [];
  for (let index = 0; index < FAMILIES; index++) {
    families.push(await createFamily(portal, tenant, { email: `p${index}@example.test`, lastName: `F${index}`, children: ['Enfant'], password: null }));
  }
  await portal.inTenant(tenant, async (scope) => {
    const staffScope = { ...scope, actor: SYSTEM };
    activityId = await createActivity(staffScope, {
      name: 'Mercredis',
      kind: 'alsh_wednesday',
      site_id: null,
      starts_on: '2026-09-01',
      ends_on: '2027-07-03',
      weekdays: [3],
      requires_enrollment: false,
    });
    unitId = await addUnit(staffScope, { activity_id: activityId, name: 'Journée', code: 'J' });
    poolId = await addCapacityPool(staffScope, { activity_id: activityId, group_id: null, unit_ids: [unitId], places: PLACES });
  });
});
after(() => portal.close());

it('books exactly the places under hundreds of simultaneous requests, the rest waiting with ranks 1..n, nothing twice', async () => {
  // Every family sends its request twice at the same moment (a double click).
  const attempts = families
    .flatMap((family) => [family, family])
    .map((family) =>
      portal.inTenant(tenant, (scope) =>
        requestBookings({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }, context, {
          householdId: family.householdId,
          activityId,
          choices: [{ childId: family.childIds[0]!, unitId, day: DAY }],
        }),
      ),
    );
  const outcomes = (await Promise.all(attempts)).map((results) => results![0]!.outcome);
  const kinds: Record<string, number> = {};
  for (const outcome of outcomes) kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
  assert.deepEqual(kinds, { reserved: PLACES, waitlisted: FAMILIES - PLACES, already: FAMILIES });

  const rows = await portal.inTenant(tenant, async ({ tx }) => ({
    bookings: await tx.selectFrom('bookings').select(['child_id', 'status', 'waitlist_rank']).where('unit_id', '=', unitId).execute(),
    counter: await tx.selectFrom('capacity_days').select(['places', 'taken']).where('pool_id', '=', poolId).where('day', '=', DAY).executeTakeFirstOrThrow(),
    duplicates: (
      await sql<{
        n: number;
      }>`select count(*)::int as n from (select child_id from bookings where unit_id = ${unitId} group by child_id, day having count(*) > 1) d`.execute(tx)
    ).rows[0]!.n,
  }));
  assert.equal(rows.bookings.length, FAMILIES, 'one booking per child');
  assert.equal(rows.duplicates, 0);
  assert.deepEqual(rows.counter, { places: PLACES, taken: PLACES });
  assert.equal(rows.bookings.filter((booking) => booking.status === 'reserved').length, PLACES);
  const ranks = rows.bookings
    .filter((booking) => booking.status === 'waitlisted')
    .map((booking) => booking.waitlist_rank!)
    .sort((a, b) => a - b);
  assert.deepEqual(
    ranks,
    Array.from({ length: FAMILIES - PLACES }, (_, index) => index + 1),
  );
});
