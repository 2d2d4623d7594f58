import { ALLOCATIONS, deletePeriod, periodFormValues, savePeriod, type PeriodField } from '../../modules/activities/period-admin.js';
import type { ActivityDefinition } from '../../modules/activities/activity-definitions.js';
import { tenantToday } from '../../modules/activities/setup-forms.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH,
  activityPart,
  BackToActivity,
  Checkboxes,
  many,
  one,
  Radios,
  SetupFormFrame,
  setupMessages,
  setupNotice,
  type FormValues,
} from './activity-common.js';
import { asTyped } from './activity-pages.js';
import { OF_ACTIVITY, type SetupEditor } from './setup-editor.js';

interface PeriodForm {
  setup: ActivityDefinition;
  values: FormValues;
  timeZone: string;
}

/** Booking periods of an activity: add, change, delete; moments typed in the authority's time zone. */
export const periodEditor: SetupEditor<string, PeriodField, PeriodForm> = {
  path: `${ACTIVITIES_PATH}/:id/periodes`,
  parent: OF_ACTIVITY,
  added: 'nouvelle',
  titles: { add: 'setup.periods.addTitle', edit: 'setup.periods.editTitle' },
  async load(scope, at, typed) {
    const found = await activityPart(scope, at, (setup) => setup.periods);
    if (!found) return null;
    const { timeZone } = await tenantToday(scope);
    const stored = found.item ? periodFormValues(found.item, timeZone) : { allocation: 'first_come', opensAt: '08:00', closesAt: '23:59' };
    return { setup: found.setup, values: typed ?? stored, timeZone };
  },
  form: (view, { itemId }, errors) => <PeriodFormPage {...view} periodId={itemId} errors={errors} />,
  save: (scope, { parent, itemId }, form) => savePeriod(scope, parent, itemId, form),
  remove: deletePeriod,
  removal: { name: (view, id) => view.setup.periods.find((period) => period.id === id)?.name ?? '', consequence: 'setup.periods.deleteConsequence' },
  messages: setupMessages,
  back: ({ parent }, done) => `${ACTIVITIES_PATH}/${parent}?fait=${setupNotice(done)}#periodes`,
};

const PERIOD_FIELDS: PeriodField[] = ['name', 'firstDay', 'lastDay', 'opensOn', 'opensAt', 'closesOn', 'closesAt', 'allocation', 'groupIds'];

function PeriodFormPage(props: PeriodForm & { periodId: string | null; errors: Partial<Record<PeriodField, string>> }) {
  const { t } = usePage();
  const { setup, values, errors } = props;
  const labels: Record<PeriodField, string> = {
    name: t('setup.field.name'),
    firstDay: t('setup.field.firstDay'),
    lastDay: t('setup.field.lastDay'),
    opensOn: t('setup.field.opensOn'),
    opensAt: t('setup.field.opensAt'),
    closesOn: t('setup.field.closesOn'),
    closesAt: t('setup.field.closesAt'),
    allocation: t('setup.field.allocation'),
    groupIds: t('setup.field.groups'),
  };
  const ordered = Object.fromEntries(PERIOD_FIELDS.map((field) => [field, errors[field]]));
  const base = `${ACTIVITIES_PATH}/${setup.activity.id}/periodes`;
  return (
    <SetupFormFrame
      back={<BackToActivity activity={setup.activity} anchor="periodes" />}
      title={t(props.periodId ? 'setup.periods.editTitle' : 'setup.periods.addTitle')}
      intro={<p>{setup.activity.name}</p>}
      errors={ordered}
      labels={labels}
      action={props.periodId ? `${base}/${props.periodId}` : `${base}/nouvelle`}
    >
      <Input name="name" label={labels.name} hint={t('setup.periods.nameHint')} value={one(values, 'name')} error={errors.name} required maxLength={200} />
      <fieldset class="fr-fieldset" aria-labelledby="period-days-legend">
        <legend class="fr-fieldset__legend" id="period-days-legend">
          {t('setup.periods.daysLegend')}
        </legend>
        <div class="fr-fieldset__element">
          <DateInput
            name="firstDay"
            label={labels.firstDay}
            hint={t('setup.dateHint')}
            value={asTyped(one(values, 'firstDay'))}
            error={errors.firstDay}
            required
          />
        </div>
        <div class="fr-fieldset__element">
          <DateInput name="lastDay" label={labels.lastDay} hint={t('setup.dateHint')} value={asTyped(one(values, 'lastDay'))} error={errors.lastDay} required />
        </div>
      </fieldset>
      <fieldset class="fr-fieldset" aria-labelledby="period-window-legend">
        <legend class="fr-fieldset__legend" id="period-window-legend">
          {t('setup.periods.windowLegend')}
          <span class="fr-hint-text">{t('setup.periods.windowHint', { timeZone: props.timeZone })}</span>
        </legend>
        <div class="fr-fieldset__element fr-fieldset__element--inline">
          <DateInput name="opensOn" label={labels.opensOn} hint={t('setup.dateHint')} value={asTyped(one(values, 'opensOn'))} error={errors.opensOn} required />
        </div>
        <div class="fr-fieldset__element fr-fieldset__element--inline">
          <Input name="opensAt" label={labels.opensAt} hint={t('setup.timeHint')} value={one(values, 'opensAt')} error={errors.opensAt} required />
        </div>
        <div class="fr-fieldset__element fr-fieldset__element--inline">
          <DateInput
            name="closesOn"
            label={labels.closesOn}
            hint={t('setup.dateHint')}
            value={asTyped(one(values, 'closesOn'))}
            error={errors.closesOn}
            required
          />
        </div>
        <div class="fr-fieldset__element fr-fieldset__element--inline">
          <Input name="closesAt" label={labels.closesAt} hint={t('setup.timeHint')} value={one(values, 'closesAt')} error={errors.closesAt} required />
        </div>
      </fieldset>
      <Radios
        name="allocation"
        legend={labels.allocation}
        value={one(values, 'allocation')}
        error={errors.allocation}
        options={ALLOCATIONS.map((allocation) => ({
          value: allocation,
          label: t(`setup.allocation.${allocation}`),
          hint: t(`setup.allocation.${allocation}.hint`),
        }))}
      />
      <Checkboxes
        name="groupIds"
        legend={labels.groupIds}
        hint={t('setup.periods.groupsHint')}
        values={many(values, 'groupIds')}
        error={errors.groupIds}
        options={setup.groups.map((group) => ({ value: group.id, label: group.name }))}
      />
    </SetupFormFrame>
  );
}
