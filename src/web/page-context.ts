import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { StaffRole } from '../modules/identity/identity.tables.js';
import type { HouseholdSummary } from '../modules/households/household-summary.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import type { Formatters, Lang, Translate } from '../i18n/catalogue.js';

/** What the signed-in person sees of themselves on every page. */
export interface Viewer {
  accountId: string;
  displayName: string;
  kind: 'family' | 'staff';
  staffRole: StaffRole | null;
  household: HouseholdSummary | null;
  /** Staff only: the threads waiting for the service, shown in the header. */
  waitingThreads: number | null;
}

/** Everything a component needs to know about the request it renders for. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  fmt: Formatters;
  tenant: Tenant | null;
  /** Path prefix of the tenant ('' when the host name designates it). */
  base: string;
  /** Path of the current page inside the tenant, query included, for the language switch. */
  path: string;
  csrfToken: string;
  viewer: Viewer | null;
  /** A staff member who gave their password and not yet their second factor: no viewer yet, but the staff space's header and a way out. */
  awaitingSecondFactor?: boolean;
  /** A page shared by everyone turned away under a rush: the header offers neither log in nor log out. */
  sharedPage?: boolean;
  now: Date;
  requestId: string;
  /** URLs of the built assets (stylesheet, enhancement scripts), by name. */
  assets: Record<string, string>;
}

export const PageContextProvider = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const page = useContext(PageContextProvider);
  if (!page) throw new Error('usePage() outside of a rendered page');
  return page;
}

/** A link inside the current tenant. */
export function href(page: Pick<PageContext, 'base'>, path: string): string {
  return `${page.base}${path}`;
}
