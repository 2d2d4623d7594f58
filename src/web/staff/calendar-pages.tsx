import { Table } from '../components/dsfr/table.js';
import type { ComponentChildren } from 'preact';
import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import type { ClosureField, ClosureTargets, Closure, ClosureValue } from '../../modules/calendar/closures.js';
import type { ClosureImpact } from '../../modules/bookings/closure-cancellations.js';
import type { PublicHoliday } from '../../modules/calendar/public-holidays.js';
import type { PeriodField, SchoolHoliday } from '../../modules/calendar/school-holidays.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Facts } from '../components/facts.js';
import { Select } from '../components/dsfr/select.js';
import { href, usePage } from '../page-context.js';
import { useCanChange } from './staff-access.js';
import { UnknownSchoolYearsAlert } from './unknown-school-years.js';

export const CALENDAR_PATH = '/gestion/calendrier';

/** A calendar date in the page's language, without any time zone at play: "lundi 3 novembre 2025". */
export function useDayFormat(): (date: string) => string {
  const { lang } = usePage();
  const format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return (date: string) => format.format(new Date(`${date}T00:00:00Z`));
}

export function CalendarTable(props: { caption: string; headers: string[]; children: ComponentChildren }) {
  return (
    <Table caption={props.caption} noCaption>
      <thead>
        <tr>
          {props.headers.map((header) => (
            <th scope="col" key={header}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </Table>
  );
}

export interface CalendarOverview {
  zone: string;
  region: string | null;
  firstYear: number;
  holidays: SchoolHoliday[];
  publicHolidays: PublicHoliday[];
  closures: Closure[];
  /** Of these two school years, those without any holiday period. */
  unknownSchoolYears: number[];
}

const SOURCE_LABELS: Record<SchoolHoliday['source'], MessageKey> = {
  snapshot: 'calendar.source.snapshot',
  import: 'calendar.source.import',
  manual: 'calendar.source.manual',
};

/** The back office calendar: school holidays of the current and next school years, closures, public holidays. */
export function CalendarPage(props: CalendarOverview & { notice?: string | undefined }) {
  const page = usePage();
  const { t, lang } = page;
  const day = useDayFormat();
  const canEdit = useCanChange();
  const years = { first: `${props.firstYear}-${props.firstYear + 1}`, second: `${props.firstYear + 1}-${props.firstYear + 2}` };
  return (
    <>
      <h1>{t('calendar.title')}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {props.notice}
        </Alert>
      )}
      <p>{t('calendar.intro')}</p>
      <UnknownSchoolYearsAlert years={props.unknownSchoolYears} />
      {!canEdit && (
        <Alert kind="info" small>
          {t('calendar.readOnly')}
        </Alert>
      )}

      <h2 id="vacances">{t('calendar.holidays.title', { zone: props.zone })}</h2>
      <p>{t('calendar.holidays.years', years)}</p>
      {canEdit && (
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <ButtonLink href={href(page, `${CALENDAR_PATH}/vacances/nouvelle`)} icon="fr-icon-add-line">
              {t('calendar.holidays.add')}
            </ButtonLink>
          </li>
          <li>
            <ButtonLink href={href(page, `${CALENDAR_PATH}/import`)} variant="secondary" icon="fr-icon-upload-line">
              {t('calendar.import.link')}
            </ButtonLink>
          </li>
        </ul>
      )}
      {props.holidays.length === 0 ? (
        <p>{t('calendar.holidays.none')}</p>
      ) : (
        <CalendarTable
          caption={t('calendar.holidays.title', { zone: props.zone })}
          headers={[
            t('calendar.field.name'),
            t('calendar.field.firstDay'),
            t('calendar.field.lastDay'),
            t('calendar.field.source'),
            ...(canEdit ? [t('calendar.actions')] : []),
          ]}
        >
          {props.holidays.map((period) => (
            <tr key={period.id}>
              <td>{period.name}</td>
              <td>{day(period.firstDay)}</td>
              <td>{day(period.lastDay)}</td>
              <td>{t(SOURCE_LABELS[period.source])}</td>
              {canEdit && (
                <td>
                  <a class="fr-link" href={href(page, `${CALENDAR_PATH}/vacances/${period.id}`)}>
                    {t('calendar.edit')}
                    <span class="fr-sr-only">
                      {' '}
                      — {period.name} {day(period.firstDay)}
                    </span>
                  </a>
                </td>
              )}
            </tr>
          ))}
        </CalendarTable>
      )}
      <p class="fr-text--sm">{t('calendar.holidays.lastDayNote')}</p>
      <p class="fr-text--xs">{t('legal.holidaysCredit')}</p>

      <h2 id="fermetures">{t('calendar.closures.title')}</h2>
      <p>{t('calendar.closures.intro')}</p>
      {canEdit && (
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <ButtonLink href={href(page, `${CALENDAR_PATH}/fermetures/nouvelle`)} icon="fr-icon-add-line">
              {t('calendar.closures.add')}
            </ButtonLink>
          </li>
        </ul>
      )}
      {props.closures.length === 0 ? (
        <p>{t('calendar.closures.none')}</p>
      ) : (
        <CalendarTable
          caption={t('calendar.closures.title')}
          headers={[
            t('calendar.field.firstDay'),
            t('calendar.field.lastDay'),
            t('calendar.field.target'),
            t('calendar.field.reason'),
            ...(canEdit ? [t('calendar.actions')] : []),
          ]}
        >
          {props.closures.map((closure) => (
            <tr key={closure.id}>
              <td>{day(closure.firstDay)}</td>
              <td>{day(closure.lastDay)}</td>
              <td>{closure.targetName ?? t('calendar.target.all')}</td>
              <td>{closure.reason}</td>
              {canEdit && (
                <td>
                  <a class="fr-link" href={href(page, `${CALENDAR_PATH}/fermetures/${closure.id}`)}>
                    {t('calendar.edit')}
                    <span class="fr-sr-only">
                      {' '}
                      — {closure.reason} {day(closure.firstDay)}
                    </span>
                  </a>
                </td>
              )}
            </tr>
          ))}
        </CalendarTable>
      )}

      <h2 id="feries">{t('calendar.public.title')}</h2>
      <p>{props.region ? t('calendar.public.introRegion', { region: props.region }) : t('calendar.public.intro')}</p>
      <CalendarTable caption={t('calendar.public.title')} headers={[t('calendar.field.date'), t('calendar.field.name')]}>
        {props.publicHolidays.map((holiday) => (
          <tr key={holiday.date}>
            <td>{day(holiday.date)}</td>
            <td>{holiday.name[lang]}</td>
          </tr>
        ))}
      </CalendarTable>
    </>
  );
}

const PERIOD_LABELS: Record<PeriodField, MessageKey> = { name: 'calendar.field.name', firstDay: 'calendar.field.firstDay', lastDay: 'calendar.field.lastDay' };

/** Adds or changes a school holiday period; the delete button sits on the edit page only. */
export function PeriodFormPage(props: { id: string | null; values: Record<string, string>; errors: Partial<Record<PeriodField, string>> }) {
  const page = usePage();
  const { t } = page;
  const labels = Object.fromEntries(Object.entries(PERIOD_LABELS).map(([field, key]) => [field, t(key)]));
  const action = props.id ? `${CALENDAR_PATH}/vacances/${props.id}` : `${CALENDAR_PATH}/vacances/nouvelle`;
  return (
    <>
      <h1>{t(props.id ? 'calendar.holidays.editTitle' : 'calendar.holidays.addTitle')}</h1>
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>{t('calendar.holidays.formIntro')}</p>
      <form method="post" action={href(page, action)} novalidate>
        <CsrfField />
        <Input
          name="name"
          label={labels.name!}
          value={props.values.name}
          error={props.errors.name}
          required
          maxLength={200}
          hint={t('calendar.holidays.nameHint')}
        />
        <DateInput
          name="firstDay"
          label={labels.firstDay!}
          value={props.values.firstDay}
          error={props.errors.firstDay}
          required
          hint={t('calendar.field.dateHint')}
        />
        <DateInput
          name="lastDay"
          label={labels.lastDay!}
          value={props.values.lastDay}
          error={props.errors.lastDay}
          required
          hint={t('calendar.holidays.lastDayHint')}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button>{t('calendar.save')}</Button>
          </li>
          <li>
            <ButtonLink href={href(page, CALENDAR_PATH)} variant="secondary">
              {t('calendar.cancel')}
            </ButtonLink>
          </li>
        </ul>
      </form>
      {props.id && <DeleteForm action={`${CALENDAR_PATH}/vacances/${props.id}/suppression`} label={t('calendar.holidays.delete')} />}
    </>
  );
}

const CLOSURE_LABELS: Record<ClosureField, MessageKey> = {
  target: 'calendar.field.target',
  firstDay: 'calendar.field.firstDay',
  lastDay: 'calendar.field.lastDay',
  reason: 'calendar.field.reason',
};

export function ClosureFormPage(props: {
  id: string | null;
  targets: ClosureTargets;
  values: Record<string, string>;
  errors: Partial<Record<ClosureField, string>>;
}) {
  const page = usePage();
  const { t } = page;
  const labels = Object.fromEntries(Object.entries(CLOSURE_LABELS).map(([field, key]) => [field, t(key)]));
  const action = props.id ? `${CALENDAR_PATH}/fermetures/${props.id}` : `${CALENDAR_PATH}/fermetures/nouvelle`;
  const options = targetOptions(t, props.targets);
  return (
    <>
      <h1>{t(props.id ? 'calendar.closures.editTitle' : 'calendar.closures.addTitle')}</h1>
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>{t('calendar.closures.formIntro')}</p>
      <form method="post" action={href(page, action)} novalidate>
        <CsrfField />
        <Select name="target" label={labels.target!} value={props.values.target ?? 'all'} options={options} error={props.errors.target} required />
        <DateInput
          name="firstDay"
          label={labels.firstDay!}
          value={props.values.firstDay}
          error={props.errors.firstDay}
          required
          hint={t('calendar.field.dateHint')}
        />
        <DateInput
          name="lastDay"
          label={labels.lastDay!}
          value={props.values.lastDay}
          error={props.errors.lastDay}
          required
          hint={t('calendar.closures.lastDayHint')}
        />
        <Input
          name="reason"
          label={labels.reason!}
          value={props.values.reason}
          error={props.errors.reason}
          required
          maxLength={200}
          hint={t('calendar.closures.reasonHint')}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button>{t('calendar.save')}</Button>
          </li>
          <li>
            <ButtonLink href={href(page, CALENDAR_PATH)} variant="secondary">
              {t('calendar.cancel')}
            </ButtonLink>
          </li>
        </ul>
      </form>
      {props.id && <DeleteForm action={`${CALENDAR_PATH}/fermetures/${props.id}/suppression`} label={t('calendar.closures.delete')} />}
    </>
  );
}

/** What a closure may apply to, as its form's field names it: the whole authority, a site or an activity. */
function targetOptions(t: Translate, targets: ClosureTargets): { value: string; label: string }[] {
  return [
    { value: 'all', label: t('calendar.target.all') },
    ...targets.sites.map((site) => ({ value: `site:${site.id}`, label: t('calendar.target.site', { name: site.name }) })),
    ...targets.activities.map((activity) => ({ value: `activity:${activity.id}`, label: t('calendar.target.activity', { name: activity.name }) })),
  ];
}

/**
 * Before a closure that meets bookings is saved: what it will cancel, per day and activity, and the
 * same fields sent again to confirm (or to go back to the form, as typed).
 */
export function ClosureConfirmPage(props: {
  id: string | null;
  values: Record<string, string>;
  closure: ClosureValue;
  impact: ClosureImpact;
  targets: ClosureTargets;
}) {
  const page = usePage();
  const { t } = page;
  const day = useDayFormat();
  const action = props.id ? `${CALENDAR_PATH}/fermetures/${props.id}` : `${CALENDAR_PATH}/fermetures/nouvelle`;
  const { closure, impact } = props;
  const target = closure.siteId ? `site:${closure.siteId}` : closure.activityId ? `activity:${closure.activityId}` : 'all';
  return (
    <>
      <h1>{t('calendar.closures.confirmTitle')}</h1>
      <Alert kind="warning" title={t('calendar.closures.meetsBookings')}>
        <p>{t('calendar.closures.confirmIntro')}</p>
      </Alert>
      <Facts
        class="fr-mt-3w"
        facts={[
          [t('calendar.field.target'), targetOptions(t, props.targets).find((option) => option.value === target)?.label ?? t('calendar.target.all')],
          [t('calendar.field.firstDay'), day(closure.firstDay)],
          [t('calendar.field.lastDay'), day(closure.lastDay)],
          [t('calendar.field.reason'), closure.reason],
        ]}
      />
      <h2 class="fr-mt-4w">{t('calendar.closures.whatHappens')}</h2>
      <ul>
        <li>{t('calendar.closures.cancelsBookings', { count: impact.bookings })}</li>
        {impact.waiting > 0 && <li>{t('calendar.closures.cancelsWaiting', { count: impact.waiting })}</li>}
        <li>{t('calendar.closures.tellsHouseholds', { count: impact.households })}</li>
        <li>{t('calendar.closures.notBilled')}</li>
      </ul>
      <CalendarTable
        caption={t('calendar.closures.impactCaption')}
        headers={[
          t('calendar.field.date'),
          t('calendar.closures.col.activity'),
          t('calendar.closures.col.bookings'),
          t('calendar.closures.col.households'),
          t('calendar.closures.col.waiting'),
        ]}
      >
        {impact.rows.map((row) => (
          <tr key={`${row.day}|${row.activityName}`}>
            <td>{day(row.day)}</td>
            <td>{row.activityName}</td>
            <td>{row.bookings}</td>
            <td>{row.households}</td>
            <td>{row.waiting}</td>
          </tr>
        ))}
      </CalendarTable>
      <form method="post" action={href(page, action)}>
        <CsrfField />
        {Object.entries(props.values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <input type="hidden" name="confirmed" value="yes" />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button icon="fr-icon-check-line">{t('calendar.closures.confirm')}</Button>
          </li>
          <li>
            <Button name="action" value="back" variant="secondary" icon="fr-icon-arrow-left-line">
              {t('calendar.closures.backToForm')}
            </Button>
          </li>
        </ul>
      </form>
    </>
  );
}

/** The way to delete: the confirmation page, which says what the deletion does first. */
function DeleteForm(props: { action: string; label: string }) {
  const page = usePage();
  return (
    <p class="fr-mt-6w">
      <ButtonLink href={href(page, props.action)} variant="tertiary" icon="fr-icon-delete-line">
        {props.label}
      </ButtonLink>
    </p>
  );
}
