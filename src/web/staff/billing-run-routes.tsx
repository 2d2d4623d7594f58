import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { periodKey, countKey, type MessageKey } from '../../i18n/catalogue.js';
import { tenantToday } from '../../modules/calendar/local-date.js';
import type { BillingFieldError } from '../../modules/billing/billing-forms.js';
import { RUN_PDFS_QUEUE } from '../../modules/billing/invoice-pdf.js';
import { generateRun, previewRun, type RunField, type RunPlan } from '../../modules/billing/invoice-runs.js';
import type { Services } from '../../services.js';
import { listInvoices, unpaidByAge, type AgedDebt, type InvoiceSummary } from '../../modules/billing/invoices.js';
import { listRegies, type Regie } from '../../modules/billing/regies.js';
import { listRuns, type RunRow } from '../../modules/billing/run-history.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Id } from '../page-input.js';
import { billingErrorMessages, InvoiceStateBadge } from './billing-common.js';
import { useCanChange } from './staff-access.js';

export const BILLING_PATH = '/gestion/facturation';
const RUNS_PATH = `${BILLING_PATH}/campagnes`;

/**
 * The back office's billing: its home (what is owed by age, the runs, the régies), and invoice runs —
 * choose a régie and a period, see the preview with its anomalies, then generate (nothing is
 * written before). Managers and administrators generate; read-only staff see.
 */
export function staffBillingRunRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(BILLING_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const data = await request.inScope(async (scope) => {
        const today = await tenantToday(scope);
        return { today, regies: await listRegies(scope), runs: await listRuns(scope, 10), debts: await unpaidByAge(scope, today) };
      });
      return reply.page(request.t('billing.home.title'), <BillingHome {...data} />);
    });

    app.get(RUNS_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const regies = await request.inScope((scope) => listRegies(scope));
      return reply.page(request.t('billing.run.title'), <RunForm regies={regies} values={{}} errors={{}} />);
    });

    // The preview: a form posted (it can be long to compute), answered with what would be billed.
    app.post(`${RUNS_PATH}/apercu`, { preHandler: requireStaff(), schema: { body: Form } }, async (request, reply) => {
      const form = formValues(request.body);
      const input = { regieId: form.regie, from: form.du, to: form.au };
      const { result, regies } = await request.inScope(async (scope) => ({ result: await previewRun(scope, input), regies: await listRegies(scope) }));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind === 'invalid')
        return reply.page(request.t('billing.run.title'), <RunForm regies={regies} values={form} errors={runErrors(request.t, result.errors)} />, 400);
      return reply.page(request.t('billing.preview.title'), <RunPreview plan={result.plan} />);
    });

    app.post(RUNS_PATH, { preHandler: requireStaff('manager'), schema: { body: Form } }, async (request, reply) => {
      const form = formValues(request.body);
      const mail = mailContextOf(request);
      const { result, regies } = await request.inScope(async (scope) => ({
        result: await generateRun(scope, { regieId: form.regie, from: form.du, to: form.au }, { tenantName: mail.tenantName, baseUrl: mail.baseUrl }),
        regies: await listRegies(scope),
      }));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind === 'invalid')
        return reply.page(request.t('billing.run.title'), <RunForm regies={regies} values={form} errors={runErrors(request.t, result.errors)} />, 400);
      if (result.kind !== 'generated') return reply.callNotFound();
      // The invoices' PDFs are made in the background, so that families download them at once.
      await services.jobs?.send(RUN_PDFS_QUEUE, { tenantId: request.tenant!.id, runId: result.runId });
      return reply.redirect(`${request.base}${RUNS_PATH}/${result.runId}`);
    });

    app.get(`${RUNS_PATH}/:runId`, { preHandler: requireStaff(), schema: { params: Type.Object({ runId: Id }) } }, async (request, reply) => {
      const data = await request.inScope(async (scope) => {
        const run = (await listRuns(scope, 1, request.params.runId))[0];
        return run ? { run, invoices: await listInvoices(scope, { runId: run.id, limit: 5000 }) } : null;
      });
      if (!data) return reply.callNotFound();
      return reply.page(request.t('billing.runDone.title', { regie: data.run.regieName }), <RunDone run={data.run} invoices={data.invoices} />);
    });
  };
}

function runErrors(t: (key: MessageKey) => string, errors: Partial<Record<RunField, BillingFieldError>>) {
  return billingErrorMessages(t, errors);
}

function BillingHome(props: { today: string; regies: Regie[]; runs: RunRow[]; debts: AgedDebt[] }) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  return (
    <>
      <h1>{t('billing.home.title')}</h1>
      <p>{t('billing.home.intro')}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-4w">
        {canChange && (
          <li>
            <ButtonLink href={href(page, RUNS_PATH)} icon="fr-icon-file-add-line">
              {t('billing.home.newRun')}
            </ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, `${BILLING_PATH}/factures`)} variant="secondary">
            {t('billing.home.invoices')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, `${BILLING_PATH}/paiements`)} variant="secondary">
            {t('billing.home.payments')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, `${BILLING_PATH}/paiements-en-ligne`)} variant="secondary">
            {t('nav.staff.onlinePayments')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, `${BILLING_PATH}/regies`)} variant="secondary">
            {t('billing.home.regies')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, `${BILLING_PATH}/quotients`)} variant="secondary">
            {t('billing.home.quotients')}
          </ButtonLink>
        </li>
      </ul>
      <h2>{t('billing.home.unpaid')}</h2>
      {props.debts.length === 0 ? (
        <p>{t('billing.home.noUnpaid')}</p>
      ) : (
        <Table caption={t('billing.home.unpaid')} noCaption focusableId="unpaid-caption">
          <thead>
            <tr>
              <th scope="col">{t('billing.regie')}</th>
              <th scope="col" class="pf-num">
                {t('billing.age.notDue')}
              </th>
              <th scope="col" class="pf-num">
                {t('billing.age.upTo30')}
              </th>
              <th scope="col" class="pf-num">
                {t('billing.age.upTo60')}
              </th>
              <th scope="col" class="pf-num">
                {t('billing.age.over60')}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.debts.map((debt) => (
              <tr key={debt.regieId}>
                <th scope="row">
                  <a href={href(page, `${BILLING_PATH}/factures?regie=${debt.regieId}&impayees=1`)}>{debt.regieName}</a>
                </th>
                <td class="pf-num">{fmt.money(debt.notDue)}</td>
                <td class="pf-num">{fmt.money(debt.upTo30)}</td>
                <td class="pf-num">{fmt.money(debt.upTo60)}</td>
                <td class="pf-num">{fmt.money(debt.over60)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <h2>{t('billing.home.runs')}</h2>
      {props.runs.length === 0 ? <p>{t('billing.home.noRuns')}</p> : <RunList runs={props.runs} />}
      {props.regies.length === 0 && (
        <Alert kind="info" small>
          {t('billing.home.noRegie')}
        </Alert>
      )}
    </>
  );
}

function RunList(props: { runs: RunRow[] }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <Table caption={t('billing.home.runs')} noCaption focusableId="runs-caption">
      <thead>
        <tr>
          <th scope="col">{t('billing.run.period')}</th>
          <th scope="col">{t('billing.regie')}</th>
          <th scope="col" class="pf-num">
            {t('billing.run.invoices')}
          </th>
          <th scope="col" class="pf-num">
            {t('billing.amount')}
          </th>
          <th scope="col">{t('billing.run.issuedOn')}</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((run) => (
          <tr key={run.id}>
            <th scope="row">
              <a href={href(page, `${RUNS_PATH}/${run.id}`)}>
                {t(periodKey('billing.periodValue', run.from, run.to), { from: fmt.day(run.from), to: fmt.day(run.to) })}
              </a>
            </th>
            <td>{run.regieName}</td>
            <td class="pf-num">{run.invoices}</td>
            <td class="pf-num">{fmt.money(run.totalCents)}</td>
            <td>{fmt.day(run.issuedOn)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function RunForm(props: { regies: Regie[]; values: Record<string, string>; errors: Partial<Record<RunField, string>> }) {
  const page = usePage();
  const { t } = page;
  const errors = { regie: props.errors.regieId, du: props.errors.from, au: props.errors.to };
  const labels = { regie: t('billing.regie'), du: t('billing.run.from'), au: t('billing.run.to') };
  return (
    <>
      <h1>{t('billing.run.title')}</h1>
      <p>{t('billing.run.intro')}</p>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action={href(page, `${RUNS_PATH}/apercu`)} novalidate class="fr-col-12 fr-col-md-8">
        <CsrfField />
        <Select
          name="regie"
          label={labels.regie}
          required
          value={props.values.regie}
          error={errors.regie}
          options={[{ value: '', label: '—' }, ...props.regies.map((regie) => ({ value: regie.id, label: regie.name }))]}
        />
        <DateInput name="du" label={labels.du} hint={t('billing.dateHint')} required value={props.values.du} error={errors.du} />
        <DateInput name="au" label={labels.au} hint={t('billing.dateHint')} required value={props.values.au} error={errors.au} />
        <Button icon="fr-icon-eye-line">{t('billing.run.preview')}</Button>
      </form>
    </>
  );
}

/** What the run would bill, with the anomalies first, and the button that generates it. */
function RunPreview(props: { plan: RunPlan }) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  const { plan } = props;
  const { anomalies } = plan;
  const anomalyCount = anomalies.withoutQuotient.length + anomalies.withoutTariff.length + anomalies.attendanceMissing.length + anomalies.onlyPending.length;
  return (
    <>
      <h1>{t('billing.preview.title')}</h1>
      <p>
        {t(countKey('billing.preview.summary', plan.invoices.length), {
          regie: plan.regie.name,
          period: t(periodKey('billing.periodValue', plan.from, plan.to), { from: fmt.day(plan.from), to: fmt.day(plan.to) }),
          count: plan.invoices.length,
          total: fmt.money(plan.totalCents),
          due: fmt.day(plan.dueOn),
        })}
      </p>
      <Alert kind="info" small>
        {t(plan.invoices.length === 0 ? 'billing.preview.nothingToBill' : 'billing.preview.nothingWritten')}
      </Alert>
      <h2 class="fr-mt-4w">{t('billing.preview.anomalies', { count: anomalyCount })}</h2>
      {anomalyCount === 0 && <p>{t('billing.preview.noAnomaly')}</p>}
      {anomalies.withoutTariff.length > 0 && (
        <Alert kind="error" title={t('billing.anomaly.withoutTariff')}>
          <ul>
            {anomalies.withoutTariff.map((row) => (
              <li key={`${row.activityName}|${row.unitName}`}>
                {t(countKey('billing.anomaly.withoutTariffRow', row.days), { activity: row.activityName, unit: row.unitName, days: row.days })}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {anomalies.withoutQuotient.length > 0 && (
        <Alert kind="warning" title={t('billing.anomaly.withoutQuotient', { count: anomalies.withoutQuotient.length })}>
          <ul>
            {anomalies.withoutQuotient.map((row) => (
              <li key={row.householdId}>
                <a href={href(page, `/gestion/foyers/${row.householdId}`)}>{row.name}</a>
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {anomalies.attendanceMissing.length > 0 && (
        <Alert kind="warning" title={t('billing.anomaly.attendanceMissing')}>
          <ul>
            {anomalies.attendanceMissing.map((row) => (
              <li key={`${row.day}|${row.activityName}|${row.unitName}`}>
                {t(countKey('billing.anomaly.attendanceMissingRow', row.count), {
                  day: fmt.day(row.day),
                  activity: row.activityName,
                  unit: row.unitName,
                  count: row.count,
                })}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {anomalies.onlyPending.length > 0 && (
        <Alert kind="info" title={t('billing.anomaly.onlyPending')}>
          <ul>
            {anomalies.onlyPending.map((row) => (
              <li key={row.householdId}>{t(countKey('billing.anomaly.onlyPendingRow', row.count), { name: row.name, count: row.count })}</li>
            ))}
          </ul>
        </Alert>
      )}
      {plan.invoices.length > 0 && <PlanTables plan={plan} />}
      {canChange && plan.invoices.length > 0 && (
        <form method="post" action={href(page, RUNS_PATH)} class="fr-mt-4w">
          <CsrfField />
          <input type="hidden" name="regie" value={plan.regie.id} />
          <input type="hidden" name="du" value={plan.from} />
          <input type="hidden" name="au" value={plan.to} />
          <Button icon="fr-icon-check-line">{t(countKey('billing.preview.generate', plan.invoices.length), { count: plan.invoices.length })}</Button>
        </form>
      )}
      <p class="fr-mt-2w">
        <a href={href(page, RUNS_PATH)}>{t('billing.preview.change')}</a>
      </p>
    </>
  );
}

/** The plan's totals per activity and unit, and its invoices family by family. */
function PlanTables(props: { plan: RunPlan }) {
  const { t, fmt } = usePage();
  const { plan } = props;
  return (
    <>
      <h2 class="fr-mt-4w">{t('billing.preview.totals')}</h2>
      <Table caption={t('billing.preview.totals')} noCaption focusableId="totals-caption">
        <thead>
          <tr>
            <th scope="col">{t('billing.activity')}</th>
            <th scope="col">{t('billing.unit')}</th>
            <th scope="col" class="pf-num">
              {t('billing.quantity')}
            </th>
            <th scope="col" class="pf-num">
              {t('billing.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.totals.map((total) => (
            <tr key={`${total.activityName}|${total.unitName}`}>
              <td>{total.activityName}</td>
              <td>{total.unitName}</td>
              <td class="pf-num">{total.quantity}</td>
              <td class="pf-num">{fmt.money(total.amountCents)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row" colSpan={3}>
              {t('billing.total')}
            </th>
            <td class="pf-num">
              <strong>{fmt.money(plan.totalCents)}</strong>
            </td>
          </tr>
        </tbody>
      </Table>
      <h2 class="fr-mt-4w">{t('billing.preview.households', { count: plan.invoices.length })}</h2>
      <Table caption={t('billing.preview.households', { count: plan.invoices.length })} noCaption focusableId="households-caption">
        <thead>
          <tr>
            <th scope="col">{t('billing.household')}</th>
            <th scope="col">{t('billing.preview.lines')}</th>
            <th scope="col" class="pf-num">
              {t('billing.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.invoices.slice(0, 500).map((invoice) => (
            <tr key={invoice.householdId}>
              <th scope="row">{invoice.householdName}</th>
              <td>
                <ul class="pf-plain-list">
                  {invoice.lines.map((line, index) => (
                    <li key={index}>
                      {t('billing.preview.line', {
                        child: line.childName,
                        unit: line.label,
                        kind: t(`billing.lineKind.${line.kind}`),
                        quantity: line.quantity,
                        amount: fmt.money(line.amountCents),
                      })}
                    </li>
                  ))}
                </ul>
              </td>
              <td class="pf-num">{fmt.money(invoice.totalCents)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {plan.invoices.length > 500 && <p>{t(countKey('billing.preview.more', plan.invoices.length - 500), { count: plan.invoices.length - 500 })}</p>}
    </>
  );
}

function RunDone(props: { run: RunRow; invoices: InvoiceSummary[] }) {
  const page = usePage();
  const { t, fmt } = page;
  const { run } = props;
  return (
    <>
      <h1>{t('billing.runDone.title', { regie: run.regieName })}</h1>
      <Alert kind="success" small announce>
        {t(countKey('billing.runDone.summary', run.invoices), {
          count: run.invoices,
          total: fmt.money(run.totalCents),
          from: fmt.day(run.from),
          to: fmt.day(run.to),
        })}
      </Alert>
      <p class="fr-mt-2w">
        <a href={href(page, BILLING_PATH)}>{t('billing.backHome')}</a>
      </p>
      <InvoiceTable invoices={props.invoices} caption={t('billing.runDone.invoices')} />
    </>
  );
}

/** Invoices as staff list them: number, household (unless all are one household's), date, total, paid, left, state. */
export function InvoiceTable(props: { invoices: InvoiceSummary[]; caption: string; withHousehold?: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const withHousehold = props.withHousehold ?? true;
  return (
    <Table caption={props.caption} noCaption focusableId="invoices-caption">
      <thead>
        <tr>
          <th scope="col">{t('billing.number')}</th>
          {withHousehold ? <th scope="col">{t('billing.household')}</th> : <th scope="col">{t('billing.regie')}</th>}
          <th scope="col">{t('billing.issuedOn')}</th>
          <th scope="col" class="pf-num">
            {t('billing.amount')}
          </th>
          <th scope="col" class="pf-num">
            {t('billing.paid')}
          </th>
          <th scope="col" class="pf-num">
            {t('billing.left')}
          </th>
          <th scope="col">{t('billing.dueOn')}</th>
          <th scope="col">{t('billing.state')}</th>
        </tr>
      </thead>
      <tbody>
        {props.invoices.map((invoice) => (
          <tr key={invoice.id}>
            <th scope="row">
              <a href={href(page, `${BILLING_PATH}/factures/${invoice.id}`)}>{invoice.number}</a>
            </th>
            <td>{withHousehold ? <a href={href(page, `/gestion/foyers/${invoice.householdId}`)}>{invoice.householdName}</a> : invoice.regieName}</td>
            <td>{fmt.day(invoice.issuedOn)}</td>
            <td class="pf-num">{fmt.money(invoice.totalCents)}</td>
            <td class="pf-num">{fmt.money(invoice.paidCents)}</td>
            <td class="pf-num">{fmt.money(invoice.leftCents)}</td>
            <td>{invoice.kind === 'invoice' ? fmt.day(invoice.dueOn) : '—'}</td>
            <td>
              <InvoiceStateBadge state={invoice.state} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
