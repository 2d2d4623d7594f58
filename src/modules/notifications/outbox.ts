import type { Scope } from '../scope.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
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
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  scope.afterCommit?.('email_queued');
  return row.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Staff read the outbox of their authority; families never see it (not even that it exists). */
function mayReadOutbox(scope: Scope): boolean {
  return scope.actor.kind === 'staff' || scope.actor.kind === 'system';
}

/** The tenant's latest emails, newest first. */
export async function recentEmails(scope: Scope, limit = 200) {
  if (!mayReadOutbox(scope)) return [];
  return scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', scope.tenantId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** One email of the tenant with its full text, or null when it does not exist or may not be read. */
export async function findEmail(scope: Scope, emailId: string) {
  if (!mayReadOutbox(scope) || !UUID.test(emailId)) return null;
  const row = await scope.tx
    .selectFrom('outbox_emails')
    .select(['id', 'to_address', 'subject', 'text_body', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('id', '=', emailId)
    .executeTakeFirst();
  return row ?? null;
}
