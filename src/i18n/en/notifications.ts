import type { notifications as fr } from '../fr/notifications.js';

export const notifications = {
  'outbox.title': 'Portal emails',
  'outbox.intro':
    'The emails the portal sent or is about to send to families and staff. When no mail server is configured they are kept here without being sent. Invitation and new-password links and temporary passwords never show here: only their recipient gets them.',
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
  'outbox.detail.failed.one': 'The mail server did not accept this email after {attempts} attempt. Last error: {error}',
  'outbox.detail.failed.many': 'The mail server did not accept this email after {attempts} attempts. Last error: {error}',
  'outbox.back': 'Back to emails',
  'outbox.secretMasked': '[single-use secret, readable by its recipient only]',
  'outbox.demoMailbox': 'Demonstration: the mail of the fictional people can be read whole, links included, in',
  'demoMailbox.title': 'Demonstration mailbox',
  'demoMailbox.intro':
    'This demonstration authority sends no email: the mail to its fictional people (addresses at example.org, example.com or .test) can be read here by everyone, invitation and password links included, to try the portal. A real authority has no such page.',
  'demoMailbox.back': 'Back to the demonstration mailbox',
} satisfies Record<keyof typeof fr, string>;
