import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { startEmbeddedUpkeep } from './db/embedded-upkeep.js';
import { DEMO_LOGINS, DEMO_SLUG, ensureDemoAuthority } from './demo/demo-authority.js';
import { startJobQueue, stopJobQueue } from './jobs/job-queue.js';
import { startOfferExpiry } from './modules/bookings/offer-expiry.js';
import { startBasketExpiry } from './modules/bookings/basket-expiry.js';
import { startPaymentReconciliation } from './modules/online-payment/reconciliation.js';
import { startReminders } from './modules/billing/invoice-notifications.js';
import { startRunPdfs } from './modules/billing/invoice-pdf.js';
import { startRetention } from './modules/retention/retention-job.js';
import { CalendarCache } from './modules/calendar/calendar-cache.js';
import { outboxSecretsBox } from './modules/notifications/outbox.js';
import { EmailSender, mailerFromConfig } from './modules/notifications/email-sender.js';
import { TenantDirectory } from './modules/tenancy/tenant-directory.js';
import type { Services } from './services.js';
import { StartupError } from './startup-error.js';
import { buildApp } from './web/app.js';

/** Composition root: configuration → database → services → HTTP. */
async function main(): Promise<void> {
  const config = loadConfig();

  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    serverWaitSeconds: config.databaseWaitSeconds,
    prepareStatements: config.databasePreparedStatements,
    dataDir: join(config.dataDir, 'pglite'),
    onSlowWait: (ms) => console.warn(`database: waited ${ms} ms for the embedded connection`),
  });
  const applied = await migrate(db);
  if (applied.length > 0) console.log(`database: applied migrations ${applied.join(', ')}`);

  const clock = systemClock;
  const tenants = new TenantDirectory(db);
  const createdDemo = config.demo ? await ensureDemoAuthority(db, clock.now(), config) : false;
  await tenants.reload();
  const unfollowTenants = await tenants.follow((message) => console.error(message));
  const jobLog = { error: (details: object, message: string) => console.error(`jobs: ${message}`, details) };
  const jobs = await startJobQueue(db, jobLog);
  const mail = new EmailSender({ db, clock, jobs, log: jobLog, mailer: mailerFromConfig(config), secrets: outboxSecretsBox(config.secret) });
  await mail.start();
  await startOfferExpiry(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl });
  await startBasketExpiry(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl });
  await startReminders(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl });
  await startPaymentReconciliation(jobs, { db, clock, mail, log: jobLog, publicUrl: config.publicUrl, secret: config.secret });
  await startRunPdfs(jobs, { db, clock });
  await startRetention(jobs, { db, clock, log: jobLog });
  await startEmbeddedUpkeep(jobs, db, jobLog);
  const services: Services = { config, db, clock, tenants, jobs, mail, calendars: new CalendarCache() };
  const app = await buildApp(services);

  const stop = async (signal: string) => {
    app.log.info(`${signal}: stopping`);
    await app.close();
    await unfollowTenants();
    await stopJobQueue(jobs);
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  warnIfBacklogCapped(config.listenBacklog);
  printWelcome(config.publicUrl, config.demo, createdDemo, db.kind === 'pglite' ? join(config.dataDir, 'pglite') : 'PostgreSQL server');
}

/**
 * The kernel silently caps the backlog at net.core.somaxconn: say so, since the connections beyond
 * it are dropped on registration day and come back only after the client's SYN retry (1 s, 3 s…).
 */
function warnIfBacklogCapped(backlog: number): void {
  let somaxconn: number;
  try {
    somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  } catch {
    return; // not Linux
  }
  if (somaxconn < backlog)
    console.warn(`listen: LISTEN_BACKLOG is ${backlog} but the kernel keeps ${somaxconn} (sysctl net.core.somaxconn=${backlog} to raise it)`);
}

function printWelcome(publicUrl: string, demo: boolean, createdDemo: boolean, where: string): void {
  const lines = ['', `Portail Famille is running: ${publicUrl}/  (data: ${where})`];
  if (demo) {
    lines.push(
      `Demo authority${createdDemo ? ' created' : ''}: ${publicUrl}/${DEMO_SLUG}/  (fictional data)`,
      'Demo logins:',
      ...DEMO_LOGINS.map((login) => `  ${login.email.padEnd(28)} ${login.password.padEnd(22)} ${login.role}`),
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
