import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PREPARED_BY_DEFAULT } from './db/prepared-statements.js';
import { StartupError } from './startup-error.js';

/** Every setting of the portal. Read once at start from the environment, validated, never mutated. */
export interface Config {
  port: number;
  host: string;
  /**
   * Connections the kernel keeps waiting to be accepted (listen(2)'s backlog; capped by
   * net.core.somaxconn). Node's 511 overflows when thousands of parents connect in the same second.
   */
  listenBacklog: number;
  /** Folder of the embedded database and of generated secrets; unused for data when `databaseUrl` is set. */
  dataDir: string;
  /** PostgreSQL server; when absent the portal runs on PGlite inside `dataDir`. */
  databaseUrl: string | undefined;
  /** How long the start waits for a PostgreSQL server out of reach before giving up. */
  databaseWaitSeconds: number;
  /** Prepare the reads run again on each PostgreSQL connection: pages sooner, but the database works more on registration day (README), so off unless set. */
  databasePreparedStatements: boolean;
  publicUrl: string;
  /** `smtp://user:pass@host:port` or `smtps://…`; when absent mails stay in the outbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Secret used to sign cookies and anti-robot challenges; generated into `dataDir` when not given. */
  secret: string;
  sessionIdleMinutes: number;
  /** Create the demo authority at first start. */
  demo: boolean;
  /** Serve the local payment providers' simulators at /simulateurs (the demo pays through them). */
  paymentSimulators: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Behind a reverse proxy: trust its X-Forwarded-* headers. */
  trustProxy: boolean;
  /** Upper bound of the ALTCHA proof-of-work search space: higher is slower for robots and people. */
  altchaMaxNumber: number;
  /** Cookies marked Secure; defaults to true when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** Booking submissions answered together in one transaction at most. */
  bookingBatch: number;
  /** Booking requests of one authority in progress at most, from their arrival to their answer; beyond, 503 at once. */
  bookingQueue: number;
  /** How long a booking submission may wait for its turn before it is answered 503. */
  bookingMaxWaitMs: number;
  /** A request must arrive whole (headers and body) within this time, or is answered 408 and closed. */
  requestTimeoutSeconds: number;
  /** Bearer token that /metrics asks for; without it /metrics does not exist (404). */
  metricsToken: string | undefined;
}

export class ConfigError extends StartupError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the settings; every problem is reported at once, each naming its variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new SettingReader(env, problems);

  const port = read.integer('PORT', 3000, 1, 65535);
  const host = read.string('HOST', '127.0.0.1');
  const listenBacklog = read.integer('LISTEN_BACKLOG', 4096, 1, 65535);
  const dataDir = resolve(read.string('DATA_DIR', './data'));
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseWaitSeconds = read.integer('DATABASE_WAIT_SECONDS', 60, 0, 3600);
  const databasePreparedStatements = read.boolean('DATABASE_PREPARED_STATEMENTS', PREPARED_BY_DEFAULT);
  const publicUrl = read.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const smtpUrl = read.url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = read.string('MAIL_FROM', 'Portail Famille <no-reply@localhost>');
  const sessionIdleMinutes = read.integer('SESSION_IDLE_MINUTES', 30, 1, 24 * 60);
  const demo = read.boolean('DEMO', databaseUrl === undefined);
  const paymentSimulators = read.boolean('PAYMENT_SIMULATORS', demo);
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const trustProxy = read.boolean('TRUST_PROXY', false);
  const altchaMaxNumber = read.integer('ALTCHA_MAX_NUMBER', 100_000, 1_000, 10_000_000);
  const secureCookies = read.boolean('SECURE_COOKIES', publicUrl.startsWith('https:'));
  const bookingBatch = read.integer('BOOKING_BATCH', 100, 1, 1000);
  const bookingQueue = read.integer('BOOKING_QUEUE', 100, 1, 100_000);
  const bookingMaxWaitMs = read.integer('BOOKING_MAX_WAIT_MS', 1000, 100, 60_000);
  const requestTimeoutSeconds = read.integer('REQUEST_TIMEOUT_SECONDS', 60, 1, 3600);
  const givenSecret = read.string('SECRET', '');
  if (givenSecret !== '' && givenSecret.length < 32) {
    problems.push('SECRET must be at least 32 characters long (for example: openssl rand -hex 32).');
  }
  const metricsToken = read.string('METRICS_TOKEN', '');
  if (metricsToken !== '' && metricsToken.length < 32) {
    problems.push('METRICS_TOKEN must be at least 32 characters long (for example: openssl rand -hex 32).');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const secret = givenSecret !== '' ? givenSecret : persistedSecret(dataDir);
  return {
    port,
    host,
    listenBacklog,
    dataDir,
    databaseUrl,
    databaseWaitSeconds,
    databasePreparedStatements,
    publicUrl: publicUrl.replace(/\/$/, ''),
    smtpUrl,
    mailFrom,
    secret,
    sessionIdleMinutes,
    demo,
    paymentSimulators,
    logLevel,
    trustProxy,
    altchaMaxNumber,
    secureCookies,
    bookingBatch,
    bookingQueue,
    bookingMaxWaitMs,
    requestTimeoutSeconds,
    metricsToken: metricsToken === '' ? undefined : metricsToken,
  };
}

/** A generated secret kept in the data folder, so sessions survive a restart of a single-process install. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

class SettingReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}; got "${value}".`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false; got "${value}".`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}; got "${value}".`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (protocols.includes(url.protocol)) return value;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}; got "${redact(value)}".`);
    return undefined;
  }
}

/** Hides a password inside a URL before printing it. */
function redact(value: string): string {
  return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
