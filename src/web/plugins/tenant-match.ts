import type { IncomingMessage } from 'node:http';
import type { Tenant, TenantDirectory } from '../../modules/tenancy/tenant-directory.js';

/** The authority a request's address names, and the path prefix that named it ('' for its own host name). */
export interface TenantMatch {
  tenant: Tenant;
  base: string;
}

const matches = new WeakMap<IncomingMessage, TenantMatch>();

/**
 * Fastify's rewriteUrl: the tenant is found before routing and its path prefix (local use) taken
 * off the URL here, so routes are written once for every tenant.
 */
export function tenantRewriter(tenants: TenantDirectory) {
  return (raw: IncomingMessage): string => {
    const url = raw.url ?? '/';
    const match = tenants.resolve(raw.headers.host, url);
    if (!match) return url;
    matches.set(raw, match);
    return match.base === '' ? url : url.slice(match.base.length) || '/';
  };
}

export function tenantMatchOf(raw: IncomingMessage): TenantMatch | undefined {
  return matches.get(raw);
}
