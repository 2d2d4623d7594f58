import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { receiptPdf } from '../../modules/billing/certificates.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { listPayments, type PaymentRow } from '../../modules/ledger/payments.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Table } from '../components/dsfr/table.js';
import { StatusBadge } from '../components/status-badge.js';
import { requireFamily } from '../guards.js';
import { Id } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { sendPdf } from '../downloads.js';
import { methodLabel } from '../money-labels.js';
import { ColumnHeads, PdfLink } from './money-components.js';

export const PAYMENTS_PATH = '/mes-paiements';

/** The address of a payment's receipt (PDF). */
export function receiptPath(paymentId: string): string {
  return `${PAYMENTS_PATH}/${encodeURIComponent(paymentId)}/recu`;
}

const PaymentParams = Type.Object({ paymentId: Id });

/** Mes paiements (seed 003): the payments received, the invoices they paid, their receipts. */
export function familyPaymentsRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAYMENTS_PATH, { preHandler: requireFamily }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const payments = await request.inScope((scope) => listPayments(scope, { householdId }));
      return reply.page(request.t('family.payments.title'), <PaymentsPage payments={payments} />);
    });

    app.get(`${PAYMENTS_PATH}/:paymentId/recu`, { preHandler: requireFamily, schema: { params: PaymentParams } }, async (request, reply) => {
      const receipt = await request.inScope((scope) => receiptPdf(scope, request.params.paymentId, request.lang));
      if (!receipt) return reply.callNotFound();
      return sendPdf(reply, `${receipt.number}.pdf`, receipt.pdf);
    });
  };
}

function PaymentsPage(props: { payments: PaymentRow[] }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('family.payments.title')}</h1>
      <p>{t('family.payments.intro')}</p>
      {props.payments.length === 0 ? (
        <p>{t('family.payments.none')}</p>
      ) : (
        <Table caption={t('family.payments.title')} focusableId="payments-caption" noCaption class="fr-table--bordered">
          <ColumnHeads
            columns={[
              'family.money.date',
              'family.payments.receipt',
              'family.invoice.method',
              { amount: 'family.money.amount' },
              'family.money.payer',
              'family.payments.invoices',
              'family.money.state',
              'family.money.pdf',
            ]}
          />
          <tbody>
            {props.payments.map((payment) => (
              <tr key={payment.id}>
                <td>{formatCalendarDate(payment.receivedOn)}</td>
                <th scope="row">{payment.number}</th>
                <td>
                  {payment.chequeNumber
                    ? t('family.payments.methodWithNumber', { method: methodLabel(t, payment.method), number: payment.chequeNumber })
                    : methodLabel(t, payment.method)}
                </td>
                <td class="fr-cell--right">{payment.cancelled ? <s>{fmt.money(payment.amountCents)}</s> : fmt.money(payment.amountCents)}</td>
                <td>{payment.payerName}</td>
                <td class="fr-cell--multiline">
                  {payment.paid.length === 0 ? (
                    t('family.payments.noInvoice')
                  ) : (
                    <ul class="pf-compact-list">
                      {payment.paid.map((part) => (
                        <li key={part.invoiceId}>
                          <a href={href(page, pagePath(PAGES.invoice, { invoiceId: part.invoiceId }))}>
                            {t('family.payments.invoicePart', { number: part.number, amount: fmt.money(part.amountCents) })}
                          </a>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td class="fr-cell--multiline">
                  {payment.cancelled ? (
                    <>
                      <StatusBadge tone="error" label="family.payments.cancelled" />
                      <p class="fr-text--sm fr-mb-0">{t('family.payments.cancelledReason', { reason: payment.cancelled.reason })}</p>
                    </>
                  ) : (
                    <StatusBadge tone="success" label="family.payments.recorded" />
                  )}
                </td>
                <td>
                  <PdfLink path={receiptPath(payment.id)} label={t('family.payments.receiptOf', { number: payment.number })} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
