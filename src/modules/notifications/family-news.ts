import type { MessageKey, Params } from '../../i18n/catalogue.js';
import { PAGES } from '../page-paths.js';
import type { Scope } from '../scope.js';
import { composeEmail, mailIn, type MailSender } from './compose-email.js';
import { queueEmails, type OutgoingEmail } from './outbox.js';

/** At most this many lines in one email; the rest is on the portal. */
const MAX_LINES = 60;

/**
 * One piece of news for a household: its line in a list (`line`, with `params`), and the email it
 * makes when it is the household's only news of the batch (`alone`; without it, the list's email).
 */
export interface News {
  line: MessageKey;
  params: Params;
  alone?: { subject: MessageKey; body: MessageKey; link: string };
}

/** The email of a household's news put together: its `body` receives `{lines}` and `{link}`. */
export interface Digest {
  subject: MessageKey;
  body: MessageKey;
  link: string;
  params?: Params;
}

/**
 * The news of one action (a batch of decisions, a booking form, a closure), gathered per household
 * and sent once the action is done: one email per household account, in the account's language,
 * listing all its news — not one email per day decided.
 */
export class FamilyNews {
  private readonly byHousehold = new Map<string, News[]>();

  constructor(private readonly digest: Digest) {}

  add(householdId: string, news: News): void {
    const list = this.byHousehold.get(householdId);
    if (list) list.push(news);
    else this.byHousehold.set(householdId, [news]);
  }

  get households(): string[] {
    return [...this.byHousehold.keys()];
  }

  /** Queues the emails in the caller's transaction (they leave once it commits). */
  async send(scope: Scope, sender: MailSender): Promise<void> {
    if (this.byHousehold.size === 0) return;
    const accounts = await scope.tx
      .selectFrom('accounts')
      .select(['household_id', 'email', 'display_name', 'locale'])
      .where('household_id', 'in', this.households)
      .where('status', '=', 'active')
      .orderBy('email')
      .execute();
    const emails: OutgoingEmail[] = [];
    for (const account of accounts) {
      const news = this.byHousehold.get(account.household_id!)!;
      const mail = mailIn(sender, account.locale);
      const to = { address: account.email, name: account.display_name };
      const only = news.length === 1 ? news[0]!.alone : undefined;
      if (only) {
        emails.push(composeEmail(mail, to, only.subject, only.body, { ...news[0]!.params, link: `${sender.baseUrl}${only.link}` }));
        continue;
      }
      const lines = news.slice(0, MAX_LINES).map((item) => `- ${mail.t(item.line, item.params)}`);
      if (news.length > MAX_LINES) lines.push(mail.t('mail.news.more', { count: news.length - MAX_LINES }));
      emails.push(
        composeEmail(mail, to, this.digest.subject, this.digest.body, {
          ...this.digest.params,
          count: news.length,
          lines: lines.join('\n'),
          link: `${sender.baseUrl}${this.digest.link}`,
        }),
      );
    }
    await queueEmails(scope, emails);
  }
}

/** The email of a household's answers to its requests decided together (bookings, enrollments, absences, record changes). */
export function decisionBatch(): FamilyNews {
  return new FamilyNews({ subject: 'mail.decisions.subject', body: 'mail.decisions.body', link: PAGES.requests });
}

/** Who writes when no request gives it: the authority's name, and the portal's address when the scope knows it. */
export async function mailSenderOf(scope: Scope): Promise<MailSender> {
  const tenant = await scope.tx.selectFrom('tenants').select('name').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  return { tenantName: tenant.name, baseUrl: scope.publicBase ?? '' };
}
