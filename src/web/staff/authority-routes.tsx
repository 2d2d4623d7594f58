import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
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
import { Button } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { formBody } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, Text } from '../page-input.js';

export const AUTHORITY_PATH = '/gestion/parametres/collectivite';

/** The authority's name, contact, legal mentions, sender name and place (administrators). */
export function staffAuthorityRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
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
  };
}

function DoneNotice(props: { done: string | undefined }) {
  const { t } = usePage();
  const holidays = /^vacances-(\d{1,4})$/.exec(props.done ?? '');
  const text = holidays
    ? t('authority.savedHolidays', { count: Number(holidays[1]) })
    : props.done === 'oui'
      ? t('authority.saved')
      : props.done === 'rien'
        ? t('authority.unchanged')
        : null;
  if (text === null) return null;
  return (
    <Alert kind="success" small announce>
      {text}
    </Alert>
  );
}

function AuthorityPage(props: { values: ProfileValues; errors: Partial<Record<ProfileField, string>>; done?: string | undefined }) {
  const page = usePage();
  const { t } = page;
  const { values, errors } = props;
  const labels = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, t(`authority.${field}`)]));
  const text = (field: ProfileField, options: { required?: boolean; hint?: string; type?: 'email' | 'tel' } = {}) => (
    <Input name={field} label={t(`authority.${field}`)} value={values[field]} error={errors[field]} {...options} />
  );
  const zones = SCHOOL_ZONES.includes(values.schoolZone) ? SCHOOL_ZONES : [...SCHOOL_ZONES, values.schoolZone];
  return (
    <>
      <h1>{t('authority.title')}</h1>
      <DoneNotice done={props.done} />
      <ErrorSummary errors={errors} labels={labels} />
      <p>{t('authority.intro')}</p>
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
