import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { CalendarCache } from './modules/calendar/calendar-cache.js';
import type { EmailSender } from './modules/notifications/email-sender.js';
import type { TenantDirectory } from './modules/tenancy/tenant-directory.js';

/** The long-lived parts of a running portal, built once by main.ts or by a test, then handed to the app. */
export interface Services {
  config: Config;
  db: Database;
  clock: Clock;
  tenants: TenantDirectory;
  /** Background jobs; null when the portal runs without its job loop (most tests). */
  jobs: JobQueue | null;
  /** Outgoing mail: call `mail.wake()` after committing a transaction that queued emails. */
  mail: EmailSender;
  /** Each tenant's calendar (holidays, closures) in memory: `calendars.forTenant(tx, tenant)`. */
  calendars: CalendarCache;
}
