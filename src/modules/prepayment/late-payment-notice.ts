import { formatters } from '../../i18n/catalogue.js';
import type { LateBooking } from '../bookings/baskets.js';
import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES } from '../page-paths.js';
import type { Scope } from '../scope.js';

/**
 * A basket's payment verified after it expired: the account that paid (or, failing it, the
 * household's active accounts) is told which days were booked all the same, which were lost, and
 * that what was not used stays as a credit — in its own language, the authority's time zone.
 */
export async function tellLatePayment(
  scope: Scope,
  input: { householdId: string; accountId: string | null; amountCents: number; creditCents: number; late: LateBooking[]; publicBase: string },
): Promise<void> {
  const tenant = await scope.tx.selectFrom('tenants').select(['name', 'time_zone']).where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const ids = input.late.flatMap((row) => [row.expiredId]);
  const days =
    ids.length === 0
      ? []
      : await scope.tx
          .selectFrom('bookings as b')
          .innerJoin('persons as p', 'p.id', 'b.child_id')
          .innerJoin('units as u', 'u.id', 'b.unit_id')
          .select(['b.id', 'b.day', 'p.first_name', 'u.name as unit_name'])
          .where('b.id', 'in', ids)
          .orderBy('b.day')
          .execute();
  const bookedIds = new Set(input.late.flatMap((row) => (row.bookedId ? [row.expiredId] : [])));
  let accounts = await scope.tx
    .selectFrom('accounts')
    .select(['email', 'display_name', 'locale'])
    .where('household_id', '=', input.householdId)
    .where('status', '=', 'active')
    .$if(input.accountId !== null, (query) => query.where('id', '=', input.accountId!))
    .execute();
  if (accounts.length === 0 && input.accountId !== null)
    accounts = await scope.tx
      .selectFrom('accounts')
      .select(['email', 'display_name', 'locale'])
      .where('household_id', '=', input.householdId)
      .where('status', '=', 'active')
      .execute();
  const emails = accounts.map((account) => {
    const mail = mailIn({ tenantName: tenant.name, baseUrl: input.publicBase }, account.locale);
    const fmt = formatters(account.locale, tenant.time_zone);
    const list = (booked: boolean) => {
      const chosen = days.filter((day) => bookedIds.has(day.id) === booked);
      return chosen.length === 0 ? mail.t('mail.basket.none') : chosen.map((day) => `- ${fmt.day(day.day)} ${day.first_name} — ${day.unit_name}`).join('\n');
    };
    return composeEmail(mail, { address: account.email, name: account.display_name }, 'mail.basket.late.subject', 'mail.basket.late.body', {
      amount: fmt.money(input.amountCents),
      credit: fmt.money(input.creditCents),
      booked: list(true),
      lost: list(false),
      link: `${input.publicBase}${PAGES.planning}`,
    });
  });
  if (emails.length > 0) await queueEmails(scope, emails);
}
