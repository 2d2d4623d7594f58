import { periodKey } from '../../i18n/catalogue.js';
import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { allNews, deleteNews, type NewsError, type NewsField, type NewsItem, newsState, publishNews } from '../../modules/news/news.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { WindowStateBadge } from '../components/status-badge.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { errorMessages, FIELD_ERROR_KEYS, refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Form, formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { IdParams, NoticeQuery } from './staff-input.js';
import { useCanChange } from './staff-access.js';
import { DeleteNowButton } from './activity-common.js';

const PATH = '/gestion/actualites';
const NEWS_ERROR_KEYS: Record<NewsError, MessageKey> = {
  ...FIELD_ERROR_KEYS,
  endPast: 'staff.news.error.endPast',
  endBeforeStart: 'staff.news.error.endBeforeStart',
};
const NOTICES = new Map<string, MessageKey>([
  ['publiee', 'staff.news.published'],
  ['supprimee', 'staff.news.deleted'],
]);

/** News the service publishes on the families' home page: publish, list, delete. */
export function staffNewsRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) => {
      const tenant = request.tenant!;
      const { items, today } = await request.inScope(async (scope) => ({ items: await allNews(scope), today: localDate(scope.now, tenant.time_zone) }));
      const notice = NOTICES.get(request.query.fait ?? '');
      return reply.page(request.t('staff.news.title'), <NewsPage items={items} today={today} notice={notice} values={{}} errors={{}} />);
    });

    // A text too long for the form's schema comes back next to its field (attachValidation), as the module's errors do.
    app.post(PATH, { preHandler: requireStaff('manager'), schema: { body: Form }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const form = formValues(request.body);
      const tenant = request.tenant!;
      const { outcome, items, today } = await request.inScope(async (scope) => {
        const today = localDate(scope.now, tenant.time_zone);
        const outcome = refused
          ? null
          : await publishNews(
              scope,
              { title: form.title, body: form.body, startsOn: form.startsOn, expiresOn: form.expiresOn, public: form.public === '1' },
              today,
            );
        return { outcome, today, items: !outcome || outcome.kind === 'invalid' ? await allNews(scope) : [] };
      });
      if (outcome?.kind === 'published') return reply.redirect(`${request.base}${PATH}?fait=publiee`);
      const errors = refused ?? (outcome?.kind === 'invalid' ? errorMessages(request.t, outcome.errors, NEWS_ERROR_KEYS) : {});
      return reply.page(
        request.t('staff.news.title'),
        <NewsPage items={items} today={today} values={form} errors={errors} />,
        outcome?.kind === 'forbidden' ? 403 : 400,
      );
    });

    app.post(`${PATH}/:id/suppression`, { preHandler: requireStaff('manager'), schema: { params: IdParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const result = await request.inScope((scope) => deleteNews(scope, id));
      if (result !== 'done') return reply.callNotFound();
      return reply.redirect(`${request.base}${PATH}?fait=supprimee`);
    });
  };
}

function NewsPage(props: {
  items: NewsItem[];
  today: string;
  notice?: MessageKey | undefined;
  values: Record<string, string>;
  errors: Partial<Record<NewsField, string>>;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const canPublish = useCanChange();
  const labels: Record<NewsField, string> = {
    title: t('staff.news.titleField'),
    body: t('staff.news.body'),
    startsOn: t('staff.news.startsOn'),
    expiresOn: t('staff.news.expiresOn'),
  };
  return (
    <>
      <h1>{t('staff.news.title')}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      <p>{t('staff.news.intro')}</p>
      {canPublish && (
        <div class="fr-grid-row fr-mb-6w">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <h2>{t('staff.news.new')}</h2>
            <ErrorSummary errors={props.errors} labels={labels} />
            <form method="post" action={href(page, PATH)} novalidate>
              <CsrfField />
              <Input name="title" label={labels.title} value={props.values.title} error={props.errors.title} required maxLength={200} />
              <Textarea name="body" label={labels.body} value={props.values.body} error={props.errors.body} required rows={6} />
              <DateInput
                name="startsOn"
                label={labels.startsOn}
                hint={t('staff.news.startsOnHint')}
                value={props.values.startsOn}
                error={props.errors.startsOn}
              />
              <DateInput
                name="expiresOn"
                label={labels.expiresOn}
                hint={t('staff.news.expiresOnHint')}
                value={props.values.expiresOn}
                error={props.errors.expiresOn}
              />
              <ChoiceGroup
                type="checkbox"
                name="public"
                legend={t('staff.news.audience')}
                choices={[{ value: '1', label: t('staff.news.public') }]}
                chosen={props.values.public === '1' ? ['1'] : []}
              />
              <Button icon="fr-icon-send-plane-line">{t('staff.news.publish')}</Button>
            </form>
          </div>
        </div>
      )}
      <h2>{t('staff.news.list')}</h2>
      {props.items.length === 0 ? (
        <p>{t('staff.news.none')}</p>
      ) : (
        <Table caption={t('staff.news.list')}>
          <thead>
            <tr>
              <th scope="col">{t('staff.news.titleField')}</th>
              <th scope="col">{t('staff.news.publishedAt')}</th>
              <th scope="col">{t('staff.news.shown')}</th>
              <th scope="col">{t('staff.news.state')}</th>
              {canPublish && <th scope="col">{t('staff.news.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <strong>{item.title}</strong>
                  <p class="fr-text--sm fr-mb-0 pf-pre">{item.body}</p>
                </td>
                <td>{fmt.dateTime(item.publishedAt)}</td>
                <td>
                  {t(periodKey('staff.news.window', item.startsOn ?? '', item.expiresOn ?? '-'), {
                    from: item.startsOn ? formatCalendarDate(item.startsOn) : t('staff.news.fromPublication'),
                    to: item.expiresOn ? formatCalendarDate(item.expiresOn) : t('staff.news.noEnd'),
                  })}
                  <br />
                  {t(item.public ? 'staff.news.forEveryone' : 'staff.news.forFamilies')}
                </td>
                <td>
                  <WindowStateBadge state={newsState(item, props.today)} />
                </td>
                {canPublish && (
                  <td>
                    <DeleteNowButton action={`${PATH}/${item.id}/suppression`} label={t('staff.news.delete')} what={item.title} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
