import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { countKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import type { DeleteResult } from '../../modules/activities/setup-forms.js';
import { schoolYearOf } from '../../modules/calendar/calendar-dates.js';
import type { CalendarFieldError, FormErrors } from '../../modules/calendar/calendar-forms.js';
import { closureTargets, deleteClosure, getClosure, listClosures, type ClosureField, type ClosureTargets } from '../../modules/calendar/closures.js';
import { previewClosure, saveClosure } from '../../modules/bookings/closure-cancellations.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { normalizeZone } from '../../modules/calendar/ministry-calendar-csv.js';
import { isPublicHolidayRegion, PUBLIC_HOLIDAY_REGIONS, publicHolidaysBetween } from '../../modules/calendar/public-holidays.js';
import {
  addSchoolHoliday,
  deleteSchoolHoliday,
  getSchoolHoliday,
  listSchoolHolidays,
  updateSchoolHoliday,
  type PeriodField,
} from '../../modules/calendar/school-holidays.js';
import { unknownSchoolYears } from '../../modules/calendar/school-years.js';
import type { Scope } from '../../modules/scope.js';
import type { Tenant } from '../../modules/tenancy/tenant-directory.js';
import { fieldMessages } from '../forms.js';
import { requireStaff } from '../guards.js';
import { formValues, Text } from '../page-input.js';
import { CALENDAR_PATH, CalendarPage, ClosureConfirmPage, ClosureFormPage, PeriodFormPage, type CalendarOverview } from './calendar-pages.js';
import { OF_AUTHORITY, type SetupEditor, setupEditorRoutes } from './setup-editor.js';

const NOTICES = new Map<string, MessageKey>([
  ['vacances-ajoutees', 'calendar.notice.periodAdded'],
  ['vacances-modifiees', 'calendar.notice.periodSaved'],
  ['vacances-supprimees', 'calendar.notice.periodDeleted'],
  ['fermeture-ajoutee', 'calendar.notice.closureAdded'],
  ['fermeture-modifiee', 'calendar.notice.closureSaved'],
  ['fermeture-supprimee', 'calendar.notice.closureDeleted'],
  ['import', 'calendar.notice.imported.many'],
]);

/** Field errors of the calendar's forms as sentences in the page's language. */
export function calendarFieldMessages<F extends string>(t: Translate, errors: FormErrors<F>): Partial<Record<F, string>> {
  const messages: Partial<Record<F, string>> = {};
  for (const [field, error] of Object.entries(errors) as [F, CalendarFieldError][]) {
    messages[field] = error === 'dateOrder' || error === 'rangeTooLong' ? t(`calendar.error.${error}`) : fieldMessages(t, { error }).error;
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
    unknownSchoolYears: await unknownSchoolYears(scope),
  };
}

/** The value the calendar's forms show: as typed, or as stored. */
type Shown = { values: Record<string, string> };

/** A module's answer to a delete, as an editor's. */
function deleted(result: 'done' | 'forbidden' | 'not_found'): DeleteResult {
  return result === 'done' ? { kind: 'deleted' } : { kind: result };
}

/** School holiday periods: add, change, delete (the list is the calendar's page). */
const holidayEditor: SetupEditor<null, PeriodField, Shown, CalendarFieldError> = {
  path: `${CALENDAR_PATH}/vacances`,
  parent: OF_AUTHORITY,
  added: 'nouvelle',
  titles: { add: 'calendar.holidays.addTitle', edit: 'calendar.holidays.editTitle' },
  async load(scope, { itemId }, typed) {
    if (typed || !itemId) return { values: formValues(typed ?? {}) };
    const period = await getSchoolHoliday(scope, itemId);
    return period && { values: { name: period.name, firstDay: period.firstDay, lastDay: period.lastDay } };
  },
  form: (view, { itemId }, errors) => <PeriodFormPage id={itemId} values={view.values} errors={errors} />,
  save(scope, { itemId }, form) {
    const { name, firstDay, lastDay } = formValues(form);
    return itemId ? updateSchoolHoliday(scope, itemId, { name, firstDay, lastDay }) : addSchoolHoliday(scope, { name, firstDay, lastDay });
  },
  messages: calendarFieldMessages,
  remove: async (scope, _parent, id) => deleted(await deleteSchoolHoliday(scope, id)),
  removal: { name: (view) => view.values.name ?? '', consequence: 'calendar.holidays.deleteConsequence' },
  back: ({ itemId }, done) => `${CALENDAR_PATH}?fait=${done.kind !== 'saved' ? 'vacances-supprimees' : itemId ? 'vacances-modifiees' : 'vacances-ajoutees'}`,
};

/** Closures (all activities, a site's or an activity's): add, change, delete. */
const closureEditor: SetupEditor<null, ClosureField, Shown & { targets: ClosureTargets }, CalendarFieldError> = {
  path: `${CALENDAR_PATH}/fermetures`,
  parent: OF_AUTHORITY,
  added: 'nouvelle',
  titles: { add: 'calendar.closures.addTitle', edit: 'calendar.closures.editTitle' },
  async load(scope, { itemId }, typed) {
    const targets = await closureTargets(scope);
    if (typed || !itemId) return { targets, values: formValues(typed ?? {}) };
    const closure = await getClosure(scope, itemId);
    const target = closure?.siteId ? `site:${closure.siteId}` : closure?.activityId ? `activity:${closure.activityId}` : 'all';
    return closure && { targets, values: { target, firstDay: closure.firstDay, lastDay: closure.lastDay, reason: closure.reason } };
  },
  form: (view, { itemId }, errors) => <ClosureFormPage id={itemId} {...view} errors={errors} />,
  save(scope, { itemId }, form) {
    const { target, firstDay, lastDay, reason } = formValues(form);
    return saveClosure(scope, itemId, { target, firstDay, lastDay, reason });
  },
  // A closure that meets bookings shows what it will cancel before it is saved.
  async confirm(scope, { itemId }, form) {
    const { target, firstDay, lastDay, reason } = formValues(form);
    const preview = await previewClosure(scope, { target, firstDay, lastDay, reason });
    if (preview.kind === 'nothing') return null;
    const values = { target: target ?? 'all', firstDay: firstDay ?? '', lastDay: lastDay ?? '', reason: reason ?? '' };
    return <ClosureConfirmPage id={itemId} values={values} closure={preview.closure} impact={preview.impact} targets={await closureTargets(scope)} />;
  },
  messages: calendarFieldMessages,
  remove: async (scope, _parent, id) => deleted(await deleteClosure(scope, id)),
  removal: { name: (view) => view.values.reason ?? '', consequence: 'calendar.closures.deleteConsequence' },
  back: ({ itemId }, done) => `${CALENDAR_PATH}?fait=${done.kind !== 'saved' ? 'fermeture-supprimee' : itemId ? 'fermeture-modifiee' : 'fermeture-ajoutee'}`,
};

/** The calendar page's address: the notice of what was just done, and how many periods an import added. */
const CalendarQuery = Type.Object({ fait: Type.Optional(Text), n: Type.Optional(Text) });

/** The back office calendar: school holidays, closures, public holidays for reference. */
export function staffCalendarRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(CALENDAR_PATH, { preHandler: requireStaff(), schema: { querystring: CalendarQuery } }, async (request, reply) => {
      const tenant = request.tenant!;
      const overview = await request.inScope((scope) => calendarOverview(scope, tenant));
      const key = NOTICES.get(request.query.fait ?? '');
      const count = Math.min(Math.max(Number.parseInt(request.query.n ?? '0', 10) || 0, 0), 9999);
      return reply.page(
        request.t('calendar.title'),
        <CalendarPage
          {...overview}
          notice={key ? request.t(key === 'calendar.notice.imported.many' ? countKey('calendar.notice.imported', count) : key, { count }) : undefined}
        />,
      );
    });
    await app.register(setupEditorRoutes(holidayEditor));
    await app.register(setupEditorRoutes(closureEditor));
  };
}
