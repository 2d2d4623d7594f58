import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listInvoices, type InvoiceSummary } from '../../modules/billing/invoices.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { householdBalanceCents } from '../../modules/ledger/balance.js';
import { currentNews, type NewsItem } from '../../modules/news/news.js';
import { listPayments, type PaymentRow } from '../../modules/ledger/payments.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Table } from '../components/dsfr/table.js';
import { Text } from '../page-input.js';
import { InvoiceStateBadge } from '../components/invoice-state-badge.js';
import { NewsList } from '../components/news-list.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { householdRequestLines } from '../components/request-lines.js';
import { formatters } from '../../i18n/catalogue.js';
import { familyUnreadCount } from '../../modules/messages/thread-views.js';
import { methodLabel } from '../money-labels.js';
import { ColumnHeads } from './money-components.js';
import { PAYMENTS_PATH } from './payments-routes.js';

interface HomeFigures {
  news: NewsItem[];
  pendingRequests: number;
  unreadMessages: number;
  amountDueCents: number;
  unpaid: InvoiceSummary[];
  lastPayment: PaymentRow | null;
}

/** The family home: who is signed in, today's date, what waits for them, the service's news, what they owe and last paid. */
/** `motdepasse=1`: the first login's password was just changed. */
const HomeQuery = Type.Object({ motdepasse: Type.Optional(Text) });

export function familyHomeRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/accueil', { preHandler: requireFamily, schema: { querystring: HomeQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const timeZone = request.tenant!.time_zone;
      const money = formatters(request.lang, timeZone).money;
      const figures = await request.inScope(async (scope) => ({
        news: await currentNews(scope, localDate(scope.now, timeZone)),
        // Counted from the very lines of Mes demandes, so the tile and the list never disagree.
        pendingRequests: ((await householdRequestLines(scope, householdId, { kind: undefined, pendingOnly: true, t: request.t, money, timeZone })) ?? [])
          .length,
        unreadMessages: await familyUnreadCount(scope, householdId),
        amountDueCents: await householdBalanceCents(scope.tx, scope.tenantId, householdId),
        // Oldest due first: the one to pay first leads.
        unpaid: (await listInvoices(scope, { householdId, unpaid: true })).sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.number.localeCompare(b.number)),
        lastPayment: (await listPayments(scope, { householdId, limit: 10 })).find((payment) => !payment.cancelled) ?? null,
      }));
      return reply.page(request.t('family.home.title'), <Home figures={figures} passwordChanged={request.query.motdepasse !== undefined} />);
    });
  };
}

function Home(props: { figures: HomeFigures; passwordChanged: boolean }) {
  const page = usePage();
  const { t, fmt, viewer, now } = page;
  const tiles = [
    { title: t('family.home.pendingRequests'), value: String(props.figures.pendingRequests), link: '/mes-demandes', linkLabel: t('family.home.seeRequests') },
    { title: t('layout.amountDue'), value: fmt.money(props.figures.amountDueCents), link: PAGES.invoices, linkLabel: t('family.home.seeInvoices') },
    { title: t('messages.unreadSummary'), value: String(props.figures.unreadMessages), link: '/messages', linkLabel: t('messages.title') },
  ];
  return (
    <>
      <h1>{t('family.home.welcome', { name: viewer?.displayName ?? '' })}</h1>
      {props.passwordChanged && (
        <Alert kind="success" small announce>
          {t('change.done')}
        </Alert>
      )}
      <p>{t('date.today', { date: fmt.longDate(now) })}</p>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        {tiles.map((tile) => (
          <div class="fr-col-12 fr-col-md-4" key={tile.link}>
            <div class="fr-tile fr-enlarge-link">
              <div class="fr-tile__body">
                <div class="fr-tile__content">
                  <h2 class="fr-tile__title">
                    <a href={href(page, tile.link)}>{tile.title}</a>
                  </h2>
                  {/* DSFR shows the description before the detail: the figure first, then where the tile leads. */}
                  <p class="fr-tile__desc">
                    <strong class="fr-h4 fr-mb-0">{tile.value}</strong>
                  </p>
                  <p class="fr-tile__detail">{tile.linkLabel}</p>
                </div>
              </div>
            </div>
          </div>
        ))}
      </div>
      {props.figures.news.length > 0 && (
        <section class="fr-mb-4w" aria-labelledby="news-title">
          <h2 class="fr-h4" id="news-title">
            {t('family.home.news')}
          </h2>
          <NewsList items={props.figures.news} headingLevel="h3" />
        </section>
      )}
      <UnpaidInvoices invoices={props.figures.unpaid} />
      <LastPayment payment={props.figures.lastPayment} />
    </>
  );
}

/** The invoices still to pay (seed 001's "Factures impayées"): number, date, due date, what is left, and their total. */
function UnpaidInvoices(props: { invoices: InvoiceSummary[] }) {
  const page = usePage();
  const { t, fmt } = page;
  const total = props.invoices.reduce((sum, invoice) => sum + invoice.leftCents, 0);
  return (
    <section class="fr-mb-4w">
      <h2 class="fr-h4">{t('family.home.unpaid')}</h2>
      {props.invoices.length === 0 ? (
        <p>{t('family.home.unpaidNone')}</p>
      ) : (
        <Table caption={t('family.home.unpaid')} focusableId="unpaid-caption" noCaption class="fr-table--bordered">
          <ColumnHeads columns={['family.money.number', 'family.money.date', 'family.money.dueOn', { amount: 'family.money.left' }, 'family.money.state']} />
          <tbody>
            {props.invoices.map((invoice) => (
              <tr key={invoice.id}>
                <th scope="row">
                  <a href={href(page, pagePath(PAGES.invoice, { invoiceId: invoice.id }))}>{invoice.number}</a>
                </th>
                <td>{formatCalendarDate(invoice.issuedOn)}</td>
                <td>{formatCalendarDate(invoice.dueOn)}</td>
                <td class="fr-cell--right">{fmt.money(invoice.leftCents)}</td>
                <td>
                  <InvoiceStateBadge state={invoice.state} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t('family.home.unpaidTotal')}
              </th>
              <td class="fr-cell--right">
                <strong>{fmt.money(total)}</strong>
              </td>
              <td></td>
            </tr>
          </tfoot>
        </Table>
      )}
      <p>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, PAGES.invoices)}>
          {t('family.home.allInvoices')}
        </a>
      </p>
    </section>
  );
}

function LastPayment(props: { payment: PaymentRow | null }) {
  const page = usePage();
  const { t, fmt } = page;
  const { payment } = props;
  return (
    <section class="fr-mb-4w" aria-labelledby="last-payment-title">
      <h2 class="fr-h4" id="last-payment-title">
        {t('family.home.lastPayment')}
      </h2>
      <p>
        {payment
          ? t('family.home.lastPaymentText', {
              date: formatCalendarDate(payment.receivedOn),
              amount: fmt.money(payment.amountCents),
              method: methodLabel(t, payment.method),
              number: payment.number,
            })
          : t('family.home.noPayment')}
      </p>
      <p>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, PAYMENTS_PATH)}>
          {t('family.home.allPayments')}
        </a>
      </p>
    </section>
  );
}
