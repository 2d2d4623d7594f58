import { formatters } from '../../i18n/catalogue.js';
import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';

/** The email receipt of an online payment, to the payer of its attempt, in the language of the account that paid. */
export async function tellPaymentReceived(scope: Scope, paymentId: string, publicBase: string): Promise<void> {
  const payment = await scope.tx
    .selectFrom('payments as p')
    .innerJoin('tenants as t', 't.id', 'p.tenant_id')
    .innerJoin('payment_attempts as pa', 'pa.id', 'p.attempt_id')
    .leftJoin('accounts as a', 'a.id', 'pa.created_by')
    .select(['p.number', 'p.amount_cents', 'p.received_on', 't.name as tenant_name', 't.time_zone', 'a.locale', 'pa.payer_email', 'pa.payer_name'])
    .where('p.id', '=', paymentId)
    .executeTakeFirstOrThrow();
  const lang = payment.locale ?? 'fr';
  const fmt = formatters(lang, payment.time_zone);
  await queueEmails(scope, [
    composeEmail(
      mailIn({ tenantName: payment.tenant_name, baseUrl: publicBase }, lang),
      { address: payment.payer_email, name: payment.payer_name },
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
