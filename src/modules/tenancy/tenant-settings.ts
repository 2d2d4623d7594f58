import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import type { TenantSettings } from './tenancy.tables.js';

/**
 * Merges a change into the tenant's own settings. Runs in the tenant's transaction: row-level
 * security lets a tenant update its own row only. The caller reloads the tenant directory after
 * the commit, so that the next requests see the new settings.
 */
export async function updateTenantSettings(scope: Scope, patch: Partial<TenantSettings>): Promise<TenantSettings> {
  const before = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).forUpdate().executeTakeFirstOrThrow();
  const row = await scope.tx
    .updateTable('tenants')
    .set({ settings: sql`settings || ${JSON.stringify(patch)}::jsonb` })
    .where('id', '=', scope.tenantId)
    .returning('settings')
    .executeTakeFirstOrThrow();
  const old = Object.fromEntries(Object.keys(patch).map((key) => [key, before.settings[key as keyof TenantSettings] ?? null]));
  await recordAudit(scope, { action: 'tenant.settings_changed', objectType: 'tenant', objectId: scope.tenantId, details: { old, new: patch } });
  return row.settings;
}
