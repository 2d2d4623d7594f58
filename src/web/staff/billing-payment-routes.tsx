import { sendPdf } from '../downloads.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { paymentMethodKey, receiptPdf } from '../../modules/billing/certificates.js';
import { listRegies, type Regie } from '../../modules/billing/regies.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { tenantToday } from '../../modules/calendar/local-date.js';
import { openInvoices, type OpenInvoice } from '../../modules/ledger/allocation.js';
import { COUNTER_METHODS } from '../../modules/ledger/ledger.tables.js';
import {
  cancelPayment,
  findPayment,
  listPayments,
  type PaymentErrors,
  type PaymentRow,
  recordPayment,
  refundableCredits,
  refundCredit,
} from '../../modules/ledger/payments.js';
import { householdName } from '../../modules/households/household-overview.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Id, Text } from '../page-input.js';
import { billingErrorMessages } from './billing-common.js';
import { BILLING_PATH } from './billing-run-routes.js';
import { useCanChange } from './staff-access.js';

const PAYMENTS_PATH = `${BILLING_PATH}/paiements`;
const HouseholdParams = Type.Object({ id: Id });
const PaymentParams = Type.Object({ paymentId: Id });

/** Payments received at the counter: recorded for a household, allocated, receipted, cancelled by a counter-entry. */
export function staffBillingPaymentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAYMENTS_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const payments = await request.inScope((scope) => listPayments(scope, { limit: 200 }));
      return reply.page(request.t('billing.payments.title'), <PaymentList payments={payments} />);
    });

    app.get(
      '/gestion/foyers/:id/paiement',
      { preHandler: requireStaff('manager'), schema: { params: HouseholdParams, querystring: Type.Object({ regie: Type.Optional(Id) }) } },
      async (request, reply) => {
        const data = await paymentFormData(request, request.params.id, request.query.regie);
        if (!data) return reply.callNotFound();
        return reply.page(
          request.t('billing.payment.new', { household: data.household }),
          <PaymentForm {...data} values={{ regie: data.regieId ?? '', recuLe: formatCalendarDate(data.today) }} errors={{}} />,
        );
      },
    );

    app.post(
      '/gestion/foyers/:id/paiement',
      { preHandler: requireStaff('manager'), schema: { params: HouseholdParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const allocations =
          form.repartition === 'main'
            ? Object.fromEntries(
                Object.entries(form)
                  .filter(([name]) => name.startsWith('facture-'))
                  .map(([name, value]) => [name.slice('facture-'.length), value]),
              )
            : undefined;
        const result = await request.inScope((scope) =>
          recordPayment(scope, {
            householdId: request.params.id,
            regieId: form.regie,
            method: form.moyen,
            amount: form.montant,
            receivedOn: form.recuLe,
            payerName: form.payeur,
            chequeNumber: form.numeroCheque,
            bankName: form.banque,
            reference: form.reference,
            note: form.note,
            allocations,
            keepCredit: form.credit === '1',
          }),
        );
        if (result.kind === 'recorded') return reply.redirect(`${request.base}${PAYMENTS_PATH}/${result.paymentId}?fait=enregistre`);
        if (result.kind !== 'invalid') return reply.callNotFound();
        const data = await paymentFormData(request, request.params.id, form.regie);
        if (!data) return reply.callNotFound();
        return reply.page(
          request.t('billing.payment.new', { household: data.household }),
          <PaymentForm {...data} values={form} errors={result.errors} dueCents={result.dueCents} />,
          400,
        );
      },
    );

    app.get(
      '/gestion/foyers/:id/remboursement',
      { preHandler: requireStaff('manager'), schema: { params: HouseholdParams, querystring: Type.Object({ fait: Type.Optional(Text) }) } },
      async (request, reply) => {
        const data = await refundFormData(request, request.params.id);
        if (!data) return reply.callNotFound();
        return reply.page(
          request.t('billing.refund.title', { household: data.household }),
          <RefundForm {...data} values={{ regie: data.credits[0]?.regieId ?? '', moyen: 'transfer' }} errors={{}} done={request.query.fait === '1'} />,
        );
      },
    );

    app.post(
      '/gestion/foyers/:id/remboursement',
      { preHandler: requireStaff('manager'), schema: { params: HouseholdParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const result = await request.inScope((scope) =>
          refundCredit(scope, { householdId: request.params.id, regieId: form.regie ?? '', amount: form.montant, method: form.moyen, reason: form.motif }),
        );
        if (result.kind === 'refunded') return reply.redirect(`${request.base}/gestion/foyers/${request.params.id}/remboursement?fait=1`);
        if (result.kind === 'forbidden') return reply.errorPage('forbidden');
        const data = await refundFormData(request, request.params.id);
        if (result.kind === 'not_found' || !data) return reply.callNotFound();
        const { amount, method, reason } = result.errors;
        const errors = billingErrorMessages(request.t, { montant: amount === 'aboveCredit' ? undefined : amount, moyen: method, motif: reason });
        return reply.page(
          request.t('billing.refund.title', { household: data.household }),
          <RefundForm {...data} values={form} errors={errors} aboveCreditCents={amount === 'aboveCredit' ? result.creditCents : undefined} />,
          400,
        );
      },
    );

    app.get(
      `${PAYMENTS_PATH}/:paymentId`,
      { preHandler: requireStaff(), schema: { params: PaymentParams, querystring: Type.Object({ fait: Type.Optional(Text) }) } },
      async (request, reply) => {
        const payment = await request.inScope((scope) => findPayment(scope, request.params.paymentId));
        if (!payment) return reply.callNotFound();
        return reply.page(request.t('billing.payment.title', { number: payment.number }), <PaymentPage payment={payment} notice={request.query.fait} />);
      },
    );

    app.get(`${PAYMENTS_PATH}/:paymentId/recu`, { preHandler: requireStaff(), schema: { params: PaymentParams } }, async (request, reply) => {
      const receipt = await request.inScope((scope) => receiptPdf(scope, request.params.paymentId, request.lang));
      if (!receipt) return reply.callNotFound();
      return sendPdf(reply, `${receipt.number}.pdf`, receipt.pdf);
    });

    app.post(
      `${PAYMENTS_PATH}/:paymentId/annulation`,
      { preHandler: requireStaff('manager'), schema: { params: PaymentParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const { result, payment } = await request.inScope(async (scope) => ({
          result: await cancelPayment(scope, request.params.paymentId, form.motif ?? ''),
          payment: await findPayment(scope, request.params.paymentId),
        }));
        if (!payment || result === 'not_found' || result === 'forbidden') return reply.callNotFound();
        if (result === 'done' || result === 'already') return reply.redirect(`${request.base}${PAYMENTS_PATH}/${payment.id}?fait=annule`);
        return reply.page(
          request.t('billing.payment.title', { number: payment.number }),
          <PaymentPage payment={payment} reasonError={request.t('field.error.required')} />,
          400,
        );
      },
    );
  };
}

async function paymentFormData(request: { inScope: import('fastify').FastifyRequest['inScope'] }, householdId: string, regieId: string | undefined) {
  return request.inScope(async (scope) => {
    const household = await householdName(scope, householdId);
    if (!household) return null;
    const regies = await listRegies(scope);
    const chosen = regies.find((regie) => regie.id === regieId) ?? (regies.length === 1 ? regies[0] : undefined);
    return {
      householdId,
      household,
      regies,
      regieId: chosen?.id,
      today: await tenantToday(scope),
      invoices: chosen ? await openInvoices(scope, householdId, chosen.id) : [],
    };
  });
}

function PaymentForm(props: {
  householdId: string;
  household: string;
  regies: Regie[];
  regieId: string | undefined;
  today: string;
  invoices: OpenInvoice[];
  values: Record<string, string>;
  errors: PaymentErrors;
  dueCents?: number;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const base = billingErrorMessages(
    t,
    Object.fromEntries(
      Object.entries(props.errors).filter(
        ([field, error]) =>
          field !== 'invoices' && typeof error === 'string' && !['overpayment', 'allocationAboveDue', 'allocationAboveAmount'].includes(error),
      ),
    ) as never,
  ) as Record<string, string>;
  const errors: Record<string, string | undefined> = {
    regie: base.regieId,
    moyen: base.method,
    montant: props.errors.amount === 'overpayment' ? t('billing.payment.overpayment', { due: fmt.money(props.dueCents ?? 0) }) : base.amount,
    recuLe: base.receivedOn,
    payeur: base.payerName,
    numeroCheque: base.chequeNumber,
    banque: base.bankName,
    reference: base.reference,
    note: base.note,
    repartition: props.errors.allocations === 'allocationAboveAmount' ? t('billing.payment.allocationAboveAmount') : undefined,
  };
  const labels = {
    regie: t('billing.regie'),
    moyen: t('billing.payment.method'),
    montant: t('billing.payment.amount'),
    recuLe: t('billing.payment.receivedOn'),
    payeur: t('billing.payment.payer'),
    numeroCheque: t('billing.payment.chequeNumber'),
    banque: t('billing.payment.bank'),
    reference: t('billing.payment.reference'),
    note: t('billing.payment.note'),
    repartition: t('billing.payment.allocation'),
  };
  const byHand = props.values.repartition === 'main';
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.householdId}`)}>
          {props.household}
        </a>
      </p>
      <h1>{t('billing.payment.new', { household: props.household })}</h1>
      <ErrorSummary errors={errors} labels={labels} />
      {props.regies.length > 1 && (
        <form method="get" action={href(page, `/gestion/foyers/${props.householdId}/paiement`)} class="fr-col-12 fr-col-md-8 fr-mb-3w">
          <Select
            name="regie"
            label={labels.regie}
            value={props.regieId}
            options={[{ value: '', label: '—' }, ...props.regies.map((regie) => ({ value: regie.id, label: regie.name }))]}
          />
          <Button variant="secondary">{t('billing.payment.chooseRegie')}</Button>
        </form>
      )}
      {props.regieId && (
        <form method="post" action={href(page, `/gestion/foyers/${props.householdId}/paiement`)} novalidate class="fr-col-12 fr-col-md-8">
          <CsrfField />
          <input type="hidden" name="regie" value={props.regieId} />
          <Select
            name="moyen"
            label={labels.moyen}
            required
            value={props.values.moyen}
            error={errors.moyen}
            options={[{ value: '', label: '—' }, ...COUNTER_METHODS.map((method) => ({ value: method, label: t(paymentMethodKey(method)) }))]}
          />
          <Input name="montant" label={labels.montant} hint={t('billing.amountHint')} required value={props.values.montant} error={errors.montant} />
          {props.errors.amount === 'overpayment' && (
            <div class="fr-checkbox-group fr-mb-3w">
              <input type="checkbox" id="credit" name="credit" value="1" />
              <label class="fr-label" for="credit">
                {t('billing.payment.keepCredit')}
              </label>
            </div>
          )}
          <DateInput name="recuLe" label={labels.recuLe} hint={t('billing.dateHint')} required value={props.values.recuLe} error={errors.recuLe} />
          <Input name="payeur" label={labels.payeur} required value={props.values.payeur} error={errors.payeur} maxLength={200} />
          <Input
            name="numeroCheque"
            label={labels.numeroCheque}
            hint={t('billing.payment.chequeHint')}
            value={props.values.numeroCheque}
            error={errors.numeroCheque}
            maxLength={40}
          />
          <Input name="banque" label={labels.banque} value={props.values.banque} error={errors.banque} maxLength={100} />
          <Input name="reference" label={labels.reference} value={props.values.reference} error={errors.reference} maxLength={100} />
          <Textarea name="note" label={labels.note} value={props.values.note} error={errors.note} rows={2} />
          <fieldset class="fr-fieldset" aria-labelledby="allocation-legend">
            <legend class="fr-fieldset__legend" id="allocation-legend">
              {labels.repartition}
            </legend>
            {errors.repartition && (
              <p class="fr-error-text fr-fieldset__element" id="repartition-error">
                {errors.repartition}
              </p>
            )}
            <div class="fr-fieldset__element">
              <div class="fr-radio-group">
                <input type="radio" id="repartition-auto" name="repartition" value="auto" checked={!byHand} />
                <label class="fr-label" for="repartition-auto">
                  {t('billing.payment.oldestFirst')}
                </label>
              </div>
            </div>
            <div class="fr-fieldset__element">
              <div class="fr-radio-group">
                <input type="radio" id="repartition-main" name="repartition" value="main" checked={byHand} />
                <label class="fr-label" for="repartition-main">
                  {t('billing.payment.byHand')}
                </label>
              </div>
            </div>
          </fieldset>
          {/* Below the choice of how to share the payment out: the amounts typed here count only when it says so. */}
          {props.invoices.length === 0 ? (
            <Alert kind="info" small>
              {t('billing.payment.nothingDue')}
            </Alert>
          ) : (
            <Table caption={t('billing.payment.due')} focusableId="due-caption">
              <thead>
                <tr>
                  <th scope="col">{t('billing.number')}</th>
                  <th scope="col">{t('billing.dueOn')}</th>
                  <th scope="col" class="pf-num">
                    {t('billing.left')}
                  </th>
                  <th scope="col">{t('billing.payment.toThisInvoice')}</th>
                </tr>
              </thead>
              <tbody>
                {props.invoices.map((invoice) => (
                  <tr key={invoice.id}>
                    <th scope="row">
                      {invoice.number}
                      {invoice.treasury && ` (${t('billing.state.treasury')})`}
                    </th>
                    <td>{fmt.day(invoice.dueOn)}</td>
                    <td class="pf-num">{fmt.money(invoice.leftCents)}</td>
                    <td>
                      <Input
                        name={`facture-${invoice.id}`}
                        label={t('billing.payment.amountFor', { number: invoice.number })}
                        hideLabel
                        value={props.values[`facture-${invoice.id}`]}
                        error={
                          props.errors.invoices?.[invoice.id]
                            ? t(props.errors.invoices[invoice.id] === 'allocationAboveDue' ? 'billing.payment.allocationAboveDue' : 'field.error.amount')
                            : undefined
                        }
                        inputMode="text"
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <Button icon="fr-icon-money-euro-circle-line">{t('billing.payment.record')}</Button>
        </form>
      )}
    </>
  );
}

function PaymentList(props: { payments: PaymentRow[] }) {
  const { t } = usePage();
  return (
    <>
      <h1>{t('billing.payments.title')}</h1>
      <p>{t('billing.payments.intro')}</p>
      {props.payments.length === 0 ? <p>{t('billing.payments.none')}</p> : <PaymentTable payments={props.payments} caption={t('billing.payments.title')} />}
    </>
  );
}

/** Payments as staff list them: receipt, date, household (unless all are one household's: then the régie), method, amount. */
export function PaymentTable(props: { payments: PaymentRow[]; caption: string; withHousehold?: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const withHousehold = props.withHousehold ?? true;
  return (
    <Table caption={props.caption} noCaption focusableId="payments-caption">
      <thead>
        <tr>
          <th scope="col">{t('billing.payment.number')}</th>
          <th scope="col">{t('billing.payment.receivedOn')}</th>
          {withHousehold ? <th scope="col">{t('billing.household')}</th> : <th scope="col">{t('billing.regie')}</th>}
          <th scope="col">{t('billing.payment.method')}</th>
          <th scope="col" class="pf-num">
            {t('billing.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.payments.map((payment) => (
          <tr key={payment.id}>
            <th scope="row">
              <a href={href(page, `${PAYMENTS_PATH}/${payment.id}`)}>{payment.number}</a>
              {payment.cancelled && ` — ${t('billing.payment.cancelled')}`}
            </th>
            <td>{fmt.day(payment.receivedOn)}</td>
            <td>{withHousehold ? payment.householdName : payment.regieName}</td>
            <td>{t(paymentMethodKey(payment.method))}</td>
            <td class="pf-num">{fmt.money(payment.amountCents)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function PaymentPage(props: { payment: PaymentRow; notice?: string | undefined; reasonError?: string }) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  const { payment } = props;
  const credit = payment.amountCents - payment.paid.reduce((sum, part) => sum + part.amountCents, 0);
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PAYMENTS_PATH)}>
          {t('billing.payments.back')}
        </a>
      </p>
      <h1>{t('billing.payment.title', { number: payment.number })}</h1>
      {props.notice === 'enregistre' && (
        <Alert kind="success" small announce>
          {t('billing.payment.recorded', { number: payment.number })}
        </Alert>
      )}
      {props.notice === 'annule' && (
        <Alert kind="info" small announce>
          {t('billing.payment.cancelledNotice')}
        </Alert>
      )}
      {payment.cancelled && (
        <Alert kind="warning" small>
          {t('billing.payment.cancelledWhy', { reason: payment.cancelled.reason })}
        </Alert>
      )}
      <dl class="pf-definition-list">
        <dt>{t('billing.household')}</dt>
        <dd>
          <a href={href(page, `/gestion/foyers/${payment.householdId}`)}>{payment.householdName}</a>
        </dd>
        <dt>{t('billing.regie')}</dt>
        <dd>{payment.regieName}</dd>
        <dt>{t('billing.payment.receivedOn')}</dt>
        <dd>{fmt.day(payment.receivedOn)}</dd>
        <dt>{t('billing.payment.method')}</dt>
        <dd>
          {t(paymentMethodKey(payment.method))}
          {payment.chequeNumber && ` ${t('billing.payment.chequeValue', { number: payment.chequeNumber })}`}
          {payment.bankName && ` (${payment.bankName})`}
        </dd>
        <dt>{t('billing.payment.amount')}</dt>
        <dd>{fmt.money(payment.amountCents)}</dd>
        <dt>{t('billing.payment.payer')}</dt>
        <dd>{payment.payerName}</dd>
      </dl>
      <p>
        <ButtonLink href={href(page, `${PAYMENTS_PATH}/${payment.id}/recu`)} variant="secondary" icon="fr-icon-download-line">
          {t('billing.payment.receipt')}
        </ButtonLink>
      </p>
      <h2>{t('billing.payment.paid')}</h2>
      {payment.paid.length === 0 ? (
        <p>{t('billing.payment.paidNothing')}</p>
      ) : (
        <ul>
          {payment.paid.map((part) => (
            <li key={part.invoiceId}>
              <a href={href(page, `${BILLING_PATH}/factures/${part.invoiceId}`)}>{part.number}</a> — {fmt.money(part.amountCents)}
            </li>
          ))}
        </ul>
      )}
      {credit > 0 && !payment.cancelled && <p>{t('billing.payment.credit', { amount: fmt.money(credit) })}</p>}
      {canChange && !payment.cancelled && (
        <form method="post" action={href(page, `${PAYMENTS_PATH}/${payment.id}/annulation`)} novalidate class="fr-mt-4w">
          <CsrfField />
          <h2>{t('billing.payment.cancel')}</h2>
          <p>{t('billing.payment.cancelHint')}</p>
          <Textarea name="motif" label={t('billing.payment.cancelReason')} required error={props.reasonError} rows={2} />
          <Button variant="secondary" icon="fr-icon-close-circle-line">
            {t('billing.payment.cancelSubmit')}
          </Button>
        </form>
      )}
    </>
  );
}

async function refundFormData(request: { inScope: import('fastify').FastifyRequest['inScope'] }, householdId: string) {
  return request.inScope(async (scope) => {
    const household = await householdName(scope, householdId);
    return household === null ? null : { householdId, household, credits: await refundableCredits(scope, householdId) };
  });
}

function RefundForm(props: {
  householdId: string;
  household: string;
  credits: { regieId: string; regieName: string; creditCents: number }[];
  values: Record<string, string>;
  errors: Partial<Record<string, string>>;
  /** The credit the amount typed went beyond. */
  aboveCreditCents?: number | undefined;
  done?: boolean;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { values } = props;
  const errors =
    props.aboveCreditCents === undefined
      ? props.errors
      : { ...props.errors, montant: t('billing.refund.aboveCredit', { amount: fmt.money(props.aboveCreditCents) }) };
  const labels = {
    regie: t('billing.refund.regie'),
    montant: t('billing.refund.amount'),
    moyen: t('billing.refund.method'),
    motif: t('billing.refund.reason'),
  };
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.householdId}#billing`)}>
          {props.household}
        </a>
      </p>
      <h1>{t('billing.refund.title', { household: props.household })}</h1>
      {props.done && (
        <Alert kind="success" small announce>
          {t('billing.refund.done')}
        </Alert>
      )}
      {props.credits.length === 0 ? (
        <p>{t('billing.refund.none')}</p>
      ) : (
        <>
          <p>{t('billing.refund.intro')}</p>
          <ErrorSummary errors={errors} labels={labels} />
          <form method="post" action={href(page, `/gestion/foyers/${props.householdId}/remboursement`)} novalidate class="fr-col-12 fr-col-md-8">
            <CsrfField />
            <Select
              name="regie"
              label={labels.regie}
              required
              value={values.regie ?? ''}
              error={errors.regie}
              options={props.credits.map((credit) => ({
                value: credit.regieId,
                label: t('billing.refund.creditOf', { regie: credit.regieName, amount: fmt.money(credit.creditCents) }),
              }))}
            />
            <Input name="montant" label={labels.montant} hint={t('billing.refund.amountHint')} required value={values.montant} error={errors.montant} />
            <Select
              name="moyen"
              label={labels.moyen}
              required
              value={values.moyen ?? ''}
              error={errors.moyen}
              options={(['transfer', 'cheque', 'cash'] as const).map((method) => ({ value: method, label: t(`billing.refund.method.${method}`) }))}
            />
            <Textarea name="motif" label={labels.motif} required value={values.motif} error={errors.motif} />
            <Button>{t('billing.refund.submit')}</Button>
          </form>
        </>
      )}
    </>
  );
}
