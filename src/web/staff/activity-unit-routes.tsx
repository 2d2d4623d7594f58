import type { Activity, ActivityDefinition } from '../../modules/activities/activity-definitions.js';
import type { DeadlinePreviewDay } from '../../modules/activities/deadline-preview.js';
import { deleteGroup, saveGroup, type GroupField } from '../../modules/activities/group-admin.js';
import { tenantToday } from '../../modules/activities/setup-forms.js';
import { deleteUnit, previewUnitDeadlines, saveUnit, UNIT_PREVIEW_FIELDS, unitFormValues, type UnitField } from '../../modules/activities/unit-admin.js';
import type { Services } from '../../services.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { href, usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH,
  activityPart,
  BackToActivity,
  Checkboxes,
  DeadlineEditor,
  DeadlinePreview,
  many,
  one,
  previewCalendar,
  Radios,
  SaveOrPreview,
  SetupFormFrame,
  setupMessages,
  setupNotice,
  useWeekdayNames,
  type FormValues,
} from './activity-common.js';
import { deadlineLabels, ruleText, weekdaysText } from './activity-pages.js';
import { OF_ACTIVITY, type SetupEditor } from './setup-editor.js';

/** The groups of an activity (by age): add, change, delete. */
export const groupEditor: SetupEditor<string, GroupField, { setup: ActivityDefinition; values: FormValues }> = {
  path: `${ACTIVITIES_PATH}/:id/groupes`,
  parent: OF_ACTIVITY,
  added: 'nouveau',
  titles: { add: 'setup.groups.addTitle', edit: 'setup.groups.editTitle' },
  async load(scope, at, typed) {
    const found = await activityPart(scope, at, (setup) => setup.groups);
    if (!found) return null;
    const { setup, item: group } = found;
    const stored: FormValues = group
      ? { name: group.name, minAge: group.min_age?.toString() ?? '', maxAge: group.max_age?.toString() ?? '', position: String(group.position) }
      : { position: String(setup.groups.length) };
    return { setup, values: typed ?? stored };
  },
  form: (view, { itemId }, errors) => <GroupFormPage activity={view.setup.activity} groupId={itemId} values={view.values} errors={errors} />,
  save: (scope, { parent, itemId }, form) => saveGroup(scope, parent, itemId, form),
  remove: deleteGroup,
  removal: { name: (view, id) => view.setup.groups.find((group) => group.id === id)?.name ?? '', consequence: 'setup.groups.deleteConsequence' },
  messages: setupMessages,
  back: ({ parent }, done) => `${ACTIVITIES_PATH}/${parent}?fait=${setupNotice(done)}#groupes`,
};

/** The units of an activity: add, change, delete; a unit's own weekdays, deadlines (with their preview) and relations. */
export function unitEditor(services: Services): SetupEditor<string, UnitField, UnitForm> {
  return {
    path: `${ACTIVITIES_PATH}/:id/prestations`,
    parent: OF_ACTIVITY,
    added: 'nouvelle',
    titles: { add: 'setup.units.addTitle', edit: 'setup.units.editTitle' },
    async load(scope, at, typed, request) {
      const found = await activityPart(scope, at, (setup) => setup.units);
      if (!found) return null;
      const { setup, item: unit } = found;
      const values =
        typed ?? (unit ? unitFormValues(unit) : { position: String(setup.units.length), weekdaysMode: 'same', bookingType: 'same', cancelType: 'same' });
      const preview = await previewUnitDeadlines(scope, await previewCalendar(services, scope, request), at.parent, at.itemId, values);
      return { setup, values, preview: preview?.days ?? null, timeZone: (await tenantToday(scope)).timeZone };
    },
    form: (view, { itemId }, errors) => <UnitFormPage {...view} unitId={itemId} errors={errors} />,
    save: (scope, { parent, itemId }, form) => saveUnit(scope, parent, itemId, form),
    preview: {
      fields: UNIT_PREVIEW_FIELDS,
      errors: async (scope, { parent, itemId }, form, request) =>
        (await previewUnitDeadlines(scope, await previewCalendar(services, scope, request), parent, itemId, form))?.errors ?? null,
    },
    remove: deleteUnit,
    removal: { name: (view, id) => view.setup.units.find((unit) => unit.id === id)?.name ?? '', consequence: 'setup.units.deleteConsequence' },
    messages: setupMessages,
    back: ({ parent }, done) => `${ACTIVITIES_PATH}/${parent}?fait=${setupNotice(done)}#prestations`,
  };
}

interface UnitForm {
  setup: ActivityDefinition;
  values: FormValues;
  preview: DeadlinePreviewDay[] | null;
  timeZone: string;
}

function GroupFormPage(props: { activity: Activity; groupId: string | null; values: FormValues; errors: Partial<Record<GroupField, string>> }) {
  const { t } = usePage();
  const labels: Record<GroupField, string> = {
    name: t('setup.field.name'),
    minAge: t('setup.field.minAge'),
    maxAge: t('setup.field.maxAge'),
    position: t('setup.field.position'),
  };
  const base = `${ACTIVITIES_PATH}/${props.activity.id}/groupes`;
  return (
    <SetupFormFrame
      back={<BackToActivity activity={props.activity} />}
      title={t(props.groupId ? 'setup.groups.editTitle' : 'setup.groups.addTitle')}
      intro={<p>{props.activity.name}</p>}
      errors={props.errors}
      labels={labels}
      action={props.groupId ? `${base}/${props.groupId}` : `${base}/nouveau`}
    >
      <Input
        name="name"
        label={labels.name}
        hint={t('setup.groups.nameHint')}
        value={one(props.values, 'name')}
        error={props.errors.name}
        required
        maxLength={100}
      />
      <Input
        name="minAge"
        label={labels.minAge}
        hint={t('setup.field.ageHint')}
        inputMode="numeric"
        value={one(props.values, 'minAge')}
        error={props.errors.minAge}
      />
      <Input
        name="maxAge"
        label={labels.maxAge}
        hint={t('setup.field.ageHint')}
        inputMode="numeric"
        value={one(props.values, 'maxAge')}
        error={props.errors.maxAge}
      />
      <Input
        name="position"
        label={labels.position}
        hint={t('setup.field.positionHint')}
        inputMode="numeric"
        value={one(props.values, 'position')}
        error={props.errors.position}
      />
    </SetupFormFrame>
  );
}

const UNIT_FIELDS: UnitField[] = [
  'name',
  'code',
  'position',
  'weekdaysMode',
  'weekdays',
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
  'excludes',
  'requiresAny',
];

function UnitFormPage(props: UnitForm & { unitId: string | null; errors: Partial<Record<UnitField, string>> }) {
  const page = usePage();
  const { t, lang } = page;
  const weekdays = useWeekdayNames();
  const { values, errors } = props;
  const { activity } = props.setup;
  const others = props.setup.units.filter((unit) => unit.id !== props.unitId);
  const labels: Record<string, string> = {
    name: t('setup.field.name'),
    code: t('setup.field.code'),
    position: t('setup.field.position'),
    weekdaysMode: t('setup.field.weekdays'),
    weekdays: t('setup.field.ownWeekdays'),
    excludes: t('setup.field.excludes'),
    requiresAny: t('setup.field.requiresAny'),
    ...deadlineLabels(t, 'booking'),
    ...deadlineLabels(t, 'cancel'),
  };
  const ordered = Object.fromEntries(UNIT_FIELDS.map((field) => [field, errors[field]]));
  const base = `${ACTIVITIES_PATH}/${activity.id}/prestations`;
  const unitOptions = others.map((unit) => ({ value: unit.id, label: `${unit.name} (${unit.code})` }));
  return (
    <>
      <BackToActivity activity={activity} />
      <h1>{t(props.unitId ? 'setup.units.editTitle' : 'setup.units.addTitle')}</h1>
      <p>{activity.name}</p>
      <ErrorSummary errors={ordered} labels={labels} />
      <form method="post" action={href(page, props.unitId ? `${base}/${props.unitId}` : `${base}/nouvelle`)} novalidate>
        <CsrfField />
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-lg-8">
            <Input name="name" label={labels.name!} hint={t('setup.units.nameHint')} value={one(values, 'name')} error={errors.name} required maxLength={100} />
            <Input name="code" label={labels.code!} hint={t('setup.units.codeHint')} value={one(values, 'code')} error={errors.code} required maxLength={10} />
            <Input
              name="position"
              label={labels.position!}
              hint={t('setup.field.positionHint')}
              inputMode="numeric"
              value={one(values, 'position')}
              error={errors.position}
            />
            <Radios
              name="weekdaysMode"
              legend={labels.weekdaysMode!}
              value={one(values, 'weekdaysMode') || 'same'}
              error={errors.weekdaysMode}
              options={[
                { value: 'same', label: t('setup.units.sameWeekdays', { weekdays: weekdaysText(weekdays, activity.weekdays) }) },
                {
                  value: 'own',
                  label: t('setup.units.ownWeekdays'),
                  children: (
                    <Checkboxes
                      name="weekdays"
                      legend={labels.weekdays!}
                      inline
                      values={many(values, 'weekdays')}
                      error={errors.weekdays}
                      options={weekdays.map((label, index) => ({ value: String(index + 1), label }))}
                    />
                  ),
                },
              ]}
            />
            <h2 class="fr-h4">{t('setup.activities.sectionDeadlines')}</h2>
            <p class="fr-text--sm">
              {t('setup.units.deadlinesIntro', {
                booking: ruleText(t, weekdays, activity.booking_deadline, lang),
                cancel: ruleText(t, weekdays, activity.cancellation_deadline, lang),
              })}
            </p>
            <DeadlineEditor prefix="booking" legend={labels.bookingType!} values={values} errors={errors} allowSame />
            <DeadlineEditor prefix="cancel" legend={labels.cancelType!} values={values} errors={errors} allowSame />
            <DeadlinePreview days={props.preview} timeZone={props.timeZone} />

            <h2 class="fr-h4">{t('setup.units.relationsTitle')}</h2>
            {unitOptions.length === 0 ? (
              <p class="fr-text--sm">{t('setup.units.noOthers')}</p>
            ) : (
              <>
                <Checkboxes
                  name="excludes"
                  legend={labels.excludes!}
                  hint={t('setup.units.excludesHint')}
                  values={many(values, 'excludes')}
                  error={errors.excludes}
                  options={unitOptions}
                />
                <Checkboxes
                  name="requiresAny"
                  legend={labels.requiresAny!}
                  hint={t('setup.units.requiresAnyHint')}
                  values={many(values, 'requiresAny')}
                  error={errors.requiresAny}
                  options={unitOptions}
                />
              </>
            )}
            {unitOptions.length === 0 && (errors.excludes || errors.requiresAny) && (
              <>
                <Checkboxes name="excludes" legend={labels.excludes!} values={[]} error={errors.excludes} options={[]} />
                <Checkboxes name="requiresAny" legend={labels.requiresAny!} values={[]} error={errors.requiresAny} options={[]} />
              </>
            )}

            <SaveOrPreview />
          </div>
        </div>
      </form>
    </>
  );
}
