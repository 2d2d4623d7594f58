import type { Database } from '../../db/database.js';
import { inTenant, type Tx } from '../../db/tenant-scope.js';
import { calendarVersion, loadTenantCalendar, type CalendarTenant } from './calendar-store.js';
import type { TenantCalendar } from './tenant-calendar.js';

interface Entry {
  calendar: TenantCalendar;
  version: string;
  zone: string;
  region: string | null;
  loadedAt: number;
}

export interface CalendarCacheOptions {
  /** Reload at least this often even when no change was seen (default 60 s). */
  maxAgeMs?: number;
  /** Milliseconds now; tests pass their own. */
  now?: () => number;
}

/**
 * Each tenant's calendar, kept in memory by the process (one cache per app, in `Services`).
 * `forTenant` reads the tenant's calendar version — one primary-key look-up — and reloads the
 * rows only when it changed: every write of this module renews the version in its own transaction,
 * so an edit is seen by every process as soon as it commits. The entry is also reloaded after `maxAgeMs` (changes made outside
 * the module, a tenant's new zone or region).
 */
export class CalendarCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: CalendarCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The tenant's calendar. Inside a transaction, pass it (the booking engine's own, bound to the
   * tenant); otherwise pass the database and a transaction of the tenant is opened.
   */
  async forTenant(txOrDb: Tx | Database, tenant: CalendarTenant): Promise<TenantCalendar> {
    if (isDatabase(txOrDb)) return inTenant(txOrDb, tenant.id, (tx) => this.forTenant(tx, tenant));
    const tx = txOrDb;
    const version = await calendarVersion(tx, tenant.id);
    const entry = this.entries.get(tenant.id);
    const now = this.now();
    if (
      entry &&
      entry.version === version &&
      entry.zone === tenant.school_zone &&
      entry.region === tenant.public_holiday_region &&
      now - entry.loadedAt < this.maxAgeMs
    ) {
      return entry.calendar;
    }
    // The version is read before the rows: rows at least as new as the version they are kept with.
    const calendar = await loadTenantCalendar(tx, tenant);
    this.entries.set(tenant.id, { calendar, version, zone: tenant.school_zone, region: tenant.public_holiday_region, loadedAt: now });
    return calendar;
  }

  /** Forgets one tenant's calendar, or every one. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.entries.clear();
    else this.entries.delete(tenantId);
  }
}

function isDatabase(value: Tx | Database): value is Database {
  return 'kysely' in value && 'exec' in value;
}
