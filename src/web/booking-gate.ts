import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../db/tenant-scope.js';
import { SYSTEM } from '../modules/actor.js';
import { requestBookingsTogether, type BookingSubmission, type ChoiceResult } from '../modules/bookings/booking-requests.js';
import { keepSubmissions } from '../modules/bookings/booking-submissions.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import { tenantPublicBase } from '../modules/tenancy/tenants.js';
import type { Services } from '../services.js';
import { bookingContextOf } from './booking-context.js';
import type { LinePlaces } from '../modules/bookings/shared-booking-line.js';
import { BatchGate, type BatchGateOptions, type BatchRunner, clickNow } from './load-shedding.js';

/** Seconds after which a booking turned away under a rush is sent again, by the page or the app. */
export const BOOKING_RETRY_AFTER_SECONDS = 2;

/** A booking form (page or API) waiting its authority's turn. */
export interface GatedSubmission {
  tenant: Tenant;
  submission: BookingSubmission;
}

/** A submission's answer: each choice's outcome, and the id of the record that keeps it for the result page. */
export interface BookingAnswer {
  results: ChoiceResult[];
  submissionId: string;
}

export type BookingGate = BatchGate<GatedSubmission, BookingAnswer | null>;

/**
 * The line every booking submission of this process joins, one per authority: each turn answers
 * the submissions waiting in one transaction of that authority (web/load-shedding.ts). `places`
 * (a SharedBookingLine) makes it one line with the other processes on the database.
 */
export function bookingGate(services: Services, options: BatchGateOptions, places?: LinePlaces): BookingGate {
  return new BatchGate(bookingTurn(services), options, places);
}

/**
 * One turn of the line: its submissions answered together, in one transaction of their authority,
 * on the database's priority lane (a turn must not wait behind hundreds of page reads). Each answer
 * is kept for the result page the family is sent to, which reads the children's and units' names
 * itself, outside the turn.
 */
export function bookingTurn(services: Services): BatchRunner<GatedSubmission, BookingAnswer | null> {
  return async (items) => {
    const { tenant } = items[0]!;
    const submissions = items.map((item) => item.submission);
    let emailQueued = false;
    const answers = await inTenant(services.db.priority, tenant.id, async (tx) => {
      // Each submission carries the actor who sent it, checked on its own; the turn is nobody's.
      const scope = {
        tx,
        tenantId: tenant.id,
        actor: SYSTEM,
        now: services.clock.now(),
        publicBase: tenantPublicBase(services.config.publicUrl, tenant),
        afterCommit: () => {
          emailQueued = true;
        },
      };
      const answers = await requestBookingsTogether(scope, await bookingContextOf(services, scope, tenant), submissions);
      const kept = await keepSubmissions(
        scope,
        submissions.map((submission, index) => ({ submission, results: answers[index]! })),
      );
      return answers.map((results, index) => (results ? { results, submissionId: kept[index]! } : null));
    });
    // The waiting-list emails of the turn leave at once rather than at the next sweep.
    if (emailQueued) services.mail.wake();
    return answers;
  };
}

/**
 * Answers a booking request turned away at its arrival, by its route's `bookingLine.turnAway`: one
 * per turn of the event loop, so that those let in go on between them (web/load-shedding.ts).
 */
export async function answerTurnedAway(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await request.server.bookingGate.turnedAway.next();
  await request.routeOptions.config.bookingLine!.turnAway(request, reply);
}

/**
 * Lines up one household's booking form, in the order of its first click (`clickedAt`, clickNow);
 * 'shed' when the line is too long to answer in time.
 */
export function submitBooking(gate: BookingGate, tenant: Tenant, submission: BookingSubmission, clickedAt?: number): Promise<BookingAnswer | null | 'shed'> {
  return gate.submit(tenant.id, { tenant, submission }, clickedAt);
}

/** What a booking request turned away is told: its ticket to send back, its place among those waiting, and when to come back. */
export interface PlaceInLine {
  ticket: string;
  place: number;
  waitMs: number;
  /** The wait in whole seconds, for Retry-After and for people. */
  waitSeconds: number;
}

/** The place kept for a booking request turned away (its line full, or its turn too late), and its ticket. */
export function placeInLine(request: FastifyRequest, reply: FastifyReply): PlaceInLine {
  const tenantId = request.tenant!.id;
  const at = clickNow();
  const click = request.bookingClick ?? {
    at,
    key: `${request.session!.account.id}|${at}`,
    choices: request.routeOptions.config.bookingLine!.choices(request.body),
  };
  const { place, waitMs } = request.server.bookingGate.placeInLine(tenantId, click.key, click.at);
  const waitSeconds = Math.ceil(waitMs / 1000);
  reply.header('retry-after', String(waitSeconds));
  return { ticket: request.server.lineTickets.issue(tenantId, request.session!.account.id, click.choices, click.at), place, waitMs, waitSeconds };
}
