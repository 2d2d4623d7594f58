import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import type { Activity, Unit } from '../../modules/activities/activity-definitions.js';
import type { DeadlinePreviewDay } from '../../modules/activities/deadline-preview.js';
import { deleteGroup, saveGroup, type GroupField } from '../../modules/activities/group-admin.js';
import { tenantToday, type DeleteResult, type SetupErrors } from '../../modules/activities/setup-forms.js';
import { deleteUnit, previewUnitDeadlines, saveUnit, UNIT_PREVIEW_FIELDS, unitFormValues, type UnitField } from '../../modules/activities/unit-admin.js';
import type { Services } from '../../services.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH, Checkboxes, DeadlineEditor, DeadlinePreview, deleteNotice, forbidden, many, notFound, one, previewCalendar, Radios, setupForm,
  setupMessages, useWeekdayNames, type FormValues,
} from './activity-common.js';
import { deadlineLabels, ruleText, weekdaysText } from './activity-pages.js';

/** Groups and units of an activity: add, change, delete; a unit's own weekdays, deadlines and relations. */
export function staffActivityUnitRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };
    const ids = (request: FastifyRequest) => request.params as { id: string; groupId?: string; unitId?: string };
    const validIds = (...values: (string | undefined)[]) => values.every((value) => value === undefined || isUuid(value));
    const back = (request: FastifyRequest, reply: FastifyReply, id: string, anchor: string, notice = 'enregistre') =>
      reply.redirect(`${request.base}${ACTIVITIES_PATH}/${id}?fait=${notice}#${anchor}`);
    const afterDelete = (request: FastifyRequest, reply: FastifyReply, id: string, anchor: string, result: DeleteResult) => {
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return back(request, reply, id, anchor, deleteNotice(result));
    };

    // --- groups ----------------------------------------------------------------------------------
    const groupPage = async (request: FastifyRequest, reply: FastifyReply, id: string, groupId: string | undefined, values: FormValues | null, errors: Partial<Record<GroupField, string>> = {}) => {
      const setup = await request.inScope((scope) => getActivitySetup(scope, id));
      const group = groupId ? setup?.groups.find((candidate) => candidate.id === groupId) : undefined;
      if (!setup || (groupId && !group)) return notFound(request, reply);
      const shown = values ?? (group
        ? { name: group.name, minAge: group.min_age?.toString() ?? '', maxAge: group.max_age?.toString() ?? '', position: String(group.position) }
        : { position: String(setup.groups.length) });
      return reply.page(
        request.t(groupId ? 'setup.groups.editTitle' : 'setup.groups.addTitle'),
        <GroupFormPage activity={setup.activity} groupId={groupId} values={shown} errors={errors} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };
    const submitGroup = async (request: FastifyRequest, reply: FastifyReply, id: string, groupId: string | undefined) => {
      const form = setupForm(request);
      const result = await request.inScope((scope) => saveGroup(scope, id, groupId ?? null, form));
      if (result.kind === 'saved') return back(request, reply, id, 'groupes');
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return groupPage(request, reply, id, groupId, form, setupMessages(request.t, result.errors));
    };

    app.get(`${ACTIVITIES_PATH}/:id/groupes/nouveau`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? groupPage(request, reply, id, undefined, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/groupes/nouveau`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? submitGroup(request, reply, id, undefined) : notFound(request, reply);
    });
    app.get(`${ACTIVITIES_PATH}/:id/groupes/:groupId`, manager, async (request, reply) => {
      const { id, groupId } = ids(request);
      return validIds(id, groupId) ? groupPage(request, reply, id, groupId, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/groupes/:groupId`, manager, async (request, reply) => {
      const { id, groupId } = ids(request);
      return validIds(id, groupId) ? submitGroup(request, reply, id, groupId) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/groupes/:groupId/suppression`, manager, async (request, reply) => {
      const { id, groupId } = ids(request);
      if (!validIds(id, groupId)) return notFound(request, reply);
      const result = await request.inScope((scope) => deleteGroup(scope, id, groupId!));
      return afterDelete(request, reply, id, 'groupes', result);
    });

    // --- units -----------------------------------------------------------------------------------
    const unitPage = async (request: FastifyRequest, reply: FastifyReply, id: string, unitId: string | undefined, values: FormValues | null, errors: SetupErrors<UnitField> = {}, status = 200) => {
      const loaded = await request.inScope(async (scope) => {
        const setup = await getActivitySetup(scope, id);
        const unit = unitId ? setup?.units.find((candidate) => candidate.id === unitId) : undefined;
        if (!setup || (unitId && !unit)) return null;
        const shown = values ?? (unit ? unitFormValues(unit) : { position: String(setup.units.length), weekdaysMode: 'same', bookingType: 'same', cancelType: 'same' });
        const preview = await previewUnitDeadlines(scope, await previewCalendar(services, scope, request), id, unitId ?? null, shown);
        return { setup, shown, preview: preview?.days ?? null, timeZone: (await tenantToday(scope)).timeZone };
      });
      if (!loaded) return notFound(request, reply);
      const others = loaded.setup.units.filter((unit) => unit.id !== unitId);
      return reply.page(
        request.t(unitId ? 'setup.units.editTitle' : 'setup.units.addTitle'),
        <UnitFormPage activity={loaded.setup.activity} unitId={unitId} others={others} values={loaded.shown} errors={setupMessages(request.t, errors)} preview={loaded.preview} timeZone={loaded.timeZone} />,
        status,
      );
    };
    const submitUnit = async (request: FastifyRequest, reply: FastifyReply, id: string, unitId: string | undefined) => {
      const form = setupForm(request);
      if (form.action === 'preview') {
        const preview = await request.inScope(async (scope) => previewUnitDeadlines(scope, await previewCalendar(services, scope, request), id, unitId ?? null, form));
        if (!preview) return notFound(request, reply);
        const shown = Object.fromEntries(Object.entries(preview.errors).filter(([field]) => UNIT_PREVIEW_FIELDS.includes(field as UnitField)));
        return unitPage(request, reply, id, unitId, form, shown);
      }
      const result = await request.inScope((scope) => saveUnit(scope, id, unitId ?? null, form));
      if (result.kind === 'saved') return back(request, reply, id, 'prestations');
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return unitPage(request, reply, id, unitId, form, result.errors, 400);
    };

    app.get(`${ACTIVITIES_PATH}/:id/prestations/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? unitPage(request, reply, id, undefined, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/prestations/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? submitUnit(request, reply, id, undefined) : notFound(request, reply);
    });
    app.get(`${ACTIVITIES_PATH}/:id/prestations/:unitId`, manager, async (request, reply) => {
      const { id, unitId } = ids(request);
      return validIds(id, unitId) ? unitPage(request, reply, id, unitId, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/prestations/:unitId`, manager, async (request, reply) => {
      const { id, unitId } = ids(request);
      return validIds(id, unitId) ? submitUnit(request, reply, id, unitId) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/prestations/:unitId/suppression`, manager, async (request, reply) => {
      const { id, unitId } = ids(request);
      if (!validIds(id, unitId)) return notFound(request, reply);
      const result = await request.inScope((scope) => deleteUnit(scope, id, unitId!));
      return afterDelete(request, reply, id, 'prestations', result);
    });
  };
}

function BackToActivity(props: { activity: Activity }) {
  const page = usePage();
  return (
    <nav class="fr-mb-2w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `${ACTIVITIES_PATH}/${props.activity.id}`)}>{page.t('setup.backTo', { name: props.activity.name })}</a>
    </nav>
  );
}

function GroupFormPage(props: { activity: Activity; groupId?: string | undefined; values: FormValues; errors: Partial<Record<GroupField, string>> }) {
  const page = usePage();
  const { t } = page;
  const labels: Record<GroupField, string> = { name: t('setup.field.name'), minAge: t('setup.field.minAge'), maxAge: t('setup.field.maxAge'), position: t('setup.field.position') };
  const base = `${ACTIVITIES_PATH}/${props.activity.id}/groupes`;
  return (
    <>
      <BackToActivity activity={props.activity} />
      <h1>{t(props.groupId ? 'setup.groups.editTitle' : 'setup.groups.addTitle')}</h1>
      <p>{props.activity.name}</p>
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={props.errors} labels={labels} />
          <form method="post" action={href(page, props.groupId ? `${base}/${props.groupId}` : `${base}/nouveau`)} novalidate>
            <CsrfField />
            <Input name="name" label={labels.name} hint={t('setup.groups.nameHint')} value={one(props.values, 'name')} error={props.errors.name} required maxLength={100} />
            <Input name="minAge" label={labels.minAge} hint={t('setup.field.ageHint')} inputMode="numeric" value={one(props.values, 'minAge')} error={props.errors.minAge} />
            <Input name="maxAge" label={labels.maxAge} hint={t('setup.field.ageHint')} inputMode="numeric" value={one(props.values, 'maxAge')} error={props.errors.maxAge} />
            <Input name="position" label={labels.position} hint={t('setup.field.positionHint')} inputMode="numeric" value={one(props.values, 'position')} error={props.errors.position} />
            <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
          </form>
        </div>
      </div>
    </>
  );
}

const UNIT_FIELDS: UnitField[] = [
  'name', 'code', 'position', 'weekdaysMode', 'weekdays', 'bookingType', 'bookingDays', 'bookingWeekday', 'bookingMonthDay', 'bookingTime',
  'cancelType', 'cancelDays', 'cancelWeekday', 'cancelMonthDay', 'cancelTime', 'excludes', 'requiresAny',
];

function UnitFormPage(props: {
  activity: Activity;
  unitId?: string | undefined;
  others: Unit[];
  values: FormValues;
  errors: Partial<Record<UnitField, string>>;
  preview: DeadlinePreviewDay[] | null;
  timeZone: string;
}) {
  const page = usePage();
  const { t, lang } = page;
  const weekdays = useWeekdayNames();
  const { activity, values, errors } = props;
  const labels: Record<string, string> = {
    name: t('setup.field.name'), code: t('setup.field.code'), position: t('setup.field.position'), weekdaysMode: t('setup.field.weekdays'),
    weekdays: t('setup.field.ownWeekdays'), excludes: t('setup.field.excludes'), requiresAny: t('setup.field.requiresAny'),
    ...deadlineLabels(t, 'booking'), ...deadlineLabels(t, 'cancel'),
  };
  const ordered = Object.fromEntries(UNIT_FIELDS.map((field) => [field, errors[field]]));
  const base = `${ACTIVITIES_PATH}/${activity.id}/prestations`;
  const unitOptions = props.others.map((unit) => ({ value: unit.id, label: `${unit.name} (${unit.code})` }));
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
            <Input name="position" label={labels.position!} hint={t('setup.field.positionHint')} inputMode="numeric" value={one(values, 'position')} error={errors.position} />
            <Radios name="weekdaysMode" legend={labels.weekdaysMode!} value={one(values, 'weekdaysMode') || 'same'} error={errors.weekdaysMode}
              options={[
                { value: 'same', label: t('setup.units.sameWeekdays', { weekdays: weekdaysText(weekdays, activity.weekdays) }) },
                {
                  value: 'own',
                  label: t('setup.units.ownWeekdays'),
                  children: <Checkboxes name="weekdays" legend={labels.weekdays!} inline values={many(values, 'weekdays')} error={errors.weekdays}
                    options={weekdays.map((label, index) => ({ value: String(index + 1), label }))} />,
                },
              ]} />
            <h2 class="fr-h4">{t('setup.activities.sectionDeadlines')}</h2>
            <p class="fr-text--sm">{t('setup.units.deadlinesIntro', { booking: ruleText(t, weekdays, activity.booking_deadline, lang), cancel: ruleText(t, weekdays, activity.cancellation_deadline, lang) })}</p>
            <DeadlineEditor prefix="booking" legend={labels.bookingType!} values={values} errors={errors} allowSame />
            <DeadlineEditor prefix="cancel" legend={labels.cancelType!} values={values} errors={errors} allowSame />
            <DeadlinePreview days={props.preview} timeZone={props.timeZone} />

            <h2 class="fr-h4">{t('setup.units.relationsTitle')}</h2>
            {unitOptions.length === 0 ? <p class="fr-text--sm">{t('setup.units.noOthers')}</p> : (
              <>
                <Checkboxes name="excludes" legend={labels.excludes!} hint={t('setup.units.excludesHint')} values={many(values, 'excludes')} error={errors.excludes} options={unitOptions} />
                <Checkboxes name="requiresAny" legend={labels.requiresAny!} hint={t('setup.units.requiresAnyHint')} values={many(values, 'requiresAny')} error={errors.requiresAny} options={unitOptions} />
              </>
            )}
            {unitOptions.length === 0 && (errors.excludes || errors.requiresAny) && (
              <>
                <Checkboxes name="excludes" legend={labels.excludes!} values={[]} error={errors.excludes} options={[]} />
                <Checkboxes name="requiresAny" legend={labels.requiresAny!} values={[]} error={errors.requiresAny} options={[]} />
              </>
            )}

            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
              <li><Button name="action" value="save" icon="fr-icon-save-line">{t('setup.save')}</Button></li>
              <li><Button name="action" value="preview" variant="secondary" icon="fr-icon-calendar-line">{t('setup.preview.button')}</Button></li>
            </ul>
          </div>
        </div>
      </form>
    </>
  );
}
