import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { type LogoProblem, removeAuthorityLogo, saveAuthorityLogo } from '../../modules/authority/authority-logo.js';
import { PUBLIC_HOLIDAY_REGIONS } from '../../modules/calendar/public-holidays.js';
import { UNKNOWN_SCHOOL_YEAR_CHOICES } from '../../modules/calendar/school-years.js';
import {
  AUTHORITY_TIME_ZONES,
  authorityProfile,
  MAX_ABSENCE_LATE_DAYS,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfileValues,
  SCHOOL_ZONES,
  saveAuthorityProfile,
} from '../../modules/authority/authority-profile.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { FileUpload } from '../components/dsfr/file-upload.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { formBody } from '../forms.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { Form, Text } from '../page-input.js';
import { DeletionPage } from './setup-editor.js';

export const AUTHORITY_PATH = '/gestion/parametres/collectivite';
const LOGO_PATH = `${AUTHORITY_PATH}/logo`;
const LOGO_REMOVAL_PATH = `${LOGO_PATH}/retrait`;

const LOGO_PROBLEM_KEYS: Record<LogoProblem, MessageKey> = {
  missing: 'authority.logo.error.missing',
  type: 'authority.logo.error.type',
  too_large: 'authority.logo.error.too_large',
};

/** The logo's form holds only its file (read apart, web/multipart-form.ts): no field to coerce, so its too-large flag stays a flag. */
const LogoBody = Type.Object({});

/** The image types the logo's field offers (authority-logo.ts reads the bytes to be sure). */
const LOGO_TYPES = 'image/png,image/jpeg,image/webp';

/** The authority's name, contact, logo, legal mentions, sender name and place (administrators). */
export function staffAuthorityRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The header of every page shows the logo from the tenant directory.
    const afterLogoChange = async (request: FastifyRequest, reply: FastifyReply, done: string) => {
      await services.tenants.reload();
      return reply.redirect(`${request.base}${AUTHORITY_PATH}?fait=${done}`, 303);
    };

    app.get(
      AUTHORITY_PATH,
      { preHandler: requireStaff('admin'), schema: { querystring: Type.Object({ fait: Type.Optional(Text) }) } },
      async (request, reply) => {
        const values = await request.inScope((scope) => authorityProfile(scope));
        return reply.page(request.t('authority.title'), <AuthorityPage values={values} errors={{}} done={request.query.fait} />);
      },
    );

    app.post(AUTHORITY_PATH, { preHandler: requireStaff('admin'), schema: { body: Form } }, async (request, reply) => {
      const form = formBody(request);
      const result = await request.inScope((scope) => saveAuthorityProfile(scope, form));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind === 'saved') {
        // The name, the contact block and the calendar are read from the tenant directory.
        if (result.changed.length > 0) await services.tenants.reload();
        const done = result.changed.length === 0 ? 'rien' : result.holidayPeriodsAdded > 0 ? `vacances-${result.holidayPeriodsAdded}` : 'oui';
        return reply.redirect(`${request.base}${AUTHORITY_PATH}?fait=${done}`, 303);
      }
      const errors = Object.fromEntries(Object.entries(result.errors).map(([field, code]) => [field, request.t(`field.error.${code}`)]));
      const values = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, form[field] ?? ''])) as ProfileValues;
      return reply.page(request.t('authority.title'), <AuthorityPage values={values} errors={errors} />, 400);
    });

    app.post(LOGO_PATH, { preHandler: requireStaff('admin'), preValidation: readMultipartForm, schema: { body: LogoBody } }, async (request, reply) => {
      const result = await request.inScope((scope) => saveAuthorityLogo(scope, uploadedFile(request, 'logo'), fileTooLarge(request)));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind === 'saved') return afterLogoChange(request, reply, 'logo');
      // The details' form shows what is kept: nothing of it was sent with the logo.
      const values = await request.inScope((scope) => authorityProfile(scope));
      const logoError = request.t(LOGO_PROBLEM_KEYS[result.problem]);
      return reply.page(request.t('authority.title'), <AuthorityPage values={values} errors={{}} logoError={logoError} />, 400);
    });

    app.get(LOGO_REMOVAL_PATH, { preHandler: requireStaff('admin') }, async (request, reply) => {
      const name = request.t('authority.logo');
      return reply.page(
        request.t('setup.deleteConfirm.title', { name }),
        <DeletionPage
          name={name}
          consequence={request.t('authority.logo.removeConsequence')}
          refusal={null}
          action={LOGO_REMOVAL_PATH}
          back={AUTHORITY_PATH}
        />,
      );
    });

    app.post(LOGO_REMOVAL_PATH, { preHandler: requireStaff('admin'), schema: { body: Form } }, async (request, reply) => {
      const result = await request.inScope((scope) => removeAuthorityLogo(scope));
      if (result === 'forbidden') return reply.errorPage('forbidden');
      return afterLogoChange(request, reply, 'logo-retire');
    });
  };
}

/** The notices after a save (`?fait=…`), the school holidays added aside. */
const DONE_NOTICES = new Map<string, MessageKey>([
  ['oui', 'authority.saved'],
  ['rien', 'authority.unchanged'],
  ['logo', 'authority.logo.saved'],
  ['logo-retire', 'authority.logo.removed'],
]);

function DoneNotice(props: { done: string | undefined }) {
  const { t } = usePage();
  const holidays = /^vacances-(\d{1,4})$/.exec(props.done ?? '');
  const key = DONE_NOTICES.get(props.done ?? '');
  const text = holidays ? t('authority.savedHolidays', { count: Number(holidays[1]) }) : key ? t(key) : null;
  if (text === null) return null;
  return (
    <Alert kind="success" small announce>
      {text}
    </Alert>
  );
}

/** The logo's part: the one shown now, the way to take it off, and the field to send another. */
function LogoPart(props: { error: string | undefined }) {
  const page = usePage();
  const { t, tenant } = page;
  return (
    <>
      <h2 class="fr-h5 fr-mt-4w">{t('authority.part.logo')}</h2>
      {tenant?.logo_path ? (
        <div class="fr-mb-3w">
          <p class="fr-mb-1w">{t('authority.logo.current')}</p>
          <img class="pf-authority-logo fr-mb-1w" src={href(page, tenant.logo_path)} alt={t('authority.logo.currentAlt')} />
          <p>
            <ButtonLink href={href(page, LOGO_REMOVAL_PATH)} variant="tertiary" icon="fr-icon-delete-line" class="fr-btn--sm">
              {t('authority.logo.remove')}
            </ButtonLink>
          </p>
        </div>
      ) : (
        <p>{t('authority.logo.none')}</p>
      )}
      <form method="post" action={href(page, LOGO_PATH)} enctype="multipart/form-data" novalidate>
        <CsrfField />
        <FileUpload name="logo" label={t('authority.logo')} hint={t('authority.logo.hint')} error={props.error} accept={LOGO_TYPES} />
        <Button variant="secondary" class="fr-mt-2w">
          {t('authority.logo.send')}
        </Button>
      </form>
    </>
  );
}

function AuthorityPage(props: { values: ProfileValues; errors: Partial<Record<ProfileField, string>>; logoError?: string; done?: string | undefined }) {
  const page = usePage();
  const { t } = page;
  const { values, errors } = props;
  const labels: Record<string, string> = { ...Object.fromEntries(PROFILE_FIELDS.map((field) => [field, t(`authority.${field}`)])), logo: t('authority.logo') };
  const text = (field: ProfileField, options: { required?: boolean; hint?: string; type?: 'email' | 'tel' } = {}) => (
    <Input name={field} label={t(`authority.${field}`)} value={values[field]} error={errors[field]} {...options} />
  );
  const zones = SCHOOL_ZONES.includes(values.schoolZone) ? SCHOOL_ZONES : [...SCHOOL_ZONES, values.schoolZone];
  return (
    <>
      <h1>{t('authority.title')}</h1>
      <DoneNotice done={props.done} />
      <ErrorSummary errors={{ ...errors, logo: props.logoError }} labels={labels} />
      <p>{t('authority.intro')}</p>
      <LogoPart error={props.logoError} />
      <form method="post" action={href(page, AUTHORITY_PATH)} novalidate>
        <CsrfField />
        <h2 class="fr-h5 fr-mt-4w">{t('authority.part.identity')}</h2>
        {text('name', { required: true })}
        {text('contactName', { hint: t('authority.contactName.hint') })}
        <Textarea name="contactAddress" label={t('authority.contactAddress')} value={values.contactAddress} error={errors.contactAddress} rows={2} />
        {text('contactPhone', { type: 'tel' })}
        {text('contactEmail', { type: 'email' })}
        {text('contactHours')}
        {text('websiteUrl', { hint: t('authority.websiteUrl.hint') })}
        <h2 class="fr-h5 fr-mt-4w">{t('authority.part.legal')}</h2>
        {text('emailSenderName', { hint: t('authority.emailSenderName.hint') })}
        <Textarea
          name="legalNotice"
          label={t('authority.legalNotice')}
          hint={t('authority.legalNotice.hint')}
          value={values.legalNotice}
          error={errors.legalNotice}
          rows={6}
        />
        <h2 class="fr-h5 fr-mt-4w">{t('authority.part.place')}</h2>
        <Select
          name="timeZone"
          label={t('authority.timeZone')}
          hint={t('authority.timeZone.hint')}
          value={values.timeZone}
          error={errors.timeZone}
          required
          options={AUTHORITY_TIME_ZONES.map((zone) => ({ value: zone, label: zone.replace('_', ' ') }))}
        />
        <Select
          name="schoolZone"
          label={t('authority.schoolZone')}
          hint={t('authority.schoolZone.hint')}
          value={values.schoolZone}
          error={errors.schoolZone}
          required
          options={zones.map((zone) => ({ value: zone, label: /^[ABC]$/.test(zone) ? t(`authority.schoolZone.${zone as 'A' | 'B' | 'C'}`) : zone }))}
        />
        <Select
          name="publicHolidayRegion"
          label={t('authority.publicHolidayRegion')}
          value={values.publicHolidayRegion}
          error={errors.publicHolidayRegion}
          options={[
            { value: '', label: t('authority.publicHolidayRegion.none') },
            ...Object.entries(PUBLIC_HOLIDAY_REGIONS).map(([code, name]) => ({ value: code, label: name })),
          ]}
        />
        <h2 class="fr-h5 fr-mt-4w">{t('authority.part.bookings')}</h2>
        <ChoiceGroup
          type="radio"
          name="unknownSchoolYearBookings"
          legend={t('authority.unknownSchoolYearBookings')}
          choices={UNKNOWN_SCHOOL_YEAR_CHOICES.map((choice) => ({ value: choice, label: t(`authority.unknownSchoolYearBookings.${choice}`) }))}
          chosen={[values.unknownSchoolYearBookings]}
          error={errors.unknownSchoolYearBookings}
        />
        <Input
          name="absenceLateDays"
          label={t('authority.absenceLateDays')}
          hint={t('authority.absenceLateDays.hint', { max: MAX_ABSENCE_LATE_DAYS })}
          value={values.absenceLateDays}
          error={errors.absenceLateDays}
          inputMode="numeric"
          required
        />
        <Button>{t('authority.save')}</Button>
      </form>
    </>
  );
}
