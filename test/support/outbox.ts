import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import type { TestPortal } from './test-portal.js';

/** The emails of a tenant's outbox sent to one address, newest first. */
export async function emailsTo(portal: TestPortal, tenant: Tenant, address: string) {
  return portal.inTenant(tenant, ({ tx }) =>
    tx.selectFrom('outbox_emails').select(['subject', 'text_body', 'created_at']).where('to_address', '=', address).orderBy('created_at', 'desc').execute(),
  );
}

/** The path (inside the portal) of the first link of an email that points to `pathPrefix`. */
export function linkIn(text: string, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathPrefix}[^\\s]*)`).exec(text);
  if (!match?.[1]) throw new Error(`no link to ${pathPrefix} in:\n${text}`);
  return match[1];
}
