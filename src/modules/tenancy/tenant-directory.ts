import type { Selectable } from 'kysely';
import type { Database } from '../../db/database.js';
import { asSystem } from '../../db/tenant-scope.js';
import type { TenantsTable } from './tenancy.tables.js';

export type Tenant = Selectable<TenantsTable>;

/** Words that can never be a tenant's path prefix, because the portal itself answers there. */
export const RESERVED_SLUGS = new Set(['assets', 'health', 'ready', 'metrics', 'api', 'static', 'favicon.ico', 'robots.txt']);

/**
 * Every tenant, kept in memory: the tenant of each request is found without a query, from the host
 * name or, for local use, from the first path segment. Reloaded by the process that changes a
 * tenant, and by every process that `follow`s the table's change signal (migration 0018).
 */
export class TenantDirectory {
  private bySlug = new Map<string, Tenant>();
  private byHost = new Map<string, Tenant>();
  private byId = new Map<string, Tenant>();
  private reloading: Promise<void> | undefined;
  private changedMeanwhile = false;

  constructor(private readonly db: Database) {}

  /** Reloads after each change of the tenants table commits, whichever process made it; returns the way to stop. */
  follow(log: (message: string) => void): Promise<() => Promise<void>> {
    return this.db.listen('tenants_changed', () => this.reloadSoon(log));
  }

  /** One reload at a time; signals that arrive during one are answered by one more. */
  private reloadSoon(log: (message: string) => void): void {
    if (this.reloading) {
      this.changedMeanwhile = true;
      return;
    }
    this.reloading = this.reload()
      .catch((error: Error) => log(`tenants: reload failed: ${error.message}`))
      .finally(() => {
        this.reloading = undefined;
        if (this.changedMeanwhile) {
          this.changedMeanwhile = false;
          this.reloadSoon(log);
        }
      });
  }

  async reload(): Promise<void> {
    const tenants = await asSystem(this.db, (tx) => tx.selectFrom('tenants').selectAll().orderBy('name').execute());
    this.bySlug = new Map(tenants.map((tenant) => [tenant.slug, tenant]));
    this.byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
    this.byHost = new Map(tenants.flatMap((tenant) => tenant.hosts.map((host) => [host.toLowerCase(), tenant] as const)));
  }

  all(): Tenant[] {
    return [...this.bySlug.values()];
  }

  byIdOrUndefined(id: string): Tenant | undefined {
    return this.byId.get(id);
  }

  /**
   * The tenant a URL belongs to, and the path prefix to keep in its links: none when the host name
   * is the tenant's own, `/<slug>` when the tenant is chosen by path.
   */
  resolve(host: string | undefined, path: string): { tenant: Tenant; base: string } | undefined {
    const hostName = (host ?? '').toLowerCase().replace(/:\d+$/, '');
    const byHost = this.byHost.get(hostName);
    if (byHost) return { tenant: byHost, base: '' };
    const slug = /^\/([a-z0-9][a-z0-9-]*)(?:[/?]|$)/.exec(path)?.[1];
    const bySlug = slug === undefined ? undefined : this.bySlug.get(slug);
    return bySlug ? { tenant: bySlug, base: `/${bySlug.slug}` } : undefined;
  }
}
