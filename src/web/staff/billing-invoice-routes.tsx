import { periodKey } from '../../i18n/catalogue.js';
import { sendPdf } from '../downloads.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invoicePdf } from '../../modules/billing/invoice-pdf.js';
import { findInvoice, issueCreditNote, listInvoices, markTreasuryTitle, type InvoiceDetail } from '../../modules/billing/invoices.js';
import { listRegies, type Regie } from '../../modules/billing/regies.js';
import { paymentMethodKey } from '../../modules/billing/certificates.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formList, formValues, Id, Text } from '../page-input.js';
import { BILLING_PATH, InvoiceTable } from './billing-run-routes.js';
import { InvoiceStateBadge } from './billing-common.js';
import { useCanChange } from './staff-access.js';

const INVOICES_PATH = `${BILLING_PATH}/factures`;
const InvoiceParams = Type.Object({ invoiceId: Id });
const ListQuery = Type.Object({
  regie: Type.Optional(Type.Union([Id, Type.Literal('')])),
  annee: Type.Optional(Type.String({ pattern: '^(20\\d\\d)?$' })),
  impayees: Type.Optional(Type.Literal('1')),
  page: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
});
const NOTICES = { avoir: 'billing.invoice.creditIssued', titre: 'billing.invoice.treasuryDone' } as const;
const PAGE_SIZE = 100;

/** Staff's invoices: the list with its filters, an invoice whole, its PDF, a credit note, the hand-over to the Treasury. */
export function staffBillingInvoiceRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(INVOICES_PATH, { preHandler: requireStaff(), schema: { querystring: ListQuery } }, async (request, reply) => {
      const { regie, annee, impayees, page } = request.query;
      const pageNumber = Number(page ?? '1') || 1;
      const data = await request.inScope(async (scope) => ({
        regies: await listRegies(scope),
        invoices: await listInvoices(scope, {
          regieId: regie || undefined,
          year: annee ? Number(annee) : undefined,
          unpaid: impayees === '1',
          limit: PAGE_SIZE + 1,
          offset: (pageNumber - 1) * PAGE_SIZE,
        }),
      }));
      return reply.page(
        request.t('billing.invoices.title'),
        <InvoiceList regies={data.regies} invoices={data.invoices} query={request.query} page={pageNumber} />,
      );
    });

    app.get(
      `${INVOICES_PATH}/:invoiceId`,
      { preHandler: requireStaff(), schema: { params: InvoiceParams, querystring: Type.Object({ fait: Type.Optional(Text) }) } },
      async (request, reply) => {
        const invoice = await request.inScope((scope) => findInvoice(scope, request.params.invoiceId));
        if (!invoice) return reply.callNotFound();
        const notice = request.query.fait === 'avoir' || request.query.fait === 'titre' ? NOTICES[request.query.fait] : undefined;
        return reply.page(
          request.t('billing.invoice.title', { number: invoice.number }),
          <InvoicePage invoice={invoice} notice={notice} errors={{}} values={{}} />,
        );
      },
    );

    app.get(`${INVOICES_PATH}/:invoiceId/pdf`, { preHandler: requireStaff(), schema: { params: InvoiceParams } }, async (request, reply) => {
      const document = await request.inScope((scope) => invoicePdf(scope, request.params.invoiceId, request.lang));
      if (!document) return reply.callNotFound();
      return sendPdf(reply, `${document.number}.pdf`, document.pdf);
    });

    app.post(
      `${INVOICES_PATH}/:invoiceId/avoir`,
      { preHandler: requireStaff('manager'), schema: { params: InvoiceParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const { result, invoice } = await request.inScope(async (scope) => ({
          result: await issueCreditNote(scope, request.params.invoiceId, { lineIds: formList(request.body, 'ligne'), reason: form.motif }),
          invoice: await findInvoice(scope, request.params.invoiceId),
        }));
        if (result.kind === 'issued') return reply.redirect(`${request.base}${INVOICES_PATH}/${result.creditNoteId}?fait=avoir`);
        if (!invoice || result.kind !== 'invalid') return reply.callNotFound();
        const t = request.t;
        const errors = {
          motif: result.errors.reason ? t(result.errors.reason === 'tooLong' ? 'field.error.tooLong' : 'field.error.required') : undefined,
          ligne: result.errors.lines ? t(result.errors.lines === 'alreadyCredited' ? 'billing.credit.alreadyCredited' : 'billing.credit.noLine') : undefined,
        };
        return reply.page(
          t('billing.invoice.title', { number: invoice.number }),
          <InvoicePage invoice={invoice} errors={errors} values={{ motif: form.motif ?? '', lignes: formList(request.body, 'ligne').join(',') }} />,
          400,
        );
      },
    );

    app.post(
      `${INVOICES_PATH}/:invoiceId/titre`,
      { preHandler: requireStaff('manager'), schema: { params: InvoiceParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const { result, invoice } = await request.inScope(async (scope) => ({
          result: await markTreasuryTitle(scope, request.params.invoiceId, { reference: form.reference }),
          invoice: await findInvoice(scope, request.params.invoiceId),
        }));
        if (result === 'done') return reply.redirect(`${request.base}${INVOICES_PATH}/${request.params.invoiceId}?fait=titre`);
        if (!invoice || result === 'not_found' || result === 'forbidden') return reply.callNotFound();
        const message =
          result === 'reference_required'
            ? request.t('field.error.required')
            : request.t(result === 'paid' ? 'billing.treasury.paid' : 'billing.treasury.already');
        return reply.page(
          request.t('billing.invoice.title', { number: invoice.number }),
          <InvoicePage invoice={invoice} errors={{ reference: message }} values={{ reference: form.reference ?? '' }} />,
          400,
        );
      },
    );
  };
}

function InvoiceList(props: {
  regies: Regie[];
  invoices: Awaited<ReturnType<typeof listInvoices>>;
  query: { regie?: string; annee?: string; impayees?: string };
  page: number;
}) {
  const page = usePage();
  const { t } = page;
  const shown = props.invoices.slice(0, PAGE_SIZE);
  const link = (pageNumber: number) => {
    const params = new URLSearchParams({
      ...(props.query.regie ? { regie: props.query.regie } : {}),
      ...(props.query.annee ? { annee: props.query.annee } : {}),
      ...(props.query.impayees ? { impayees: '1' } : {}),
      page: String(pageNumber),
    });
    return href(page, `${INVOICES_PATH}?${params.toString()}`);
  };
  return (
    <>
      <h1>{t('billing.invoices.title')}</h1>
      <form method="get" action={href(page, INVOICES_PATH)} class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-4">
          <Select
            name="regie"
            label={t('billing.regie')}
            value={props.query.regie}
            options={[{ value: '', label: t('billing.all') }, ...props.regies.map((regie) => ({ value: regie.id, label: regie.name }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Input name="annee" label={t('billing.year')} inputMode="numeric" value={props.query.annee} />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <div class="fr-checkbox-group fr-mt-4w">
            <input type="checkbox" id="impayees" name="impayees" value="1" checked={props.query.impayees === '1'} />
            <label class="fr-label" for="impayees">
              {t('billing.invoices.unpaidOnly')}
            </label>
          </div>
        </div>
        <div class="fr-col-12 fr-col-md-2">
          <Button variant="secondary" class="fr-mt-4w">
            {t('billing.filter')}
          </Button>
        </div>
      </form>
      {shown.length === 0 ? <p>{t('billing.invoices.none')}</p> : <InvoiceTable invoices={shown} caption={t('billing.invoices.title')} />}
      <nav class="fr-mt-2w" aria-label={t('billing.pages')}>
        {props.page > 1 && (
          <a class="fr-link fr-mr-3w" href={link(props.page - 1)}>
            {t('billing.previousPage')}
          </a>
        )}
        {props.invoices.length > PAGE_SIZE && (
          <a class="fr-link" href={link(props.page + 1)}>
            {t('billing.nextPage')}
          </a>
        )}
      </nav>
    </>
  );
}

function InvoicePage(props: {
  invoice: InvoiceDetail;
  notice?: (typeof NOTICES)[keyof typeof NOTICES] | undefined;
  errors: { motif?: string | undefined; ligne?: string | undefined; reference?: string | undefined };
  values: Record<string, string>;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  const { invoice } = props;
  const credited = new Set((props.values.lignes ?? '').split(','));
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, INVOICES_PATH)}>
          {t('billing.invoices.back')}
        </a>
      </p>
      <h1>{t(invoice.kind === 'invoice' ? 'billing.invoice.title' : 'billing.creditNote.title', { number: invoice.number })}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      <InvoiceStateBadge state={invoice.state} />
      <dl class="pf-definition-list fr-mt-2w">
        <dt>{t('billing.household')}</dt>
        <dd>
          <a href={href(page, `/gestion/foyers/${invoice.householdId}`)}>{invoice.householdName}</a> — {invoice.payerName}
        </dd>
        <dt>{t('billing.regie')}</dt>
        <dd>{invoice.regieName}</dd>
        <dt>{t('billing.issuedOn')}</dt>
        <dd>{fmt.day(invoice.issuedOn)}</dd>
        {invoice.kind === 'invoice' && (
          <>
            <dt>{t('billing.dueOn')}</dt>
            <dd>{fmt.day(invoice.dueOn)}</dd>
          </>
        )}
        {invoice.periodFrom && invoice.periodTo && (
          <>
            <dt>{t('billing.run.period')}</dt>
            <dd>
              {t(periodKey('billing.periodValue', invoice.periodFrom, invoice.periodTo), { from: fmt.day(invoice.periodFrom), to: fmt.day(invoice.periodTo) })}
            </dd>
          </>
        )}
        {invoice.creditOf && (
          <>
            <dt>{t('billing.creditNote.of')}</dt>
            <dd>
              <a href={href(page, `${INVOICES_PATH}/${invoice.creditOf.id}`)}>{invoice.creditOf.number}</a> — {invoice.reason}
            </dd>
          </>
        )}
        {invoice.treasury && (
          <>
            <dt>{t('billing.treasury.title')}</dt>
            <dd>{t('billing.treasury.value', { reference: invoice.treasury.reference, on: fmt.day(invoice.treasury.handedOn) })}</dd>
          </>
        )}
      </dl>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        {/* Payments are taken for a household and a régie: the form opens on this invoice's. */}
        {canChange && invoice.kind === 'invoice' && invoice.leftCents > 0 && !invoice.treasury && (
          <li>
            <ButtonLink href={href(page, `/gestion/foyers/${invoice.householdId}/paiement?regie=${invoice.regieId}`)} icon="fr-icon-money-euro-circle-line">
              {t('billing.payment.recordOne')}
            </ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, `${INVOICES_PATH}/${invoice.id}/pdf`)} variant="secondary" icon="fr-icon-download-line">
            {t('billing.invoice.pdf')}
          </ButtonLink>
        </li>
      </ul>
      <form method="post" action={href(page, `${INVOICES_PATH}/${invoice.id}/avoir`)} novalidate>
        <CsrfField />
        <Table caption={t(invoice.kind === 'invoice' ? 'billing.invoice.lines' : 'billing.creditNote.lines')} focusableId="lines-caption">
          <thead>
            <tr>
              {canChange && invoice.kind === 'invoice' && <th scope="col">{t('billing.credit.choose')}</th>}
              <th scope="col">{t('billing.child')}</th>
              <th scope="col">{t('billing.unit')}</th>
              <th scope="col">{t('billing.days')}</th>
              <th scope="col" class="pf-num">
                {t('billing.quantity')}
              </th>
              <th scope="col" class="pf-num">
                {t('billing.unitPrice')}
              </th>
              <th scope="col" class="pf-num">
                {t('billing.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {invoice.lines.map((line) => (
              <tr key={line.id}>
                {canChange && invoice.kind === 'invoice' && (
                  <td>
                    {line.kind !== 'regularisation' && (
                      <div class="fr-checkbox-group fr-checkbox-group--sm">
                        <input type="checkbox" id={`ligne-${line.id}`} name="ligne" value={line.id} checked={credited.has(line.id)} />
                        <label class="fr-label" for={`ligne-${line.id}`}>
                          <span class="fr-sr-only">{t('billing.credit.line', { position: line.position })}</span>
                        </label>
                      </div>
                    )}
                  </td>
                )}
                <td>{line.childName}</td>
                <td>
                  {line.label}
                  {line.kind !== 'attended' && <> — {t(`billing.lineKind.${line.kind}`)}</>}
                </td>
                <td class="pf-days">{line.days.map((day) => fmt.day(day).slice(0, 5)).join(', ')}</td>
                <td class="pf-num">{line.quantity}</td>
                <td class="pf-num">{fmt.money(line.unitPriceCents)}</td>
                <td class="pf-num">{fmt.money(line.amountCents)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row" colSpan={canChange && invoice.kind === 'invoice' ? 6 : 5}>
                {t('billing.total')}
              </th>
              <td class="pf-num">
                <strong>{fmt.money(invoice.totalCents)}</strong>
              </td>
            </tr>
          </tbody>
        </Table>
        {invoice.kind === 'invoice' && <p>{t('billing.invoice.paidLeft', { paid: fmt.money(invoice.paidCents), left: fmt.money(invoice.leftCents) })}</p>}
        {canChange && invoice.kind === 'invoice' && (
          <fieldset class="fr-fieldset fr-mt-3w" aria-labelledby="credit-legend">
            <legend class="fr-fieldset__legend" id="credit-legend">
              {t('billing.credit.title')}
            </legend>
            <p class="fr-hint-text fr-fieldset__element">{t('billing.credit.hint')}</p>
            {props.errors.ligne && (
              <p class="fr-error-text fr-fieldset__element" id="ligne-error">
                {props.errors.ligne}
              </p>
            )}
            <div class="fr-fieldset__element">
              <Textarea name="motif" label={t('billing.credit.reason')} required value={props.values.motif} error={props.errors.motif} rows={2} />
            </div>
            <div class="fr-fieldset__element">
              <Button variant="secondary" icon="fr-icon-arrow-go-back-line">
                {t('billing.credit.issue')}
              </Button>
            </div>
          </fieldset>
        )}
      </form>
      {invoice.payments.length > 0 && (
        <>
          <h2>{t('billing.invoice.payments')}</h2>
          <ul>
            {invoice.payments.map((payment) => (
              <li key={payment.number}>
                {t('billing.invoice.paymentRow', {
                  number: payment.number,
                  on: fmt.day(payment.receivedOn),
                  method: t(paymentMethodKey(payment.method as never)),
                  amount: fmt.money(payment.amountCents),
                })}
                {payment.cancelled && ` — ${t('billing.payment.cancelled')}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {invoice.creditNotes.length > 0 && (
        <>
          <h2>{t('billing.invoice.creditNotes')}</h2>
          <ul>
            {invoice.creditNotes.map((note) => (
              <li key={note.id}>
                <a href={href(page, `${INVOICES_PATH}/${note.id}`)}>{note.number}</a> — {fmt.money(note.totalCents)}
              </li>
            ))}
          </ul>
        </>
      )}
      {canChange && invoice.kind === 'invoice' && !invoice.treasury && invoice.leftCents > 0 && (
        <form method="post" action={href(page, `${INVOICES_PATH}/${invoice.id}/titre`)} novalidate class="fr-mt-4w">
          <CsrfField />
          <h2>{t('billing.treasury.hand')}</h2>
          <p>{t('billing.treasury.hint')}</p>
          <Input
            name="reference"
            label={t('billing.treasury.reference')}
            required
            value={props.values.reference}
            error={props.errors.reference}
            maxLength={60}
          />
          <Button variant="secondary">{t('billing.treasury.submit')}</Button>
        </form>
      )}
    </>
  );
}
