import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import type { ActivityDefinition, CapacityPool } from '../../modules/activities/activity-definitions.js';
import { dayOverrides, deletePool, resetDayPlaces, savePool, setPlacesForDays, type DayPlaces, type DayPlacesField, type PoolField } from '../../modules/bookings/places-admin.js';
import { isCalendarDate, formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH, belowTakenMessage, Checkboxes, deleteNotice, forbidden, many, notFound, one, SetupTable, setupForm, setupMessages, type FormValues,
} from './activity-common.js';
import { asTyped } from './activity-pages.js';

/** Places of an activity: numbers shared by units (per group or for all), and their numbers on given dates. */
export function staffActivityPlacesRoutes(): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };
    const ids = (request: FastifyRequest) => request.params as { id: string; poolId?: string; day?: string };
    const validIds = (...values: (string | undefined)[]) => values.every((value) => value === undefined || isUuid(value));
    const back = (request: FastifyRequest, reply: FastifyReply, id: string, notice: string) => reply.redirect(`${request.base}${ACTIVITIES_PATH}/${id}?fait=${notice}#places`);

    const poolPage = async (request: FastifyRequest, reply: FastifyReply, id: string, poolId: string | undefined, values: FormValues | null, errors: Partial<Record<PoolField, string>> = {}) => {
      const setup = await request.inScope((scope) => getActivitySetup(scope, id));
      const pool = poolId ? setup?.pools.find((candidate) => candidate.id === poolId) : undefined;
      if (!setup || (poolId && !pool)) return notFound(request, reply);
      const shown = values ?? (pool ? { unitIds: pool.unit_ids, groupId: pool.group_id ?? '', places: String(pool.places) } : {});
      return reply.page(
        request.t(poolId ? 'setup.places.editTitle' : 'setup.places.addTitle'),
        <PoolFormPage setup={setup} poolId={poolId} values={shown} errors={errors} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };
    const submitPool = async (request: FastifyRequest, reply: FastifyReply, id: string, poolId: string | undefined) => {
      const form = setupForm(request);
      const result = await request.inScope((scope) => savePool(scope, id, poolId ?? null, form));
      if (result.kind === 'saved') return back(request, reply, id, 'enregistre');
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return poolPage(request, reply, id, poolId, form, setupMessages(request.t, result.errors, result.belowTaken));
    };

    app.get(`${ACTIVITIES_PATH}/:id/places/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? poolPage(request, reply, id, undefined, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/places/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? submitPool(request, reply, id, undefined) : notFound(request, reply);
    });
    app.get(`${ACTIVITIES_PATH}/:id/places/:poolId`, manager, async (request, reply) => {
      const { id, poolId } = ids(request);
      return validIds(id, poolId) ? poolPage(request, reply, id, poolId, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/places/:poolId`, manager, async (request, reply) => {
      const { id, poolId } = ids(request);
      return validIds(id, poolId) ? submitPool(request, reply, id, poolId) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/places/:poolId/suppression`, manager, async (request, reply) => {
      const { id, poolId } = ids(request);
      if (!validIds(id, poolId)) return notFound(request, reply);
      const result = await request.inScope((scope) => deletePool(scope, id, poolId!));
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return back(request, reply, id, deleteNotice(result));
    });

    // --- places on given dates -------------------------------------------------------------------
    const datesPage = async (
      request: FastifyRequest, reply: FastifyReply, id: string, poolId: string, values: FormValues,
      errors: Partial<Record<DayPlacesField, string>> = {}, changed: number | null = null,
    ) => {
      const loaded = await request.inScope(async (scope) => {
        const setup = await getActivitySetup(scope, id);
        const pool = setup?.pools.find((candidate) => candidate.id === poolId);
        if (!setup || !pool) return null;
        return { setup, pool, overrides: await dayOverrides(scope, [poolId]) };
      });
      if (!loaded) return notFound(request, reply);
      return reply.page(
        request.t('setup.places.datesTitle'),
        <DayPlacesPage {...loaded} values={values} errors={errors} changed={changed} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };

    app.get(`${ACTIVITIES_PATH}/:id/places/:poolId/dates`, manager, async (request, reply) => {
      const { id, poolId } = ids(request);
      return validIds(id, poolId) ? datesPage(request, reply, id, poolId!, {}) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/places/:poolId/dates`, manager, async (request, reply) => {
      const { id, poolId } = ids(request);
      if (!validIds(id, poolId)) return notFound(request, reply);
      const form = setupForm(request);
      const result = await request.inScope((scope) => setPlacesForDays(scope, id, poolId!, form));
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      if (result.kind === 'invalid') return datesPage(request, reply, id, poolId!, form, setupMessages(request.t, result.errors));
      if (result.belowTaken.length === 0) return back(request, reply, id, 'enregistre');
      return datesPage(request, reply, id, poolId!, form, { places: belowTakenMessage(request.t, result.belowTaken) }, result.changed);
    });
    app.post(`${ACTIVITIES_PATH}/:id/places/:poolId/dates/:day/retablir`, manager, async (request, reply) => {
      const { id, poolId, day } = ids(request);
      if (!validIds(id, poolId) || !day || !isCalendarDate(day)) return notFound(request, reply);
      const result = await request.inScope((scope) => resetDayPlaces(scope, id, poolId!, day));
      if (result === 'not_found') return notFound(request, reply);
      if (result === 'forbidden') return forbidden(request, reply);
      if (result === 'below_taken') return back(request, reply, id, 'jour-non-retabli');
      return back(request, reply, id, 'jour-retabli');
    });
  };
}

function usePoolLabel(setup: ActivityDefinition) {
  const { t } = usePage();
  const groups = new Map(setup.groups.map((group) => [group.id, group.name]));
  return (pool: CapacityPool) => `${setup.units.filter((unit) => pool.unit_ids.includes(unit.id)).map((unit) => unit.name).join(', ')} — ${pool.group_id ? (groups.get(pool.group_id) ?? '—') : t('setup.places.allGroups')}`;
}

function BackToActivity(props: { setup: ActivityDefinition }) {
  const page = usePage();
  return (
    <nav class="fr-mb-2w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `${ACTIVITIES_PATH}/${props.setup.activity.id}#places`)}>{page.t('setup.backTo', { name: props.setup.activity.name })}</a>
    </nav>
  );
}

function PoolFormPage(props: { setup: ActivityDefinition; poolId?: string | undefined; values: FormValues; errors: Partial<Record<PoolField, string>> }) {
  const page = usePage();
  const { t } = page;
  const { setup, values, errors } = props;
  const labels: Record<PoolField, string> = { unitIds: t('setup.field.units'), groupId: t('setup.field.group'), places: t('setup.field.places') };
  const base = `${ACTIVITIES_PATH}/${setup.activity.id}/places`;
  return (
    <>
      <BackToActivity setup={setup} />
      <h1>{t(props.poolId ? 'setup.places.editTitle' : 'setup.places.addTitle')}</h1>
      <p>{setup.activity.name}</p>
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={errors} labels={labels} />
          <form method="post" action={href(page, props.poolId ? `${base}/${props.poolId}` : `${base}/nouvelle`)} novalidate>
            <CsrfField />
            <Checkboxes name="unitIds" legend={labels.unitIds} hint={t('setup.places.unitsHint')} values={many(values, 'unitIds')} error={errors.unitIds}
              options={setup.units.map((unit) => ({ value: unit.id, label: `${unit.name} (${unit.code})` }))} />
            <Select name="groupId" label={labels.groupId} value={one(values, 'groupId')} error={errors.groupId}
              options={[{ value: '', label: t('setup.places.allGroups') }, ...setup.groups.map((group) => ({ value: group.id, label: group.name }))]} />
            <Input name="places" label={labels.places} hint={t('setup.places.placesHint')} inputMode="numeric" value={one(values, 'places')} error={errors.places} required />
            <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
          </form>
        </div>
      </div>
    </>
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
  const page = usePage();
  const { t } = page;
  const { setup, pool, values, errors } = props;
  const label = usePoolLabel(setup)(pool);
  const labels: Record<DayPlacesField, string> = { firstDay: t('setup.field.firstDay'), lastDay: t('setup.field.lastDayOptional'), places: t('setup.field.placesThatDay') };
  return (
    <>
      <BackToActivity setup={setup} />
      <h1>{t('setup.places.datesTitle')}</h1>
      <p>{t('setup.places.datesIntro', { pool: label, places: pool.places })}</p>
      {props.changed !== null && <Alert kind="info" small>{t('setup.places.changedDays', { count: props.changed })}</Alert>}
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={errors} labels={labels} />
          <form method="post" action={href(page, `${ACTIVITIES_PATH}/${setup.activity.id}/places/${pool.id}/dates`)} novalidate>
            <CsrfField />
            <Input name="firstDay" label={labels.firstDay} hint={t('setup.dateHint')} value={asTyped(one(values, 'firstDay'))} error={errors.firstDay} required />
            <Input name="lastDay" label={labels.lastDay} hint={t('setup.places.lastDayHint')} value={asTyped(one(values, 'lastDay'))} error={errors.lastDay} />
            <Input name="places" label={labels.places} inputMode="numeric" value={one(values, 'places')} error={errors.places} required />
            <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
          </form>
        </div>
      </div>
      <h2 class="fr-h4 fr-mt-4w">{t('setup.places.overridesTitle')}</h2>
      {props.overrides.length === 0 ? <p>{t('setup.places.noOverrides')}</p> : (
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
