import { addCapacityPool, addGroup, addUnit, createActivity, setUnitRelations } from '../../src/modules/activities/activity-setup.js';
import { requestBookings, type BookingContext, type BookingOutcome } from '../../src/modules/bookings/booking-requests.js';
import { requestEnrollment } from '../../src/modules/bookings/enrollments.js';
import { weekdayOf } from '../../src/modules/calendar/calendar-dates.js';
import type { Actor } from '../../src/modules/actor.js';
import type { Scope } from '../../src/modules/scope.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { createFamily, createStaff, type TestFamily } from './scenario.js';
import { startTestPortal, type TestPortal, type TestPortalOptions } from './test-portal.js';

/** Every weekday open, no holidays: the tests of waiting lists are about places, not the calendar. */
export const openCalendar: BookingContext = {
  calendar: { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: (date) => weekdayOf(date) <= 5 },
  timeZone: 'Europe/Paris',
  schoolYearClosed: () => false,
};

export type UnitName = 'journee' | 'matin' | 'repas';
export type GroupName = 'grands' | 'petits';

/**
 * A Wednesday activity with places to fight for: "Journée" and "Matin" share each group's places
 * (`places` for the older children, the same for the younger), "Repas" needs one of them and has
 * `mealPlaces` for everyone. Each family has an older child (index 0) and a younger one (index 1),
 * enrolled in their groups. Cancelling is possible until J-2 at noon.
 */
export interface WaitlistScenario {
  portal: TestPortal;
  tenant: Tenant;
  staff: Actor;
  families: TestFamily[];
  activityId: string;
  units: Record<UnitName, string>;
  groups: Record<GroupName, string>;
  pools: Record<GroupName | 'repas', string>;
  asFamily<T>(family: TestFamily, work: (scope: Scope) => Promise<T>): Promise<T>;
  asStaff<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
  /** Books for a family, one choice after the other, and answers each choice's outcome. */
  book(family: TestFamily, choices: { unit: UnitName; day: string; child?: number }[]): Promise<BookingOutcome[]>;
  /** The bookings of a unit on a day, family by family (in the order of `families`). */
  statuses(unit: UnitName, day: string, child?: number): Promise<{ status: string; rank: number | null }[][]>;
  taken(pool: GroupName | 'repas', day: string): Promise<number>;
  /** Empties bookings, counters and outbox, gives the pools their first numbers, sets the waiting-list mode and the clock back. */
  reset(mode?: 'automatic' | 'offer' | 'manual'): Promise<void>;
}

export async function startWaitlistScenario(
  options: { families?: number; places?: number; mealPlaces?: number; now?: string; portal?: TestPortalOptions } = {},
): Promise<WaitlistScenario> {
  const now = options.now ?? '2026-11-02T08:00:00Z';
  const portal = await startTestPortal({ now, ...options.portal });
  const tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
  const staffAccount = await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
  const staff: Actor = { kind: 'staff', accountId: staffAccount.accountId, role: 'manager', label: 'Agent' };
  const families: TestFamily[] = [];
  for (let index = 0; index < (options.families ?? 5); index++) {
    families.push(await createFamily(portal, tenant, { email: `parent${index}@example.test`, lastName: `FAMILLE${index}`, children: ['Aîné', 'Cadet'] }));
  }
  const asStaff = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(tenant, (scope) => work({ ...scope, actor: staff }));
  const asFamily = <T>(family: TestFamily, work: (scope: Scope) => Promise<T>) =>
    portal.inTenant(tenant, (scope) =>
      work({ ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' } }),
    );

  const places = options.places ?? 2;
  const mealPlaces = options.mealPlaces ?? 10;
  const built = await asStaff(async (scope) => {
    const activityId = await createActivity(scope, {
      name: 'ALSH mercredis',
      kind: 'alsh_wednesday',
      site_id: null,
      starts_on: '2026-09-01',
      ends_on: '2027-07-03',
      weekdays: [3],
      opening: 'all',
      booking_deadline: { type: 'days_before', days: 1, time: '00:00' },
      cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
    });
    const groups = {
      grands: await addGroup(scope, { activity_id: activityId, name: '6-11 ans' }),
      petits: await addGroup(scope, { activity_id: activityId, name: '3-5 ans' }),
    };
    const units = {
      journee: await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J', position: 0 }),
      matin: await addUnit(scope, { activity_id: activityId, name: 'Matin', code: 'M', position: 1 }),
      repas: await addUnit(scope, { activity_id: activityId, name: 'Repas', code: 'R', position: 2 }),
    };
    await setUnitRelations(scope, units.journee, { excludes: [units.matin], requiresAny: [] });
    await setUnitRelations(scope, units.repas, { excludes: [], requiresAny: [units.journee, units.matin] });
    const pools = {
      grands: await addCapacityPool(scope, { activity_id: activityId, group_id: groups.grands, unit_ids: [units.journee, units.matin], places }),
      petits: await addCapacityPool(scope, { activity_id: activityId, group_id: groups.petits, unit_ids: [units.journee, units.matin], places }),
      repas: await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [units.repas], places: mealPlaces }),
    };
    for (const family of families) {
      await requestEnrollment(scope, { householdId: family.householdId, childId: family.childIds[0]!, activityId, groupId: groups.grands });
      await requestEnrollment(scope, { householdId: family.householdId, childId: family.childIds[1]!, activityId, groupId: groups.petits });
    }
    return { activityId, groups, units, pools };
  });
  const { activityId, units, pools } = built;

  return {
    portal,
    tenant,
    staff,
    families,
    ...built,
    asFamily,
    asStaff,
    async book(family, choices) {
      const outcomes: BookingOutcome[] = [];
      for (const choice of choices) {
        const results = await asFamily(family, (scope) =>
          requestBookings(scope, openCalendar, {
            householdId: family.householdId,
            activityId,
            choices: [{ childId: family.childIds[choice.child ?? 0]!, unitId: units[choice.unit], day: choice.day }],
          }),
        );
        outcomes.push(results![0]!.outcome);
      }
      return outcomes;
    },
    async statuses(unit, day, child = 0) {
      const rows = await portal.inTenant(tenant, ({ tx }) =>
        tx
          .selectFrom('bookings')
          .select(['child_id', 'status', 'waitlist_rank'])
          .where('unit_id', '=', units[unit])
          .where('day', '=', day)
          .orderBy('created_at')
          .execute(),
      );
      return families.map((family) =>
        rows.filter((row) => row.child_id === family.childIds[child]).map((row) => ({ status: row.status, rank: row.waitlist_rank })),
      );
    },
    async taken(pool, day) {
      const row = await portal.inTenant(tenant, ({ tx }) =>
        tx.selectFrom('capacity_days').select('taken').where('pool_id', '=', pools[pool]).where('day', '=', day).executeTakeFirst(),
      );
      return row?.taken ?? 0;
    },
    async reset(mode = 'automatic') {
      await portal.inTenant(tenant, async ({ tx }) => {
        await tx.deleteFrom('booking_events').execute();
        await tx.deleteFrom('bookings').execute();
        await tx.deleteFrom('capacity_days').execute();
        await tx.deleteFrom('outbox_emails').execute();
        await tx.updateTable('activities').set({ waitlist_mode: mode, offer_hours: 24, validation_mode: 'automatic' }).execute();
        await tx.updateTable('capacity_pools').set({ places }).where('id', 'in', [pools.grands, pools.petits]).execute();
        await tx.updateTable('capacity_pools').set({ places: mealPlaces }).where('id', '=', pools.repas).execute();
      });
      portal.clock.set(now);
    },
  };
}
