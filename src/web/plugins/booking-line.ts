import fp from 'fastify-plugin';
import type { Services } from '../../services.js';
import { answerTurnedAway, bookingGate } from '../booking-gate.js';
import { SharedBookingLine } from '../../modules/bookings/shared-booking-line.js';
import { LineTickets } from '../line-tickets.js';
import { clickNow } from '../load-shedding.js';

/**
 * How often each process writes and reads its part of the shared lines while they are busy: another's
 * is seen here within about twice this (modules/bookings/shared-booking-line.ts). Shorter than the
 * rate limits' half second: under a rush a line turns over several times a second, and a view half
 * a second old turns tickets back behind places already honoured elsewhere (a rush of 500 parents
 * on two processes retried twice as often as on one). Five small statements a flush at most.
 */
const BOOKING_LINE_FLUSH_MS = 100;

/**
 * Mail waits while a line was full within this long (modules/notifications/email-sender.ts): on
 * registration day the parents turned away and coming back keep it waiting until the rush is
 * over; on an ordinary day, however many book, the line has room and mail goes at once.
 */
const BOOKINGS_FIRST_MS = 1000;

/**
 * The booking line of each authority (web/booking-gate.ts, web/load-shedding.ts). A booking request
 * joins it once it is whole and its sender known: body read (within the request time limit),
 * anti-forgery token checked, session or API token found. A slow or anonymous client never holds a
 * place: the line counts only requests the server itself is working on. Beyond the line's size the
 * answer is 503 at once, with a ticket that keeps the request's place (web/line-tickets.ts); the
 * page sends the same choices again by itself, with a valid token and the ticket.
 */
export const bookingLine = fp<{ services: Services }>(
  async (app, { services }) => {
    const { config } = services;
    // The embedded database has one process (its folder is locked): its lines stay in its memory.
    const share =
      services.db.kind === 'postgres'
        ? new SharedBookingLine(services.db.priority, {
            flushMs: BOOKING_LINE_FLUSH_MS,
            onError: (error) => app.log.warn({ err: error }, 'the booking line could not be shared; decided here meanwhile'),
          })
        : undefined;
    if (share) app.addHook('onClose', () => share.close());
    app.decorate(
      'bookingGate',
      bookingGate(services, { maxBatch: config.bookingBatch, maxAdmitted: config.bookingQueue, maxWaitMs: config.bookingMaxWaitMs }, share),
    );
    app.decorate('lineTickets', new LineTickets(config.secret));
    const gate = app.bookingGate;
    services.mail.deferWhile(() => gate.fullWithin(BOOKINGS_FIRST_MS));
    app.addHook('preValidation', async (request, reply) => {
      const line = request.routeOptions.config.bookingLine;
      if (!line || !request.tenant) return;
      if (await app.refusedAsForged(request, reply)) return reply;
      // Left to the route's guard, which sends the visitor to log in (or the app a 401).
      if (!request.session || request.session.awaitingSecondFactor) return;
      const holder = request.session.account.id;
      const ticket = (request.body as { ticket?: unknown } | undefined)?.ticket;
      const choices = line.choices(request.body);
      const at = app.lineTickets.clickedAt(request.tenant.id, holder, choices, ticket) ?? clickNow();
      request.bookingClick = { at, key: `${holder}|${at}`, choices };
      const release = app.bookingGate.admit(request.tenant.id, at, request.bookingClick.key);
      if (release) {
        reply.raw.once('close', release);
        return;
      }
      request.turnedAway = true;
      await answerTurnedAway(request, reply);
      return reply;
    });
  },
  { name: 'booking-line', dependencies: ['request-context', 'anti-forgery'] },
);
