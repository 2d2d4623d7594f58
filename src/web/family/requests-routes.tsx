import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatters } from '../../i18n/catalogue.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { withdrawRequest } from '../../modules/households/change-requests.js';
import { PAGES } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { Select } from '../components/dsfr/select.js';
import { householdRequestLines, REQUEST_KINDS, RequestLinesTable, type RequestKind, type RequestLine } from '../components/request-lines.js';
import { Form, Id, Text } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';

/**
 * The list's address: the kind of request shown ('' for all), and the notice of a request just
 * sent (`envoyee`) or withdrawn (`retiree`).
 */
const RequestsQuery = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal(''), ...REQUEST_KINDS.map((kind) => Type.Literal(kind))])),
  envoyee: Type.Optional(Text),
  retiree: Type.Optional(Text),
});

/** Mes demandes: every request the household made, its state and the service's answer. */
export function familyRequestsRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.requests, { preHandler: requireFamily, schema: { querystring: RequestsQuery } }, async (request, reply) => {
      const { query } = request;
      const kind = query.type || undefined;
      const householdId = request.session!.account.householdId!;
      const timeZone = request.tenant!.time_zone;
      const money = formatters(request.lang, timeZone).money;
      const lines = await request.inScope((scope) => householdRequestLines(scope, householdId, { kind, t: request.t, money, timeZone }));
      if (!lines) return reply.callNotFound();
      const notice: MessageKey | undefined = query.envoyee ? 'children.newSent' : query.retiree ? 'requests.withdrawn' : undefined;
      return reply.page(request.t('requests.title'), <RequestsPage lines={lines} kind={kind} notice={notice} />);
    });

    app.post(
      `${PAGES.requests}/:id/retirer`,
      { preHandler: requireFamily, schema: { params: Type.Object({ id: Id }), body: Form } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await request.inScope((scope) => withdrawRequest(scope, id));
        if (result === 'not_found') return reply.callNotFound();
        return reply.redirect(`${request.base}${PAGES.requests}?retiree=1`);
      },
    );
  };
}

function RequestsPage(props: { lines: RequestLine[]; kind: RequestKind | undefined; notice: MessageKey | undefined }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('requests.title')}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      <p>{t('requests.intro')}</p>
      <form method="get" action={href(page, PAGES.requests)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-6">
          <Select
            name="type"
            label={t('requests.filter')}
            value={props.kind ?? ''}
            options={[{ value: '', label: t('requests.filterAll') }, ...REQUEST_KINDS.map((kind) => ({ value: kind, label: t(`requests.kind.${kind}`) }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary" icon="fr-icon-filter-line">
            {t('requests.filterApply')}
          </Button>
        </div>
      </form>
      {props.lines.length === 0 ? (
        <p>{t('requests.none')}</p>
      ) : (
        <RequestLinesTable lines={props.lines} caption={t('requests.title')} captionId="requests-caption" family />
      )}
    </>
  );
}
