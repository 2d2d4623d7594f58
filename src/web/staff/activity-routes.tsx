import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  activityFormValues,
  getActivitySetup,
  listActivities,
  PREVIEW_FIELDS,
  previewActivityDeadlines,
  saveActivity,
  type ActivityField,
} from '../../modules/activities/activity-admin.js';
import { activityRoster } from '../../modules/bookings/activity-enrollments.js';
import { dayOverrides } from '../../modules/bookings/places-admin.js';
import { tenantToday } from '../../modules/activities/setup-forms.js';
import { listSites } from '../../modules/activities/site-admin.js';
import type { Services } from '../../services.js';
import { requireStaff } from '../guards.js';
import { ACTIVITIES_PATH, noticeOf, previewCalendar, setupMessages, setupNotice, type FormValues } from './activity-common.js';
import { staffActivityEnrollmentRoutes } from './activity-enrollment-routes.js';
import { ActivityFormPage, ActivityListPage, ActivityOverviewPage, type ActivityForm } from './activity-pages.js';
import { periodEditor } from './activity-period-routes.js';
import { poolEditor, staffDayPlacesRoutes } from './activity-places-routes.js';
import { siteEditor } from './activity-site-routes.js';
import { groupEditor, unitEditor } from './activity-unit-routes.js';
import { OF_AUTHORITY, type SetupEditor, setupEditorRoutes } from './setup-editor.js';
import { shuttleStopEditor, staffShuttleRoutes } from './activity-shuttle-routes.js';
import { IdParams, NoticeQuery } from './staff-input.js';

/** What a new activity's form starts with: the most common set-up (school days, two days before). */
const NEW_ACTIVITY: FormValues = {
  weekdays: ['1', '2', '4', '5'],
  opening: 'school_days',
  validationMode: 'automatic',
  waitlistMode: 'automatic',
  offerHours: '48',
  requiresEnrollment: 'true',
  showPlacesLeft: 'false',
  bookingType: 'days_before',
  bookingDays: '2',
  bookingTime: '00:00',
  cancelType: 'days_before',
  cancelDays: '2',
  cancelTime: '00:00',
};

/** Activities: their list, a new one, a change (with the preview of the deadlines its rules give). */
function activityEditor(services: Services): SetupEditor<null, ActivityField, ActivityForm> {
  return {
    path: ACTIVITIES_PATH,
    parent: OF_AUTHORITY,
    added: 'nouvelle',
    edit: '/modifier',
    titles: { add: 'setup.activities.addTitle', edit: 'setup.activities.editTitle' },
    list: {
      title: 'setup.activities.title',
      render: async (scope, done, t) => <ActivityListPage activities={await listActivities(scope)} notice={noticeOf(t, done)} />,
    },
    async load(scope, { itemId }, typed, request) {
      const setup = itemId ? await getActivitySetup(scope, itemId) : null;
      if (itemId && !setup) return null;
      const values = typed ?? (setup ? activityFormValues(setup.activity) : NEW_ACTIVITY);
      const preview = await previewActivityDeadlines(scope, await previewCalendar(services, scope, request), itemId, values);
      return { values, sites: await listSites(scope), preview: preview.days, timeZone: (await tenantToday(scope)).timeZone };
    },
    form: (view, { itemId }, errors) => <ActivityFormPage id={itemId} {...view} errors={errors} />,
    save: (scope, { itemId }, form) => saveActivity(scope, itemId, form),
    preview: {
      fields: PREVIEW_FIELDS,
      errors: async (scope, { itemId }, form, request) =>
        (await previewActivityDeadlines(scope, await previewCalendar(services, scope, request), itemId, form)).errors,
    },
    messages: setupMessages,
    // A saved activity's own page (activities are not deleted here).
    back: (_at, done) => (done.kind === 'saved' ? `${ACTIVITIES_PATH}/${done.id}?fait=${setupNotice(done)}` : ACTIVITIES_PATH),
  };
}

/**
 * The back office set-up of what families can book, under /gestion/activites: activities, and
 * (registered from here) sites, groups and units, places, booking periods and enrollments.
 * Every staff role reads; managers and administrators change.
 */
export function staffActivityRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(setupEditorRoutes(activityEditor(services)));

    app.get(`${ACTIVITIES_PATH}/:id`, { preHandler: requireStaff(), schema: { params: IdParams, querystring: NoticeQuery } }, async (request, reply) => {
      const { id } = request.params;
      const overview = await request.inScope(async (scope) => {
        const setup = await getActivitySetup(scope, id);
        if (!setup) return null;
        return {
          setup,
          overrides: await dayOverrides(
            scope,
            setup.pools.map((pool) => pool.id),
          ),
          enrolledCount: (await activityRoster(scope, id)).filter((entry) => entry.status === 'accepted').length,
          timeZone: (await tenantToday(scope)).timeZone,
        };
      });
      if (!overview) return reply.errorPage('notFound');
      return reply.page(overview.setup.activity.name, <ActivityOverviewPage {...overview} notice={noticeOf(request.t, request.query.fait)} />);
    });

    await app.register(setupEditorRoutes(siteEditor));
    await app.register(setupEditorRoutes(groupEditor));
    await app.register(setupEditorRoutes(unitEditor(services)));
    await app.register(setupEditorRoutes(poolEditor));
    await app.register(staffDayPlacesRoutes());
    await app.register(setupEditorRoutes(periodEditor));
    await app.register(staffActivityEnrollmentRoutes());
    await app.register(setupEditorRoutes(shuttleStopEditor));
    await app.register(staffShuttleRoutes());
  };
}
