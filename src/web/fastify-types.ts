import type { ComponentChild, VNode } from 'preact';
import type { Session } from '../modules/identity/sessions.js';
import type { Scope } from '../modules/scope.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import type { Lang, Translate } from '../i18n/catalogue.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authority the URL belongs to; null on the installation's own pages (tenant list, health). */
    tenant: Tenant | null;
    /** Path prefix of the tenant in links ('' when chosen by host name). */
    base: string;
    /** Path inside the tenant, query included. */
    pathInTenant: string;
    lang: Lang;
    t: Translate;
    session: Session | null;
    /** Raw session cookie, to end it at logout or rotate it at login. */
    sessionToken: string | undefined;
    csrfSecret: string;
    /** Absolute URL of the tenant's portal, for links in emails. */
    publicBase: string;
    /**
     * A booking request turned away under a rush, its line full, before its own work: answered 503
     * by its route's `bookingLine.turnAway`.
     */
    turnedAway: boolean;
    /**
     * A booking request's place in its line: when it was first clicked (µs, load-shedding.ts clickNow; its ticket's time
     * when it comes back with one, web/line-tickets.ts), the key of the place kept for it, and the
     * choices its ticket is for (line-tickets.ts bookingChoices).
     */
    bookingClick: { at: number; key: string; choices: string } | null;
    /** Runs work in one transaction of the request's tenant, as the request's actor. */
    inScope<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
  }
  interface FastifyReply {
    /** Renders a full page (layout included) with the request's context. */
    page(title: string, body: VNode, status?: number): Promise<FastifyReply>;
    /** The error page of a kind, with its status (404, 403…), in the request's language. */
    errorPage(kind: import('./components/error-page.js').ErrorKind, seconds?: number): Promise<FastifyReply>;
    /**
     * A page whose only part of its own is `fieldsHtml` (hiddenFieldsHtml), inside `frame`: for a
     * request turned away under a rush, the rest is rendered once and reused
     * (web/render.tsx).
     */
    framedPage(title: string, frame: (slot: ComponentChild) => VNode, fieldsHtml: string, status?: number): Promise<FastifyReply>;
  }
  interface FastifyInstance {
    /** Seals the single-use secrets of queued emails (notifications/outbox.ts). */
    outboxSecrets: import('../modules/security/sealed-box.js').SealedBox;
    /** Lines booking submissions up, answers them in batches and sheds the excess with 503 (web/booking-gate.ts). */
    bookingGate: import('./booking-gate.js').BookingGate;
    /** Signs and reads the booking line's tickets, the places of those turned away (web/line-tickets.ts). */
    lineTickets: import('./line-tickets.js').LineTickets;
  }
  interface FastifyContextConfig {
    /** false for server-to-server callbacks that cannot carry a form token. */
    csrf?: boolean;
    /**
     * A route that books: its requests join the authority's booking line once whole and their
     * sender known (web/app.ts, web/load-shedding.ts), and those turned away are answered by
     * `turnAway` (the page's 503 sends the same choices again). `choices` reads the body as sent
     * (before its schema): the booking's choices, which its ticket is for (line-tickets.ts bookingChoices).
     */
    bookingLine?: {
      turnAway(request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply): unknown;
      choices(body: unknown): string;
    };
  }
}
