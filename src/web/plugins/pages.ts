import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ComponentChild, VNode } from 'preact';
import { HouseholdSummaryLookup } from '../../modules/households/household-summary.js';
import { WaitingThreadsLookup } from '../../modules/messages/waiting-threads.js';
import type { Services } from '../../services.js';
import { ERROR_PAGES, ErrorPage, type ErrorKind } from '../components/error-page.js';
import type { CsrfTokens } from '../csrf.js';
import { fillSlot, renderPage, SLOT, TurnedAwayPages } from '../render.js';

/**
 * Pages: `reply.page` renders a whole page in the request's context; `reply.framedPage` one whose
 * only part of its own is some HTML (the 503 page of a rush); unknown addresses and errors answer
 * pages in the request's language — 400 for input the routes' schemas refuse, 413 for a form too
 * large, never a 500 for what a person sent.
 */
export const pages = fp<{ services: Services; csrf: CsrfTokens; scripts: Record<string, string> }>(
  async (app, { services, csrf, scripts }) => {
    const lookups = { households: new HouseholdSummaryLookup(services.db.kysely), waitingThreads: new WaitingThreadsLookup(services.db.kysely) };
    const sendPage = (reply: FastifyReply, html: string, status: number) =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    app.decorateReply('page', async function page(this: FastifyReply, title: string, body: VNode, status = 200) {
      return sendPage(this, await renderPage(services, lookups, this.request, csrf, scripts, title, body), status);
    });
    app.decorateReply('errorPage', async function errorPage(this: FastifyReply, kind: ErrorKind, seconds?: number) {
      const { status, title } = ERROR_PAGES[kind];
      return this.page(this.request.t(title), ErrorPage({ kind, seconds }), status);
    });
    const turnedAwayPages = new TurnedAwayPages(services, csrf, scripts);
    app.decorateReply(
      'framedPage',
      async function framedPage(this: FastifyReply, title: string, frame: (slot: ComponentChild) => VNode, fieldsHtml: string, status = 200) {
        const html = this.request.turnedAway
          ? turnedAwayPages.render(this.request, title, frame, fieldsHtml)
          : fillSlot(await renderPage(services, lookups, this.request, csrf, scripts, title, frame(SLOT)), fieldsHtml);
        return sendPage(this, html, status);
      },
    );

    app.setNotFoundHandler(async (_request, reply) => reply.errorPage('notFound'));

    app.setErrorHandler(async (error: Error & { statusCode?: number; validation?: unknown; validationContext?: string }, request, reply) => {
      if (error.statusCode === 429) {
        const seconds = Math.max(1, Math.ceil(Number(reply.getHeader('retry-after') ?? 60)));
        return reply.errorPage('tooMany', seconds);
      }
      if (error.statusCode === 413) return reply.errorPage('tooLarge');
      // An address whose id is not an id names nothing: not found, as an unknown id.
      if ((error.validation && error.validationContext === 'params') || error.statusCode === 404) return reply.errorPage('notFound');
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        request.log.info({ err: error }, 'bad request');
        return reply.errorPage('badRequest');
      }
      request.log.error({ err: error }, 'request failed');
      return reply.errorPage('server');
    });
  },
  { name: 'pages', dependencies: ['request-context'] },
);
