import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { expectedChildren, tenantToday } from '../../modules/bookings/attendance.js';
import { countToValidate } from '../../modules/bookings/booking-decisions.js';
import { waitingThreadCount } from '../../modules/messages/waiting-threads.js';
import { countRecentEmails } from '../../modules/notifications/outbox.js';
import { WAITING_THREADS_PATH } from '../components/layout.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { countPendingAccountRequests } from '../../modules/households/account-requests.js';
import { countPendingChangeRequests } from '../../modules/households/change-requests.js';
import { unknownSchoolYears } from '../../modules/calendar/school-years.js';
import { UnknownSchoolYearsAlert } from './unknown-school-years.js';

/** The back office home. */
export function dashboardRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion', { preHandler: requireStaff() }, async (request, reply) => {
      const counts = await request.inScope(async (scope) => ({
        pendingRequests: await countPendingAccountRequests(scope),
        pendingChanges: await countPendingChangeRequests(scope),
        recentEmails: await countRecentEmails(scope),
        toValidate: await countToValidate(scope),
        expectedToday: await expectedChildren(scope, await tenantToday(scope)),
        waitingThreads: await waitingThreadCount(scope),
        unknownSchoolYears: await unknownSchoolYears(scope),
      }));
      return reply.page(request.t('staff.dashboard.title'), <Dashboard {...counts} />);
    });
  };
}

function Dashboard(props: {
  pendingRequests: number;
  pendingChanges: number;
  recentEmails: number | null;
  toValidate: number;
  expectedToday: number;
  waitingThreads: number;
  unknownSchoolYears: number[];
}) {
  const page = usePage();
  const { t, viewer } = page;
  const tiles: [MessageKey, number | null, MessageKey, string][] = [
    ['staff.dashboard.waitingThreads', props.waitingThreads, 'staff.dashboard.seeWaitingThreads', WAITING_THREADS_PATH],
    ['staff.dashboard.toValidate', props.toValidate, 'staff.dashboard.seeValidations', '/gestion/validations'],
    ['staff.dashboard.expectedToday', props.expectedToday, 'staff.dashboard.seeAttendance', '/gestion/presences'],
    ['staff.dashboard.changeRequests', props.pendingChanges, 'staff.dashboard.seeChangeRequests', '/gestion/demandes'],
    ['staff.dashboard.pendingRequests', props.pendingRequests, 'staff.dashboard.seeRequests', '/gestion/demandes-de-compte'],
    ['staff.dashboard.outbox', props.recentEmails, 'staff.dashboard.seeOutbox', '/gestion/courriels'],
  ];
  return (
    <>
      <h1>{t('staff.dashboard.title')}</h1>
      <p>
        {t('staff.dashboard.welcome', { name: viewer?.displayName ?? '' })}{' '}
        {t('staff.dashboard.role', { role: t(`staff.role.${viewer?.staffRole ?? 'reader'}`) })}
      </p>
      <UnknownSchoolYearsAlert years={props.unknownSchoolYears} />
      <div class="fr-grid-row fr-grid-row--gutters">
        {tiles.map(
          ([title, count, link, path]) =>
            count !== null && (
              <div class="fr-col-12 fr-col-md-4" key={path}>
                <div class="fr-tile fr-enlarge-link">
                  <div class="fr-tile__body">
                    <div class="fr-tile__content">
                      <h2 class="fr-tile__title">
                        <a href={href(page, path)}>{t(title)}</a>
                      </h2>
                      {/* As on the family home: the figure, then where the tile leads, each on its own line. */}
                      <p class="fr-tile__desc">
                        <strong class="fr-h4 fr-mb-0">{count}</strong>
                      </p>
                      <p class="fr-tile__detail">{t(link)}</p>
                    </div>
                  </div>
                </div>
              </div>
            ),
        )}
      </div>
    </>
  );
}
