import { periodKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { listActivities } from '../../modules/activities/activity-admin.js';
import { localDate } from '../../modules/calendar/local-date.js';
import {
  allPublishedDocuments,
  deletePublishedDocument,
  type PublishError,
  type PublishField,
  publishDocument,
} from '../../modules/document-space/published-documents.js';
import { type DecisionOutcome, decideSubmission, documentsToProvide, pendingSubmissions } from '../../modules/document-space/requested-documents.js';
import { PAGES } from '../../modules/page-paths.js';
import { windowState } from '../../modules/validation/date-window.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { FileUpload } from '../components/dsfr/file-upload.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { DOCUMENT_PROBLEM_KEYS, RequirementTable, requirementTitle } from '../components/required-documents.js';
import { WindowStateBadge } from '../components/status-badge.js';
import { errorMessages, FIELD_ERROR_KEYS } from '../forms.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, IdChoice, Text } from '../page-input.js';
import { DeleteNowButton } from './activity-common.js';
import { useCanChange } from './staff-access.js';
import { IdParams, NoticeQuery } from './staff-input.js';
import { fullName } from '../../modules/person-name.js';

export const PUBLISHED_PATH = '/gestion/documents';
const REVIEW_PATH = '/gestion/documents/a-verifier';

/** The sentences of a published document's and a household document's errors (window and file problems besides the fields'). */
export const DOCUMENT_ERROR_KEYS: Record<PublishError, MessageKey> = {
  ...FIELD_ERROR_KEYS,
  endPast: 'documentSpace.error.endPast',
  endBeforeStart: 'staff.news.error.endBeforeStart',
  ...DOCUMENT_PROBLEM_KEYS,
};

/** The names the publishing form gives the module's fields. */
const PUBLISH_FIELDS: Record<PublishField, string> = { title: 'titre', activityId: 'activite', visibleFrom: 'du', visibleUntil: 'au', file: 'fichier' };

const NOTICES = new Map<string, MessageKey>([
  ['publie', 'staffDocuments.publishedNotice'],
  ['supprime', 'staffDocuments.deletedNotice'],
  ['accepte', 'staffDocuments.acceptedNotice'],
  ['refuse', 'staffDocuments.refusedNotice'],
  ['deja', 'staffDocuments.alreadyDecided'],
]);

/** The publishing form's fields (its file is read apart, web/multipart-form.ts). */
const PublishBody = Type.Object({ titre: Type.Optional(Text), activite: Type.Optional(IdChoice), du: Type.Optional(Text), au: Type.Optional(Text) });

/** A decision on a document sent: accept, or refuse with the reason typed in the row's field `motif-<id>`. */
const DecisionBody = Type.Intersect([Type.Object({ act: Type.Union([Type.Literal('accept'), Type.Literal('refuse')]) }), Form]);

/** Published documents (publish, list, delete) and the documents families sent, to check. */
export function staffDocumentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const showPublished = async (
      request: FastifyRequest,
      reply: FastifyReply,
      values: Record<string, string>,
      errors: Record<string, string | undefined>,
      status = 200,
    ) => {
      const tenant = request.tenant!;
      const data = await request.inScope(async (scope) => ({
        documents: await allPublishedDocuments(scope),
        activities: await listActivities(scope),
        today: localDate(scope.now, tenant.time_zone),
      }));
      const notice = NOTICES.get((request.query as { fait?: string }).fait ?? '');
      return reply.page(request.t('staffDocuments.title'), <PublishedPage {...data} values={values} errors={errors} notice={notice} />, status);
    };

    app.get(PUBLISHED_PATH, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) =>
      showPublished(request, reply, {}, {}),
    );

    app.post(
      PUBLISHED_PATH,
      { preHandler: requireStaff('manager'), preValidation: readMultipartForm, schema: { body: PublishBody, querystring: NoticeQuery } },
      async (request, reply) => {
        const form = formValues(request.body);
        const outcome = await request.inScope((scope) =>
          publishDocument(scope, {
            title: form.titre,
            activityId: form.activite || undefined,
            visibleFrom: form.du,
            visibleUntil: form.au,
            file: uploadedFile(request, 'fichier'),
            fileTooLarge: fileTooLarge(request),
          }),
        );
        if (outcome.kind === 'published') return reply.redirect(`${request.base}${PUBLISHED_PATH}?fait=publie`);
        if (outcome.kind !== 'invalid') return reply.errorPage(outcome.kind === 'forbidden' ? 'forbidden' : 'notFound');
        const messages = errorMessages(request.t, outcome.errors, DOCUMENT_ERROR_KEYS);
        const errors = Object.fromEntries(Object.entries(messages).map(([field, message]) => [PUBLISH_FIELDS[field as PublishField], message]));
        return showPublished(request, reply, form, errors, 400);
      },
    );

    app.post(`${PUBLISHED_PATH}/:id/suppression`, { preHandler: requireStaff('manager'), schema: { params: IdParams, body: Form } }, async (request, reply) => {
      const result = await request.inScope((scope) => deletePublishedDocument(scope, request.params.id));
      if (result !== 'done') return reply.callNotFound();
      return reply.redirect(`${request.base}${PUBLISHED_PATH}?fait=supprime`);
    });

    const showReview = async (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>, values: Record<string, string>, status = 200) => {
      const data = await request.inScope(async (scope) => ({ pending: await pendingSubmissions(scope), toProvide: await documentsToProvide(scope) }));
      const notice = NOTICES.get((request.query as { fait?: string }).fait ?? '');
      return reply.page(request.t('staffDocuments.reviewTitle'), <ReviewPage {...data} errors={errors} values={values} notice={notice} />, status);
    };

    app.get(REVIEW_PATH, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) => showReview(request, reply, {}, {}));

    app.post(
      `${PUBLISHED_PATH}/envois/:id/decision`,
      { preHandler: requireStaff('manager'), schema: { params: IdParams, body: DecisionBody } },
      async (request, reply) => {
        const { id } = request.params;
        const form = formValues(request.body);
        const accept = request.body.act === 'accept';
        const result: DecisionOutcome = await request.inScope((scope) =>
          decideSubmission(scope, id, accept ? { accept: true } : { accept: false, reason: form[`motif-${id}`] }),
        );
        if (result === 'not_found') return reply.callNotFound();
        if (result === 'forbidden') return reply.errorPage('forbidden');
        if (result === 'reason_required' || result === 'reason_too_long') {
          const message = request.t(result === 'reason_required' ? 'staffDocuments.reasonRequired' : 'field.error.tooLong');
          return showReview(request, reply, { [`motif-${id}`]: message }, form, 400);
        }
        const done = result === 'already_decided' ? 'deja' : accept ? 'accepte' : 'refuse';
        return reply.redirect(`${request.base}${REVIEW_PATH}?fait=${done}`);
      },
    );
  };
}

function NoticeAlert(props: { notice: MessageKey | undefined }) {
  const { t } = usePage();
  if (!props.notice) return null;
  return (
    <Alert kind={props.notice === 'staffDocuments.alreadyDecided' ? 'info' : 'success'} small announce>
      {t(props.notice)}
    </Alert>
  );
}

function PublishedPage(props: {
  documents: Awaited<ReturnType<typeof allPublishedDocuments>>;
  activities: Awaited<ReturnType<typeof listActivities>>;
  today: string;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  notice: MessageKey | undefined;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  const { values, errors } = props;
  const labels = {
    titre: t('staffDocuments.titleField'),
    activite: t('staffDocuments.audience'),
    du: t('staffDocuments.from'),
    au: t('staffDocuments.until'),
    fichier: t('staffDocuments.file'),
  };
  return (
    <>
      <h1>{t('staffDocuments.title')}</h1>
      <NoticeAlert notice={props.notice} />
      <p>{t('staffDocuments.intro')}</p>
      {canChange && (
        <div class="fr-grid-row fr-mb-6w">
          <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
            <h2>{t('staffDocuments.new')}</h2>
            <ErrorSummary errors={errors} labels={labels} />
            <form method="post" action={href(page, PUBLISHED_PATH)} enctype="multipart/form-data" novalidate>
              <CsrfField />
              <Input name="titre" label={labels.titre} value={values.titre} error={errors.titre} required maxLength={200} />
              <Select
                name="activite"
                label={labels.activite}
                hint={t('staffDocuments.audienceHint')}
                value={values.activite}
                error={errors.activite}
                options={[
                  { value: '', label: t('documentSpace.everyFamily') },
                  ...props.activities.map((activity) => ({ value: activity.id, label: activity.name })),
                ]}
              />
              <DateInput name="du" label={labels.du} hint={t('staffDocuments.fromHint')} value={values.du} error={errors.du} />
              <DateInput name="au" label={labels.au} hint={t('staffDocuments.untilHint')} value={values.au} error={errors.au} />
              <FileUpload name="fichier" label={labels.fichier} hint={t('documentSpace.fileHint')} error={errors.fichier} />
              <Button icon="fr-icon-upload-line" class="fr-mt-2w">
                {t('staffDocuments.publish')}
              </Button>
            </form>
          </div>
        </div>
      )}
      <h2>{t('staffDocuments.list')}</h2>
      {props.documents.length === 0 ? (
        <p>{t('staffDocuments.none')}</p>
      ) : (
        <Table caption={t('staffDocuments.list')} noCaption>
          <thead>
            <tr>
              <th scope="col">{t('documentSpace.document')}</th>
              <th scope="col">{t('documentSpace.for')}</th>
              <th scope="col">{t('staff.news.shown')}</th>
              <th scope="col">{t('staff.news.state')}</th>
              {canChange && <th scope="col">{t('staff.news.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {props.documents.map((document) => (
              <tr key={document.id}>
                <td>
                  <a href={href(page, `${PAGES.documents}/publies/${document.id}`)}>{document.title}</a>
                  <p class="fr-text--xs fr-mb-0">{document.filename}</p>
                </td>
                <td>{document.activity_name ?? t('documentSpace.everyFamily')}</td>
                <td>
                  {document.visible_until
                    ? t(periodKey('staffDocuments.window', document.visible_from, document.visible_until), {
                        from: fmt.day(document.visible_from),
                        to: fmt.day(document.visible_until),
                      })
                    : t('staffDocuments.windowOpen', { from: fmt.day(document.visible_from) })}
                </td>
                <td>
                  <WindowStateBadge state={windowState({ startsOn: document.visible_from, endsOn: document.visible_until }, props.today)} />
                </td>
                {canChange && (
                  <td>
                    <DeleteNowButton action={`${PUBLISHED_PATH}/${document.id}/suppression`} label={t('staff.news.delete')} what={document.title} />
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

function ReviewPage(props: {
  pending: Awaited<ReturnType<typeof pendingSubmissions>>;
  toProvide: Awaited<ReturnType<typeof documentsToProvide>>;
  errors: Record<string, string>;
  values: Record<string, string>;
  notice: MessageKey | undefined;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  return (
    <>
      <h1>{t('staffDocuments.reviewTitle')}</h1>
      <NoticeAlert notice={props.notice} />
      <ErrorSummary errors={props.errors} labels={Object.fromEntries(Object.keys(props.errors).map((name) => [name, t('staffDocuments.reason')]))} />
      <h2>{t('staffDocuments.pending', { count: props.pending.length })}</h2>
      {props.pending.length === 0 ? (
        <p>{t('staffDocuments.nonePending')}</p>
      ) : (
        <Table caption={t('staffDocuments.pending', { count: props.pending.length })} noCaption>
          <thead>
            <tr>
              <th scope="col">{t('validations.household')}</th>
              <th scope="col">{t('documentSpace.document')}</th>
              <th scope="col">{t('validations.received')}</th>
              {canChange && <th scope="col">{t('staffDocuments.decision')}</th>}
            </tr>
          </thead>
          <tbody>
            {props.pending.map((row) => {
              const field = `motif-${row.id}`;
              // Which child a document asked per child is for: staff check it against the right child.
              const child = row.child_first_name ? { id: '', name: fullName(row.child_first_name, row.child_last_name!) } : null;
              const label = requirementTitle(t, { label: row.label, child });
              return (
                <tr key={row.id}>
                  <td>
                    <a href={href(page, `/gestion/foyers/${row.household_id}`)}>{row.household_name}</a>
                  </td>
                  <td>
                    {label}
                    <br />
                    <a class="fr-link fr-icon-download-line fr-link--icon-left fr-text--sm" href={href(page, `/documents/${row.document_id}`)}>
                      {row.filename}
                    </a>
                  </td>
                  <td>{fmt.dateTime(row.sent_at)}</td>
                  {canChange && (
                    <td>
                      <form method="post" action={href(page, `${PUBLISHED_PATH}/envois/${row.id}/decision`)} novalidate>
                        <CsrfField />
                        <Textarea
                          name={field}
                          label={t('staffDocuments.reasonOf', { household: row.household_name, label })}
                          hint={t('staffDocuments.reasonHint')}
                          value={props.values[field]}
                          error={props.errors[field]}
                          rows={2}
                        />
                        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left">
                          <li>
                            <Button name="act" value="accept" icon="fr-icon-check-line">
                              {t('staffDocuments.accept')}
                              <span class="fr-sr-only">
                                {' '}
                                — {row.household_name}, {label}
                              </span>
                            </Button>
                          </li>
                          <li>
                            <Button name="act" value="refuse" variant="secondary" icon="fr-icon-close-line">
                              {t('staffDocuments.refuse')}
                              <span class="fr-sr-only">
                                {' '}
                                — {row.household_name}, {label}
                              </span>
                            </Button>
                          </li>
                        </ul>
                      </form>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      <h2>{t('staffDocuments.toProvide', { count: props.toProvide.length })}</h2>
      <p class="fr-text--sm">{t('staffDocuments.toProvideHint')}</p>
      {props.toProvide.length === 0 ? (
        <p>{t('staffDocuments.noneToProvide')}</p>
      ) : (
        <RequirementTable requirements={props.toProvide} caption={t('staffDocuments.toProvide', { count: props.toProvide.length })} withHousehold />
      )}
    </>
  );
}
