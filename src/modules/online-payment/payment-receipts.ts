import { formatters } from '../../i18n/catalogue.js';
import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';

/** The email receipt of an online payment, to the payer, in the language of their account. */
export async function tellPaymentReceived(scope: Scope, paymentId: string, payer: { email: string; name: string }, publicBase: string): Promise<void> {
  const payment = await scope.tx
    .selectFrom('payments as p')
    .innerJoin('tenants as t', 't.id', 'p.tenant_id')
    .leftJoin('accounts as a', (join) => join.on('a.email', '=', payer.email).on('a.kind', '=', 'family'))
    .select(['p.number', 'p.amount_cents', 'p.received_on', 't.name as tenant_name', 't.time_zone', 'a.locale'])
    .where('p.id', '=', paymentId)
    .executeTakeFirstOrThrow();
  const lang = payment.locale ?? 'fr';
  const fmt = formatters(lang, payment.time_zone);
  await queueEmails(scope, [
    composeEmail(
      mailIn({ tenantName: payment.tenant_name, baseUrl: publicBase }, lang),
      { address: payer.email, name: payer.name },
      'mail.onlinePayment.subject',
      'mail.onlinePayment.body',
      {
        number: payment.number,
        amount: fmt.money(payment.amount_cents),
        date: fmt.day(payment.received_on),
        link: `${publicBase}${pagePath(PAGES.payments)}`,
      },
    ),
  ]);
}
