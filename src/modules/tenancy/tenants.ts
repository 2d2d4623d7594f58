import type { Insertable } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import type { TenantsTable } from './tenancy.tables.js';
import { RESERVED_SLUGS, type Tenant } from './tenant-directory.js';

export type NewTenant = Omit<Insertable<TenantsTable>, 'id' | 'created_at' | 'settings'> & { settings?: TenantsTable['settings']['__insert__'] };

/** Creates an authority. Runs with system rights: tenants are created by the operator, not by a tenant. */
export async function createTenant(tx: Tx, tenant: NewTenant): Promise<Tenant> {
  if (RESERVED_SLUGS.has(tenant.slug)) throw new Error(`"${tenant.slug}" is reserved and cannot be a tenant's slug`);
  const timeZone = tenant.time_zone ?? 'Europe/Paris';
  if (!isTimeZone(timeZone)) throw new Error(`Unknown IANA time zone "${timeZone}"`);
  return tx
    .insertInto('tenants')
    .values({ ...tenant, settings: JSON.stringify(tenant.settings ?? {}) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute address of a tenant's portal for the links of emails written outside a request (a
 * job): PUBLIC_URL and the tenant's path, as a request by path gets it, or PUBLIC_URL alone when
 * its host name is the tenant's own (a path would then name a page of that tenant).
 */
export function tenantPublicBase(publicUrl: string, tenant: Pick<Tenant, 'slug' | 'hosts'>): string {
  const base = publicUrl.replace(/\/$/, '');
  const host = new URL(base).hostname.toLowerCase();
  return tenant.hosts.some((own) => own.toLowerCase() === host) ? base : `${base}/${tenant.slug}`;
}
