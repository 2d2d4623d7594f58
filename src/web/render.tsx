import type { FastifyRequest } from 'fastify';
import type { ComponentChild, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { HouseholdSummaryLookup } from '../modules/households/household-summary.js';
import type { WaitingThreadsLookup } from '../modules/messages/waiting-threads.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import type { Services } from '../services.js';
import { Layout } from './components/layout.js';
import type { CsrfTokens } from './csrf.js';
import { formatters } from '../i18n/catalogue.js';
import { type PageContext, PageContextProvider, type Viewer } from './page-context.js';

/** What every page reads of its viewer besides their session, batched across requests. */
export interface ViewerLookups {
  households: HouseholdSummaryLookup;
  waitingThreads: WaitingThreadsLookup;
}

/** Renders a whole HTML page: the request's context, the layout, and the page's own content. */
export async function renderPage(
  services: Services,
  lookups: ViewerLookups,
  request: FastifyRequest,
  csrf: CsrfTokens,
  assets: Record<string, string>,
  title: string,
  body: VNode,
): Promise<string> {
  const context = { ...contextOf(services, request, assets), csrfToken: csrf.tokenOf(request), viewer: await viewerOf(lookups, request) };
  return renderInContext(context, title, body);
}

/** What a page knows of its request, but for the anti-forgery token and who is reading. */
function contextOf(services: Services, request: FastifyRequest, assets: Record<string, string>): Omit<PageContext, 'csrfToken' | 'viewer'> {
  return {
    lang: request.lang,
    t: request.t,
    fmt: formatters(request.lang, request.tenant?.time_zone ?? 'Europe/Paris'),
    tenant: request.tenant,
    base: request.base,
    path: request.pathInTenant,
    awaitingSecondFactor: Boolean(request.tenant && request.session?.awaitingSecondFactor),
    sharedPage: request.turnedAway,
    now: services.clock.now(),
    requestId: request.id,
    assets,
  };
}

function renderInContext(context: PageContext, title: string, body: VNode): string {
  return `<!DOCTYPE html>${renderToString(
    <PageContextProvider.Provider value={context}>
      <Layout title={title}>{body}</Layout>
    </PageContextProvider.Provider>,
  )}`;
}

async function viewerOf(lookups: ViewerLookups, request: FastifyRequest): Promise<Viewer | null> {
  const session = request.session;
  if (!session || session.awaitingSecondFactor || !request.tenant) return null;
  const { account } = session;
  const householdId = account.householdId;
  const household = account.kind === 'family' && householdId ? await lookups.households.get(request.tenant.id, householdId) : null;
  const waitingThreads = account.kind === 'staff' ? await lookups.waitingThreads.get(request.tenant.id) : null;
  return { accountId: account.id, displayName: account.displayName, kind: account.kind, staffRole: account.staffRole, household, waitingThreads };
}

// Stand-ins that escaping leaves as they are and no page contains.
export const SLOT = '\u0001slot\u0001';
const CSRF_TOKEN = '\u0001csrf\u0001';

/**
 * The pages of requests turned away under a rush: every such answer of an authority, in a language,
 * at an address, is the same but for the anti-forgery token and the request's own fields (it names
 * nobody, so it offers neither log in nor log out). The page is rendered once around a slot and each answer fills it in —
 * under a rush hundreds are answered in the same second, and the layout is most of their cost.
 */
export class TurnedAwayPages {
  private readonly shells = new WeakMap<Tenant, Map<string, string[]>>();

  constructor(
    private readonly services: Services,
    private readonly csrf: CsrfTokens,
    private readonly assets: Record<string, string>,
  ) {}

  /** The page `frame` around `fieldsHtml`, for a request turned away under a rush. */
  render(request: FastifyRequest, title: string, frame: (slot: ComponentChild) => VNode, fieldsHtml: string): string {
    const token = this.csrf.tokenOf(request);
    const [before, after] = this.shell(request, title, frame).map((part) => part.replaceAll(CSRF_TOKEN, token));
    return `${before}${fieldsHtml}${after}`;
  }

  private shell(request: FastifyRequest, title: string, frame: (slot: ComponentChild) => VNode): string[] {
    // An address with a query string is not kept: anyone could make the cache grow with them.
    if (!request.tenant || request.pathInTenant.includes('?')) return this.renderShell(request, title, frame);
    const byTenant = this.shells.get(request.tenant) ?? new Map<string, string[]>();
    this.shells.set(request.tenant, byTenant);
    const key = `${request.lang}|${request.base}|${request.pathInTenant}|${title}`;
    const shell = byTenant.get(key) ?? this.renderShell(request, title, frame);
    byTenant.set(key, shell);
    return shell;
  }

  /** The page around the slot, split there, with a stand-in for the anti-forgery token (the layout shows neither the clock nor the request id it is given). */
  private renderShell(request: FastifyRequest, title: string, frame: (slot: ComponentChild) => VNode): string[] {
    const context = { ...contextOf(this.services, request, this.assets), csrfToken: CSRF_TOKEN, viewer: null };
    return splitAtSlot(renderInContext(context, title, frame(SLOT)));
  }
}

/** A page rendered around `SLOT` (once), with `html` in its place. */
export function fillSlot(page: string, html: string): string {
  const [before, after] = splitAtSlot(page);
  return `${before}${html}${after}`;
}

function splitAtSlot(page: string): string[] {
  const parts = page.split(SLOT);
  if (parts.length !== 2) throw new Error(`a framed page must show its slot once, not ${parts.length - 1} times`);
  return parts;
}

/**
 * Hidden form fields as HTML, written directly rather than through components: the 503 page of a
 * rush carries a dozen of them, and hundreds of such pages are answered in the same second.
 */
export function hiddenFieldsHtml(fields: [name: string, value: string][]): string {
  return fields.map(([name, value]) => `<input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}"/>`).join('');
}

/** A paragraph of text as HTML, with its attributes, written directly for the same reason. */
export function paragraphHtml(text: string, attributes: Record<string, string> = {}): string {
  const written = Object.entries(attributes).map(([name, value]) => ` ${escapeAttribute(name)}="${escapeAttribute(value)}"`);
  return `<p${written.join('')}>${escapeAttribute(text)}</p>`;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };

function escapeAttribute(value: string): string {
  return value.replace(/[&"'<>]/g, (character) => ATTRIBUTE_ESCAPES[character]!);
}
