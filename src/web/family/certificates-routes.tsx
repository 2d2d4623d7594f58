import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Translate } from '../../i18n/catalogue.js';
import { type AttendanceError, type AttendanceField, requestAttendanceCertificate } from '../../modules/billing/attendance-request.js';
import { taxCertificate, taxCertificatePdf, taxCertificateYears } from '../../modules/billing/certificates.js';
import { childChoices } from '../../modules/households/household-overview.js';
import { Button } from '../components/dsfr/button.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { fieldMessages } from '../forms.js';
import { requireFamily } from '../guards.js';
import { IdChoice, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { sendPdf } from '../downloads.js';

export const CERTIFICATES_PATH = '/attestations';

/** The address of a year's tax certificate (PDF). */
export function taxCertificatePath(year: number): string {
  return `${CERTIFICATES_PATH}/fiscale/${year}`;
}

const TaxParams = Type.Object({ annee: Type.String({ pattern: '^20\\d\\d$' }) });

/** The attendance certificate's form, sent by GET: the child ('' when none chosen) and the period as typed. */
const AttendanceQuery = Type.Object({
  enfant: Type.Optional(IdChoice),
  du: Type.Optional(Text),
  au: Type.Optional(Text),
});

/** The form's field names, and the module's fields they carry. */
const FIELDS: Record<AttendanceField, 'enfant' | 'du' | 'au'> = { childId: 'enfant', from: 'du', to: 'au' };

/** Attestations: the tax certificate of each past year with payments, and the certificate of enrollment and attendance. */
export function familyCertificatesRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(CERTIFICATES_PATH, { preHandler: requireFamily }, async (request, reply) => {
      return reply.page(request.t('family.certificates.title'), <CertificatesPage data={await loadPage(request)} values={{}} errors={{}} />);
    });

    app.get(`${CERTIFICATES_PATH}/fiscale/:annee`, { preHandler: requireFamily, schema: { params: TaxParams } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const year = Number(request.params.annee);
      // Only a year that is over and in which the family paid: the same list as the page's.
      const pdf = await request.inScope(async (scope) =>
        (await taxCertificateYears(scope, householdId)).includes(year) ? taxCertificatePdf(scope, householdId, year, request.lang) : null,
      );
      if (!pdf) return reply.callNotFound();
      return sendPdf(reply, request.t('family.certificates.taxFileName', { year }), pdf);
    });

    app.get(`${CERTIFICATES_PATH}/presence`, { preHandler: requireFamily, schema: { querystring: AttendanceQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const { enfant, du, au } = request.query;
      const outcome = await request.inScope((scope) => requestAttendanceCertificate(scope, householdId, { childId: enfant, from: du, to: au }, request.lang));
      if (outcome.kind === 'pdf')
        return sendPdf(reply, request.t('family.certificates.attendanceFileName', { from: outcome.from, to: outcome.to }), outcome.pdf);
      const values = { enfant: enfant ?? '', du: du ?? '', au: au ?? '' };
      return reply.page(
        request.t('family.certificates.title'),
        <CertificatesPage data={await loadPage(request)} values={values} errors={attendanceMessages(request.t, outcome.errors)} />,
        400,
      );
    });
  };
}

async function loadPage(request: FastifyRequest) {
  const householdId = request.session!.account.householdId!;
  return request.inScope(async (scope) => {
    const years = await taxCertificateYears(scope, householdId);
    const certificates = [];
    for (const year of years) certificates.push({ year, totalCents: (await taxCertificate(scope, householdId, year))?.totalCents ?? 0 });
    return { certificates, children: await childChoices(scope, householdId) };
  });
}

/** The module's field errors as sentences, under the form's field names. */
function attendanceMessages(t: Translate, errors: Partial<Record<AttendanceField, AttendanceError>>): Record<string, string | undefined> {
  const messages: Record<string, string | undefined> = {};
  for (const [field, error] of Object.entries(errors) as [AttendanceField, AttendanceError][]) {
    messages[FIELDS[field]] =
      error === 'order'
        ? t('family.certificates.error.order')
        : error === 'span'
          ? t('family.certificates.error.span')
          : error === 'choice'
            ? t('family.certificates.error.choice')
            : fieldMessages(t, { [field]: error })[field];
  }
  return messages;
}

function CertificatesPage(props: { data: Awaited<ReturnType<typeof loadPage>>; values: Record<string, string>; errors: Record<string, string | undefined> }) {
  const page = usePage();
  const { t, fmt } = page;
  const { values, errors } = props;
  const labels = { enfant: t('family.certificates.child'), du: t('family.certificates.from'), au: t('family.certificates.to') };
  return (
    <>
      <h1>{t('family.certificates.title')}</h1>
      <section class="fr-mb-6w" aria-labelledby="tax-title">
        <h2 id="tax-title">{t('family.certificates.tax')}</h2>
        <p>{t('family.certificates.taxIntro')}</p>
        {props.data.certificates.length === 0 ? (
          <p>{t('family.certificates.taxNone')}</p>
        ) : (
          <ul class="fr-raw-list">
            {props.data.certificates.map((certificate) => (
              <li key={certificate.year} class="fr-mb-2w">
                <a class="fr-link fr-icon-download-line fr-link--icon-left" href={href(page, taxCertificatePath(certificate.year))}>
                  {t('family.certificates.taxDownload', { year: certificate.year })}
                </a>
                <span class="fr-text--sm"> — {t('family.certificates.taxAmount', { amount: fmt.money(certificate.totalCents) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="attendance-title">
        <h2 id="attendance-title">{t('family.certificates.attendance')}</h2>
        <p>{t('family.certificates.attendanceIntro')}</p>
        <ErrorSummary errors={errors} labels={labels} />
        <form method="get" action={href(page, `${CERTIFICATES_PATH}/presence`)} novalidate>
          <p class="fr-hint-text">{t('form.required')}</p>
          <Select
            name="enfant"
            label={labels.enfant}
            required
            value={values.enfant}
            error={errors.enfant}
            options={[{ value: '', label: '—' }, ...props.data.children.map((child) => ({ value: child.id, label: child.name }))]}
          />
          <DateInput name="du" label={labels.du} hint={t('family.certificates.dateHint')} required value={values.du} error={errors.du} />
          <DateInput name="au" label={labels.au} hint={t('family.certificates.dateHint')} required value={values.au} error={errors.au} />
          <Button icon="fr-icon-download-line">{t('family.certificates.download')}</Button>
        </form>
      </section>
    </>
  );
}
