import type { notifications as fr } from '../fr/notifications.js';

export const notifications = {
  'outbox.title': 'Portal emails',
  'outbox.intro': 'The emails the portal sent or is about to send to families and staff. When no mail server is configured they are kept here without being sent: you can read them and follow their links.',
  'outbox.empty': 'No email yet.',
  'outbox.caption': 'Latest emails',
  'outbox.column.date': 'Date',
  'outbox.column.to': 'Recipient',
  'outbox.column.subject': 'Subject',
  'outbox.column.status': 'Status',
  'outbox.column.attempts': 'Attempts',
  'outbox.column.lastError': 'Last error',
  'outbox.status.queued': 'Waiting to be sent',
  'outbox.status.sent': 'Sent',
  'outbox.status.kept': 'Kept, not sent',
  'outbox.status.failed': 'Sending failed',
  'outbox.detail.createdAt': 'Created on',
  'outbox.detail.sentAt': 'Sent on',
  'outbox.detail.text': 'Text of the email',
  'outbox.detail.kept': 'No mail server is configured: this email was not sent.',
  'outbox.detail.failed': 'The mail server did not accept this email after {attempts} attempt(s). Last error: {error}',
  'outbox.back': 'Back to emails',
} satisfies Record<keyof typeof fr, string>;
