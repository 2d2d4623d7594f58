import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { invoiceFilterChoices, type InvoiceFilterChoices } from '../../modules/billing/invoice-filters.js';
import { compactDays, invoicePdf } from '../../modules/billing/invoice-pdf.js';
import { creditsApplied, type CreditApplied } from '../../modules/billing/invoice-credits.js';
import { findInvoice, type InvoiceDetail, type InvoiceLine, type InvoiceSummary, listInvoices } from '../../modules/billing/invoices.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Facts } from '../components/facts.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { InvoiceStateBadge } from '../components/invoice-state-badge.js';
import { requireFamily } from '../guards.js';
import { Id, IdChoice } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { sendPdf } from '../downloads.js';
import { lineLabel, methodLabel } from '../money-labels.js';
import { ColumnHeads, periodOf, PdfLink } from './money-components.js';
import { payPath } from './online-payment-routes.js';
import { regiesPayingOnline } from '../../modules/online-payment/payment-choices.js';

/** The year and régie filters of Mes factures, as its GET form sends them ('' for "all"). */
const InvoicesQuery = Type.Object({
  annee: Type.Optional(Type.String({ pattern: '^(20\\d\\d)?$' })),
  regie: Type.Optional(IdChoice),
});

const InvoiceParams = Type.Object({ invoiceId: Id });

/** Mes factures: the household's invoices with filters, one invoice whole, and its PDF. */
export function familyInvoicesRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.invoices, { preHandler: requireFamily, schema: { querystring: InvoicesQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const year = request.query.annee ? Number(request.query.annee) : undefined;
      const regieId = request.query.regie || undefined;
      const data = await request.inScope(async (scope) => {
        const invoices = await listInvoices(scope, { householdId, year, regieId });
        return {
          invoices,
          choices: await invoiceFilterChoices(scope, householdId),
          payingOnline: await regiesPayingOnline(
            scope,
            invoices.map((invoice) => invoice.regieId),
          ),
        };
      });
      return reply.page(request.t('family.invoices.title'), <InvoicesPage {...data} year={year} regieId={regieId} />);
    });

    app.get(PAGES.invoice, { preHandler: requireFamily, schema: { params: InvoiceParams } }, async (request, reply) => {
      const { invoice, credits, payingOnline } = await request.inScope(async (scope) => {
        const invoice = await findInvoice(scope, request.params.invoiceId);
        return {
          invoice,
          credits: await creditsApplied(scope, request.params.invoiceId),
          payingOnline: invoice ? await regiesPayingOnline(scope, [invoice.regieId]) : new Set<string>(),
        };
      });
      if (!invoice) return reply.callNotFound();
      const title = request.t(invoice.kind === 'credit_note' ? 'family.invoice.creditNoteTitle' : 'family.invoice.title', { number: invoice.number });
      return reply.page(title, <InvoicePage invoice={invoice} credits={credits} title={title} payOnline={payableOnline(invoice, payingOnline)} />);
    });

    app.get(`${PAGES.invoice}/pdf`, { preHandler: requireFamily, schema: { params: InvoiceParams } }, async (request, reply) => {
      const document = await request.inScope((scope) => invoicePdf(scope, request.params.invoiceId, request.lang));
      if (!document) return reply.callNotFound();
      return sendPdf(reply, `${document.number}.pdf`, document.pdf);
    });
  };
}

/** An invoice the family can pay here: something left, not handed to the Treasury, its régie taking payments online. */
function payableOnline(invoice: InvoiceSummary, payingOnline: Set<string>): boolean {
  return invoice.kind === 'invoice' && invoice.leftCents > 0 && invoice.state !== 'treasury' && payingOnline.has(invoice.regieId);
}

function InvoicesPage(props: {
  invoices: InvoiceSummary[];
  choices: InvoiceFilterChoices;
  payingOnline: Set<string>;
  year: number | undefined;
  regieId: string | undefined;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const filtered = props.year !== undefined || props.regieId !== undefined;
  const bills = props.invoices.filter((invoice) => invoice.kind === 'invoice');
  const left = bills.reduce((sum, invoice) => sum + invoice.leftCents, 0);
  const treasury = bills.filter((invoice) => invoice.state === 'treasury').reduce((sum, invoice) => sum + invoice.leftCents, 0);
  return (
    <>
      <h1>{t('family.invoices.title')}</h1>
      <p>{t('family.invoices.intro')}</p>
      <form method="get" action={href(page, PAGES.invoices)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-4">
          <Select
            name="annee"
            label={t('family.invoices.year')}
            value={props.year === undefined ? '' : String(props.year)}
            options={[{ value: '', label: t('family.money.allYears') }, ...props.choices.years.map((year) => ({ value: String(year), label: String(year) }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-5">
          <Select
            name="regie"
            label={t('family.money.regie')}
            value={props.regieId ?? ''}
            options={[{ value: '', label: t('family.money.allRegies') }, ...props.choices.regies.map((regie) => ({ value: regie.id, label: regie.name }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary" icon="fr-icon-filter-line">
            {t('family.money.filter')}
          </Button>
        </div>
      </form>
      {props.invoices.length === 0 ? (
        <p>{t(filtered ? 'family.invoices.noneFiltered' : 'family.invoices.none')}</p>
      ) : (
        <>
          {left > 0 ? (
            <Alert kind={props.invoices.some((invoice) => invoice.state === 'late') ? 'warning' : 'info'} small>
              <p>
                <strong>{t('family.invoices.leftTotal', { amount: fmt.money(left) })}</strong>
              </p>
              {treasury > 0 && <p>{t('family.invoices.leftTreasury', { amount: fmt.money(treasury) })}</p>}
            </Alert>
          ) : (
            <p>{t('family.invoices.nothingLeft')}</p>
          )}
          <Table caption={t('family.invoices.title')} focusableId="invoices-caption" noCaption class="fr-table--bordered">
            <ColumnHeads
              columns={[
                'family.money.number',
                'family.money.date',
                'family.money.period',
                { amount: 'family.money.amount' },
                { amount: 'family.money.paid' },
                { amount: 'family.money.left' },
                'family.money.dueOn',
                'family.money.state',
                'family.money.pdf',
              ]}
            />
            <tbody>
              {props.invoices.map((invoice) => (
                <tr key={invoice.id}>
                  <th scope="row">
                    <a href={href(page, pagePath(PAGES.invoice, { invoiceId: invoice.id }))}>{invoice.number}</a>
                  </th>
                  <td>{formatCalendarDate(invoice.issuedOn)}</td>
                  <td>{periodOf(t, invoice)}</td>
                  <td class="fr-cell--right">{fmt.money(invoice.totalCents)}</td>
                  <td class="fr-cell--right">{invoice.kind === 'invoice' ? fmt.money(invoice.paidCents) : '—'}</td>
                  <td class="fr-cell--right">{invoice.kind === 'invoice' ? fmt.money(invoice.leftCents) : '—'}</td>
                  <td>{invoice.kind === 'invoice' ? formatCalendarDate(invoice.dueOn) : '—'}</td>
                  <td>
                    <InvoiceStateBadge state={invoice.state} />
                    {payableOnline(invoice, props.payingOnline) && (
                      <div class="fr-mt-1w">
                        <a
                          class="fr-link fr-link--sm fr-icon-bank-card-line fr-link--icon-left"
                          href={href(page, payPath(invoice.id))}
                          aria-label={t('family.invoices.payOnlineOf', { number: invoice.number })}
                        >
                          {t('family.invoice.payOnline')}
                        </a>
                      </div>
                    )}
                  </td>
                  <td>
                    <PdfLink
                      path={`${pagePath(PAGES.invoice, { invoiceId: invoice.id })}/pdf`}
                      label={t('family.money.downloadPdfOf', { number: invoice.number })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
            {left > 0 && (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={5}>
                    {t('family.money.left')}
                  </th>
                  <td class="fr-cell--right">
                    <strong>{fmt.money(left)}</strong>
                  </td>
                  <td colSpan={3}></td>
                </tr>
              </tfoot>
            )}
          </Table>
        </>
      )}
    </>
  );
}

function InvoicePage(props: { invoice: InvoiceDetail; credits: CreditApplied[]; title: string; payOnline: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { invoice } = props;
  const credit = invoice.kind === 'credit_note';
  const pdfPath = `${pagePath(PAGES.invoice, { invoiceId: invoice.id })}/pdf`;
  const facts: [string, string][] = [
    [t('family.money.regie'), invoice.regieName],
    [t('family.invoice.issuedOn'), formatCalendarDate(invoice.issuedOn)],
    ...(invoice.periodFrom ? [[t('family.money.period'), periodOf(t, invoice)] as [string, string]] : []),
    [t('family.money.payer'), invoice.payerName],
    [t('family.money.amount'), fmt.money(invoice.totalCents)],
    ...(credit
      ? []
      : ([
          [t('family.money.dueOn'), formatCalendarDate(invoice.dueOn)],
          [t('family.money.paid'), fmt.money(invoice.paidCents)],
          [t('family.money.left'), fmt.money(invoice.leftCents)],
        ] as [string, string][])),
  ];
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PAGES.invoices)}>
          {t('family.invoice.back')}
        </a>
      </p>
      <h1>{props.title}</h1>
      <div class="fr-mb-3w">
        <InvoiceStateBadge state={invoice.state} />
      </div>
      {invoice.state === 'treasury' && invoice.treasury && (
        <Alert kind="warning" title={t('family.invoice.treasuryTitle')}>
          <p>{t('family.invoice.treasury', { date: formatCalendarDate(invoice.treasury.handedOn), reference: invoice.treasury.reference })}</p>
        </Alert>
      )}
      {invoice.state === 'late' && (
        <Alert kind="warning" title={t('family.invoice.lateTitle')}>
          <p>{t('family.invoice.late', { date: formatCalendarDate(invoice.dueOn) })}</p>
        </Alert>
      )}
      {credit && invoice.creditOf && (
        <p>
          <a href={href(page, pagePath(PAGES.invoice, { invoiceId: invoice.creditOf.id }))}>
            {t('family.invoice.creditOf', { number: invoice.creditOf.number })}
          </a>
          {invoice.reason && <> {t('family.invoice.reason', { reason: invoice.reason })}</>}
        </p>
      )}
      <section class="fr-mb-4w" aria-labelledby="facts-title">
        <h2 class="fr-h5" id="facts-title">
          {t('family.invoice.facts')}
        </h2>
        <Facts facts={facts} />
        <ButtonLink href={href(page, pdfPath)} variant="secondary" icon="fr-icon-download-line" class="fr-mt-2w">
          {t('family.money.downloadPdfOf', { number: invoice.number })}
        </ButtonLink>
      </section>
      <InvoiceLines invoice={invoice} />
      {!credit && <InvoicePayments invoice={invoice} credits={props.credits} />}
      {!credit && invoice.leftCents > 0 && invoice.state !== 'treasury' && <HowToPay invoice={invoice} payOnline={props.payOnline} />}
    </>
  );
}

/** The lines grouped by child, each with its unit, days, quantity, price and amount. */
function InvoiceLines(props: { invoice: InvoiceDetail }) {
  const page = usePage();
  const { t, fmt } = page;
  const { invoice } = props;
  const byChild = new Map<string, InvoiceLine[]>();
  for (const line of invoice.lines) byChild.set(line.childName, [...(byChild.get(line.childName) ?? []), line]);
  const parts = invoice.lines.reduce(
    (sum, line) => ({ care: sum.care + line.careCents, meal: sum.meal + line.mealCents, penalty: sum.penalty + line.penaltyCents }),
    { care: 0, meal: 0, penalty: 0 },
  );
  return (
    <section class="fr-mb-4w">
      <h2 class="fr-h5">{t('family.invoice.lines')}</h2>
      <Table caption={t('family.invoice.lines')} focusableId="lines-caption" noCaption class="fr-table--bordered">
        <ColumnHeads
          columns={[
            'family.invoice.item',
            'family.invoice.days',
            { amount: 'family.invoice.quantity' },
            { amount: 'family.invoice.unitPrice' },
            { amount: 'family.money.amount' },
          ]}
        />
        {[...byChild.entries()].map(([child, lines]) => (
          <tbody key={child}>
            <tr>
              <th scope="colgroup" colSpan={5}>
                {child || t('family.invoice.noChild')}
              </th>
            </tr>
            {lines.map((line) => (
              <tr key={line.id}>
                <td>{lineLabel(t, line)}</td>
                <td class="fr-cell--multiline">{compactDays(line.days, formatCalendarDate)}</td>
                <td class="fr-cell--right">{line.quantity}</td>
                <td class="fr-cell--right">{fmt.money(line.unitPriceCents)}</td>
                <td class="fr-cell--right">{fmt.money(line.amountCents)}</td>
              </tr>
            ))}
            {byChild.size > 1 && (
              <tr>
                <th scope="row" colSpan={4}>
                  {t('family.invoice.subtotal', { child })}
                </th>
                <td class="fr-cell--right">{fmt.money(lines.reduce((sum, line) => sum + line.amountCents, 0))}</td>
              </tr>
            )}
          </tbody>
        ))}
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              {t('family.money.total')}
            </th>
            <td class="fr-cell--right">
              <strong>{fmt.money(invoice.totalCents)}</strong>
            </td>
          </tr>
        </tfoot>
      </Table>
      <p class="fr-text--sm">{t('family.invoice.parts', { care: fmt.money(parts.care), meal: fmt.money(parts.meal), penalty: fmt.money(parts.penalty) })}</p>
      {invoice.creditNotes.length > 0 && (
        <>
          <h3 class="fr-h6">{t('family.invoice.creditNotes')}</h3>
          <ul>
            {invoice.creditNotes.map((note) => (
              <li key={note.id}>
                <a href={href(page, pagePath(PAGES.invoice, { invoiceId: note.id }))}>
                  {t('family.invoice.creditNoteLine', { number: note.number, amount: fmt.money(note.totalCents) })}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** What paid the invoice: each payment's share (a cancelled one marked as such), and the credit notes' credit. */
function InvoicePayments(props: { invoice: InvoiceDetail; credits: CreditApplied[] }) {
  const page = usePage();
  const { t, fmt } = page;
  const { invoice } = props;
  return (
    <section class="fr-mb-4w">
      <h2 class="fr-h5">{t('family.invoice.payments')}</h2>
      {invoice.payments.length === 0 && props.credits.length === 0 ? (
        <p>{t('family.invoice.noPayment')}</p>
      ) : (
        <Table caption={t('family.invoice.payments')} focusableId="invoice-payments-caption" noCaption>
          <ColumnHeads columns={['family.money.date', 'family.statement.document', 'family.invoice.method', { amount: 'family.money.amount' }]} />
          <tbody>
            {invoice.payments.map((payment) => (
              <tr key={payment.number}>
                <td>{formatCalendarDate(payment.receivedOn)}</td>
                <td>
                  {payment.number}
                  {payment.cancelled && (
                    <>
                      {' '}
                      <p class="fr-badge fr-badge--sm fr-badge--error">{t('family.invoice.cancelled')}</p>
                    </>
                  )}
                </td>
                <td>{methodLabel(t, payment.method)}</td>
                <td class="fr-cell--right">{payment.cancelled ? <s>{fmt.money(payment.amountCents)}</s> : fmt.money(payment.amountCents)}</td>
              </tr>
            ))}
            {props.credits.map((part) => (
              <tr key={part.creditNoteId}>
                <td>{formatCalendarDate(part.issuedOn)}</td>
                <td>
                  <a href={href(page, pagePath(PAGES.invoice, { invoiceId: part.creditNoteId }))}>{part.number}</a>
                </td>
                <td>{t('family.money.state.credit_note')}</td>
                <td class="fr-cell--right">{fmt.money(part.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {invoice.leftCents === 0 && <p>{t('family.invoice.paidInFull')}</p>}
    </section>
  );
}

/** How to pay the régie: by transfer to its account, or at its counter as it says. */
function HowToPay(props: { invoice: InvoiceDetail; payOnline: boolean }) {
  const page = usePage();
  const { t } = page;
  const { invoice } = props;
  const { regie } = invoice;
  return (
    <section class="fr-mb-4w" aria-labelledby="pay-title">
      <h2 class="fr-h5" id="pay-title">
        {t('family.invoice.howToPay')}
      </h2>
      <p>{t('family.invoice.payBefore', { date: formatCalendarDate(invoice.dueOn), number: invoice.number })}</p>
      {props.payOnline && (
        <ButtonLink href={href(page, payPath(invoice.id))} icon="fr-icon-bank-card-line" class="fr-mb-3w">
          {t('family.invoice.payOnline')}
        </ButtonLink>
      )}
      {regie.iban && (
        <>
          <h3 class="fr-h6">{t('family.invoice.transfer')}</h3>
          <dl class="pf-record fr-mb-3w">
            <div class="pf-record__row">
              <dt>{t('family.invoice.bankHolder')}</dt>
              <dd>{regie.bankHolder ?? regie.name}</dd>
            </div>
            <div class="pf-record__row">
              <dt>{t('family.invoice.iban')}</dt>
              <dd>{regie.iban.replace(/(.{4})/g, '$1 ').trim()}</dd>
            </div>
            {regie.bic && (
              <div class="pf-record__row">
                <dt>{t('family.invoice.bic')}</dt>
                <dd>{regie.bic}</dd>
              </div>
            )}
          </dl>
        </>
      )}
      <h3 class="fr-h6">{t('family.invoice.counter')}</h3>
      <p class="pf-pre">{regie.paymentInstructions ?? t('pdf.pay.counter')}</p>
    </section>
  );
}
