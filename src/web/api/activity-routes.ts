import type { FastifyInstance } from 'fastify';
import type { Translate } from '../../i18n/catalogue.js';
import { closedText } from '../components/booking-status.js';
import { bookableActivities, familyCalendar, type CellState } from '../../modules/bookings/booking-calendar.js';
import { loadActivityDefinition } from '../../modules/activities/activity-definitions.js';
import { householdChildren } from '../../modules/households/household-overview.js';
import type { Services } from '../../services.js';
import { bookingContextOf } from '../booking-context.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { notFound, rangeError, sendApiError } from './api-errors.js';
import { activitiesResponse, activityParams, bearer, calendarQuery, calendarResponse, errors, MAX_CALENDAR_DAYS } from './api-schemas.js';

/** The activities a household can book, and their calendar per child with places left. */
export function apiActivityRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/activities',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['bookings'],
        operationId: 'listActivities',
        summary: 'Bookable activities with their units and booking periods',
        security: bearer,
        response: { 200: activitiesResponse, ...errors(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const activities = await request.inScope((scope) => bookableActivities(scope, householdOf(request)));
      const now = services.clock.now();
      return {
        activities: activities.map((activity) => ({
          id: activity.id,
          name: activity.name,
          startsOn: activity.startsOn,
          endsOn: activity.endsOn,
          units: activity.units.map((unit) => ({ id: unit.id, name: unit.name, code: unit.code })),
          periods: activity.periods.map((period) => ({
            id: period.id,
            name: period.name,
            firstDay: period.first_day,
            lastDay: period.last_day,
            opensAt: period.opens_at.toISOString(),
            closesAt: period.closes_at.toISOString(),
            allocation: period.allocation,
            state: now < period.opens_at ? 'upcoming' : now >= period.closes_at ? 'closed' : 'open',
          })),
        })),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { children?: string[]; from: string; to: string } }>(
    '/v1/activities/:id/calendar',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['bookings'],
        operationId: 'activityCalendar',
        summary: 'Each child’s calendar: per day, each unit booked, closed (with the reason) or open (with its deadline and places left)',
        description: `The same rules as the booking page, which never decide alone: booking checks them all again. At most ${MAX_CALENDAR_DAYS} days at once.`,
        security: bearer,
        params: activityParams,
        querystring: calendarQuery,
        response: { 200: calendarResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const { from, to } = request.query;
      const invalidRange = rangeError(t, from, to, MAX_CALENDAR_DAYS);
      if (invalidRange) return sendApiError(reply, 400, 'invalid_request', t('api.error.invalid'), { fields: invalidRange });
      const householdId = householdOf(request);
      const tenant = request.tenant!;
      const calendar = await request.inScope(async (scope) => {
        const own = (await householdChildren(scope, householdId)).map((child) => child.id);
        const asked = request.query.children?.length ? [...new Set(request.query.children)] : own;
        // Another household's child is answered as unknown, like any id the family may not see.
        if (asked.some((childId) => !own.includes(childId))) return null;
        const definition = await loadActivityDefinition(scope.tx, request.params.id);
        if (!definition) return null;
        return familyCalendar(scope, await bookingContextOf(services, scope, tenant), definition, {
          householdId,
          childIds: asked,
          from,
          to,
        });
      });
      if (!calendar) return notFound(request, reply);
      return {
        activity: { id: calendar.definition.activity.id, name: calendar.definition.activity.name },
        from,
        to,
        children: calendar.children.map((child) => ({
          childId: child.childId,
          name: child.name,
          enrollment: child.enrolled,
          days: child.days.map((calendarDay) => ({
            day: calendarDay.day,
            weekday: calendarDay.weekday,
            units: calendarDay.cells.map((cell) => ({ unitId: cell.unitId, ...cellOut(cell.state, t, calendar.definition.units) })),
          })),
        })),
      };
    },
  );
}

function cellOut(state: CellState, t: Translate, units: { id: string; name: string }[]) {
  switch (state.kind) {
    case 'booked':
      return { state: 'booked', bookingId: state.bookingId, status: state.status, statusText: t(`booking.status.${state.status}`), rank: state.rank };
    case 'closed':
      return {
        state: 'closed',
        reason: state.reason,
        reasonText: closedText(t, state, units),
        ...(state.conflictsWith ? { conflictsWith: state.conflictsWith } : {}),
      };
    case 'open':
      return { state: 'open', deadline: state.deadline.toISOString(), placesLeft: state.placesLeft ?? null, full: state.full };
  }
}
