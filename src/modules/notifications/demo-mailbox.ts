import type { SealedBox } from '../security/sealed-box.js';
import type { Scope } from '../scope.js';
import { fillSecrets, openEmailSecrets, secretMarker } from './outbox.js';
import { isUuidText } from '../validation/fields.js';

/**
 * The demonstration's mailbox: a demo authority has no mail server, yet a visitor must be able to
 * follow an invitation or a reset link there. Its fictional people's mail is readable whole, secrets
 * included, by anyone — their passwords are printed in the README anyway. Only on an authority
 * marked as a demo, and only mail to addresses that no real person reads (the domains reserved for
 * examples): a real authority never shows it, and a real address typed into the demo is never shown.
 */

/** Domains reserved for examples and tests (RFC 2606, RFC 6761): nobody real reads mail there. */
const FICTIONAL_ADDRESS = /@(?:[a-z0-9-]+\.)*(?:example\.(?:org|com|net)|[a-z0-9-]+\.(?:test|example|invalid|localhost))$/i;

export function isFictionalAddress(address: string): boolean {
  return FICTIONAL_ADDRESS.test(address);
}

const FICTIONAL_DOMAINS_SQL = '@([a-z0-9-]+\\.)*(example\\.(org|com|net)|[a-z0-9-]+\\.(test|example|invalid|localhost))$';

async function isDemoAuthority(scope: Scope): Promise<boolean> {
  const row = await scope.tx.selectFrom('tenants').select('is_demo').where('id', '=', scope.tenantId).executeTakeFirst();
  return row?.is_demo === true;
}

/** The latest mail to the demo's fictional people, newest first; null on an authority that is not a demo. */
export async function demoMailbox(scope: Scope, limit = 100) {
  if (!(await isDemoAuthority(scope))) return null;
  return scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'created_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('to_address', '~*', FICTIONAL_DOMAINS_SQL)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * One mail of the demo to a fictional person, its secrets written in (those forgotten once sent by a
 * mail server stay markers); null otherwise.
 */
export async function demoEmail(scope: Scope, box: SealedBox, emailId: string) {
  if (!isUuidText(emailId) || !(await isDemoAuthority(scope))) return null;
  const row = await scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'text_body', 'sealed_secrets', 'created_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('id', '=', emailId)
    .executeTakeFirst();
  if (!row || !isFictionalAddress(row.to_address)) return null;
  const secrets = openEmailSecrets(box, row.to_address, row.sealed_secrets);
  return { id: row.id, to_address: row.to_address, subject: row.subject, created_at: row.created_at, text: fillSecrets(row.text_body, secrets, secretMarker) };
}
