import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import { schoolYearOf } from '../../modules/calendar/calendar-dates.js';
import type { CalendarFieldError, FormErrors, SaveResult } from '../../modules/calendar/calendar-forms.js';
import { addClosure, closureTargets, deleteClosure, getClosure, listClosures, updateClosure, type ClosureField } from '../../modules/calendar/closures.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { normalizeZone } from '../../modules/calendar/ministry-calendar-csv.js';
import { isPublicHolidayRegion, PUBLIC_HOLIDAY_REGIONS, publicHolidaysBetween } from '../../modules/calendar/public-holidays.js';
import { addSchoolHoliday, deleteSchoolHoliday, getSchoolHoliday, listSchoolHolidays, updateSchoolHoliday, type PeriodField } from '../../modules/calendar/school-holidays.js';
import type { Scope } from '../../modules/scope.js';
import type { Tenant } from '../../modules/tenancy/tenant-directory.js';
import { ErrorPage } from '../components/error-page.js';
import { fieldMessages, formBody, isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { CALENDAR_PATH, CalendarPage, ClosureFormPage, PeriodFormPage, type CalendarOverview } from './calendar-pages.js';

const NOTICES: Record<string, MessageKey> = {
  'vacances-ajoutees': 'calendar.notice.periodAdded',
  'vacances-modifiees': 'calendar.notice.periodSaved',
  'vacances-supprimees': 'calendar.notice.periodDeleted',
  'fermeture-ajoutee': 'calendar.notice.closureAdded',
  'fermeture-modifiee': 'calendar.notice.closureSaved',
  'fermeture-supprimee': 'calendar.notice.closureDeleted',
  import: 'calendar.notice.imported',
};

/** Field errors of the calendar's forms as sentences in the page's language. */
export function calendarFieldMessages<F extends string>(t: Translate, errors: FormErrors<F>): Partial<Record<F, string>> {
  const messages: Partial<Record<F, string>> = {};
  for (const [field, error] of Object.entries(errors) as [F, CalendarFieldError][]) {
    messages[field] =
      error === 'dateOrder' ? t('calendar.error.dateOrder') : error === 'rangeTooLong' ? t('calendar.error.rangeTooLong') : fieldMessages(t, { [field]: error } as Record<F, typeof error>)[field];
  }
  return messages;
}

/** The current and the next school years of the tenant: what the calendar page shows. */
export async function calendarOverview(scope: Scope, tenant: Tenant): Promise<CalendarOverview> {
  const firstYear = schoolYearOf(localDate(scope.now, tenant.time_zone));
  const from = `${firstYear}-09-01`;
  const to = `${firstYear + 2}-08-31`;
  const region = isPublicHolidayRegion(tenant.public_holiday_region) ? tenant.public_holiday_region : null;
  return {
    zone: normalizeZone(tenant.school_zone),
    region: region ? `${PUBLIC_HOLIDAY_REGIONS[region.toUpperCase()]} (${region})` : null,
    firstYear,
    holidays: await listSchoolHolidays(scope, { from, to }),
    publicHolidays: publicHolidaysBetween(from, to, region),
    closures: await listClosures(scope, from),
  };
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.page(request.t('error.notFound.title'), ErrorPage({ kind: 'notFound' }), 404);
}

function forbidden(request: FastifyRequest, reply: FastifyReply) {
  return reply.page(request.t('error.forbidden.title'), ErrorPage({ kind: 'forbidden' }), 403);
}

/** Where a save went: back to the calendar with a notice, or the form again with its errors. */
function afterSave<F extends string>(request: FastifyRequest, reply: FastifyReply, result: SaveResult<F>, notice: string, form: (errors: Partial<Record<F, string>>) => Promise<FastifyReply>) {
  if (result.kind === 'saved') return reply.redirect(`${request.base}${CALENDAR_PATH}?fait=${notice}`);
  if (result.kind === 'not_found') return notFound(request, reply);
  if (result.kind === 'forbidden') return forbidden(request, reply);
  return form(calendarFieldMessages(request.t, result.errors));
}

/** The back office calendar: school holidays, closures, public holidays for reference. */
export function staffCalendarRoutes(): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };

    app.get(CALENDAR_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const tenant = request.tenant!;
      const overview = await request.inScope((scope) => calendarOverview(scope, tenant));
      const query = request.query as Record<string, unknown>;
      const key = NOTICES[String(query.fait)];
      const count = Math.min(Math.max(Number.parseInt(String(query.n ?? '0'), 10) || 0, 0), 9999);
      return reply.page(request.t('calendar.title'), <CalendarPage {...overview} notice={key ? request.t(key, { count }) : undefined} />);
    });

    // --- school holiday periods ------------------------------------------------------------------
    const periodPage = (request: FastifyRequest, reply: FastifyReply, id: string | undefined, values: Record<string, string>, errors: Partial<Record<PeriodField, string>> = {}) =>
      reply.page(request.t(id ? 'calendar.holidays.editTitle' : 'calendar.holidays.addTitle'), <PeriodFormPage id={id} values={values} errors={errors} />, Object.keys(errors).length > 0 ? 400 : 200);
    const periodForm = (form: Record<string, string>) => ({ name: form.name, firstDay: form.firstDay, lastDay: form.lastDay });

    app.get(`${CALENDAR_PATH}/vacances/nouvelle`, manager, async (request, reply) => periodPage(request, reply, undefined, {}));

    app.post(`${CALENDAR_PATH}/vacances/nouvelle`, manager, async (request, reply) => {
      const form = formBody(request);
      const result = await request.inScope((scope) => addSchoolHoliday(scope, periodForm(form)));
      return afterSave(request, reply, result, 'vacances-ajoutees', (errors) => periodPage(request, reply, undefined, form, errors));
    });

    app.get(`${CALENDAR_PATH}/vacances/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const period = isUuid(id) ? await request.inScope((scope) => getSchoolHoliday(scope, id)) : null;
      if (!period) return notFound(request, reply);
      return periodPage(request, reply, id, { name: period.name, firstDay: period.firstDay, lastDay: period.lastDay });
    });

    app.post(`${CALENDAR_PATH}/vacances/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply);
      const form = formBody(request);
      const result = await request.inScope((scope) => updateSchoolHoliday(scope, id, periodForm(form)));
      return afterSave(request, reply, result, 'vacances-modifiees', (errors) => periodPage(request, reply, id, form, errors));
    });

    app.post(`${CALENDAR_PATH}/vacances/:id/suppression`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = isUuid(id) ? await request.inScope((scope) => deleteSchoolHoliday(scope, id)) : 'not_found';
      if (result === 'forbidden') return forbidden(request, reply);
      if (result === 'not_found') return notFound(request, reply);
      return reply.redirect(`${request.base}${CALENDAR_PATH}?fait=vacances-supprimees`);
    });

    // --- closures ---------------------------------------------------------------------------------
    const closurePage = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined, values: Record<string, string>, errors: Partial<Record<ClosureField, string>> = {}) => {
      const targets = await request.inScope((scope) => closureTargets(scope));
      return reply.page(request.t(id ? 'calendar.closures.editTitle' : 'calendar.closures.addTitle'), <ClosureFormPage id={id} targets={targets} values={values} errors={errors} />, Object.keys(errors).length > 0 ? 400 : 200);
    };
    const closureForm = (form: Record<string, string>) => ({ target: form.target, firstDay: form.firstDay, lastDay: form.lastDay, reason: form.reason });

    app.get(`${CALENDAR_PATH}/fermetures/nouvelle`, manager, async (request, reply) => closurePage(request, reply, undefined, {}));

    app.post(`${CALENDAR_PATH}/fermetures/nouvelle`, manager, async (request, reply) => {
      const form = formBody(request);
      const result = await request.inScope((scope) => addClosure(scope, closureForm(form)));
      return afterSave(request, reply, result, 'fermeture-ajoutee', (errors) => closurePage(request, reply, undefined, form, errors));
    });

    app.get(`${CALENDAR_PATH}/fermetures/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const closure = isUuid(id) ? await request.inScope((scope) => getClosure(scope, id)) : null;
      if (!closure) return notFound(request, reply);
      const target = closure.siteId ? `site:${closure.siteId}` : closure.activityId ? `activity:${closure.activityId}` : 'all';
      return closurePage(request, reply, id, { target, firstDay: closure.firstDay, lastDay: closure.lastDay, reason: closure.reason });
    });

    app.post(`${CALENDAR_PATH}/fermetures/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply);
      const form = formBody(request);
      const result = await request.inScope((scope) => updateClosure(scope, id, closureForm(form)));
      return afterSave(request, reply, result, 'fermeture-modifiee', (errors) => closurePage(request, reply, id, form, errors));
    });

    app.post(`${CALENDAR_PATH}/fermetures/:id/suppression`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = isUuid(id) ? await request.inScope((scope) => deleteClosure(scope, id)) : 'not_found';
      if (result === 'forbidden') return forbidden(request, reply);
      if (result === 'not_found') return notFound(request, reply);
      return reply.redirect(`${request.base}${CALENDAR_PATH}?fait=fermeture-supprimee`);
    });
  };
}
