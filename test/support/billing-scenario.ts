import { addUnit, createActivity } from '../../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../../src/modules/actor.js';
import { addTariff, type TariffForm } from '../../src/modules/billing/tariffs.js';
import { saveRegie } from '../../src/modules/billing/regies.js';
import type { BookingStatus } from '../../src/modules/bookings/booking-states.js';
import type { Scope } from '../../src/modules/scope.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { createFamily, createStaff, type TestFamily } from './scenario.js';
import { startTestPortal, type TestPortal, type TestPortalOptions } from './test-portal.js';

/**
 * An authority billing its canteen (Thursday 3 December 2026, Paris): the régie "Restauration
 * scolaire" (prefix RS, 30 days to pay) bills the canteen, whose Repas costs by quotient familial
 * (0–600: 1,10 €; 601–1200: 2,40 €; above: 3,90 €) plus a meal part of 2,00 €, 10 % off for a second
 * child, and 7,50 € unbooked; and its Garderie soir, 1,50 € flat. Two households: the Martins (QF 450,
 * Léa born 2016, Hugo 2019) and the Durands (no QF, Jules). Days are written straight as bookings
 * in their final state, as attendance leaves them.
 */
export interface BillingScenario {
  portal: TestPortal;
  tenant: Tenant;
  regieId: string;
  activityId: string;
  meal: string;
  evening: string;
  martin: TestFamily;
  durand: TestFamily;
  manager: { accountId: string };
  asManager<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
  /** A booking of a child in a final state. */
  book(family: TestFamily, childIndex: number, unitId: string, day: string, status: BookingStatus, options?: { unbooked?: boolean }): Promise<string>;
}

export const NOW = '2026-12-03T09:00:00Z';

export async function startBillingScenario(options: Pick<TestPortalOptions, 'env' | 'migratedUpTo'> = {}): Promise<BillingScenario> {
  const portal = await startTestPortal({ ...options, now: NOW });
  const tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
  const martin = await createFamily(portal, tenant, {
    email: 'claire.martin@example.test',
    firstName: 'Claire',
    lastName: 'MARTIN',
    children: ['Léa', 'Hugo'],
  });
  const durand = await createFamily(portal, tenant, { email: 'paul.durand@example.test', firstName: 'Paul', lastName: 'DURAND', children: ['Jules'] });
  const manager = await createStaff(portal, tenant, { email: 'gestion@example.test', role: 'manager' });
  const admin = await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin' });
  const as =
    (accountId: string, role: 'manager' | 'admin') =>
    <T>(work: (scope: Scope) => Promise<T>) =>
      portal.inTenant(tenant, (scope) => work({ ...scope, actor: { kind: 'staff', accountId, role, label: role } }));
  const asManager = as(manager.accountId, 'manager');
  const asAdmin = as(admin.accountId, 'admin');
  const { activityId, meal, evening } = await portal.inTenant(tenant, async (base) => {
    const scope = { ...base, actor: SYSTEM };
    const id = await createActivity(scope, {
      name: 'Cantine 2026-2027',
      kind: 'canteen',
      site_id: null,
      starts_on: '2026-09-01',
      ends_on: '2027-07-03',
      weekdays: [1, 2, 4, 5],
      opening: 'all',
      requires_enrollment: false,
    });
    return {
      activityId: id,
      meal: await addUnit(scope, { activity_id: id, name: 'Repas', code: 'R', position: 0 }),
      evening: await addUnit(scope, { activity_id: id, name: 'Garderie soir', code: 'GS', position: 1 }),
    };
  });
  const regie = await asAdmin((scope) =>
    saveRegie(scope, null, { name: 'Restauration scolaire', invoicePrefix: 'RS', paymentTermsDays: '30', reminderDays: '15 30', activityIds: [activityId] }),
  );
  if (regie.kind !== 'saved') throw new Error(`régie not saved: ${JSON.stringify(regie)}`);
  const tariff = async (unitId: string, form: TariffForm) => {
    const saved = await asManager((scope) => addTariff(scope, unitId, form));
    if (saved.kind !== 'saved') throw new Error(`tariff not saved: ${JSON.stringify(saved)}`);
  };
  await tariff(meal, {
    effectiveFrom: '2026-09-01',
    kind: 'qf_brackets',
    bracketFrom: ['0', '601', '1201'],
    bracketPrice: ['1,10', '2,40', '3,90'],
    meal: '2,00',
    siblings: '0 10',
    unbooked: '7,50',
  });
  await tariff(evening, { effectiveFrom: '2026-09-01', kind: 'flat', flat: '1,50' });
  await portal.inTenant(tenant, ({ tx }) =>
    tx
      .updateTable('households')
      .set({ quotient_familial: 450, quotient_familial_date: '2026-09-01', quotient_familial_source: 'caf' })
      .where('id', '=', martin.householdId)
      .execute(),
  );
  return {
    portal,
    tenant,
    regieId: regie.id,
    activityId,
    meal,
    evening,
    martin,
    durand,
    manager,
    asManager,
    book: (family, childIndex, unitId, day, status, bookOptions = {}) =>
      portal.inTenant(
        tenant,
        async ({ tx, tenantId }) =>
          (
            await tx
              .insertInto('bookings')
              .values({
                tenant_id: tenantId,
                child_id: family.childIds[childIndex]!,
                unit_id: unitId,
                day,
                household_id: family.householdId,
                status,
                created_at: new Date(NOW),
                updated_at: new Date(NOW),
                unbooked: bookOptions.unbooked ?? false,
                holds_pools: [],
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id,
      ),
  };
}
