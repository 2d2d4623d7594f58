import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { countKey, type MessageKey } from '../../i18n/catalogue.js';
import type { BookingPeriod } from '../activities/activity-definitions.js';
import type { RefusalReason } from '../bookings/booking-requests.js';
import { composeEmail, mailIn, type MailSender } from '../notifications/compose-email.js';
import { queueEmail } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { PAGES, pagePath } from '../page-paths.js';

/** At most this many lines of results in one email; the rest is on the portal. */
const MAX_LINES = 60;

/**
 * Every household that applied is told its results by email, each account in its own language,
 * in the draw's transaction (the emails leave once it commits, like every email of the portal).
 */
export async function tellDrawResults(scope: Scope, period: BookingPeriod, sender?: MailSender): Promise<number> {
  const tenant = await scope.tx.selectFrom('tenants').select('name').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const from: MailSender = sender ?? { tenantName: tenant.name, baseUrl: scope.publicBase ?? '' };
  const activity = await scope.tx.selectFrom('activities').select('name').where('id', '=', period.activity_id).executeTakeFirstOrThrow();
  const applications = await scope.tx
    .selectFrom('lottery_applications as l')
    .innerJoin('persons as p', 'p.id', 'l.child_id')
    .innerJoin('units as u', 'u.id', 'l.unit_id')
    .select(['l.household_id', 'p.first_name', 'u.name as unit_name', 'l.day', 'l.result', 'l.result_rank', 'l.result_reason'])
    .where('l.period_id', '=', period.id)
    .orderBy('l.household_id')
    .orderBy('p.birth_date')
    .orderBy('p.first_name')
    .orderBy('l.day')
    .orderBy('u.position')
    // The draw writes only refusal reasons of the booking engine (lottery-draw.ts).
    .$narrowType<{ result_reason: RefusalReason | null }>()
    .execute();
  const accounts = await scope.tx
    .selectFrom('accounts')
    .select(['household_id', 'email', 'display_name', 'locale'])
    .where('kind', '=', 'family')
    .where('status', '=', 'active')
    .where('household_id', 'in', scope.tx.selectFrom('lottery_applications').select('household_id').where('period_id', '=', period.id))
    .execute();
  const byHousehold = new Map<string, typeof applications>();
  for (const application of applications) {
    const list = byHousehold.get(application.household_id) ?? [];
    list.push(application);
    byHousehold.set(application.household_id, list);
  }
  let sent = 0;
  for (const account of accounts) {
    const own = byHousehold.get(account.household_id!) ?? [];
    const mail = mailIn(from, account.locale);
    const lines = own.slice(0, MAX_LINES).map((row) => {
      const params = { child: row.first_name, unit: row.unit_name, date: formatCalendarDate(row.day), rank: row.result_rank ?? '' };
      const key: MessageKey =
        row.result === 'waitlisted' ? 'lottery.mail.line.waitlisted' : row.result === 'refused' ? 'lottery.mail.line.refused' : 'lottery.mail.line.reserved';
      const reason = row.result === 'refused' && row.result_reason ? ` (${mail.t(`booking.reason.${row.result_reason}`)})` : '';
      return `- ${mail.t(key, params)}${reason}`;
    });
    if (own.length > MAX_LINES) lines.push(mail.t(countKey('lottery.mail.more', own.length - MAX_LINES), { count: own.length - MAX_LINES }));
    await queueEmail(
      scope,
      composeEmail(mail, { address: account.email, name: account.display_name }, 'lottery.mail.subject', 'lottery.mail.body', {
        period: period.name,
        activity: activity.name,
        lines: lines.join('\n'),
        link: `${from.baseUrl}${pagePath(PAGES.lottery, { periodId: period.id })}`,
      }),
    );
    sent++;
  }
  return sent;
}
