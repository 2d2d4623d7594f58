import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsync } from 'fastify';
import type { MessageKey } from '../../i18n/catalogue.js';
import { ABSENCE_REASONS, declareAbsence, householdAbsences, type AbsenceErrors } from '../../modules/bookings/absences.js';
import { feedCalendar, feedToken } from '../../modules/bookings/calendar-feed.js';
import { readDocument } from '../../modules/documents/documents.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { fieldId, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { fieldMessages, isUuid } from '../forms.js';
import { requireAccount, requireFamily } from '../guards.js';
import { FILE_TOO_LARGE, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { childChoices } from '../../modules/households/household-overview.js';

const TONES: Record<string, BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error' };

/** Absences with their certificates, documents, and the private calendar feed of a child. */
export function familyAbsenceRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/absences', { preHandler: requireFamily }, async (request, reply) => {
      const declared = (request.query as Record<string, string | undefined>).declaree !== undefined;
      return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={{}} errors={{}} declared={declared} />);
    });

    app.post('/absences', { preHandler: requireFamily, preValidation: readMultipartForm }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      const householdId = request.session!.account.householdId!;
      const outcome = await request.inScope((scope) =>
        declareAbsence(scope, householdId, {
          childId: isUuid(text('enfant') ?? '') ? text('enfant')! : '00000000-0000-0000-0000-000000000000',
          firstDay: text('du'), lastDay: text('au'), reason: text('motif'), comment: text('precisions'),
          file: uploadedFile(request, 'certificat'), fileTooLarge: body[FILE_TOO_LARGE] === true,
        }),
      );
      if (outcome.kind === 'not_found') return reply.callNotFound();
      if (outcome.kind === 'declared') return reply.redirect(`${request.base}/absences?declaree=1`);
      const values = { enfant: text('enfant') ?? '', du: text('du') ?? '', au: text('au') ?? '', motif: text('motif') ?? '', precisions: text('precisions') ?? '' };
      return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={values} errors={absenceMessages(request.t, outcome.errors)} />, 400);
    });

    app.get('/documents/:id', { preHandler: requireAccount }, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return reply.callNotFound();
      const document = await request.inScope((scope) => readDocument(scope, id));
      if (!document) return reply.callNotFound();
      // Always a download with the type checked at upload: a file is never shown as a page.
      return reply
        .type(document.content_type)
        .header('content-disposition', `attachment; filename="${document.filename.replace(/"/g, '')}"`)
        .header('cache-control', 'private, no-store')
        .send(document.content);
    });

    app.post('/reservations/agenda', { preHandler: requireFamily }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const childId = body.enfant && isUuid(body.enfant) ? body.enfant : '';
      const token = await request.inScope((scope) => feedToken(scope, request.session!.account.householdId!, childId, body.renouveler === '1'));
      if (!token) return reply.callNotFound();
      return reply.redirect(`${request.base}/reservations/planning?enfant=${childId}&agenda=1`);
    });

    app.get('/agenda/:file', async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const { file } = request.params as { file: string };
      const token = /^([A-Za-z0-9_-]{32})\.ics$/.exec(file)?.[1];
      if (!token) return reply.callNotFound();
      const text = await request.inScope((scope) => feedCalendar(scope.tx, token, scope.now, request.tenant!.name));
      if (!text) return reply.code(404).type('text/plain').send('Not found');
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=900').send(text);
    });
  };
}

async function loadPage(request: Parameters<typeof readMultipartForm>[0]) {
  const householdId = request.session!.account.householdId!;
  return request.inScope(async (scope) => ({
    absences: await householdAbsences(scope, householdId),
    children: await childChoices(scope, householdId),
  }));
}

function absenceMessages(t: (key: MessageKey) => string, errors: AbsenceErrors): Record<string, string | undefined> {
  const { file, firstDay, lastDay, child, reason, comment } = errors;
  const fields = fieldMessages(t, Object.fromEntries(Object.entries({ du: firstDay, au: lastDay, enfant: child, motif: reason, precisions: comment }).filter(([, value]) => value && value !== 'order')) as never);
  return {
    ...fields,
    ...(lastDay === 'order' ? { au: t('absences.error.order') } : {}),
    ...(file ? { certificat: t(`document.error.${file}` as MessageKey) } : {}),
  };
}

function AbsencesPage(props: { data: Awaited<ReturnType<typeof loadPage>>; values: Record<string, string>; errors: Record<string, string | undefined>; declared?: boolean }) {
  const page = usePage();
  const { t } = page;
  const { errors, values } = props;
  const labels = { enfant: t('absences.child'), du: t('absences.firstDay'), au: t('absences.lastDay'), motif: t('absences.reason'), precisions: t('absences.comment'), certificat: t('absences.file') };
  return (
    <>
      <h1>{t('absences.title')}</h1>
      {props.declared && <Alert kind="success" small announce>{t('absences.declared')}</Alert>}
      <ErrorSummary errors={errors} labels={labels} />
      <p>{t('absences.intro')}</p>
      <form method="post" action={href(page, '/absences')} enctype="multipart/form-data" novalidate class="fr-mb-6w">
        <CsrfField />
        <Select name="enfant" label={t('absences.child')} required value={values.enfant} error={errors.enfant} options={[{ value: '', label: '—' }, ...props.data.children.map((child) => ({ value: child.id, label: child.name }))]} />
        <Input name="du" label={t('absences.firstDay')} hint={t('hint.child.birth_date')} required value={values.du} error={errors.du} />
        <Input name="au" label={t('absences.lastDay')} hint={t('absences.lastDayHint')} value={values.au} error={errors.au} />
        <Select name="motif" label={t('absences.reason')} required value={values.motif} error={errors.motif} options={[{ value: '', label: '—' }, ...ABSENCE_REASONS.map((reason) => ({ value: reason, label: t(`absences.reason.${reason}` as MessageKey) }))]} />
        <Textarea name="precisions" label={t('absences.comment')} value={values.precisions} error={errors.precisions} rows={3} />
        <div class={`fr-upload-group${errors.certificat ? ' fr-upload-group--error' : ''}`}>
          <label class="fr-label" for={fieldId('certificat')}>
            {t('absences.file')}
            <span class="fr-hint-text">{t('absences.fileHint')}</span>
          </label>
          <input class="fr-upload" type="file" id={fieldId('certificat')} name="certificat" accept="application/pdf,image/png,image/jpeg" aria-describedby={errors.certificat ? `${fieldId('certificat')}-error` : undefined} />
          {errors.certificat && <p class="fr-error-text" id={`${fieldId('certificat')}-error`}>{errors.certificat}</p>}
        </div>
        <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">{t('absences.submit')}</Button>
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
                  {t(`absences.reason.${absence.reason}` as MessageKey)}
                  {absence.document_id && <> — <a href={href(page, `/documents/${absence.document_id}`)}>{t('absences.certificate')}</a></>}
                </td>
                <td>
                  <StatusBadge tone={TONES[absence.status] ?? 'info'} label={`absence.status.${absence.status}` as MessageKey} />
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
