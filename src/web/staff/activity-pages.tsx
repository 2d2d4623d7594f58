import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { periodKey, countKey, type Translate } from '../../i18n/catalogue.js';
import type { ActivityField, ActivityListItem } from '../../modules/activities/activity-admin.js';
import { ACTIVITY_KINDS, OPENINGS, VALIDATION_MODES, WAITLIST_MODES } from '../../modules/activities/activity-admin.js';
import type { ActivityDefinition, CapacityPool, Unit } from '../../modules/activities/activity-definitions.js';
import type { DeadlinePreviewDay } from '../../modules/activities/deadline-preview.js';
import type { DeadlineRule } from '../../modules/activities/deadlines.js';
import type { DayPlaces } from '../../modules/bookings/places-admin.js';
import { localTime } from '../../modules/activities/period-admin.js';
import type { Site } from '../../modules/activities/site-admin.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { RadioYesNo } from '../components/dsfr/radio-yes-no.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { href, usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH,
  BackLink,
  Checkboxes,
  DeadlineEditor,
  DeadlinePreview,
  DeleteButton,
  dm,
  many,
  one,
  Radios,
  SaveOrPreview,
  SetupTable,
  useWeekdayNames,
  type FormValues,
  type Notice,
} from './activity-common.js';
import { useCanChange } from './staff-access.js';

/** A stored date shown as typed in the forms (DD/MM/YYYY); what the person typed stays as it was. */
export function asTyped(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatCalendarDate(value) : value;
}

export function ruleText(t: Translate, weekdayNames: string[], rule: DeadlineRule, lang: string): string {
  if (rule.type === 'days_before')
    return t(countKey(rule.workingDays ? 'setup.rule.workingDaysBefore' : 'setup.rule.daysBefore', rule.days), { days: rule.days, time: rule.time });
  if (rule.type === 'weekday_before') {
    const name = weekdayNames[rule.weekday - 1] ?? '';
    return t('setup.rule.weekdayBefore', { weekday: lang === 'fr' ? name.toLowerCase() : name, time: rule.time });
  }
  return t('setup.rule.dayOfPreviousMonth', { day: rule.day, time: rule.time });
}

export function weekdaysText(weekdayNames: string[], weekdays: number[]): string {
  return weekdays.map((day) => weekdayNames[day - 1]).join(', ');
}

/** The list of activities, newest first. */
export function ActivityListPage(props: { activities: ActivityListItem[]; notice: Notice | null }) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  return (
    <>
      <h1>{t('setup.activities.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <p>{t('setup.activities.intro')}</p>
      {!canEdit && (
        <Alert kind="info" small>
          {t('setup.readOnly')}
        </Alert>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        {canEdit && (
          <li>
            <ButtonLink href={href(page, `${ACTIVITIES_PATH}/nouvelle`)} icon="fr-icon-add-line">
              {t('setup.activities.add')}
            </ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, `${ACTIVITIES_PATH}/sites`)} variant="secondary" icon="fr-icon-building-line">
            {t('setup.sites.title')}
          </ButtonLink>
        </li>
      </ul>
      {props.activities.length === 0 ? (
        <p>{t('setup.activities.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.activities.title')}
          headers={[
            t('setup.field.name'),
            t('setup.field.kind'),
            t('setup.field.site'),
            t('setup.field.dates'),
            t('setup.field.validationMode'),
            t('setup.field.waitlistMode'),
          ]}
        >
          {props.activities.map((activity) => (
            <tr key={activity.id}>
              <td>
                <a href={href(page, `${ACTIVITIES_PATH}/${activity.id}`)}>{activity.name}</a>
              </td>
              <td>{t(`setup.kind.${activity.kind}`)}</td>
              <td>{activity.siteName ?? t('setup.noSite')}</td>
              <td>
                {t(periodKey('setup.dates', activity.startsOn, activity.endsOn), {
                  from: formatCalendarDate(activity.startsOn),
                  to: formatCalendarDate(activity.endsOn),
                })}
              </td>
              <td>{t(`setup.validation.${activity.validationMode}`)}</td>
              <td>{t(`setup.waitlist.${activity.waitlistMode}`, { hours: activity.offerHours })}</td>
            </tr>
          ))}
        </SetupTable>
      )}
    </>
  );
}

const ACTIVITY_FIELDS: ActivityField[] = [
  'name',
  'kind',
  'siteId',
  'description',
  'startsOn',
  'endsOn',
  'weekdays',
  'opening',
  'validationMode',
  'waitlistMode',
  'offerHours',
  'requiresEnrollment',
  'showPlacesLeft',
  'documentsRequired',
  'bookingType',
  'bookingDays',
  'bookingWeekday',
  'bookingMonthDay',
  'bookingTime',
  'cancelType',
  'cancelDays',
  'cancelWeekday',
  'cancelMonthDay',
  'cancelTime',
];

export function deadlineLabels(t: Translate, prefix: 'booking' | 'cancel'): Record<string, string> {
  const rule = t(prefix === 'booking' ? 'setup.field.bookingDeadline' : 'setup.field.cancellationDeadline');
  return {
    [`${prefix}Type`]: rule,
    [`${prefix}Days`]: `${rule} — ${t('setup.deadline.days')}`,
    [`${prefix}Weekday`]: `${rule} — ${t('setup.deadline.weekday')}`,
    [`${prefix}MonthDay`]: `${rule} — ${t('setup.deadline.monthDay')}`,
    [`${prefix}Time`]: `${rule} — ${t('setup.deadline.time')}`,
  };
}

/** What an activity's form shows: its values, the sites to choose from, the deadlines its rules give. */
export interface ActivityForm {
  values: FormValues;
  sites: Site[];
  preview: DeadlinePreviewDay[] | null;
  timeZone: string;
}

/** Creating or changing an activity, with the deadline editor and its preview. */
export function ActivityFormPage(props: ActivityForm & { id: string | null; errors: Partial<Record<ActivityField, string>> }) {
  const page = usePage();
  const { t } = page;
  const weekdays = useWeekdayNames();
  const { values, errors } = props;
  const labels: Record<string, string> = {
    name: t('setup.field.name'),
    kind: t('setup.field.kind'),
    siteId: t('setup.field.site'),
    description: t('setup.field.description'),
    startsOn: t('setup.field.startsOn'),
    endsOn: t('setup.field.endsOn'),
    weekdays: t('setup.field.weekdays'),
    opening: t('setup.field.opening'),
    validationMode: t('setup.field.validationMode'),
    waitlistMode: t('setup.field.waitlistMode'),
    offerHours: t('setup.field.offerHours'),
    requiresEnrollment: t('setup.field.requiresEnrollment'),
    showPlacesLeft: t('setup.field.showPlacesLeft'),
    documentsRequired: t('setup.field.documentsRequired'),
    ...deadlineLabels(t, 'booking'),
    ...deadlineLabels(t, 'cancel'),
  };
  const ordered = Object.fromEntries(ACTIVITY_FIELDS.map((field) => [field, errors[field]]));
  const action = props.id ? `${ACTIVITIES_PATH}/${props.id}/modifier` : `${ACTIVITIES_PATH}/nouvelle`;
  const title = props.id ? t('setup.activities.editTitle') : t('setup.activities.addTitle');
  const requires = one(values, 'requiresEnrollment');
  const showPlaces = one(values, 'showPlacesLeft');
  return (
    <>
      <BackLink path={props.id ? `${ACTIVITIES_PATH}/${props.id}` : ACTIVITIES_PATH} label={t('setup.back')} />
      <h1>{title}</h1>
      <ErrorSummary errors={ordered} labels={labels} />
      <form method="post" action={href(page, action)} novalidate>
        <CsrfField />
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-lg-8">
            <h2 class="fr-h4">{t('setup.activities.sectionWhat')}</h2>
            <Input name="name" label={labels.name!} value={one(values, 'name')} error={errors.name} required maxLength={200} />
            <Select
              name="kind"
              label={labels.kind!}
              value={one(values, 'kind')}
              error={errors.kind}
              required
              options={[{ value: '', label: t('setup.choose') }, ...ACTIVITY_KINDS.map((kind) => ({ value: kind, label: t(`setup.kind.${kind}`) }))]}
            />
            <Select
              name="siteId"
              label={labels.siteId!}
              value={one(values, 'siteId')}
              error={errors.siteId}
              options={[{ value: '', label: t('setup.noSite') }, ...props.sites.map((site) => ({ value: site.id, label: site.name }))]}
            />
            <Textarea
              name="description"
              label={labels.description!}
              hint={t('setup.field.descriptionHint')}
              value={one(values, 'description')}
              error={errors.description}
              rows={3}
            />

            <h2 class="fr-h4">{t('setup.activities.sectionWhen')}</h2>
            <DateInput
              name="startsOn"
              label={labels.startsOn!}
              hint={t('setup.dateHint')}
              value={asTyped(one(values, 'startsOn'))}
              error={errors.startsOn}
              required
            />
            <DateInput name="endsOn" label={labels.endsOn!} hint={t('setup.dateHint')} value={asTyped(one(values, 'endsOn'))} error={errors.endsOn} required />
            <Checkboxes
              name="weekdays"
              legend={labels.weekdays!}
              inline
              values={many(values, 'weekdays')}
              error={errors.weekdays}
              options={weekdays.map((label, index) => ({ value: String(index + 1), label }))}
            />
            <Radios
              name="opening"
              legend={labels.opening!}
              value={one(values, 'opening')}
              error={errors.opening}
              options={OPENINGS.map((opening) => ({ value: opening, label: t(`setup.opening.${opening}`), hint: t(`setup.opening.${opening}.hint`) }))}
            />

            <h2 class="fr-h4">{t('setup.activities.sectionRules')}</h2>
            <Radios
              name="validationMode"
              legend={labels.validationMode!}
              value={one(values, 'validationMode')}
              error={errors.validationMode}
              options={VALIDATION_MODES.map((mode) => ({ value: mode, label: t(`setup.validation.${mode}`) }))}
            />
            <Radios
              name="waitlistMode"
              legend={labels.waitlistMode!}
              value={one(values, 'waitlistMode')}
              error={errors.waitlistMode}
              options={WAITLIST_MODES.map((mode) => ({
                value: mode,
                label: t(`setup.waitlistChoice.${mode}`),
                children:
                  mode === 'offer' ? (
                    <Input name="offerHours" label={labels.offerHours!} inputMode="numeric" value={one(values, 'offerHours')} error={errors.offerHours} />
                  ) : undefined,
              }))}
            />
            <RadioYesNo
              name="requiresEnrollment"
              label={labels.requiresEnrollment!}
              hint={t('setup.field.requiresEnrollmentHint')}
              value={requires === '' ? null : requires === 'true'}
              error={errors.requiresEnrollment}
            />
            <RadioYesNo
              name="showPlacesLeft"
              label={labels.showPlacesLeft!}
              hint={t('setup.field.showPlacesLeftHint')}
              value={showPlaces === '' ? null : showPlaces === 'true'}
              error={errors.showPlacesLeft}
            />
            <Textarea
              name="documentsRequired"
              label={labels.documentsRequired!}
              hint={t('setup.field.documentsRequiredHint')}
              value={one(values, 'documentsRequired')}
              error={errors.documentsRequired}
              rows={3}
            />

            <h2 class="fr-h4" id="delais">
              {t('setup.activities.sectionDeadlines')}
            </h2>
            <p class="fr-text--sm">{t('setup.deadline.intro')}</p>
            <DeadlineEditor prefix="booking" legend={labels.bookingType!} values={values} errors={errors} />
            <DeadlineEditor prefix="cancel" legend={labels.cancelType!} values={values} errors={errors} />
            <DeadlinePreview days={props.preview} timeZone={props.timeZone} />

            <SaveOrPreview />
          </div>
        </div>
      </form>
    </>
  );
}

export interface ActivityOverview {
  setup: ActivityDefinition & { siteName: string | null };
  overrides: DayPlaces[];
  enrolledCount: number;
  timeZone: string;
}

/** An activity and everything set up under it: groups, units and their rules, places, periods. */
export function ActivityOverviewPage(props: ActivityOverview & { notice: Notice | null }) {
  const page = usePage();
  const { t, lang } = page;
  const canEdit = useCanChange();
  const weekdays = useWeekdayNames();
  const { activity, groups, units, pools, periods } = props.setup;
  const base = `${ACTIVITIES_PATH}/${activity.id}`;
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  // In the units' order, whatever the order of the ids.
  const namesOf = (ids: string[]) =>
    units
      .filter((unit) => ids.includes(unit.id))
      .map((unit) => unit.name)
      .join(', ') || '—';
  const poolLabel = (pool: CapacityPool) =>
    `${namesOf(pool.unit_ids)} — ${pool.group_id ? (groupNames.get(pool.group_id) ?? '—') : t('setup.places.allGroups')}`;
  const poolsById = new Map(pools.map((pool) => [pool.id, pool]));
  const unitRule = (unit: Unit, kind: 'booking' | 'cancel') => {
    const rule = kind === 'booking' ? unit.booking_deadline : unit.cancellation_deadline;
    return rule ? ruleText(t, weekdays, rule, lang) : t('setup.sameAsActivity');
  };
  return (
    <>
      <BackLink path={ACTIVITIES_PATH} label={t('setup.activities.backToList')} />
      <h1>{activity.name}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      {!canEdit && (
        <Alert kind="info" small>
          {t('setup.readOnly')}
        </Alert>
      )}
      <dl class="pf-definition-list">
        <dt>{t('setup.field.kind')}</dt>
        <dd>{t(`setup.kind.${activity.kind}`)}</dd>
        <dt>{t('setup.field.site')}</dt>
        <dd>{props.setup.siteName ?? t('setup.noSite')}</dd>
        <dt>{t('setup.field.dates')}</dt>
        <dd>
          {t(periodKey('setup.dates', activity.starts_on, activity.ends_on), {
            from: formatCalendarDate(activity.starts_on),
            to: formatCalendarDate(activity.ends_on),
          })}
        </dd>
        <dt>{t('setup.field.weekdays')}</dt>
        <dd>{weekdaysText(weekdays, activity.weekdays)}</dd>
        <dt>{t('setup.field.opening')}</dt>
        <dd>{t(`setup.opening.${activity.opening}`)}</dd>
        <dt>{t('setup.field.validationMode')}</dt>
        <dd>{t(`setup.validation.${activity.validation_mode}`)}</dd>
        <dt>{t('setup.field.waitlistMode')}</dt>
        <dd>{t(`setup.waitlist.${activity.waitlist_mode}`, { hours: activity.offer_hours })}</dd>
        <dt>{t('setup.field.requiresEnrollment')}</dt>
        <dd>{t(activity.requires_enrollment ? 'value.yes' : 'value.no')}</dd>
        <dt>{t('setup.field.showPlacesLeft')}</dt>
        <dd>{t(activity.show_places_left ? 'value.yes' : 'value.no')}</dd>
        <dt>{t('setup.field.documentsRequired')}</dt>
        <dd class="pf-pre">{activity.documents_required ?? '—'}</dd>
        <dt>{t('setup.field.bookingDeadline')}</dt>
        <dd>{ruleText(t, weekdays, activity.booking_deadline, lang)}</dd>
        <dt>{t('setup.field.cancellationDeadline')}</dt>
        <dd>{ruleText(t, weekdays, activity.cancellation_deadline, lang)}</dd>
      </dl>
      {activity.description && <p class="pf-pre">{activity.description}</p>}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-4w">
        {canEdit && (
          <li>
            <ButtonLink href={href(page, `${base}/modifier`)} icon="fr-icon-edit-line">
              {t('setup.activities.edit')}
            </ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, `${base}/inscriptions`)} variant="secondary" icon="fr-icon-team-line">
            {t('setup.enrollments.link', { count: props.enrolledCount })}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, `${base}/documents`)} variant="secondary" icon="fr-icon-file-text-line">
            {t('staffDocuments.requirements.link')}
          </ButtonLink>
        </li>
      </ul>

      <h2 id="groupes">{t('setup.groups.title')}</h2>
      <p class="fr-text--sm">{t('setup.groups.intro')}</p>
      {groups.length === 0 ? (
        <p>{t('setup.groups.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.groups.title')}
          headers={[t('setup.field.position'), t('setup.field.name'), t('setup.field.ages'), ...(canEdit ? [t('setup.actions')] : [])]}
        >
          {groups.map((group) => (
            <tr key={group.id}>
              <td>{group.position}</td>
              <td>{group.name}</td>
              <td>{agesText(t, group.min_age, group.max_age)}</td>
              {canEdit && (
                <td class="pf-actions-cell">
                  <a class="fr-link fr-mr-2w" href={href(page, `${base}/groupes/${group.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {group.name}</span>
                  </a>
                  <DeleteButton action={`${base}/groupes/${group.id}/suppression`} label={t('setup.delete')} what={group.name} />
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
      {canEdit && (
        <p>
          <ButtonLink href={href(page, `${base}/groupes/nouveau`)} variant="secondary" icon="fr-icon-add-line">
            {t('setup.groups.add')}
          </ButtonLink>
        </p>
      )}

      <h2 id="prestations">{t('setup.units.title')}</h2>
      <p class="fr-text--sm">{t('setup.units.intro')}</p>
      {units.length === 0 ? (
        <p>{t('setup.units.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.units.title')}
          headers={[
            t('setup.field.position'),
            t('setup.field.code'),
            t('setup.field.name'),
            t('setup.field.weekdays'),
            t('setup.field.deadlines'),
            t('setup.field.excludes'),
            t('setup.field.requiresAny'),
            ...(canEdit ? [t('setup.actions')] : []),
          ]}
        >
          {units.map((unit) => (
            <tr key={unit.id}>
              <td>{unit.position}</td>
              <td>{unit.code}</td>
              <td>{unit.name}</td>
              <td>{unit.weekdays ? weekdaysText(weekdays, unit.weekdays) : t('setup.sameAsActivity')}</td>
              <td>
                {unit.booking_deadline === null && unit.cancellation_deadline === null
                  ? t('setup.sameAsActivity')
                  : t('setup.units.deadlines', { booking: unitRule(unit, 'booking'), cancel: unitRule(unit, 'cancel') })}
              </td>
              <td>{namesOf(unit.excludes)}</td>
              <td>{namesOf(unit.requires_any)}</td>
              {canEdit && (
                <td class="pf-actions-cell">
                  <a class="fr-link fr-mr-2w" href={href(page, `${base}/prestations/${unit.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {unit.name}</span>
                  </a>
                  <DeleteButton action={`${base}/prestations/${unit.id}/suppression`} label={t('setup.delete')} what={unit.name} />
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
      {canEdit && (
        <p>
          <ButtonLink href={href(page, `${base}/prestations/nouvelle`)} variant="secondary" icon="fr-icon-add-line">
            {t('setup.units.add')}
          </ButtonLink>
        </p>
      )}

      <h2 id="places">{t('setup.places.title')}</h2>
      <p class="fr-text--sm">{t('setup.places.intro')}</p>
      {pools.length === 0 ? (
        <p>{t('setup.places.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.places.title')}
          headers={[t('setup.field.units'), t('setup.field.group'), t('setup.field.places'), ...(canEdit ? [t('setup.actions')] : [])]}
        >
          {pools.map((pool) => (
            <tr key={pool.id}>
              <td>{namesOf(pool.unit_ids)}</td>
              <td>{pool.group_id ? (groupNames.get(pool.group_id) ?? '—') : t('setup.places.allGroups')}</td>
              <td>{pool.places}</td>
              {canEdit && (
                <td class="pf-actions-cell">
                  <a class="fr-link fr-mr-2w" href={href(page, `${base}/places/${pool.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {poolLabel(pool)}</span>
                  </a>
                  <a class="fr-link fr-mr-2w" href={href(page, `${base}/places/${pool.id}/dates`)}>
                    {t('setup.places.byDate')}
                    <span class="fr-sr-only"> — {poolLabel(pool)}</span>
                  </a>
                  <DeleteButton action={`${base}/places/${pool.id}/suppression`} label={t('setup.delete')} what={poolLabel(pool)} />
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
      {canEdit && units.length > 0 && (
        <p>
          <ButtonLink href={href(page, `${base}/places/nouvelle`)} variant="secondary" icon="fr-icon-add-line">
            {t('setup.places.add')}
          </ButtonLink>
        </p>
      )}
      {props.overrides.length > 0 && (
        <>
          <h3 class="fr-h5">{t('setup.places.overridesTitle')}</h3>
          <SetupTable
            caption={t('setup.places.overridesTitle')}
            headers={[t('setup.field.date'), t('setup.field.units'), t('setup.field.places'), t('setup.field.taken'), ...(canEdit ? [t('setup.actions')] : [])]}
          >
            {props.overrides.map((override) => {
              const pool = poolsById.get(override.poolId);
              return (
                <tr key={`${override.poolId}${override.day}`}>
                  <td>{formatCalendarDate(override.day)}</td>
                  <td>{pool ? poolLabel(pool) : '—'}</td>
                  <td>{override.places}</td>
                  <td>{override.taken}</td>
                  {canEdit && (
                    <td class="pf-actions-cell">
                      <form method="post" action={href(page, `${base}/places/${override.poolId}/dates/${override.day}/retablir`)} class="pf-inline-form">
                        <CsrfField />
                        <Button variant="tertiary" icon="fr-icon-arrow-go-back-line" class="fr-btn--sm">
                          {t(countKey('setup.places.reset', pool?.places ?? 0), { places: pool?.places ?? 0 })}
                          <span class="fr-sr-only"> — {formatCalendarDate(override.day)}</span>
                        </Button>
                      </form>
                    </td>
                  )}
                </tr>
              );
            })}
          </SetupTable>
        </>
      )}

      <h2 id="periodes">{t('setup.periods.title')}</h2>
      <p class="fr-text--sm">{t('setup.periods.intro')}</p>
      {periods.length === 0 ? (
        <p>{t('setup.periods.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.periods.title')}
          headers={[
            t('setup.field.name'),
            t('setup.periods.asFamiliesSee'),
            t('setup.field.allocation'),
            t('setup.field.groups'),
            ...(canEdit ? [t('setup.actions')] : []),
          ]}
        >
          {periods.map((period) => (
            <tr key={period.id}>
              <td class="fr-cell--multiline pf-text-cell">{period.name}</td>
              <td class="fr-cell--multiline pf-text-cell">{periodText(t, period, props.timeZone)}</td>
              <td class="fr-cell--multiline pf-text-cell">
                {t(`setup.allocation.${period.allocation}`)}
                {period.allocation === 'lottery' && (
                  <>
                    {' '}
                    —{' '}
                    <a class="fr-link" href={href(page, `${base}/periodes/${period.id}/tirage`)}>
                      {t('lottery.staff.link')}
                      <span class="fr-sr-only"> — {period.name}</span>
                    </a>
                  </>
                )}
              </td>
              <td>
                {period.group_ids.length === 0
                  ? t('setup.periods.allGroups')
                  : period.group_ids
                      .map((id) => groupNames.get(id))
                      .filter(Boolean)
                      .join(', ') || '—'}
              </td>
              {canEdit && (
                <td class="pf-actions-cell">
                  <a class="fr-link fr-mr-2w" href={href(page, `${base}/periodes/${period.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {period.name}</span>
                  </a>
                  <DeleteButton action={`${base}/periodes/${period.id}/suppression`} label={t('setup.delete')} what={period.name} />
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
      {canEdit && (
        <p>
          <ButtonLink href={href(page, `${base}/periodes/nouvelle`)} variant="secondary" icon="fr-icon-add-line">
            {t('setup.periods.add')}
          </ButtonLink>
        </p>
      )}

      <h2 id="navettes">{t('shuttle.stops.title')}</h2>
      <p class="fr-text--sm">{t('shuttle.stops.intro')}</p>
      <p>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={href(page, `${base}/navettes`)}>
          {t('shuttle.open')}
        </a>
      </p>
    </>
  );
}

export function agesText(t: Translate, min: number | null, max: number | null): string {
  if (min !== null && max !== null) return t('setup.ages.between', { min, max });
  if (min !== null) return t('setup.ages.from', { min });
  if (max !== null) return t('setup.ages.upTo', { max });
  return '—';
}

/** A period as families see it: "du 04/11 au 16/12, réservations du 21/10 à 08:00 au 28/10 à 23:59". */
export function periodText(t: Translate, period: { first_day: string; last_day: string; opens_at: Date; closes_at: Date }, timeZone: string): string {
  return t(periodKey('setup.periods.text', period.first_day, period.last_day), {
    from: dm(period.first_day),
    to: dm(period.last_day),
    opensOn: dm(localDate(period.opens_at, timeZone)),
    opensAt: localTime(period.opens_at, timeZone),
    closesOn: dm(localDate(period.closes_at, timeZone)),
    closesAt: localTime(period.closes_at, timeZone),
  });
}
