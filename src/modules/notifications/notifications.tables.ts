import type { Generated } from 'kysely';
import type { Id, NullableTimestamp, Timestamp } from '../../db/column-types.js';

/** queued: waiting for the sender; sent: accepted by the SMTP server; kept: no SMTP configured, readable in the outbox; failed: gave up after retries. */
export type EmailStatus = 'queued' | 'sent' | 'kept' | 'failed';

export interface OutboxEmailsTable {
  id: Id;
  tenant_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** The single-use secrets of the text's markers, sealed (notifications/outbox.ts); forgotten once sent or given up. */
  sealed_secrets: string | null;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  /** Database time from which the sender may try (again); set by the retry backoff. */
  next_attempt_at: Timestamp;
  /** While set in the future, one sender is delivering the row and no other may claim it. */
  leased_until: NullableTimestamp;
}

export interface NotificationsTables {
  outbox_emails: OutboxEmailsTable;
}
