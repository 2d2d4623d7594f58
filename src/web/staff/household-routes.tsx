import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listInvoices } from '../../modules/billing/invoices.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { pendingFieldValues } from '../../modules/households/change-requests.js';
import { householdAccounts, resendFirstAccess } from '../../modules/households/household-accounts.js';
import { householdHistory } from '../../modules/households/household-history.js';
import { getHouseholdRecord } from '../../modules/households/household-record.js';
import { searchHouseholds, SEARCH_LIMIT, type HouseholdHit } from '../../modules/households/household-search.js';
import { householdBalanceCents } from '../../modules/ledger/balance.js';
import { listPayments } from '../../modules/ledger/payments.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { Input } from '../components/dsfr/input.js';
import { requireStaff } from '../guards.js';
import { Form, Id, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { countKey, formatters } from '../../i18n/catalogue.js';
import { householdActivity, HouseholdMonthQuery } from './household-activity.js';
import { HouseholdPage, type HouseholdNotice } from './household-page.js';
import { HouseholdList, HouseholdListQuery, householdListView, type HouseholdListView } from './register-routes.js';
import { IdParams } from './staff-input.js';
import { useCanChange } from './staff-access.js';
import { householdDocumentsOf } from './household-documents.js';

/**
 * A household file's address: what was just done there (`fait`), what a record editor saved
 * (`enregistre`), the month of bookings shown (`mois`).
 */
const FileQuery = Type.Object({ fait: Type.Optional(Text), enregistre: Type.Optional(Text), ...HouseholdMonthQuery });

/** Finding a household, its whole file, and its portal invitations. */
export function staffHouseholdRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion/foyers', { preHandler: requireStaff(), schema: { querystring: HouseholdListQuery } }, async (request, reply) => {
      const query = (request.query.q ?? '').slice(0, 100);
      // Without a search, every household: filtered, sorted, paged.
      const found = await request.inScope(async (scope) =>
        query.trim() === '' ? { hits: null, list: await householdListView(scope, request.query) } : { hits: await searchHouseholds(scope, query), list: null },
      );
      if (found.list?.printable) return reply.page(request.t('registers.households.all'), <HouseholdList view={found.list} />);
      return reply.page(request.t('staff.households.title'), <SearchPage query={query} hits={found.hits} list={found.list} />);
    });

    app.get('/gestion/foyers/:id', { preHandler: requireStaff(), schema: { params: IdParams, querystring: FileQuery } }, async (request, reply) => {
      const { id } = request.params;
      const tenant = request.tenant!;
      const money = formatters(request.lang, tenant.time_zone).money;
      const file = await request.inScope(async (scope) => {
        const record = await getHouseholdRecord(scope, id);
        if (!record) return null;
        const today = localDate(scope.now, tenant.time_zone);
        return {
          activity: await householdActivity(scope, id, { month: request.query.mois ?? today.slice(0, 7), t: request.t, money, timeZone: tenant.time_zone }),
          record,
          pending: await pendingFieldValues(scope, id),
          history: (await householdHistory(scope, id)) ?? [],
          accounts: await householdAccounts(scope, id),
          money: {
            balanceCents: await householdBalanceCents(scope.tx, scope.tenantId, id),
            invoices: await listInvoices(scope, { householdId: id }),
            payments: await listPayments(scope, { householdId: id }),
          },
          documents: await householdDocumentsOf(scope, id),
          today,
        };
      });
      if (!file) return reply.callNotFound();
      const notice = NOTICES.find((candidate) => candidate === request.query.fait) ?? SAVED.get(request.query.enregistre ?? '');
      return reply.page(file.record.household.name, <HouseholdPage {...file} settings={tenant.settings} notice={notice} />);
    });

    app.post(
      '/gestion/foyers/:id/invitations/:accountId',
      { preHandler: requireStaff('manager'), schema: { params: Type.Object({ id: Id, accountId: Id }), body: Form } },
      async (request, reply) => {
        const { id, accountId } = request.params;
        const result = await request.inScope((scope) =>
          resendFirstAccess(scope, { householdId: id, accountId }, request.tenant!.settings, mailContextOf(request)),
        );
        if (result === 'not_found') return reply.callNotFound();
        return reply.redirect(`${request.base}/gestion/foyers/${id}?fait=${result === 'done' ? 'invitation' : 'deja-actif'}`);
      },
    );
  };
}

const NOTICES: HouseholdNotice[] = ['cree', 'invitation', 'deja-actif', 'enregistre', 'inchange', 'cloture', 'reouvert'];
/** What the record's editors, shared with families, say after a save (`?enregistre=`): a staff member's change applies at once. */
const SAVED = new Map<string, HouseholdNotice>([
  ['direct', 'enregistre'],
  ['none', 'inchange'],
]);

function SearchPage(props: { query: string; hits: HouseholdHit[] | null; list: HouseholdListView | null }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  return (
    <>
      <h1>{t('staff.households.title')}</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form that searches; DSFR has no style for <search> */}
      <form method="get" action={href(page, '/gestion/foyers')} role="search" class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-8">
          <Input name="q" label={t('staff.households.search')} hint={t('staff.households.searchHint')} value={props.query} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Button icon="fr-icon-search-line">{t('staff.households.searchButton')}</Button>
        </div>
      </form>
      {canChange && (
        <p>
          <ButtonLink href={href(page, '/gestion/foyers/nouveau')} variant="secondary" icon="fr-icon-add-line">
            {t('staff.households.new')}
          </ButtonLink>
        </p>
      )}
      {props.hits && props.hits.length === 0 && (
        <Alert kind="info" small>
          {t('staff.households.noHit', { query: props.query })}
        </Alert>
      )}
      {props.hits && props.hits.length > 0 && <HitsTable query={props.query} hits={props.hits} />}
      {props.list && <HouseholdList view={props.list} />}
    </>
  );
}

function HitsTable(props: { query: string; hits: HouseholdHit[] }) {
  const page = usePage();
  const { t } = page;
  const caption = t(countKey('staff.households.hits', props.hits.length), { count: props.hits.length, query: props.query });
  return (
    <>
      <Table caption={caption}>
        <thead>
          <tr>
            <th scope="col">{t('staff.households.familyNumber')}</th>
            <th scope="col">{t('staff.households.name')}</th>
            <th scope="col">{t('staff.households.guardians')}</th>
            <th scope="col">{t('staff.households.children')}</th>
          </tr>
        </thead>
        <tbody>
          {props.hits.map((hit) => (
            <tr key={hit.id}>
              <td>{hit.familyNumber}</td>
              <td>
                <a href={href(page, `/gestion/foyers/${hit.id}`)}>{hit.name}</a>
              </td>
              <td>{hit.guardians.join(', ')}</td>
              <td>{hit.children.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {props.hits.length === SEARCH_LIMIT && <p class="fr-hint-text">{t('staff.households.tooMany', { limit: SEARCH_LIMIT })}</p>}
    </>
  );
}
