import { periodKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Translate } from '../../i18n/catalogue.js';
import { formatCalendarDate, schoolYearOf } from '../../modules/calendar/calendar-dates.js';
import { tenantToday } from '../../modules/calendar/local-date.js';
import { accountStatement, type RegieStatement, type StatementOperation, statementYears } from '../../modules/ledger/statement.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Button } from '../components/dsfr/button.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { methodLabel } from '../money-labels.js';
import { ColumnHeads } from './money-components.js';
import { receiptPath } from './payments-routes.js';

export const STATEMENT_PATH = '/releve';

/** The school year shown: its first year (2026 for 2026-2027). */
const StatementQuery = Type.Object({ annee: Type.Optional(Type.String({ pattern: '^20\\d\\d$' })) });

/** Relevé de compte (seed 001): per school year and régie, the old balance, the operations, the balance. */
export function familyStatementRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(STATEMENT_PATH, { preHandler: requireFamily, schema: { querystring: StatementQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const data = await request.inScope(async (scope) => {
        const current = schoolYearOf(await tenantToday(scope));
        const year = request.query.annee ? Number(request.query.annee) : current;
        // The picker offers the years with operations, this school year, and the one asked.
        const years = [...new Set([...(await statementYears(scope, householdId)), current, year])].sort((a, b) => b - a);
        return { year, years, regies: await accountStatement(scope, householdId, year) };
      });
      if (!data.regies) return reply.callNotFound();
      return reply.page(request.t('family.statement.title'), <StatementPage years={data.years} year={data.year} regies={data.regies} />);
    });
  };
}

export function schoolYearLabel(t: Translate, year: number): string {
  return t('family.statement.schoolYearValue', { from: year, to: year + 1 });
}

function StatementPage(props: { years: number[]; year: number; regies: RegieStatement[] }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('family.statement.title')}</h1>
      <p>{t('family.statement.intro')}</p>
      <form method="get" action={href(page, STATEMENT_PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-4">
          <Select
            name="annee"
            label={t('family.statement.schoolYear')}
            value={String(props.year)}
            options={props.years.map((year) => ({ value: String(year), label: schoolYearLabel(t, year) }))}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary">{t('family.statement.show')}</Button>
        </div>
      </form>
      {props.regies.length === 0 && <p>{t('family.statement.none', { year: schoolYearLabel(t, props.year) })}</p>}
      {props.regies.map((regie, index) => (
        <RegieTable key={regie.regieId} regie={regie} year={props.year} index={index} />
      ))}
    </>
  );
}

/** One régie's operations of the year, between its old balance and its balance. */
function RegieTable(props: { regie: RegieStatement; year: number; index: number }) {
  const page = usePage();
  const { t, fmt } = page;
  const { regie } = props;
  const captionId = `statement-${props.index}`;
  const start = formatCalendarDate(`${props.year}-09-01`);
  const end = formatCalendarDate(`${props.year + 1}-08-31`);
  const money = (cents: number) => (cents === 0 ? '' : fmt.money(cents));
  const closing =
    regie.closingCents > 0
      ? t('family.statement.closingDue', { date: end, amount: fmt.money(regie.closingCents) })
      : regie.closingCents < 0
        ? t('family.statement.closingCredit', { date: end, amount: fmt.money(-regie.closingCents) })
        : t('family.statement.closingZero', { date: end });
  return (
    <section class="fr-mb-6w" aria-labelledby={`${captionId}-title`}>
      <h2 class="fr-h4" id={`${captionId}-title`}>
        {regie.regieName}
      </h2>
      <Table
        caption={t('family.statement.caption', { regie: regie.regieName, year: schoolYearLabel(t, props.year) })}
        focusableId={captionId}
        noCaption
        class="fr-table--bordered"
      >
        <ColumnHeads
          columns={[
            'family.money.date',
            'family.statement.operation',
            'family.statement.document',
            'family.statement.detail',
            { amount: 'family.statement.debit' },
            { amount: 'family.statement.credit' },
          ]}
        />
        <tbody>
          <tr>
            <th scope="row" colSpan={4}>
              {t('family.statement.opening', { date: start })}
            </th>
            <td class="fr-cell--right">{regie.openingCents >= 0 ? fmt.money(regie.openingCents) : ''}</td>
            <td class="fr-cell--right">{regie.openingCents < 0 ? fmt.money(-regie.openingCents) : ''}</td>
          </tr>
          {regie.operations.map((operation, index) => (
            <tr key={index}>
              <td>{formatCalendarDate(operation.on)}</td>
              <td>{t(`family.statement.kind.${operation.kind}`)}</td>
              <td>
                <DocumentLink operation={operation} />
              </td>
              <td>{detailOf(t, operation)}</td>
              <td class="fr-cell--right">{money(operation.debitCents)}</td>
              <td class="fr-cell--right">{money(operation.creditCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              {t('family.statement.totals')}
            </th>
            <td class="fr-cell--right">{fmt.money(regie.debitCents)}</td>
            <td class="fr-cell--right">{fmt.money(regie.creditCents)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={6}>
              {closing}
            </th>
          </tr>
        </tfoot>
      </Table>
    </section>
  );
}

/** The document's number, linking to the invoice (or credit note) or to the payment's receipt. */
function DocumentLink(props: { operation: StatementOperation }) {
  const page = usePage();
  const { operation } = props;
  if (operation.invoiceId) return <a href={href(page, pagePath(PAGES.invoice, { invoiceId: operation.invoiceId }))}>{operation.number}</a>;
  if (operation.paymentId) {
    return (
      <a href={href(page, receiptPath(operation.paymentId))} aria-label={page.t('family.statement.receiptOf', { number: operation.number })}>
        {operation.number}
      </a>
    );
  }
  return <>{operation.number || '—'}</>;
}

/** An invoice's period, a payment's method. */
function detailOf(t: Translate, operation: StatementOperation): string {
  if (!operation.detail) return '';
  if (operation.invoiceId) {
    const [from, to] = operation.detail.split('|');
    return from && to ? t(periodKey('pdf.periodValue', from, to), { from: formatCalendarDate(from), to: formatCalendarDate(to) }) : '';
  }
  return methodLabel(t, operation.detail);
}
