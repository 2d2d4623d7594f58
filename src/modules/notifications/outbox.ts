import { SealedBox } from '../security/sealed-box.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { isUuidText } from '../validation/fields.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  /** The text, where a single-use secret stands as a marker (`secretMarker`) and never in clear. */
  text: string;
  html?: string;
  /** The secrets of the markers, sealed for the recipient (`sealEmailSecrets`). */
  sealedSecrets?: string;
  /** The name the email is sent under: the authority's chosen sender name, or its name (set when sent). */
  senderName?: string;
}

/**
 * Where a single-use secret (a reset or invitation link, a temporary password) goes in an email's
 * text. The outbox stores the marker and the secrets sealed apart, so the back office, a database
 * dump or a log never shows them; only the sender opens them, to deliver the email.
 */
export function secretMarker(name: string): string {
  return `⟦${name}⟧`;
}

const MARKER = /⟦([a-zA-Zéèêàç]+)⟧/g;

/** The box of the outbox's secrets, from the server secret: the app and the sender make the same one. */
export function outboxSecretsBox(serverSecret: string): SealedBox {
  return new SealedBox(serverSecret, 'outbox email secrets');
}

export function sealEmailSecrets(box: SealedBox, to: string, secrets: Record<string, string>): string {
  return box.seal(JSON.stringify(secrets), to);
}

/** The text with each marker replaced: by its secret when `secrets` has it, else by `masked(name)`. */
export function fillSecrets(text: string, secrets: Record<string, string>, masked: (name: string) => string): string {
  return text.replace(MARKER, (_marker, name: string) => secrets[name] ?? masked(name));
}

/** The sealed secrets of an email to `to`, opened (none when there are none). */
export function openEmailSecrets(box: SealedBox, to: string, sealed: string | null): Record<string, string> {
  return sealed ? (JSON.parse(box.open(sealed, to)) as Record<string, string>) : {};
}

/**
 * Puts an email in the outbox, inside the caller's transaction: it exists if and only if the change
 * that caused it was committed. The sender job delivers it afterwards (notifications/email-sender.ts).
 */
export async function queueEmail(scope: Scope, email: OutgoingEmail): Promise<string> {
  const row = await scope.tx
    .insertInto('outbox_emails')
    .values({
      tenant_id: scope.tenantId,
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html ?? null,
      sealed_secrets: email.sealedSecrets ?? null,
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  scope.afterCommit?.('email_queued');
  return row.id;
}

/** Puts many emails in the outbox in one statement (an invoice run tells thousands of families). */
export async function queueEmails(scope: Scope, emails: OutgoingEmail[]): Promise<void> {
  for (let start = 0; start < emails.length; start += 2000) {
    const chunk = emails.slice(start, start + 2000);
    await scope.tx
      .insertInto('outbox_emails')
      .values(
        chunk.map((email) => ({
          tenant_id: scope.tenantId,
          to_address: email.to,
          subject: email.subject,
          text_body: email.text,
          html_body: email.html ?? null,
          sealed_secrets: email.sealedSecrets ?? null,
          created_at: scope.now,
        })),
      )
      .execute();
  }
  if (emails.length > 0) scope.afterCommit?.('email_queued');
}

/**
 * Who reads the outbox: those who run the service (managers, administrators), who answer "did you
 * send me the email?". Read-only staff do not (it holds what was written to every family), families
 * never (not even that it exists). Nobody reads the single-use secrets: they stay markers.
 */
function mayReadOutbox(scope: Scope): boolean {
  return may(scope, 'service.manage');
}

/** The tenant's latest emails, newest first; null when the actor may not read the outbox. */
export async function recentEmails(scope: Scope, limit = 200) {
  if (!mayReadOutbox(scope)) return null;
  return scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', scope.tenantId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The latest emails sent to these addresses (a household's), newest first, and how many there are
 * in all: subject, state and dates, never their text; null when the actor may not read the outbox.
 */
export async function emailsTo(scope: Scope, addresses: string[], limit: number) {
  if (!mayReadOutbox(scope)) return null;
  const lowered = [...new Set(addresses.map((address) => address.toLowerCase()))];
  if (lowered.length === 0) return { emails: [], total: 0 };
  const sent = scope.tx
    .selectFrom('outbox_emails')
    .where('tenant_id', '=', scope.tenantId)
    .where((eb) => eb(eb.fn('lower', ['to_address']), 'in', lowered));
  const [emails, count] = await Promise.all([
    sent.select(['id', 'to_address', 'subject', 'status', 'created_at', 'sent_at']).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute(),
    sent.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { emails, total: Number(count.n) };
}

/** How many emails the tenant queued in the last seven days; null when the actor may not read the outbox. */
export async function countRecentEmails(scope: Scope): Promise<number | null> {
  if (!mayReadOutbox(scope)) return null;
  const weekAgo = new Date(scope.now.getTime() - 7 * 24 * 60 * 60_000);
  const row = await scope.tx
    .selectFrom('outbox_emails')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', scope.tenantId)
    .where('created_at', '>=', weekAgo)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * One email of the tenant, its single-use secrets left as markers, or null when it does not exist or
 * may not be read.
 */
export async function findEmail(scope: Scope, emailId: string) {
  if (!mayReadOutbox(scope) || !isUuidText(emailId)) return null;
  const row = await scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'text_body', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('id', '=', emailId)
    .executeTakeFirst();
  return row ?? null;
}
