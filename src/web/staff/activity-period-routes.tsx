import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../i18n/catalogue.js';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import type { ActivityDefinition } from '../../modules/activities/activity-definitions.js';
import { ALLOCATIONS, deletePeriod, periodFormValues, savePeriod, type PeriodField } from '../../modules/activities/period-admin.js';
import { tenantToday } from '../../modules/activities/setup-forms.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { ACTIVITIES_PATH, Checkboxes, deleteNotice, forbidden, many, notFound, one, Radios, setupForm, setupMessages, type FormValues } from './activity-common.js';
import { asTyped } from './activity-pages.js';

/** Booking periods of an activity: add, change, delete; moments typed in the authority's time zone. */
export function staffActivityPeriodRoutes(): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };
    const ids = (request: FastifyRequest) => request.params as { id: string; periodId?: string };
    const validIds = (...values: (string | undefined)[]) => values.every((value) => value === undefined || isUuid(value));
    const back = (request: FastifyRequest, reply: FastifyReply, id: string, notice: string) => reply.redirect(`${request.base}${ACTIVITIES_PATH}/${id}?fait=${notice}#periodes`);

    const periodPage = async (request: FastifyRequest, reply: FastifyReply, id: string, periodId: string | undefined, values: FormValues | null, errors: Partial<Record<PeriodField, string>> = {}) => {
      const loaded = await request.inScope(async (scope) => ({ setup: await getActivitySetup(scope, id), timeZone: (await tenantToday(scope)).timeZone }));
      const { setup, timeZone } = loaded;
      const period = periodId ? setup?.periods.find((candidate) => candidate.id === periodId) : undefined;
      if (!setup || (periodId && !period)) return notFound(request, reply);
      const shown = values ?? (period ? periodFormValues(period, timeZone) : { allocation: 'first_come', opensAt: '08:00', closesAt: '23:59' });
      return reply.page(
        request.t(periodId ? 'setup.periods.editTitle' : 'setup.periods.addTitle'),
        <PeriodFormPage setup={setup} periodId={periodId} values={shown} errors={errors} timeZone={timeZone} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };
    const submit = async (request: FastifyRequest, reply: FastifyReply, id: string, periodId: string | undefined) => {
      const form = setupForm(request);
      const result = await request.inScope((scope) => savePeriod(scope, id, periodId ?? null, form));
      if (result.kind === 'saved') return back(request, reply, id, 'enregistre');
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return periodPage(request, reply, id, periodId, form, setupMessages(request.t, result.errors));
    };

    app.get(`${ACTIVITIES_PATH}/:id/periodes/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? periodPage(request, reply, id, undefined, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/periodes/nouvelle`, manager, async (request, reply) => {
      const { id } = ids(request);
      return validIds(id) ? submit(request, reply, id, undefined) : notFound(request, reply);
    });
    app.get(`${ACTIVITIES_PATH}/:id/periodes/:periodId`, manager, async (request, reply) => {
      const { id, periodId } = ids(request);
      return validIds(id, periodId) ? periodPage(request, reply, id, periodId, null) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId`, manager, async (request, reply) => {
      const { id, periodId } = ids(request);
      return validIds(id, periodId) ? submit(request, reply, id, periodId) : notFound(request, reply);
    });
    app.post(`${ACTIVITIES_PATH}/:id/periodes/:periodId/suppression`, manager, async (request, reply) => {
      const { id, periodId } = ids(request);
      if (!validIds(id, periodId)) return notFound(request, reply);
      const result = await request.inScope((scope) => deletePeriod(scope, id, periodId!));
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return back(request, reply, id, deleteNotice(result));
    });
  };
}

const PERIOD_FIELDS: PeriodField[] = ['name', 'firstDay', 'lastDay', 'opensOn', 'opensAt', 'closesOn', 'closesAt', 'allocation', 'groupIds'];

function PeriodFormPage(props: { setup: ActivityDefinition; periodId?: string | undefined; values: FormValues; errors: Partial<Record<PeriodField, string>>; timeZone: string }) {
  const page = usePage();
  const { t } = page;
  const { setup, values, errors } = props;
  const labels: Record<PeriodField, string> = {
    name: t('setup.field.name'), firstDay: t('setup.field.firstDay'), lastDay: t('setup.field.lastDay'), opensOn: t('setup.field.opensOn'),
    opensAt: t('setup.field.opensAt'), closesOn: t('setup.field.closesOn'), closesAt: t('setup.field.closesAt'), allocation: t('setup.field.allocation'),
    groupIds: t('setup.field.groups'),
  };
  const ordered = Object.fromEntries(PERIOD_FIELDS.map((field) => [field, errors[field]]));
  const base = `${ACTIVITIES_PATH}/${setup.activity.id}/periodes`;
  return (
    <>
      <nav class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `${ACTIVITIES_PATH}/${setup.activity.id}#periodes`)}>{t('setup.backTo', { name: setup.activity.name })}</a>
      </nav>
      <h1>{t(props.periodId ? 'setup.periods.editTitle' : 'setup.periods.addTitle')}</h1>
      <p>{setup.activity.name}</p>
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={ordered} labels={labels} />
          <form method="post" action={href(page, props.periodId ? `${base}/${props.periodId}` : `${base}/nouvelle`)} novalidate>
            <CsrfField />
            <Input name="name" label={labels.name} hint={t('setup.periods.nameHint')} value={one(values, 'name')} error={errors.name} required maxLength={200} />
            <fieldset class="fr-fieldset" aria-labelledby="period-days-legend">
              <legend class="fr-fieldset__legend" id="period-days-legend">{t('setup.periods.daysLegend')}</legend>
              <div class="fr-fieldset__element">
                <Input name="firstDay" label={labels.firstDay} hint={t('setup.dateHint')} value={asTyped(one(values, 'firstDay'))} error={errors.firstDay} required />
              </div>
              <div class="fr-fieldset__element">
                <Input name="lastDay" label={labels.lastDay} hint={t('setup.dateHint')} value={asTyped(one(values, 'lastDay'))} error={errors.lastDay} required />
              </div>
            </fieldset>
            <fieldset class="fr-fieldset" aria-labelledby="period-window-legend">
              <legend class="fr-fieldset__legend" id="period-window-legend">
                {t('setup.periods.windowLegend')}
                <span class="fr-hint-text">{t('setup.periods.windowHint', { timeZone: props.timeZone })}</span>
              </legend>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <Input name="opensOn" label={labels.opensOn} hint={t('setup.dateHint')} value={asTyped(one(values, 'opensOn'))} error={errors.opensOn} required />
              </div>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <Input name="opensAt" label={labels.opensAt} hint={t('setup.timeHint')} value={one(values, 'opensAt')} error={errors.opensAt} required />
              </div>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <Input name="closesOn" label={labels.closesOn} hint={t('setup.dateHint')} value={asTyped(one(values, 'closesOn'))} error={errors.closesOn} required />
              </div>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <Input name="closesAt" label={labels.closesAt} hint={t('setup.timeHint')} value={one(values, 'closesAt')} error={errors.closesAt} required />
              </div>
            </fieldset>
            <Radios name="allocation" legend={labels.allocation} value={one(values, 'allocation')} error={errors.allocation}
              options={ALLOCATIONS.map((allocation) => ({ value: allocation, label: t(`setup.allocation.${allocation}` as MessageKey), hint: t(`setup.allocation.${allocation}.hint` as MessageKey) }))} />
            <Checkboxes name="groupIds" legend={labels.groupIds} hint={t('setup.periods.groupsHint')} values={many(values, 'groupIds')} error={errors.groupIds}
              options={setup.groups.map((group) => ({ value: group.id, label: group.name }))} />
            <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
          </form>
        </div>
      </div>
    </>
  );
}
