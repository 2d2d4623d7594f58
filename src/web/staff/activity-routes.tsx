import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  activityFormValues, getActivitySetup, listActivities, PREVIEW_FIELDS, previewActivityDeadlines, saveActivity, type ActivityField,
} from '../../modules/activities/activity-admin.js';
import { activityRoster } from '../../modules/bookings/activity-enrollments.js';
import { dayOverrides } from '../../modules/bookings/places-admin.js';
import { tenantToday, type SetupErrors } from '../../modules/activities/setup-forms.js';
import { listSites } from '../../modules/activities/site-admin.js';
import type { Services } from '../../services.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { ACTIVITIES_PATH, forbidden, noticeOf, notFound, previewCalendar, setupForm, setupMessages, type FormValues } from './activity-common.js';
import { staffActivityEnrollmentRoutes } from './activity-enrollment-routes.js';
import { ActivityFormPage, ActivityListPage, ActivityOverviewPage } from './activity-pages.js';
import { staffActivityPeriodRoutes } from './activity-period-routes.js';
import { staffActivityPlacesRoutes } from './activity-places-routes.js';
import { staffActivitySiteRoutes } from './activity-site-routes.js';
import { staffActivityUnitRoutes } from './activity-unit-routes.js';

/** What a new activity's form starts with: the most common set-up (school days, two days before). */
const NEW_ACTIVITY: FormValues = {
  weekdays: ['1', '2', '4', '5'],
  opening: 'school_days',
  validationMode: 'automatic',
  waitlistMode: 'automatic',
  offerHours: '48',
  requiresEnrollment: 'true',
  bookingType: 'days_before',
  bookingDays: '2',
  bookingTime: '00:00',
  cancelType: 'days_before',
  cancelDays: '2',
  cancelTime: '00:00',
};

/**
 * The back office set-up of what families can book, under /gestion/activites: activities, and
 * (registered from here) sites, groups and units, places, booking periods and enrollments.
 * Every staff role reads; managers and administrators change.
 */
export function staffActivityRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };

    app.get(ACTIVITIES_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const activities = await request.inScope((scope) => listActivities(scope));
      return reply.page(request.t('setup.activities.title'), <ActivityListPage activities={activities} notice={noticeOf(request.t, request.query)} />);
    });

    /** The form, with the preview of the deadlines its rules give (and, on a preview, only the errors that prevent it). */
    const formPage = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined, values: FormValues, errors: SetupErrors<ActivityField>, status: number) => {
      const { sites, preview, timeZone } = await request.inScope(async (scope) => ({
        sites: await listSites(scope),
        preview: await previewActivityDeadlines(scope, await previewCalendar(services, scope, request), id ?? null, values),
        timeZone: (await tenantToday(scope)).timeZone,
      }));
      return reply.page(
        request.t(id ? 'setup.activities.editTitle' : 'setup.activities.addTitle'),
        <ActivityFormPage id={id} values={values} errors={setupMessages(request.t, errors)} sites={sites} preview={preview.days} timeZone={timeZone} />,
        status,
      );
    };

    /** A submitted form: a preview is shown again with its result; a save goes back to the activity. */
    const submit = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
      const form = setupForm(request);
      if (form.action === 'preview') {
        const { errors } = await request.inScope(async (scope) => previewActivityDeadlines(scope, await previewCalendar(services, scope, request), id ?? null, form));
        const shown = Object.fromEntries(Object.entries(errors).filter(([field]) => PREVIEW_FIELDS.includes(field as ActivityField)));
        return formPage(request, reply, id, form, shown, 200);
      }
      const result = await request.inScope((scope) => saveActivity(scope, id ?? null, form));
      if (result.kind === 'saved') return reply.redirect(`${request.base}${ACTIVITIES_PATH}/${result.id}?fait=enregistre`);
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return formPage(request, reply, id, form, result.errors, 400);
    };

    app.get(`${ACTIVITIES_PATH}/nouvelle`, manager, async (request, reply) => formPage(request, reply, undefined, NEW_ACTIVITY, {}, 200));
    app.post(`${ACTIVITIES_PATH}/nouvelle`, manager, async (request, reply) => submit(request, reply, undefined));

    app.get(`${ACTIVITIES_PATH}/:id`, { preHandler: requireStaff() }, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply);
      const overview = await request.inScope(async (scope) => {
        const setup = await getActivitySetup(scope, id);
        if (!setup) return null;
        return {
          setup,
          overrides: await dayOverrides(scope, setup.pools.map((pool) => pool.id)),
          enrolledCount: (await activityRoster(scope, id)).filter((entry) => entry.status === 'accepted').length,
          timeZone: (await tenantToday(scope)).timeZone,
        };
      });
      if (!overview) return notFound(request, reply);
      return reply.page(overview.setup.activity.name, <ActivityOverviewPage {...overview} notice={noticeOf(request.t, request.query)} />);
    });

    app.get(`${ACTIVITIES_PATH}/:id/modifier`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const setup = isUuid(id) ? await request.inScope((scope) => getActivitySetup(scope, id)) : null;
      if (!setup) return notFound(request, reply);
      return formPage(request, reply, id, activityFormValues(setup.activity), {}, 200);
    });

    app.post(`${ACTIVITIES_PATH}/:id/modifier`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const exists = isUuid(id) && (await request.inScope((scope) => getActivitySetup(scope, id))) !== null;
      if (!exists) return notFound(request, reply);
      return submit(request, reply, id);
    });

    await app.register(staffActivitySiteRoutes());
    await app.register(staffActivityUnitRoutes(services));
    await app.register(staffActivityPlacesRoutes());
    await app.register(staffActivityPeriodRoutes());
    await app.register(staffActivityEnrollmentRoutes());
  };
}
