import { countKey, periodKey } from '../../i18n/catalogue.js';
import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import {
  ABSENCE_LATE_DAYS,
  addAbsenceCertificate,
  declareAbsence,
  householdAbsences,
  type AbsenceErrors,
  type AbsenceLimits,
} from '../../modules/bookings/absences.js';
import { localDate } from '../../modules/calendar/local-date.js';
import type { Tenant } from '../../modules/tenancy/tenant-directory.js';
import { feedCalendar, feedToken } from '../../modules/bookings/calendar-feed.js';
import { documentFileName, readDocument } from '../../modules/documents/documents.js';
import { sendAttachment } from '../downloads.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { FileUpload } from '../components/dsfr/file-upload.js';
import { DateInput, fieldId } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { AbsenceFields } from '../components/absence-fields.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { requireAccount, requireFamily } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { Day, formValues, Id, IdChoice, Text } from '../page-input.js';
import { PAGES } from '../../modules/page-paths.js';
import { href, usePage } from '../page-context.js';
import { childChoices } from '../../modules/households/household-overview.js';

const TONES: Record<string, BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error' };

/**
 * The notice of an absence just declared (`declaree`) or of a certificate added (`certificat`:
 * `ajoute`, `deja`); the child and first day chosen from the planning (`enfant`, `du`).
 */
const AbsencesQuery = Type.Object({
  declaree: Type.Optional(Text),
  certificat: Type.Optional(Type.Union([Type.Literal('ajoute'), Type.Literal('deja')])),
  enfant: Type.Optional(Id),
  du: Type.Optional(Day),
});

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
      const { declaree, certificat, enfant, du } = request.query;
      const notice: Notice | undefined =
        declaree !== undefined
          ? { kind: 'success', key: 'absences.declared' }
          : certificat === 'ajoute'
            ? { kind: 'success', key: 'absences.certificateAdded' }
            : certificat === 'deja'
              ? { kind: 'error', key: 'absences.alreadyDecided' }
              : undefined;
      const values = { ...(enfant ? { enfant } : {}), ...(du ? { du: formatCalendarDate(du) } : {}) };
      return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={values} errors={{}} notice={notice} />);
    });

    app.post(
      '/absences/:id/certificat',
      { preHandler: requireFamily, preValidation: readMultipartForm, schema: { params: Type.Object({ id: Id }), body: Type.Object({}) } },
      async (request, reply) => {
        const householdId = request.session!.account.householdId!;
        const upload = { file: uploadedFile(request, 'certificat'), fileTooLarge: fileTooLarge(request) };
        const outcome = await request.inScope((scope) => addAbsenceCertificate(scope, householdId, request.params.id, upload));
        if (outcome === 'not_found') return reply.callNotFound();
        if (outcome === 'added' || outcome === 'already_decided') {
          return reply.redirect(`${request.base}/absences?certificat=${outcome === 'added' ? 'ajoute' : 'deja'}`);
        }
        const errors = { [`certificat-${request.params.id}`]: request.t(`document.error.${outcome.problem}`) };
        return reply.page(request.t('absences.title'), <AbsencesPage data={await loadPage(request)} values={{}} errors={errors} />, 400);
      },
    );

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
              declareAbsence(
                scope,
                householdId,
                {
                  childId: enfant || undefined,
                  firstDay: du,
                  lastDay: au,
                  reason: motif,
                  comment: precisions,
                  file: uploadedFile(request, 'certificat'),
                  fileTooLarge: fileTooLarge(request),
                },
                absenceLimitsOf(request.tenant!, scope.now),
              ),
            );
        if (outcome?.kind === 'not_found') return reply.callNotFound();
        if (outcome?.kind === 'declared') return reply.redirect(`${request.base}/absences?declaree=1`);
        const errors = outcome ? absenceMessages(request.t, outcome.errors, absenceLimitsOf(request.tenant!, new Date()).lateDays) : (refused ?? {});
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

type Notice = { kind: 'success' | 'error'; key: MessageKey };

/** The authority's day today and how late it takes an absence. */
export function absenceLimitsOf(tenant: Tenant, now: Date): AbsenceLimits {
  return { today: localDate(now, tenant.time_zone), lateDays: tenant.settings.absenceLateDays ?? ABSENCE_LATE_DAYS };
}

/** The declaration's rules that are not a field's format, in words. */
const RULES = new Set(['order', 'too_old', 'nothing_booked']);

/** Why a day is too far back to declare an absence for, with the authority's number of days. */
function tooOldText(t: Translate, lateDays: number): string {
  return t(countKey('absences.error.too_old', lateDays), { days: lateDays });
}

/** Why no absence can be declared for a day of the planning or the counter, in words. */
export function absenceRefusalText(t: Translate, refusal: 'too_old' | 'nothing_booked', lateDays: number): string {
  return refusal === 'too_old' ? tooOldText(t, lateDays) : t('absences.error.nothing_booked');
}

export function absenceMessages(t: Translate, errors: AbsenceErrors, lateDays: number): Record<string, string | undefined> {
  const { file, firstDay, lastDay, child, reason, comment } = errors;
  const fields = fieldMessages(
    t,
    Object.fromEntries(
      Object.entries({ du: firstDay, au: lastDay, enfant: child, motif: reason, precisions: comment }).filter(([, value]) => value && !RULES.has(value)),
    ) as never,
  );
  return {
    ...fields,
    ...(lastDay === 'order' ? { au: t('absences.error.order') } : {}),
    ...(firstDay === 'too_old' ? { du: tooOldText(t, lateDays) } : {}),
    ...(firstDay === 'nothing_booked' ? { du: t('absences.error.nothing_booked') } : {}),
    ...(file ? { certificat: t(`document.error.${file}`) } : {}),
  };
}

function AbsencesPage(props: {
  data: Awaited<ReturnType<typeof loadPage>>;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  notice?: Notice | undefined;
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
    // A certificate added to an absence already declared: its own field in the list.
    ...Object.fromEntries(
      Object.keys(errors)
        .filter((key) => key.startsWith('certificat-'))
        .map((key) => [key, t('absences.file')]),
    ),
  };
  return (
    <>
      <h1>{t('absences.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {t(props.notice.key)}
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
        <DateInput name="du" label={t('absences.firstDay')} hint={t('hint.child.birth_date')} required value={values.du} error={errors.du} />
        <AbsenceFields values={values} errors={errors} commentRows={3} />
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
                <td>
                  {t(periodKey('absences.period', absence.first_day, absence.last_day), {
                    from: formatCalendarDate(absence.first_day),
                    to: formatCalendarDate(absence.last_day),
                  })}
                </td>
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
                  {absence.status === 'pending' && !absence.document_id && (
                    // The certificate may come after the doctor's visit: added here while the service has not answered.
                    <form method="post" action={href(page, `/absences/${absence.id}/certificat`)} enctype="multipart/form-data" class="fr-mt-1w">
                      <CsrfField />
                      <FileUpload
                        name="certificat"
                        id={fieldId(`certificat-${absence.id}`)}
                        label={t('absences.addCertificateFor', { from: formatCalendarDate(absence.first_day), to: formatCalendarDate(absence.last_day) })}
                        hint={t('absences.fileHint')}
                        error={errors[`certificat-${absence.id}`]}
                      />
                      <Button variant="secondary" class="fr-btn--sm fr-mt-1w" icon="fr-icon-upload-line">
                        {t('absences.addCertificate')}
                      </Button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
