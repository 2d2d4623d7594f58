import { translator, type Lang, type MessageKey, type Params, type Translate } from '../../i18n/catalogue.js';
import type { SealedBox } from '../security/sealed-box.js';
import { type OutgoingEmail, sealEmailSecrets, secretMarker } from './outbox.js';

/** What an email needs to know of where it is sent from: language, authority, and its web address. */
export interface MailContext {
  t: Translate;
  tenantName: string;
  /** Absolute URL of the tenant's portal, without trailing slash (links in emails start here). */
  baseUrl: string;
}

/** A plain-text email with greeting and signature, in the reader's language. */
export function composeEmail(
  mail: MailContext,
  to: { address: string; name: string },
  subject: MessageKey,
  body: MessageKey,
  params: Params = {},
): OutgoingEmail {
  const all = { tenant: mail.tenantName, ...params };
  const text = [mail.t('mail.greeting', { name: to.name }), '', mail.t(body, all), '', mail.t('mail.signature', all)].join('\n');
  return { to: to.address, subject: mail.t(subject, all), text };
}

/** A mail context that can carry single-use secrets: the box that seals them in the outbox. */
export interface SecretMailContext extends MailContext {
  outboxSecrets: SealedBox;
}

/**
 * An email carrying single-use secrets (a link, a temporary password), each a parameter of the text:
 * the outbox keeps a marker in their place and the secrets sealed apart (notifications/outbox.ts).
 */
export function composeSecretEmail(
  mail: SecretMailContext,
  to: { address: string; name: string },
  subject: MessageKey,
  body: MessageKey,
  params: Params,
  secrets: Record<string, string>,
): OutgoingEmail {
  const markers = Object.fromEntries(Object.keys(secrets).map((name) => [name, secretMarker(name)]));
  const email = composeEmail(mail, to, subject, body, { ...params, ...markers });
  return { ...email, sealedSecrets: sealEmailSecrets(mail.outboxSecrets, to.address, secrets) };
}

/** Where emails come from, before choosing the language of their reader. */
export type MailSender = Omit<MailContext, 't'>;

/** The sender writing in the reader's own language (emails about a family's requests). */
export function mailIn(sender: MailSender, lang: Lang): MailContext {
  return { tenantName: sender.tenantName, baseUrl: sender.baseUrl, t: translator(lang) };
}
