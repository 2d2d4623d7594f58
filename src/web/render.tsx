import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { HouseholdSummaryLookup } from '../modules/households/household-summary.js';
import type { Services } from '../services.js';
import { Layout } from './components/layout.js';
import type { CsrfTokens } from './csrf.js';
import { formatters } from '../i18n/catalogue.js';
import { type PageContext, PageContextProvider, type Viewer } from './page-context.js';

/** Renders a whole HTML page: the request's context, the layout, and the page's own content. */
export async function renderPage(
  services: Services,
  summaries: HouseholdSummaryLookup,
  request: FastifyRequest,
  csrf: CsrfTokens,
  assets: Record<string, string>,
  title: string,
  body: VNode,
): Promise<string> {
  const context: PageContext = {
    lang: request.lang,
    t: request.t,
    fmt: formatters(request.lang, request.tenant?.time_zone ?? 'Europe/Paris'),
    tenant: request.tenant,
    base: request.base,
    path: request.pathInTenant,
    csrfToken: csrf.tokenFor(request.csrfSecret),
    viewer: await viewerOf(summaries, request),
    awaitingSecondFactor: Boolean(request.tenant && request.session?.awaitingSecondFactor),
    sessionUnread: request.turnedAway,
    now: services.clock.now(),
    requestId: request.id,
    assets,
  };
  return `<!DOCTYPE html>${renderToString(
    <PageContextProvider.Provider value={context}>
      <Layout title={title}>{body}</Layout>
    </PageContextProvider.Provider>,
  )}`;
}

async function viewerOf(summaries: HouseholdSummaryLookup, request: FastifyRequest): Promise<Viewer | null> {
  const session = request.session;
  if (!session || session.awaitingSecondFactor || !request.tenant) return null;
  const { account } = session;
  const householdId = account.householdId;
  const household =
    account.kind === 'family' && householdId
      ? await summaries.get(request.tenant.id, householdId)
      : null;
  return { accountId: account.id, displayName: account.displayName, kind: account.kind, staffRole: account.staffRole, household };
}
