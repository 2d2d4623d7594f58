import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { ABSENCE_REASONS, declareAbsence, householdAbsences, type AbsenceErrors } from '../../modules/bookings/absences.js';
import { feedCalendar, feedToken } from '../../modules/bookings/calendar-feed.js';
import { documentFileName, readDocument } from '../../modules/documents/documents.js';
import { sendAttachment } from '../downloads.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { FileUpload } from '../components/dsfr/file-upload.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { requireAccount, requireFamily } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { formValues, Id, IdChoice, Text } from '../page-input.js';
import { PAGES } from '../../modules/page-paths.js';
import { href, usePage } from '../page-context.js';
import { childChoices } from '../../modules/households/household-overview.js';

const TONES: Record<string, BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error' };

/** The notice of an absence just declared. */
const AbsencesQuery = Type.Object({ declaree: Type.Optional(Text) });

/** The declaration's text fields (the certificate is a file, web/multipart-form.ts). */
const AbsenceForm = Type.Object({
  enfant: Type.Optional(IdChoice),
  du: Type.Optional(Text),
  au: Type.Optional(Text),
  motif: Type.Optional(Text),
  precisions: Type.Optional(Text),
});

/** The private calendar feed of a child, shown or renewed (`renouveler`). */
const FeedForm = Type.Object({ enfant: Id, renouveler: Type.Optional(Text) });

/** A feed's address: its token and the extension calendar apps expect. */
const FeedParams = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{32}\\.ics$' }) });

/** Absences with their certificates, documents, and the private calendar feed of a child. */
export function familyAbsenceRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/absences', { preHandler: requireFamily, schema: { querystring: AbsencesQuery } }, async (request, reply) => {
      const declared = request.query.declaree !== undefined;
      return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={{}} errors={{}} declared={declared} />);
    });

    app.post(
      '/absences',
      { preHandler: requireFamily, preValidation: readMultipartForm, schema: { body: AbsenceForm }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const { enfant, du, au, motif, precisions } = request.body;
        const householdId = request.session!.account.householdId!;
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              declareAbsence(scope, householdId, {
                childId: enfant || undefined,
                firstDay: du,
                lastDay: au,
                reason: motif,
                comment: precisions,
                file: uploadedFile(request, 'certificat'),
                fileTooLarge: fileTooLarge(request),
              }),
            );
        if (outcome?.kind === 'not_found') return reply.callNotFound();
        if (outcome?.kind === 'declared') return reply.redirect(`${request.base}/absences?declaree=1`);
        const errors = outcome ? absenceMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={formValues(request.body)} errors={errors} />, 400);
      },
    );

    app.get('/documents/:id', { preHandler: requireAccount, schema: { params: Type.Object({ id: Id }) } }, async (request, reply) => {
      const document = await request.inScope((scope) => readDocument(scope, request.params.id));
      if (!document) return reply.callNotFound();
      // The type checked at upload, and the name's extension that type's, whatever was sent.
      return sendAttachment(reply, documentFileName(document.filename, document.content_type), document.content_type, document.content);
    });

    app.post('/reservations/agenda', { preHandler: requireFamily, schema: { body: FeedForm } }, async (request, reply) => {
      const { enfant: childId, renouveler } = request.body;
      const token = await request.inScope((scope) => feedToken(scope, request.session!.account.householdId!, childId, renouveler === '1'));
      if (!token) return reply.callNotFound();
      return reply.redirect(`${request.base}${PAGES.planning}?enfant=${childId}&agenda=1`);
    });

    app.get('/agenda/:file', { schema: { params: FeedParams } }, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const token = request.params.file.slice(0, -'.ics'.length);
      const text = await request.inScope((scope) => feedCalendar(scope.tx, token, scope.now, request.tenant!.name));
      if (!text) return reply.code(404).type('text/plain').send('Not found');
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=900').send(text);
    });
  };
}

async function loadPage(request: FastifyRequest) {
  const householdId = request.session!.account.householdId!;
  return request.inScope(async (scope) => ({
    absences: await householdAbsences(scope, householdId),
    children: await childChoices(scope, householdId),
  }));
}

function absenceMessages(t: (key: MessageKey) => string, errors: AbsenceErrors): Record<string, string | undefined> {
  const { file, firstDay, lastDay, child, reason, comment } = errors;
  const fields = fieldMessages(
    t,
    Object.fromEntries(
      Object.entries({ du: firstDay, au: lastDay, enfant: child, motif: reason, precisions: comment }).filter(([, value]) => value && value !== 'order'),
    ) as never,
  );
  return {
    ...fields,
    ...(lastDay === 'order' ? { au: t('absences.error.order') } : {}),
    ...(file ? { certificat: t(`document.error.${file}`) } : {}),
  };
}

function AbsencesPage(props: {
  data: Awaited<ReturnType<typeof loadPage>>;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  declared?: boolean;
}) {
  const page = usePage();
  const { t } = page;
  const { errors, values } = props;
  const labels = {
    enfant: t('absences.child'),
    du: t('absences.firstDay'),
    au: t('absences.lastDay'),
    motif: t('absences.reason'),
    precisions: t('absences.comment'),
    certificat: t('absences.file'),
  };
  return (
    <>
      <h1>{t('absences.title')}</h1>
      {props.declared && (
        <Alert kind="success" small announce>
          {t('absences.declared')}
        </Alert>
      )}
      <ErrorSummary errors={errors} labels={labels} />
      <p>{t('absences.intro')}</p>
      <form method="post" action={href(page, '/absences')} enctype="multipart/form-data" novalidate class="fr-mb-6w">
        <CsrfField />
        <Select
          name="enfant"
          label={t('absences.child')}
          required
          value={values.enfant}
          error={errors.enfant}
          options={[{ value: '', label: '—' }, ...props.data.children.map((child) => ({ value: child.id, label: child.name }))]}
        />
        <Input name="du" label={t('absences.firstDay')} hint={t('hint.child.birth_date')} required value={values.du} error={errors.du} />
        <Input name="au" label={t('absences.lastDay')} hint={t('absences.lastDayHint')} value={values.au} error={errors.au} />
        <Select
          name="motif"
          label={t('absences.reason')}
          required
          value={values.motif}
          error={errors.motif}
          options={[{ value: '', label: '—' }, ...ABSENCE_REASONS.map((reason) => ({ value: reason, label: t(`absences.reason.${reason}`) }))]}
        />
        <Textarea name="precisions" label={t('absences.comment')} value={values.precisions} error={errors.precisions} rows={3} />
        <FileUpload name="certificat" label={t('absences.file')} hint={t('absences.fileHint')} error={errors.certificat} />
        <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
          {t('absences.submit')}
        </Button>
      </form>
      {props.data.absences.length === 0 ? (
        <p>{t('absences.none')}</p>
      ) : (
        <Table caption={t('absences.title')}>
          <thead>
            <tr>
              <th scope="col">{t('absences.child')}</th>
              <th scope="col">{t('bookings.day')}</th>
              <th scope="col">{t('absences.reason')}</th>
              <th scope="col">{t('requests.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.data.absences.map((absence) => (
              <tr key={absence.id}>
                <td>{absence.first_name}</td>
                <td>{t('absences.period', { from: formatCalendarDate(absence.first_day), to: formatCalendarDate(absence.last_day) })}</td>
                <td>
                  {t(`absences.reason.${absence.reason}`)}
                  {absence.document_id && (
                    <>
                      {' '}
                      — <a href={href(page, `/documents/${absence.document_id}`)}>{t('absences.certificate')}</a>
                    </>
                  )}
                </td>
                <td>
                  <StatusBadge tone={TONES[absence.status] ?? 'info'} label={`absence.status.${absence.status}`} />
                  {absence.decision_reason && <p class="fr-text--sm fr-mb-0">{absence.decision_reason}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
