import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import { startBasketExpiry } from '../../src/modules/bookings/basket-expiry.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate, migrationFiles } from '../../src/db/migrate.js';
import { startEmbeddedUpkeep } from '../../src/db/embedded-upkeep.js';
import { startJobQueue, stopJobQueue } from '../../src/jobs/job-queue.js';
import { asSystem, inTenant } from '../../src/db/tenant-scope.js';
import { SYSTEM } from '../../src/modules/actor.js';
import { startOfferExpiry } from '../../src/modules/bookings/offer-expiry.js';
import { CalendarCache } from '../../src/modules/calendar/calendar-cache.js';
import { outboxSecretsBox } from '../../src/modules/notifications/outbox.js';
import { EmailSender, mailerFromConfig } from '../../src/modules/notifications/email-sender.js';
import type { Scope } from '../../src/modules/scope.js';
import { TenantDirectory, type Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import type { TenantSettings } from '../../src/modules/tenancy/tenancy.tables.js';
import { createTenant, type NewTenant } from '../../src/modules/tenancy/tenants.js';
import type { Services } from '../../src/services.js';
import { buildApp } from '../../src/web/app.js';
import { PREPARED_ASSETS_ENV } from '../../src/web/assets.js';
import { adminQuery, migratedPgliteCopy, POSTGRES_TEMPLATE_ENV } from './migrated-copies.js';

/**
 * A whole portal for one test file, built by the same factory as production: PGlite in memory, or
 * a database of its own on the PostgreSQL server named by TEST_DATABASE_URL (dropped at close).
 * Under scripts/test.ts that database is a copy of the run's migrated one (migrated-copies.ts) and
 * the assets are the run's, built once (TEST_ASSETS_FILE); migrate() still runs, and finds nothing to do.
 */
export interface TestPortal {
  services: Services;
  app: FastifyInstance;
  db: Database;
  clock: ManualClock;
  config: Config;
  /** The PostgreSQL database of this portal, when the tests run on a server (another process may open it). */
  databaseUrl: string | undefined;
  /** Runs work as the system inside one tenant (test set-up and assertions on rows). */
  inTenant<T>(tenant: Tenant, work: (scope: Scope) => Promise<T>): Promise<T>;
  addTenant(tenant: Partial<NewTenant> & { slug: string }): Promise<Tenant>;
  close(): Promise<void>;
}

export interface TestPortalOptions {
  now?: string;
  env?: Record<string, string>;
  /** Run the background job loop (pg-boss) as production does; off by default: call `services.mail.deliverPending()`. */
  jobs?: boolean;
  mailRetryDelaysSeconds?: number[];
  /** The longest mail waits for bookings to calm down (EmailSender's maxDeferralMs). */
  mailMaxDeferralMs?: number;
  /**
   * Start as production does at its first start: an empty database migrated here from the first
   * migration, and the assets bundled by esbuild, rather than the run's prepared copies.
   */
  firstStart?: boolean;
  /**
   * An installation of an earlier version: an empty database migrated up to this migration only
   * (the run's assets are still used). The test applies the others with `migrate(portal.db)`.
   */
  migratedUpTo?: number;
}

export async function startTestPortal(options: TestPortalOptions = {}): Promise<TestPortal> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pf-test-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SECRET: randomBytes(32).toString('hex'),
    DEMO: 'false',
    ALTCHA_MAX_NUMBER: '1000',
    ...options.env,
  });
  const upTo = options.migratedUpTo;
  const { db, dropDatabase, databaseUrl } = await openTestDatabase((options.firstStart ?? false) || upTo !== undefined, config.databasePreparedStatements);
  await migrate(db, upTo === undefined ? undefined : migrationFiles().filter((file) => file.version <= upTo));
  const clock = new ManualClock(new Date(options.now ?? '2026-11-23T09:00:00Z'));
  const tenants = new TenantDirectory(db);
  await tenants.reload();
  const jobLog = {
    error(details: object, message: string) {
      if (process.env.TEST_LOG_LEVEL) console.error(message, details);
    },
  };
  const jobs = options.jobs ? await startJobQueue(db, jobLog) : null;
  const mail = new EmailSender({
    db,
    clock,
    jobs,
    log: jobLog,
    mailer: mailerFromConfig(config),
    secrets: outboxSecretsBox(config.secret),
    retryDelaysSeconds: options.mailRetryDelaysSeconds,
    maxDeferralMs: options.mailMaxDeferralMs,
  });
  await mail.start();
  await startOfferExpiry(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl });
  await startBasketExpiry(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl });
  await startEmbeddedUpkeep(jobs, db, jobLog);
  const calendars = new CalendarCache({ now: () => clock.now().getTime() });
  const services: Services = { config, db, clock, tenants, jobs, mail, calendars };
  const app = await withoutPreparedAssets(options.firstStart ?? false, () => buildApp(services));
  await app.ready();
  return {
    services,
    app,
    db,
    clock,
    config,
    databaseUrl,
    inTenant: (tenant, work) => inTenant(db, tenant.id, (tx) => work({ tx, tenantId: tenant.id, actor: SYSTEM, now: clock.now() })),
    async addTenant(tenant) {
      // The tests' clock stands in school years whose holidays the shipped snapshot lacks (2026-2027
      // on): their authorities book them as school days, as staff who chose so.
      const settings: TenantSettings = { unknownSchoolYearBookings: 'open', ...(tenant.settings as TenantSettings | undefined) };
      const created = await asSystem(db, (tx) => createTenant(tx, { name: `Commune ${tenant.slug}`, ...tenant, settings }));
      await tenants.reload();
      return created;
    },
    async close() {
      await app.close();
      if (jobs) await stopJobQueue(jobs);
      await db.close();
      await dropDatabase();
    },
  };
}

async function openTestDatabase(
  empty: boolean,
  prepareStatements: boolean,
): Promise<{ db: Database; dropDatabase: () => Promise<void>; databaseUrl?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    return { db: await openDatabase({ loadDataDir: empty ? undefined : migratedPgliteCopy(), prepareStatements }), dropDatabase: async () => undefined };
  }
  const name = `pf_test_${randomBytes(6).toString('hex')}`;
  const template = empty ? undefined : process.env[POSTGRES_TEMPLATE_ENV];
  await adminQuery(serverUrl, `create database ${name}${template ? ` template ${template}` : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 20, prepareStatements });
  return {
    db,
    dropDatabase: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`),
    databaseUrl: url.toString(),
  };
}

/** Runs `work` with the run's prepared assets hidden when `hide` is set, so that buildApp bundles its own. */
async function withoutPreparedAssets<T>(hide: boolean, work: () => Promise<T>): Promise<T> {
  const prepared = process.env[PREPARED_ASSETS_ENV];
  if (!hide || prepared === undefined) return work();
  delete process.env[PREPARED_ASSETS_ENV];
  try {
    return await work();
  } finally {
    process.env[PREPARED_ASSETS_ENV] = prepared;
  }
}
