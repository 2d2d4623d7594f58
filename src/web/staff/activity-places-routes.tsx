import { countKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ActivityDefinition, CapacityPool } from '../../modules/activities/activity-definitions.js';
import {
  dayOverrides,
  deletePool,
  resetDayPlaces,
  savePool,
  setPlacesForDays,
  type DayPlaces,
  type DayPlacesField,
  type PoolField,
} from '../../modules/bookings/places-admin.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { Alert } from '../components/dsfr/alert.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Day, Form, Id } from '../page-input.js';
import { usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH,
  activityPart,
  BackToActivity,
  belowTakenMessage,
  Checkboxes,
  many,
  one,
  SetupFormFrame,
  SetupTable,
  setupMessages,
  setupNotice,
  type FormValues,
} from './activity-common.js';
import { asTyped } from './activity-pages.js';
import { OF_ACTIVITY, type SetupEditor } from './setup-editor.js';

const PLACES_PATH = `${ACTIVITIES_PATH}/:id/places`;
const back = (activityId: string, notice: string) => `${ACTIVITIES_PATH}/${activityId}?fait=${notice}#places`;

/** Places of an activity: numbers shared by units, per group or for all (add, change, delete). */
export const poolEditor: SetupEditor<string, PoolField, { setup: ActivityDefinition; values: FormValues }> = {
  path: PLACES_PATH,
  parent: OF_ACTIVITY,
  added: 'nouvelle',
  titles: { add: 'setup.places.addTitle', edit: 'setup.places.editTitle' },
  async load(scope, at, typed) {
    const found = await activityPart(scope, at, (setup) => setup.pools);
    if (!found) return null;
    const { setup, item: pool } = found;
    return { setup, values: typed ?? (pool ? { unitIds: pool.unit_ids, groupId: pool.group_id ?? '', places: String(pool.places) } : {}) };
  },
  form: (view, { itemId }, errors) => <PoolFormPage {...view} poolId={itemId} errors={errors} />,
  save: (scope, { parent, itemId }, form) => savePool(scope, parent, itemId, form),
  messages: setupMessages,
  remove: deletePool,
  removal: {
    name(view, id) {
      const pool = view.setup.pools.find((candidate) => candidate.id === id);
      const units = view.setup.units.filter((unit) => pool?.unit_ids.includes(unit.id)).map((unit) => unit.name);
      const group = view.setup.groups.find((candidate) => candidate.id === pool?.group_id);
      return [units.join(', '), group?.name].filter(Boolean).join(' — ');
    },
    consequence: 'setup.places.deleteConsequence',
  },
  back: ({ parent }, done) => back(parent, setupNotice(done)),
};

const PoolParams = Type.Object({ id: Id, item: Id });

/**
 * The places of a pool on given dates: one form for a day or a range, the days changed so far, and a
 * day given back its usual number. Not a list of items, so not a `SetupEditor`: its save may also be
 * partly refused (days where families already took more places), and a day is reset, not deleted.
 */
export function staffDayPlacesRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const manager = requireStaff('manager');
    const datesPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      at: { parent: string; itemId: string },
      values: FormValues,
      errors: Readonly<Record<string, string | undefined>> = {},
      changed: number | null = null,
    ) => {
      const loaded = await request.inScope(async (scope) => {
        const found = await activityPart(scope, at, (setup) => setup.pools);
        return found?.item ? { setup: found.setup, pool: found.item, overrides: await dayOverrides(scope, [found.item.id]) } : null;
      });
      if (!loaded) return reply.errorPage('notFound');
      return reply.page(
        request.t('setup.places.datesTitle'),
        <DayPlacesPage {...loaded} values={values} errors={errors} changed={changed} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };

    app.get(`${PLACES_PATH}/:item/dates`, { preHandler: manager, schema: { params: PoolParams } }, async (request, reply) =>
      datesPage(request, reply, { parent: request.params.id, itemId: request.params.item }, {}),
    );
    // A text too long for the form's schema comes back next to its field (attachValidation), as the module's errors do.
    app.post(
      `${PLACES_PATH}/:item/dates`,
      { preHandler: manager, schema: { params: PoolParams, body: Form }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const { id, item } = request.params;
        const form = request.body;
        const at = { parent: id, itemId: item };
        if (refused) return datesPage(request, reply, at, form, refused);
        const result = await request.inScope((scope) => setPlacesForDays(scope, id, item, form));
        if (result.kind === 'not_found') return reply.errorPage('notFound');
        if (result.kind === 'forbidden') return reply.errorPage('forbidden');
        if (result.kind === 'invalid') return datesPage(request, reply, at, form, setupMessages(request.t, result.errors));
        if (result.belowTaken.length === 0) return reply.redirect(`${request.base}${back(id, 'enregistre')}`);
        // Days of the range that could change did; said only when there are some (not "0 days changed" above the refusal).
        const changed = result.changed > 0 ? result.changed : null;
        return datesPage(request, reply, at, form, { places: belowTakenMessage(request.t, result.belowTaken) }, changed);
      },
    );
    app.post(
      `${PLACES_PATH}/:item/dates/:day/retablir`,
      { preHandler: manager, schema: { params: Type.Object({ id: Id, item: Id, day: Day }), body: Form } },
      async (request, reply) => {
        const { id, item, day } = request.params;
        const result = await request.inScope((scope) => resetDayPlaces(scope, id, item, day));
        if (result === 'not_found') return reply.errorPage('notFound');
        if (result === 'forbidden') return reply.errorPage('forbidden');
        return reply.redirect(`${request.base}${back(id, result === 'below_taken' ? 'jour-non-retabli' : 'jour-retabli')}`);
      },
    );
  };
}

function usePoolLabel(setup: ActivityDefinition) {
  const { t } = usePage();
  const groups = new Map(setup.groups.map((group) => [group.id, group.name]));
  return (pool: CapacityPool) =>
    `${setup.units
      .filter((unit) => pool.unit_ids.includes(unit.id))
      .map((unit) => unit.name)
      .join(', ')} — ${pool.group_id ? (groups.get(pool.group_id) ?? '—') : t('setup.places.allGroups')}`;
}

function PoolFormPage(props: { setup: ActivityDefinition; poolId: string | null; values: FormValues; errors: Partial<Record<PoolField, string>> }) {
  const { t } = usePage();
  const { setup, values, errors } = props;
  const labels: Record<PoolField, string> = { unitIds: t('setup.field.units'), groupId: t('setup.field.group'), places: t('setup.field.places') };
  const base = `${ACTIVITIES_PATH}/${setup.activity.id}/places`;
  return (
    <SetupFormFrame
      back={<BackToActivity activity={setup.activity} anchor="places" />}
      title={t(props.poolId ? 'setup.places.editTitle' : 'setup.places.addTitle')}
      intro={<p>{setup.activity.name}</p>}
      errors={errors}
      labels={labels}
      action={props.poolId ? `${base}/${props.poolId}` : `${base}/nouvelle`}
    >
      <Checkboxes
        name="unitIds"
        legend={labels.unitIds}
        hint={t('setup.places.unitsHint')}
        values={many(values, 'unitIds')}
        error={errors.unitIds}
        options={setup.units.map((unit) => ({ value: unit.id, label: `${unit.name} (${unit.code})` }))}
      />
      <Select
        name="groupId"
        label={labels.groupId}
        value={one(values, 'groupId')}
        error={errors.groupId}
        options={[{ value: '', label: t('setup.places.allGroups') }, ...setup.groups.map((group) => ({ value: group.id, label: group.name }))]}
      />
      <Input
        name="places"
        label={labels.places}
        hint={t('setup.places.placesHint')}
        inputMode="numeric"
        value={one(values, 'places')}
        error={errors.places}
        required
      />
    </SetupFormFrame>
  );
}

function DayPlacesPage(props: {
  setup: ActivityDefinition;
  pool: CapacityPool;
  overrides: DayPlaces[];
  values: FormValues;
  errors: Partial<Record<DayPlacesField, string>>;
  changed: number | null;
}) {
  const { t } = usePage();
  const { setup, pool, values, errors } = props;
  const label = usePoolLabel(setup)(pool);
  const labels: Record<DayPlacesField, string> = {
    firstDay: t('setup.field.firstDay'),
    lastDay: t('setup.field.lastDayOptional'),
    places: t('setup.field.placesThatDay'),
  };
  return (
    <>
      <SetupFormFrame
        back={<BackToActivity activity={setup.activity} anchor="places" />}
        title={t('setup.places.datesTitle')}
        intro={
          <>
            <p>{t(countKey('setup.places.datesIntro', pool.places), { pool: label, places: pool.places })}</p>
            {props.changed !== null && (
              <Alert kind="info" small>
                {t(countKey('setup.places.changedDays', props.changed), { count: props.changed })}
              </Alert>
            )}
          </>
        }
        errors={errors}
        labels={labels}
        action={`${ACTIVITIES_PATH}/${setup.activity.id}/places/${pool.id}/dates`}
      >
        <DateInput
          name="firstDay"
          label={labels.firstDay}
          hint={t('setup.dateHint')}
          value={asTyped(one(values, 'firstDay'))}
          error={errors.firstDay}
          required
        />
        <DateInput name="lastDay" label={labels.lastDay} hint={t('setup.places.lastDayHint')} value={asTyped(one(values, 'lastDay'))} error={errors.lastDay} />
        <Input name="places" label={labels.places} inputMode="numeric" value={one(values, 'places')} error={errors.places} required />
      </SetupFormFrame>
      <h2 class="fr-h4 fr-mt-4w">{t('setup.places.overridesTitle')}</h2>
      {props.overrides.length === 0 ? (
        <p>{t('setup.places.noOverrides')}</p>
      ) : (
        <SetupTable caption={t('setup.places.overridesTitle')} headers={[t('setup.field.date'), t('setup.field.places'), t('setup.field.taken')]}>
          {props.overrides.map((override) => (
            <tr key={override.day}>
              <td>{formatCalendarDate(override.day)}</td>
              <td>{override.places}</td>
              <td>{override.taken}</td>
            </tr>
          ))}
        </SetupTable>
      )}
    </>
  );
}
