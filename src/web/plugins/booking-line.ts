import fp from 'fastify-plugin';
import type { Services } from '../../services.js';
import { answerTurnedAway, bookingGate } from '../booking-gate.js';
import { LineTickets } from '../line-tickets.js';
import { clickNow } from '../load-shedding.js';

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
    app.decorate('bookingGate', bookingGate(services, { maxBatch: config.bookingBatch, maxAdmitted: config.bookingQueue, maxWaitMs: config.bookingMaxWaitMs }));
    app.decorate('lineTickets', new LineTickets(config.secret));
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
