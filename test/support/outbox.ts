import { fillSecrets, openEmailSecrets, outboxSecretsBox } from '../../src/modules/notifications/outbox.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import type { TestPortal } from './test-portal.js';

/**
 * The emails of a tenant's outbox sent to one address, newest first, as their recipient reads them:
 * the single-use secrets the outbox keeps sealed are written into `text_body`, as the sender does.
 */
export async function emailsTo(portal: TestPortal, tenant: Tenant, address: string) {
  const box = outboxSecretsBox(portal.services.config.secret);
  const rows = await portal.inTenant(tenant, ({ tx }) =>
    tx
      .selectFrom('outbox_emails')
      .select(['subject', 'text_body', 'sealed_secrets', 'created_at'])
      .where('to_address', '=', address)
      .orderBy('created_at', 'desc')
      .execute(),
  );
  return rows.map(({ sealed_secrets, ...row }) => ({
    ...row,
    text_body: fillSecrets(row.text_body, openEmailSecrets(box, address, sealed_secrets), (name) => `⟦${name}⟧`),
  }));
}

/** The subjects of the emails sent to one address (any order: a frozen clock gives them one instant). */
export async function subjectsTo(portal: TestPortal, tenant: Tenant, address: string): Promise<string[]> {
  return (await emailsTo(portal, tenant, address)).map((email) => email.subject);
}

/** The path (inside the portal) of the first link of an email that points to `pathPrefix`. */
export function linkIn(text: string, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathPrefix}[^\\s]*)`).exec(text);
  if (!match?.[1]) throw new Error(`no link to ${pathPrefix} in:\n${text}`);
  return match[1];
}
