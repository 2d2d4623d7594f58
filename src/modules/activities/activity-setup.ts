import type { Insertable } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import type { ActivitiesTable, ActivityGroupsTable, BookingPeriodsTable, CapacityPoolsTable, UnitsTable } from './activities.tables.js';
import type { DeadlineRule } from './deadlines.js';
import { may } from '../access.js';

/**
 * Staff set up what can be booked: activities, their groups and units, the places, and the booking
 * periods. Each function checks the actor may (managers and administrators) and audits the change.
 */

type Without<T, K extends keyof T> = Omit<T, K>;
export type NewActivity = Without<Insertable<ActivitiesTable>, 'id' | 'tenant_id' | 'booking_deadline' | 'cancellation_deadline'> & {
  booking_deadline?: DeadlineRule;
  cancellation_deadline?: DeadlineRule;
};

function assertManager(scope: Scope): void {
  if (!may(scope, 'service.manage')) throw new Error('only managers and administrators set up activities');
}

export async function createActivity(scope: Scope, input: NewActivity): Promise<string> {
  assertManager(scope);
  const { booking_deadline, cancellation_deadline, ...rest } = input;
  const row = await scope.tx
    .insertInto('activities')
    .values({
      ...rest,
      tenant_id: scope.tenantId,
      ...(booking_deadline ? { booking_deadline: JSON.stringify(booking_deadline) } : {}),
      ...(cancellation_deadline ? { cancellation_deadline: JSON.stringify(cancellation_deadline) } : {}),
    } as Insertable<ActivitiesTable>)
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'activity.created', objectType: 'activity', objectId: row.id, details: { name: input.name } });
  return row.id;
}

export async function addGroup(scope: Scope, input: Without<Insertable<ActivityGroupsTable>, 'id' | 'tenant_id'>): Promise<string> {
  assertManager(scope);
  const row = await scope.tx
    .insertInto('activity_groups')
    .values({ ...input, tenant_id: scope.tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'activity.group_added', objectType: 'activity', objectId: input.activity_id, details: { group: input.name } });
  return row.id;
}

export type NewUnit = Without<Insertable<UnitsTable>, 'id' | 'tenant_id' | 'booking_deadline' | 'cancellation_deadline'> & {
  booking_deadline?: DeadlineRule | null;
  cancellation_deadline?: DeadlineRule | null;
};

export async function addUnit(scope: Scope, input: NewUnit): Promise<string> {
  assertManager(scope);
  const { booking_deadline, cancellation_deadline, ...rest } = input;
  const row = await scope.tx
    .insertInto('units')
    .values({
      ...rest,
      tenant_id: scope.tenantId,
      booking_deadline: booking_deadline ? JSON.stringify(booking_deadline) : null,
      cancellation_deadline: cancellation_deadline ? JSON.stringify(cancellation_deadline) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'activity.unit_added', objectType: 'activity', objectId: input.activity_id, details: { unit: input.name } });
  return row.id;
}

/** Unit relations are set once the units exist (they refer to each other). */
export async function setUnitRelations(scope: Scope, unitId: string, relations: { excludes: string[]; requiresAny: string[] }): Promise<void> {
  assertManager(scope);
  await scope.tx.updateTable('units').set({ excludes: relations.excludes, requires_any: relations.requiresAny }).where('id', '=', unitId).execute();
  await recordAudit(scope, { action: 'activity.unit_relations_set', objectType: 'unit', objectId: unitId, details: relations });
}

export async function addCapacityPool(scope: Scope, input: Without<Insertable<CapacityPoolsTable>, 'id' | 'tenant_id'>): Promise<string> {
  assertManager(scope);
  const row = await scope.tx
    .insertInto('capacity_pools')
    .values({ ...input, tenant_id: scope.tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'activity.places_set',
    objectType: 'activity',
    objectId: input.activity_id,
    details: { places: input.places, units: input.unit_ids, group: input.group_id },
  });
  return row.id;
}

export async function addBookingPeriod(scope: Scope, input: Without<Insertable<BookingPeriodsTable>, 'id' | 'tenant_id'>): Promise<string> {
  assertManager(scope);
  const row = await scope.tx
    .insertInto('booking_periods')
    .values({ ...input, tenant_id: scope.tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'activity.period_added',
    objectType: 'activity',
    objectId: input.activity_id,
    details: { name: input.name, firstDay: input.first_day, lastDay: input.last_day },
  });
  return row.id;
}
