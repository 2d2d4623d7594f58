import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { countKey, type Translate } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import type { ActivityDefinition } from '../../modules/activities/activity-definitions.js';
import {
  activityRoster,
  enrollCandidates,
  enrollChild,
  type EnrollCandidate,
  type EnrollField,
  type RosterEntry,
} from '../../modules/bookings/activity-enrollments.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { RequestStatusBadge } from '../components/status-badge.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, Text } from '../page-input.js';
import { ACTIVITIES_PATH, BackToActivity, type FormValues, type Notice, noticeOf, one, Radios, SetupTable, setupMessages } from './activity-common.js';
import { IdParams, NoticeQuery } from './staff-input.js';
import { useCanChange } from './staff-access.js';
import { fullName } from '../../modules/person-name.js';

/** The enrollments page's address: a search for a household (`q`), and the notice of an enrollment just made. */
const EnrollmentsQuery = Type.Object({ q: Type.Optional(Text), fait: Type.Optional(Text) });

/** The children enrolled in an activity, by group; staff find a household and enroll one of its children. */
export function staffActivityEnrollmentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const page = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      search: string,
      notice: string | undefined,
      values: FormValues,
      errors: Partial<Record<EnrollField, string>> = {},
    ) => {
      const loaded = await request.inScope(async (scope) => {
        const setup = await getActivitySetup(scope, id);
        if (!setup) return null;
        return { setup, roster: await activityRoster(scope, id), candidates: await enrollCandidates(scope, id, search) };
      });
      if (!loaded) return reply.errorPage('notFound');
      return reply.page(
        request.t('setup.enrollments.title', { name: loaded.setup.activity.name }),
        <EnrollmentsPage {...loaded} query={search} values={values} errors={errors} notice={noticeOf(request.t, notice)} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };

    app.get(
      `${ACTIVITIES_PATH}/:id/inscriptions`,
      { preHandler: requireStaff(), schema: { params: IdParams, querystring: EnrollmentsQuery } },
      async (request, reply) => page(request, reply, request.params.id, (request.query.q ?? '').slice(0, 100), request.query.fait, {}),
    );

    app.post(
      `${ACTIVITIES_PATH}/:id/inscriptions`,
      { preHandler: requireStaff('manager'), schema: { params: IdParams, querystring: NoticeQuery, body: Form } },
      async (request, reply) => {
        const { id } = request.params;
        const form = request.body;
        const result = await request.inScope((scope) => enrollChild(scope, id, form));
        if (result.kind === 'not_found') return reply.errorPage('notFound');
        if (result.kind === 'forbidden') return reply.errorPage('forbidden');
        if (result.kind === 'invalid')
          return page(request, reply, id, one(form, 'q').slice(0, 100), request.query.fait, form, setupMessages(request.t, result.errors));
        return reply.redirect(`${request.base}${ACTIVITIES_PATH}/${id}/inscriptions?fait=${result.kind === 'enrolled' ? 'inscrit' : 'deja-inscrit'}`);
      },
    );
  };
}

function EnrollmentsPage(props: {
  setup: ActivityDefinition;
  roster: RosterEntry[];
  candidates: EnrollCandidate[];
  query: string;
  values: FormValues;
  errors: Partial<Record<EnrollField, string>>;
  notice: Notice | null;
}) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  const { activity, groups } = props.setup;
  const path = `${ACTIVITIES_PATH}/${activity.id}/inscriptions`;
  const sections = [
    ...groups.map((group) => ({ key: group.id, name: group.name, entries: props.roster.filter((entry) => entry.groupId === group.id) })),
    {
      key: 'none',
      name: t('setup.enrollments.noGroup'),
      entries: props.roster.filter((entry) => entry.groupId === null || !groups.some((group) => group.id === entry.groupId)),
    },
  ].filter((section) => section.key !== 'none' || section.entries.length > 0);
  const choices = props.candidates.flatMap((household) =>
    household.children
      .filter((child) => !child.enrolled)
      .map((child) => ({
        value: `${household.householdId}:${child.id}`,
        label: t('setup.enrollments.childChoice', {
          child: fullName(child.firstName, child.lastName),
          number: household.familyNumber,
          household: household.name,
        }),
      })),
  );
  const labels: Record<EnrollField, string> = { child: t('setup.field.child'), groupId: t('setup.field.group') };
  return (
    <>
      <BackToActivity activity={activity} />
      <h1>{t('setup.enrollments.title', { name: activity.name })}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}

      {sections.map((section) => (
        <section key={section.key}>
          <h2 class="fr-h4">{groupTitle(t, section.name, section.entries.filter((entry) => entry.status === 'accepted').length)}</h2>
          {section.entries.length === 0 ? (
            <p>{t('setup.enrollments.none')}</p>
          ) : (
            <SetupTable
              caption={section.name}
              headers={[t('setup.field.child'), t('setup.field.birthDate'), t('setup.field.familyNumber'), t('setup.field.status')]}
            >
              {section.entries.map((entry) => (
                <tr key={entry.enrollmentId}>
                  <td>
                    {entry.lastName} {entry.firstName}
                  </td>
                  <td>{entry.birthDate ? formatCalendarDate(entry.birthDate) : '—'}</td>
                  <td>
                    <a href={href(page, `/gestion/foyers/${entry.householdId}`)}>{entry.familyNumber}</a>
                  </td>
                  <td>
                    <RequestStatusBadge status={entry.status} />
                  </td>
                </tr>
              ))}
            </SetupTable>
          )}
        </section>
      ))}

      {canEdit && (
        <section class="fr-mt-6w" aria-labelledby="enroll-title">
          <h2 id="enroll-title">{t('setup.enrollments.enrollTitle')}</h2>
          <p>{t('setup.enrollments.enrollIntro')}</p>
          {/* biome-ignore lint/a11y/useSemanticElements: a form that searches; DSFR has no style for <search> */}
          <form method="get" action={href(page, path)} role="search" class="fr-mb-3w">
            <Input name="q" label={t('setup.enrollments.search')} hint={t('setup.enrollments.searchHint')} value={props.query} />
            <Button variant="secondary" icon="fr-icon-search-line">
              {t('setup.enrollments.searchButton')}
            </Button>
          </form>
          {props.query !== '' && choices.length === 0 && <p>{t('setup.enrollments.noChildFound', { query: props.query })}</p>}
          {choices.length > 0 && (
            <>
              <ErrorSummary errors={props.errors} labels={labels} />
              <form method="post" action={href(page, path)} novalidate>
                <CsrfField />
                <input type="hidden" name="q" value={props.query} />
                <Radios name="child" legend={labels.child} value={one(props.values, 'child')} error={props.errors.child} options={choices} />
                {groups.length > 0 && (
                  <Select
                    name="groupId"
                    label={labels.groupId}
                    value={one(props.values, 'groupId')}
                    error={props.errors.groupId}
                    required
                    options={[{ value: '', label: t('setup.choose') }, ...groups.map((group) => ({ value: group.id, label: group.name }))]}
                  />
                )}
                <Button icon="fr-icon-user-add-line">{t('setup.enrollments.enroll')}</Button>
              </form>
            </>
          )}
          {choices.length === 0 && Object.keys(props.errors).length > 0 && (
            <Alert kind="error" small>
              {Object.values(props.errors).join(' ')}
            </Alert>
          )}
        </section>
      )}
    </>
  );
}

function groupTitle(t: Translate, group: string, count: number): string {
  return t(countKey('setup.enrollments.groupTitle', count), { group, count });
}
