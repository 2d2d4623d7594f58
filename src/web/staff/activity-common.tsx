import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { countKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import type { ActivityDefinition } from '../../modules/activities/activity-definitions.js';
import type { DeadlinePreviewDay, PreviewCalendar } from '../../modules/activities/deadline-preview.js';
import { localTime } from '../../modules/activities/period-admin.js';
import type { DayBelowTaken, InUse, SetupErrors, SetupFieldError } from '../../modules/activities/setup-forms.js';
import type { Scope } from '../../modules/scope.js';
import type { FieldError } from '../../modules/validation/fields.js';
import type { Services } from '../../services.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { fieldId, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { fieldMessages } from '../forms.js';
import { href, usePage } from '../page-context.js';

/** What the set-up pages of activities share: paths, answers, field messages, small components. */

export const ACTIVITIES_PATH = '/gestion/activites';

/** The values a form shows: what was stored, or what the person typed. */
export type FormValues = Record<string, string | string[]>;

export function one(values: FormValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

export function many(values: FormValues, name: string): string[] {
  const value = values[name];
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

/** A calendar date 'YYYY-MM-DD' as 'DD/MM'. */
export function dm(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}`;
}

/** The set-up forms' own error codes (the others are the fields' common ones, web/forms.ts), each with its sentence `setup.error.<code>`. */
type SetupOnlyError = Exclude<SetupFieldError, FieldError>;
const SETUP_ONLY_ERRORS: Record<SetupOnlyError, true> = {
  dateOrder: true,
  weekdaysNone: true,
  time: true,
  negative: true,
  ageOrder: true,
  codeTaken: true,
  selfReference: true,
  unknownUnit: true,
  unitsNone: true,
  opensAfterCloses: true,
  outsideActivity: true,
  belowTaken: true,
  poolInUse: true,
  rangeTooLong: true,
};

function isSetupOnly(code: SetupFieldError): code is SetupOnlyError {
  return Object.hasOwn(SETUP_ONLY_ERRORS, code);
}

/** The set-up forms' error codes as sentences; days whose places could not go down are listed. */
export function setupMessages<F extends string>(t: Translate, errors: SetupErrors<F>, belowTaken: DayBelowTaken[] = []): Partial<Record<F, string>> {
  const messages: Partial<Record<F, string>> = {};
  for (const [field, code] of Object.entries(errors) as [F, SetupFieldError][]) {
    if (code === 'belowTaken') messages[field] = belowTakenMessage(t, belowTaken);
    else if (isSetupOnly(code)) messages[field] = t(`setup.error.${code}`);
    else messages[field] = fieldMessages(t, { code }).code;
  }
  return messages;
}

export function belowTakenMessage(t: Translate, days: DayBelowTaken[]): string {
  const list = days.map((day) => t(countKey('setup.places.takenOn', day.taken), { date: formatCalendarDate(day.day), taken: day.taken })).join(', ');
  return t('setup.error.belowTaken', { count: days.length, days: list });
}

/** The notice of what a set-up editor did (`?fait=…`, read by `noticeOf`): saved, deleted, or refused and why. */
export function setupNotice(done: { kind: 'saved' | 'deleted' } | InUse): string {
  return done.kind === 'in_use' ? `refus-${done.what}-${done.count}` : done.kind === 'saved' ? 'enregistre' : 'supprime';
}

/** An activity and, on a change, its part being changed (a group, a unit, places, a period); null when either is unknown. */
export async function activityPart<T extends { id: string }>(
  scope: Scope,
  at: { parent: string; itemId: string | null },
  partsOf: (setup: ActivityDefinition) => T[],
): Promise<{ setup: ActivityDefinition; item: T | undefined } | null> {
  const setup = await getActivitySetup(scope, at.parent);
  const item = setup && at.itemId ? partsOf(setup).find((candidate) => candidate.id === at.itemId) : undefined;
  if (!setup || (at.itemId && !item)) return null;
  return { setup, item };
}

/** The authority's calendar for the deadline preview (public holidays, school holidays, closures). */
export async function previewCalendar(services: Services, scope: Scope, request: FastifyRequest): Promise<PreviewCalendar> {
  return services.calendars.forTenant(scope.tx, request.tenant!);
}

/** A calendar date in the page's language, no time zone at play: "jeudi 10 septembre 2026". */
export function useLongDay(): (date: string) => string {
  const { lang } = usePage();
  const format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return (date: string) => format.format(new Date(`${date}T00:00:00Z`));
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function useWeekdayNames(): string[] {
  const { t } = usePage();
  return WEEKDAYS.map((day) => t(`setup.weekday.${day}`));
}

/** Checkboxes of one name in a DSFR fieldset, its error under them. */
export function Checkboxes(props: {
  name: string;
  legend: string;
  hint?: string;
  options: { value: string; label: string }[];
  values: string[];
  error?: string | undefined;
  inline?: boolean;
}) {
  const id = fieldId(props.name);
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend${props.error ? ` ${id}-error` : ''}`}>
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legend`}>
        {props.legend}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.length === 0 && <p class="fr-fieldset__element fr-text--sm">—</p>}
      {props.options.map((option) => (
        <div class={`fr-fieldset__element${props.inline ? ' fr-fieldset__element--inline' : ''}`} key={option.value}>
          <div class="fr-checkbox-group">
            <input type="checkbox" id={`${id}-${option.value}`} name={props.name} value={option.value} checked={props.values.includes(option.value)} />
            <label class="fr-label" for={`${id}-${option.value}`}>
              {option.label}
            </label>
          </div>
        </div>
      ))}
      {props.error && (
        <div class="fr-messages-group" id={`${id}-error`}>
          <p class="fr-message fr-message--error">{props.error}</p>
        </div>
      )}
    </fieldset>
  );
}

/** Radio buttons of one name in a DSFR fieldset; an option may carry fields shown under it. */
export function Radios(props: {
  name: string;
  legend: string;
  hint?: string;
  options: { value: string; label: string; hint?: string; children?: ComponentChildren }[];
  value: string;
  error?: string | undefined;
  inline?: boolean;
}) {
  const id = fieldId(props.name);
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend${props.error ? ` ${id}-error` : ''}`}>
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legend`}>
        {props.legend}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((option) => (
        <div class={`fr-fieldset__element${props.inline ? ' fr-fieldset__element--inline' : ''}`} key={option.value}>
          <div class="fr-radio-group">
            <input type="radio" id={`${id}-${option.value}`} name={props.name} value={option.value} checked={props.value === option.value} />
            <label class="fr-label" for={`${id}-${option.value}`}>
              {option.label}
              {option.hint && <span class="fr-hint-text">{option.hint}</span>}
            </label>
          </div>
          {option.children && <div class="fr-ml-4w fr-mt-1w">{option.children}</div>}
        </div>
      ))}
      {props.error && (
        <div class="fr-messages-group" id={`${id}-error`}>
          <p class="fr-message fr-message--error">{props.error}</p>
        </div>
      )}
    </fieldset>
  );
}

/**
 * The editor of a deadline rule: its kind as radio buttons, each with its own fields, and the time
 * of day they share. Units may answer "same as the activity".
 */
export function DeadlineEditor(props: {
  prefix: 'booking' | 'cancel';
  legend: string;
  values: FormValues;
  errors: Record<string, string | undefined>;
  allowSame?: boolean;
}) {
  const { t } = usePage();
  const weekdays = useWeekdayNames();
  const name = (suffix: string) => `${props.prefix}${suffix}`;
  const type = one(props.values, name('Type')) || (props.allowSame ? 'same' : 'days_before');
  const options = [
    ...(props.allowSame ? [{ value: 'same', label: t('setup.deadline.same') }] : []),
    {
      value: 'days_before',
      label: t('setup.deadline.daysBefore'),
      children: (
        <>
          <Input
            name={name('Days')}
            label={t('setup.deadline.days')}
            inputMode="numeric"
            value={one(props.values, name('Days'))}
            error={props.errors[name('Days')]}
          />
          <div class="fr-checkbox-group fr-mb-2w">
            <input
              type="checkbox"
              id={fieldId(name('WorkingDays'))}
              name={name('WorkingDays')}
              value="true"
              checked={one(props.values, name('WorkingDays')) === 'true'}
            />
            <label class="fr-label" for={fieldId(name('WorkingDays'))}>
              {t('setup.deadline.workingDays')}
              <span class="fr-hint-text">{t('setup.deadline.workingDaysHint')}</span>
            </label>
          </div>
        </>
      ),
    },
    {
      value: 'weekday_before',
      label: t('setup.deadline.weekdayBefore'),
      children: (
        <Select
          name={name('Weekday')}
          label={t('setup.deadline.weekday')}
          value={one(props.values, name('Weekday'))}
          error={props.errors[name('Weekday')]}
          options={[{ value: '', label: t('setup.choose') }, ...weekdays.map((label, index) => ({ value: String(index + 1), label }))]}
        />
      ),
    },
    {
      value: 'day_of_previous_month',
      label: t('setup.deadline.dayOfPreviousMonth'),
      children: (
        <Input
          name={name('MonthDay')}
          label={t('setup.deadline.monthDay')}
          hint={t('setup.deadline.monthDayHint')}
          inputMode="numeric"
          value={one(props.values, name('MonthDay'))}
          error={props.errors[name('MonthDay')]}
        />
      ),
    },
  ];
  return (
    <div class="fr-mb-3w">
      <Radios name={name('Type')} legend={props.legend} options={options} value={type} error={props.errors[name('Type')]} />
      <Input
        name={name('Time')}
        label={t('setup.deadline.time')}
        hint={props.allowSame ? t('setup.deadline.timeIfOwn') : t('setup.timeHint')}
        value={one(props.values, name('Time'))}
        error={props.errors[name('Time')]}
      />
    </div>
  );
}

/** The buttons of a form whose deadlines can be previewed: save it, or show the deadlines its rules give. */
export function SaveOrPreview() {
  const { t } = usePage();
  return (
    <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
      <li>
        <Button name="action" value="save" icon="fr-icon-save-line">
          {t('setup.save')}
        </Button>
      </li>
      <li>
        <Button name="action" value="preview" variant="secondary" icon="fr-icon-calendar-line">
          {t('setup.preview.button')}
        </Button>
      </li>
    </ul>
  );
}

/** The deadlines the rules give for the next open days, as families will read them. */
export function DeadlinePreview(props: { days: DeadlinePreviewDay[] | null; timeZone: string }) {
  const { t, fmt } = usePage();
  const day = useLongDay();
  const moment = (instant: Date) => t('setup.preview.moment', { date: fmt.longDate(instant), time: localTime(instant, props.timeZone) });
  return (
    <section class="fr-callout fr-mb-4w" id="apercu" aria-labelledby="apercu-title">
      <h2 class="fr-callout__title fr-h5" id="apercu-title">
        {t('setup.preview.title')}
      </h2>
      {props.days === null ? (
        <p class="fr-callout__text fr-text--sm">{t('setup.preview.incomplete')}</p>
      ) : props.days.length === 0 ? (
        <p class="fr-callout__text fr-text--sm">{t('setup.preview.none')}</p>
      ) : (
        <>
          <p class="fr-text--sm">{t('setup.preview.intro', { timeZone: props.timeZone })}</p>
          <ul class="fr-text--sm">
            {props.days.map((entry) => (
              <li key={entry.day}>
                <strong>{day(entry.day)}</strong>
                {t('setup.preview.colon')}
                {t('setup.preview.booking', { until: moment(entry.booking.instant) })}
                {t('setup.preview.semicolon')}
                {t('setup.preview.cancellation', { until: moment(entry.cancellation.instant) })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function SetupTable(props: { caption: string; headers: string[]; children: ComponentChildren }) {
  return (
    <Table caption={props.caption} noCaption class="fr-mb-3w">
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

/** The way to delete something: its confirmation page, which says what the deletion does first. */
export function DeleteButton(props: { action: string; label: string; what: string }) {
  const page = usePage();
  return (
    <a href={href(page, props.action)} class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-delete-line fr-btn--icon-left">
      {props.label}
      <span class="fr-sr-only"> — {props.what}</span>
    </a>
  );
}

/** A deletion posted at once, without a confirmation page: for what nothing else depends on (news, published documents). */
export function DeleteNowButton(props: { action: string; label: string; what: string }) {
  const page = usePage();
  return (
    <form method="post" action={href(page, props.action)}>
      <CsrfField />
      <Button variant="tertiary" icon="fr-icon-delete-line" class="fr-btn--sm">
        {props.label}
        <span class="fr-sr-only"> — {props.what}</span>
      </Button>
    </form>
  );
}

export type Notice = { kind: 'success' | 'error'; text: string };

const IN_USE: readonly InUse['what'][] = ['bookings', 'enrollments', 'places', 'periodBookings', 'applications'];

/** Why a deletion is refused, with the count in its grammatical number. */
export function inUseText(t: Translate, what: InUse['what'], count: number): string {
  if (what === 'periodBookings' || what === 'applications') return t(`setup.inUse.${what}`, { count });
  return t(countKey(`setup.inUse.${what}`, count), { count });
}

/** The notices that come back in the address after a change (`?fait=…`, see `deleteNotice`). */
export function noticeOf(t: Translate, done = ''): Notice | null {
  const refused = /^refus-([a-zA-Z]+)-(\d{1,7})$/.exec(done);
  const what = IN_USE.find((candidate) => candidate === refused?.[1]);
  if (refused && what) return { kind: 'error', text: inUseText(t, what, Number(refused[2])) };
  if (done === 'jour-non-retabli') return { kind: 'error', text: t('setup.notice.dayResetRefused') };
  const key = DONE.get(done);
  return key ? { kind: 'success', text: t(key) } : null;
}

const DONE = new Map<string, MessageKey>([
  ['enregistre', 'setup.notice.saved'],
  ['supprime', 'setup.notice.deleted'],
  ['inscrit', 'setup.notice.enrolled'],
  ['deja-inscrit', 'setup.notice.alreadyEnrolled'],
  ['jour-retabli', 'setup.notice.dayReset'],
]);

/** The way back, above a page's title. */
export function BackLink(props: { path: string; label: string }) {
  const page = usePage();
  return (
    <nav class="fr-mb-2w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, props.path)}>
        {props.label}
      </a>
    </nav>
  );
}

/** The way back to an activity's page, at the section a form belongs to. */
export function BackToActivity(props: { activity: { id: string; name: string }; anchor?: string }) {
  const { t } = usePage();
  return (
    <BackLink
      path={`${ACTIVITIES_PATH}/${props.activity.id}${props.anchor ? `#${props.anchor}` : ''}`}
      label={t('setup.backTo', { name: props.activity.name })}
    />
  );
}

/** A set-up form: the way back, its title and what it belongs to, the error summary, the fields, the save button. */
export function SetupFormFrame(props: {
  back: ComponentChildren;
  title: string;
  intro?: ComponentChildren;
  errors: Record<string, string | undefined>;
  labels: Record<string, string>;
  action: string;
  children: ComponentChildren;
}) {
  const page = usePage();
  return (
    <>
      {props.back}
      <h1>{props.title}</h1>
      {props.intro}
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={props.errors} labels={props.labels} />
          <form method="post" action={href(page, props.action)} novalidate>
            <CsrfField />
            {props.children}
            <Button icon="fr-icon-save-line">{page.t('setup.save')}</Button>
          </form>
        </div>
      </div>
    </>
  );
}
