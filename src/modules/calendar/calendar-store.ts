import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import { normalizeZone } from './ministry-calendar-csv.js';
import { TenantCalendar } from './tenant-calendar.js';

/** What the calendar needs to know of its tenant. */
export interface CalendarTenant {
  id: string;
  school_zone: string;
  public_holiday_region: string | null;
}

/**
 * Marks the tenant's calendar as changed, in the transaction of the change: every process holding
 * it in memory reloads it when it next sees the new version (once this transaction commits).
 */
export async function bumpCalendarVersion(tx: Tx, tenantId: string): Promise<void> {
  await tx
    .insertInto('calendar_versions')
    .values({ tenant_id: tenantId, version: sql<string>`gen_random_uuid()` })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ version: sql<string>`excluded.version` }))
    .execute();
}

export async function calendarVersion(tx: Tx, tenantId: string): Promise<string> {
  const row = await tx.selectFrom('calendar_versions').select('version').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.version ?? 'none';
}

/** Builds the tenant's calendar from its rows: the school holidays of its zone and its closures. */
export async function loadTenantCalendar(tx: Tx, tenant: CalendarTenant): Promise<TenantCalendar> {
  const zone = normalizeZone(tenant.school_zone);
  const holidays = await tx
    .selectFrom('school_holidays')
    .select(['name', 'first_day as firstDay', 'last_day as lastDay'])
    .where('tenant_id', '=', tenant.id)
    .where('zone', '=', zone)
    .orderBy('first_day')
    .execute();
  const closures = await tx
    .selectFrom('closures')
    .select(['id', 'site_id as siteId', 'activity_id as activityId', 'first_day as firstDay', 'last_day as lastDay', 'reason'])
    .where('tenant_id', '=', tenant.id)
    .orderBy('first_day')
    .execute();
  return new TenantCalendar({ region: tenant.public_holiday_region, schoolHolidays: holidays, closures });
}

/** The tenant's zone as its school holidays are stored ('A', 'B', 'C', or an overseas name). */
export async function tenantZone(tx: Tx, tenantId: string): Promise<string> {
  const row = await tx.selectFrom('tenants').select('school_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return normalizeZone(row.school_zone);
}
