import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addDays } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import type { BookingChoice, BookingOutcome, RefusalReason } from '../../modules/bookings/booking-requests.js';
import { cancelBooking, householdBookings } from '../../modules/bookings/cancellations.js';
import { confirmOffer } from '../../modules/bookings/planning.js';
import { applyForLottery } from '../../modules/lottery/lottery-applications.js';
import { actorOfSession } from '../../modules/identity/accounts.js';
import type { Services } from '../../services.js';
import { bookingContextOf } from '../booking-context.js';
import { placeInLine, submitBooking } from '../booking-gate.js';
import { bookingChoices } from '../line-tickets.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { cancellationMessage } from '../cancellation-message.js';
import { notFound, rangeError, sendApiError } from './api-errors.js';
import {
  applicationBody,
  applicationParams,
  applicationResponse,
  bearer,
  bookingBody,
  bookingParams,
  bookingResponse,
  bookingsQuery,
  bookingsResponse,
  cancelResponse,
  confirmResponse,
  errors,
  MAX_LIST_DAYS,
} from './api-schemas.js';
import type { Translate } from '../../i18n/catalogue.js';

/**
 * Too many parents at this second: nothing was booked; the app sends the same request again after
 * Retry-After, with the ticket that keeps its place.
 */
function answerUnavailable(request: FastifyRequest, reply: FastifyReply) {
  const { ticket, place, waitSeconds } = placeInLine(request, reply);
  return sendApiError(reply, 503, 'unavailable', request.t('api.error.queued', { place, seconds: waitSeconds }), {
    line: { ticket, place, retryAfterSeconds: waitSeconds },
  });
}

/** The choices a booking request sent, as its ticket is signed for (read before the body's schema): child|unit|day as the page sends them. */
function bodyChoices(body: unknown): string {
  const { activityId = '', choices } = (body ?? {}) as { activityId?: unknown; choices?: unknown };
  const listed = Array.isArray(choices) ? (choices as ({ childId?: unknown; unitId?: unknown; day?: unknown } | null)[]) : [];
  return bookingChoices(
    activityId,
    listed.map((choice) => `${String(choice?.childId)}|${String(choice?.unitId)}|${String(choice?.day)}`),
  );
}

/** Booking, cancelling and following bookings: the booking pipeline of the pages, answered in JSON. */
export function apiBookingRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Body: { activityId: string; choices: BookingChoice[] } }>(
    '/v1/bookings',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false, bookingLine: { turnAway: answerUnavailable, choices: bodyChoices } },
      schema: {
        tags: ['bookings'],
        operationId: 'book',
        summary: 'Book units and days for the household’s children',
        description:
          'Each choice is answered on its own: reserved, requested (the service validates), waitlisted with its rank, already (booked before: nothing is booked twice) or refused with the reason. A child of another household makes the whole request 404, and nothing is booked. Under a rush, 503 with Retry-After: nothing was booked, send the same request again.',
        security: bearer,
        body: bookingBody,
        response: { 200: bookingResponse, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const householdId = householdOf(request);
      const tenant = request.tenant!;
      const { activityId, choices } = request.body;
      // Through the same line as the booking page: under a rush the excess is answered 503 at once,
      // having booked nothing, and the app sends the same request again after Retry-After.
      const answer = await submitBooking(
        app.bookingGate,
        tenant,
        { actor: actorOfSession(request.session), householdId, activityId, choices },
        request.bookingClick?.at,
      );
      if (answer === 'shed') return answerUnavailable(request, reply);
      // Unknown activity, or a child of another household (an id it cannot know): nothing was booked.
      if (!answer) return notFound(request, reply);
      return {
        results: answer.results.map((result) => ({ childId: result.childId, unitId: result.unitId, day: result.day, ...outcomeOut(result.outcome, t) })),
      };
    },
  );

  app.post<{ Params: { id: string; periodId: string }; Body: { choices: BookingChoice[] } }>(
    '/v1/activities/:id/periods/:periodId/applications',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false },
      schema: {
        tags: ['bookings'],
        operationId: 'applyForLottery',
        summary: 'Apply for days of a period allocated by lottery',
        description:
          'While the period is open (`state` open, `allocation` lottery in the activities), each choice is recorded for the draw, or refused with the reason; applying twice records nothing twice. After the draw, the places given and the waiting-list ranks are bookings (GET /api/v1/bookings). A child of another household makes the whole request 404, and nothing is recorded. A first-come period is 409 `not_lottery`: book it with POST /api/v1/bookings.',
        security: bearer,
        params: applicationParams,
        body: applicationBody,
        response: { 200: applicationResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const tenant = request.tenant!;
      const applied = await request.inScope(async (scope) =>
        applyForLottery(scope, await bookingContextOf(services, scope, tenant), {
          householdId: householdOf(request),
          activityId: request.params.id,
          periodId: request.params.periodId,
          choices: request.body.choices,
        }),
      );
      if (applied.kind === 'not_found') return notFound(request, reply);
      if (applied.kind === 'not_lottery') return sendApiError(reply, 409, 'not_lottery', t('api.error.notLottery'));
      return {
        results: applied.answers.map(({ childId, unitId, day, outcome }) =>
          outcome.kind === 'refused' ? { childId, unitId, day, ...refusalOut(outcome.reason, t) } : { childId, unitId, day, outcome: outcome.kind },
        ),
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/bookings/:id',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false },
      schema: {
        tags: ['bookings'],
        operationId: 'cancelBooking',
        summary: 'Cancel a booking, or withdraw from a waiting list',
        description:
          'The units of the same child and day that need this one (a meal needs the day) are cancelled with it and listed in `dependents`. ' +
          'Refused (409) after the cancellation deadline (`deadline_passed`: the day stays booked and billed), when a unit that needs this one is past its own deadline (`dependent_deadline_passed`: both stay booked), or when the booking is past cancelling (`not_cancellable`).',
        security: bearer,
        params: bookingParams,
        response: { 200: cancelResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const tenant = request.tenant!;
      const outcome = await request.inScope(async (scope) =>
        cancelBooking(scope, await bookingContextOf(services, scope, tenant), { householdId: householdOf(request), bookingId: request.params.id }),
      );
      switch (outcome.kind) {
        case 'not_found':
          return notFound(request, reply);
        case 'refused':
          return sendApiError(reply, 409, outcome.reason, t('bookings.cancelRefused', { reason: t(`cancel.reason.${outcome.reason}`) }));
        case 'cancelled':
        case 'cancel_requested':
          return {
            outcome: outcome.kind,
            message: cancellationMessage(t, outcome.kind, outcome.dependents),
            // Left out when nothing went with it: the answer stays as it was for the apps already out.
            ...(outcome.dependents.length > 0 ? { dependents: outcome.dependents } : {}),
          };
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/bookings/:id/confirmation',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false },
      schema: {
        tags: ['bookings'],
        operationId: 'confirmOffer',
        summary: 'Take a place offered from the waiting list',
        description:
          'A booking whose status is `offered` (see `offerExpiresAt` in the list) becomes `reserved`. After `offerExpiresAt`, refused (409 `offer_expired`): the place goes to the next family. A booking that is not offered to this household is 404.',
        security: bearer,
        params: bookingParams,
        response: { 200: confirmResponse, ...errors(401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const outcome = await request.inScope((scope) => confirmOffer(scope, { householdId: householdOf(request), bookingId: request.params.id }));
      switch (outcome) {
        case 'not_found':
          return notFound(request, reply);
        case 'expired':
          return sendApiError(reply, 409, 'offer_expired', t('booking.reason.offer_expired'));
        case 'confirmed':
          return { outcome, status: 'reserved', statusText: t('booking.status.reserved') };
      }
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/bookings',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['bookings'],
        operationId: 'listBookings',
        summary: 'The household’s bookings and their states over a range of days',
        security: bearer,
        querystring: bookingsQuery,
        response: { 200: bookingsResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const tenant = request.tenant!;
      const from = request.query.from ?? localDate(services.clock.now(), tenant.time_zone);
      const to = request.query.to ?? addDays(from, 92);
      const invalidRange = rangeError(t, from, to, MAX_LIST_DAYS);
      if (invalidRange) return sendApiError(reply, 400, 'invalid_request', t('api.error.invalid'), { fields: invalidRange });
      const bookings = await request.inScope((scope) => householdBookings(scope, householdOf(request), from, to));
      return {
        from,
        to,
        bookings: bookings.map((booking) => ({
          id: booking.id,
          childId: booking.child_id,
          activityId: booking.activity_id,
          activityName: booking.activity_name,
          unitId: booking.unit_id,
          unitName: booking.unit_name,
          day: booking.day,
          status: booking.status,
          statusText: t(`booking.status.${booking.status}`),
          rank: booking.waitlist_rank,
          offerExpiresAt: booking.offer_expires_at?.toISOString() ?? null,
          reason: booking.reason,
        })),
      };
    },
  );
}

function outcomeOut(outcome: BookingOutcome, t: Translate) {
  switch (outcome.kind) {
    case 'reserved':
    case 'requested':
      return { outcome: outcome.kind, bookingId: outcome.bookingId };
    case 'awaiting_payment':
      return { outcome: 'awaiting_payment', bookingId: outcome.bookingId, expiresAt: outcome.expiresAt.toISOString() };
    case 'waitlisted':
      return { outcome: 'waitlisted', bookingId: outcome.bookingId, rank: outcome.rank };
    case 'already':
      return { outcome: 'already', bookingId: outcome.bookingId, status: outcome.status };
    case 'refused':
      return refusalOut(outcome.reason, t);
  }
}

/** A refused choice: the rules' reason, and its text in the asked language (the pages' words). */
function refusalOut(reason: RefusalReason, t: Translate) {
  return { outcome: 'refused', reason, reasonText: t(`booking.reason.${reason}`) };
}
