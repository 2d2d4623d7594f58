import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { periodKey, type MessageKey } from '../../i18n/catalogue.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { ENROLLMENT_TONES, enrollmentPath } from './enrollment-page-routes.js';
import { householdEnrollments, requestEnrollment, enrollableActivities } from '../../modules/bookings/enrollments.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { StatusBadge } from '../components/status-badge.js';
import { refusedFields } from '../forms.js';
import { formValues, IdChoice, Text } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { childChoices } from '../../modules/households/household-overview.js';
import { askedByActivity } from '../../modules/document-space/activity-requirements.js';
import { householdRequirements, type Requirement } from '../../modules/document-space/requested-documents.js';
import { RequiredDocuments } from '../components/required-documents.js';
import { requirementLabels, sendDocumentRoute } from './document-routes.js';

interface EnrollmentPageData {
  enrollments: Awaited<ReturnType<typeof householdEnrollments>>;
  children: { id: string; name: string }[];
  activities: { id: string; name: string; documents: string | null }[];
  /** The kinds of documents each activity asks for, by activity. */
  asked: Map<string, string[]>;
  /** What the household's enrollments ask of it, sent from this page too. */
  requirements: Requirement[];
}

/** The notice of a request (`envoyee`) or a document (`document`) just sent. */
const EnrollmentQuery = Type.Object({ envoyee: Type.Optional(Text), document: Type.Optional(Text) });

/** Where the documents asked for are sent from this page. */
const SEND_PATH = '/inscriptions/documents';

/** The request to enroll a child (the selects send '' for "—") in an activity, with a comment. */
const EnrollmentForm = Type.Object({
  enfant: Type.Optional(IdChoice),
  activite: Type.Optional(IdChoice),
  commentaire: Type.Optional(Text),
});

/** Inscriptions: the children's enrollments in activities, and the request to enroll. */
export function familyEnrollmentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const load = (request: FastifyRequest) =>
      request.inScope(async (scope): Promise<EnrollmentPageData> => {
        const householdId = request.session!.account.householdId!;
        const children = await childChoices(scope, householdId);
        return {
          enrollments: await householdEnrollments(scope, householdId),
          children,
          activities: await enrollableActivities(scope),
          asked: await askedByActivity(scope),
          requirements: (await householdRequirements(scope, householdId)) ?? [],
        };
      });

    app.get('/inscriptions', { preHandler: requireFamily, schema: { querystring: EnrollmentQuery } }, async (request, reply) => {
      const notice = request.query.envoyee ? 'enrollments.requested' : request.query.document ? 'documentSpace.sent' : undefined;
      return reply.page(request.t('enrollments.title'), <EnrollmentPage data={await load(request)} notice={notice} values={{}} />);
    });

    sendDocumentRoute(app, SEND_PATH, '/inscriptions?document=1', async (request, reply, errors) =>
      reply.page(request.t('enrollments.title'), <EnrollmentPage data={await load(request)} documentErrors={errors} values={{}} />, 400),
    );

    app.post('/inscriptions', { preHandler: requireFamily, schema: { body: EnrollmentForm }, attachValidation: true }, async (request, reply) => {
      const errors: Record<string, string> = refusedFields(request) ?? {};
      const { enfant: childId, activite: activityId, commentaire } = request.body;
      if (!errors.enfant && !childId) errors.enfant = request.t('field.error.required');
      if (!errors.activite && !activityId) errors.activite = request.t('field.error.required');
      const result =
        Object.keys(errors).length > 0 || !childId || !activityId
          ? null
          : await request.inScope((scope) =>
              requestEnrollment(scope, { householdId: request.session!.account.householdId!, childId, activityId, comment: commentaire?.trim() || null }),
            );
      if (result === 'requested') return reply.redirect(`${request.base}/inscriptions?envoyee=1`);
      if (result === 'not_found') return reply.callNotFound();
      const notice: MessageKey | undefined = result === 'already' ? 'enrollments.already' : undefined;
      return reply.page(
        request.t('enrollments.title'),
        <EnrollmentPage data={await load(request)} notice={notice} errors={errors} values={formValues(request.body)} />,
        400,
      );
    });
  };
}

function EnrollmentPage(props: {
  data: EnrollmentPageData;
  notice?: MessageKey | undefined;
  errors?: Record<string, string>;
  documentErrors?: Record<string, string>;
  values: Record<string, string>;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { data } = props;
  const errors = props.errors ?? {};
  const documentsOf = (activity: EnrollmentPageData['activities'][number]) =>
    [...(data.asked.get(activity.id) ?? []), ...(activity.documents ? [activity.documents] : [])].join(' ; ');
  const withDocuments = data.activities.filter((activity) => documentsOf(activity) !== '');
  return (
    <>
      <h1>{t('enrollments.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice === 'enrollments.already' ? 'error' : 'success'} small announce>
          {t(props.notice)}
        </Alert>
      )}
      <ErrorSummary errors={props.documentErrors ?? {}} labels={requirementLabels(t, data.requirements)} />
      <p>{t('enrollments.intro')}</p>
      {data.enrollments.length === 0 ? (
        <p>{t('enrollments.none')}</p>
      ) : (
        <Table caption={t('enrollments.title')} class="fr-mb-4w">
          <thead>
            <tr>
              <th scope="col">{t('enrollments.child')}</th>
              <th scope="col">{t('enrollments.activity')}</th>
              <th scope="col">{t('inscription.dates')}</th>
              <th scope="col">{t('enrollments.group')}</th>
              <th scope="col">{t('enrollments.status')}</th>
              <th scope="col">{t('requests.date')}</th>
            </tr>
          </thead>
          <tbody>
            {data.enrollments.map((enrollment) => (
              <tr key={enrollment.id}>
                <td>{enrollment.first_name}</td>
                <td>
                  <a href={href(page, enrollmentPath(enrollment.id))}>{enrollment.activity_name}</a>
                </td>
                <td>
                  {t(periodKey('inscription.dates', enrollment.starts_on, enrollment.ends_on), {
                    from: formatCalendarDate(enrollment.starts_on),
                    to: formatCalendarDate(enrollment.ends_on),
                  })}
                </td>
                <td>{enrollment.group_name ?? ''}</td>
                <td>
                  <StatusBadge tone={ENROLLMENT_TONES[enrollment.status] ?? 'info'} label={`enrollment.status.${enrollment.status}`} />
                  {enrollment.reason && <p class="fr-text--sm fr-mb-0">{enrollment.reason}</p>}
                </td>
                <td>{fmt.shortDate(enrollment.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {data.requirements.length > 0 && (
        <>
          <h2>{t('documentSpace.asked')}</h2>
          <RequiredDocuments requirements={data.requirements} action={SEND_PATH} errors={props.documentErrors ?? {}} itemHeading="h3" />
        </>
      )}
      <h2>{t('enrollments.submit')}</h2>
      <ErrorSummary errors={errors} labels={{ enfant: t('enrollments.child'), activite: t('enrollments.activity'), commentaire: t('enrollments.comment') }} />
      <form method="post" action={href(page, '/inscriptions')} novalidate>
        <CsrfField />
        <Select
          name="enfant"
          label={t('enrollments.child')}
          value={props.values.enfant}
          required
          error={errors.enfant}
          options={[{ value: '', label: '—' }, ...data.children.map((child) => ({ value: child.id, label: child.name }))]}
        />
        <Select
          name="activite"
          label={t('enrollments.activity')}
          value={props.values.activite}
          required
          error={errors.activite}
          options={[{ value: '', label: '—' }, ...data.activities.map((activity) => ({ value: activity.id, label: activity.name }))]}
        />
        {withDocuments.length > 0 && (
          <ul class="fr-text--sm">
            {withDocuments.map((activity) => (
              <li key={activity.id}>
                {activity.name} — {t('enrollments.documents', { documents: documentsOf(activity) })}
              </li>
            ))}
          </ul>
        )}
        <Textarea name="commentaire" label={t('enrollments.comment')} value={props.values.commentaire} error={errors.commentaire} rows={3} />
        <Button icon="fr-icon-send-plane-line">{t('enrollments.submit')}</Button>
      </form>
    </>
  );
}
