import { type ExpressionBuilder, sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { asSystem } from '../../db/tenant-scope.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import type { SealedBox } from '../security/sealed-box.js';
import { fillSecrets, openEmailSecrets, type OutgoingEmail } from './outbox.js';

/** Hands one email to a mail server; throws when the server refuses it or cannot be reached. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

/** Waits before each new attempt, in seconds; one more attempt than delays, then the email is `failed`. */
export const RETRY_DELAYS_SECONDS: readonly number[] = [30, 120, 600, 3600];

const SEND_QUEUE = 'email-send';
const SWEEP_QUEUE = 'email-sweep';
/**
 * How long a claimed email belongs to its sender. Longer than the worst SMTP exchange allowed by
 * the transport's timeouts, so only a sender that died loses its claim.
 */
const LEASE_SECONDS = 300;
const SEND_BATCH = 20;
/** How often a deferred delivery looks whether the portal is quiet again, and how long it waits at most. */
const DEFERRAL_CHECK_MS = 200;
const MAX_DEFERRAL_MS = 30_000;
const MAX_ERROR_LENGTH = 1000;

export type DeliveryOutcome =
  | { status: 'sent' | 'kept' | 'failed' }
  | { status: 'retry'; inSeconds: number }
  /** Not queued any more, not due yet, or being sent by someone else: nothing was done. */
  | { status: 'skipped' };

interface ClaimedEmail extends OutgoingEmail {
  id: string;
  attempts: number;
}

export interface EmailSenderOptions {
  db: Database;
  clock: Clock;
  /** null: no mail server configured, every email is kept in the outbox for staff to read. */
  mailer: Mailer | null;
  /** Opens the single-use secrets of the emails it delivers (outboxSecretsBox of the server secret). */
  secrets: SealedBox;
  /** null: no job loop (tests); `deliverPending()` then sends by hand. */
  jobs: JobQueue | null;
  log: JobQueueLog;
  retryDelaysSeconds?: readonly number[];
  /** The longest delivery waits for a busy portal (MAX_DEFERRAL_MS unless told; tests). */
  maxDeferralMs?: number;
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise null (mail stays in the outbox). */
export function mailerFromConfig(config: { smtpUrl: string | undefined; mailFrom: string }): Mailer | null {
  if (!config.smtpUrl) return null;
  // Bounded timeouts keep every attempt shorter than the claim's lease.
  const transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  return {
    async send(email) {
      const from = email.senderName ? { name: email.senderName, address: addressOf(config.mailFrom) } : config.mailFrom;
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, html: email.html });
    },
  };
}

/** The address of MAIL_FROM, which may be written `Name <address>`. */
function addressOf(mailFrom: string): string {
  return /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
}

/**
 * The outbox's sender. The outbox row is the source of truth: a job only says "look at this email".
 * After a transaction that queued mail commits, `wake()` gets it out within a second; a sweep every
 * minute (and at start) finds any email still queued and due, so a crash between the commit and the
 * job, or during a send, loses nothing. An email is claimed by one atomic update, so it is never
 * sent by two workers at once nor sent again once `sent`. If a worker dies after the server accepted
 * a message but before recording it, the message is sent once more when the claim expires: SMTP
 * offers no way to ask whether a message already arrived.
 */
export class EmailSender {
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly mailer: Mailer | null;
  private readonly secrets: SealedBox;
  private readonly jobs: JobQueue | null;
  private readonly log: JobQueueLog;
  private readonly retryDelaysSeconds: readonly number[];
  private readonly maxDeferralMs: number;
  private workers: { send: string; sweep: string } | null = null;
  private busy: () => boolean = () => false;
  /** A wake asked while busy is waiting for quiet: those asked meanwhile are folded into it. */
  private wakeDeferred = false;

  constructor(options: EmailSenderOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.mailer = options.mailer;
    this.secrets = options.secrets;
    this.jobs = options.jobs;
    this.log = options.log;
    this.retryDelaysSeconds = options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS;
    this.maxDeferralMs = options.maxDeferralMs ?? MAX_DEFERRAL_MS;
  }

  /**
   * While `busy` says so, mail waits (at most maxDeferralMs at a time): on registration day each
   * email costs the database as much as a parent's booking, and the bookings must be answered first.
   * The email is in the outbox all the while; it leaves seconds later.
   */
  deferWhile(busy: () => boolean): void {
    this.busy = busy;
  }

  /** Declares the queues, starts the workers and the minute sweep, and sweeps once for mail left by a previous run. */
  async start(): Promise<void> {
    const jobs = this.jobs;
    if (!jobs) return;
    // 'short': at most one waiting job per email, however many sweeps and wakes ask for it.
    await jobs.createQueue(SEND_QUEUE, {
      name: SEND_QUEUE,
      policy: 'short',
      retryLimit: 3,
      retryDelay: 10,
      retryBackoff: true,
      expireInSeconds: LEASE_SECONDS,
    });
    // 'stately': wakes arriving while a sweep waits are folded into it.
    await jobs.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: 'stately' });
    // Batches: pg-boss waits a polling interval between two fetches, which one email at a time would pay each time.
    const send = await jobs.work<{ emailId: string }>(SEND_QUEUE, { batchSize: SEND_BATCH }, async (batch) => {
      const deferredUntil = Date.now() + this.maxDeferralMs;
      for (const job of batch) {
        await this.quiet(deferredUntil);
        await this.runSendJob(job.data.emailId);
      }
    });
    // Sweeps come from wake() (which notifies the worker) or once a minute: no need to poll often.
    const sweep = await jobs.work(SWEEP_QUEUE, { pollingIntervalSeconds: 10 }, () => this.sweep(jobs));
    this.workers = { send, sweep };
    await jobs.schedule(SWEEP_QUEUE, '* * * * *');
    this.wake();
  }

  /**
   * Asks for queued mail to be sent now. Call it after the transaction that queued mail commits.
   * Never fails: if the job cannot be posted, the minute sweep finds the mail anyway.
   */
  wake(): void {
    const { jobs, workers } = this;
    if (!jobs || !workers) return;
    if (!this.busy()) {
      this.postSweep(jobs, workers.sweep);
      return;
    }
    if (this.wakeDeferred) return;
    this.wakeDeferred = true;
    void this.quiet(Date.now() + this.maxDeferralMs).then(() => {
      this.wakeDeferred = false;
      this.postSweep(jobs, workers.sweep);
    });
  }

  private postSweep(jobs: JobQueue, sweepWorker: string): void {
    jobs
      .send(SWEEP_QUEUE, {})
      .then(() => jobs.notifyWorker(sweepWorker))
      .catch((error: unknown) => this.log.error({ err: error }, 'could not post the email sweep job; the next sweep will send the mail'));
  }

  /** Resolves once the portal is not busy, or at `until` (a Date.now() time) if it still is. */
  private async quiet(until: number): Promise<void> {
    while (this.busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, DEFERRAL_CHECK_MS).unref());
  }

  /** Delivers every email due now, one after the other, without the job loop (tests, tools). */
  async deliverPending(): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const id of await this.dueEmailIds()) outcomes.push(await this.deliver(id));
    return outcomes;
  }

  /**
   * One attempt at one email: claim it, send it (or keep it when there is no mail server), record
   * the result. The claim and the record are two short transactions: no transaction stays open
   * while talking to the mail server.
   */
  async deliver(emailId: string): Promise<DeliveryOutcome> {
    if (!this.mailer) return (await this.keep(emailId)) ? { status: 'kept' } : { status: 'skipped' };
    const email = await this.claim(emailId);
    if (!email) return { status: 'skipped' };
    try {
      await this.mailer.send(email);
    } catch (error) {
      return this.recordFailure(email, error);
    }
    await this.recordSent(email.id);
    return { status: 'sent' };
  }

  private async runSendJob(emailId: string): Promise<void> {
    const outcome = await this.deliver(emailId);
    if (outcome.status === 'retry' && this.jobs) {
      await this.jobs.send(SEND_QUEUE, { emailId }, { singletonKey: emailId, startAfter: outcome.inSeconds });
    }
  }

  private async sweep(jobs: JobQueue): Promise<void> {
    const ids = await this.dueEmailIds();
    if (ids.length === 0 || !this.workers) return;
    await jobs.insert(ids.map((emailId) => ({ name: SEND_QUEUE, data: { emailId }, singletonKey: emailId })));
    jobs.notifyWorker(this.workers.send);
  }

  private async dueEmailIds(limit = 500): Promise<string[]> {
    const rows = await asSystem(this.db, (tx) => tx.selectFrom('outbox_emails').select('id').where(isDue).orderBy('next_attempt_at').limit(limit).execute());
    return rows.map((row) => row.id);
  }

  private async claim(emailId: string): Promise<ClaimedEmail | null> {
    const row = await asSystem(this.db, (tx) =>
      tx
        .updateTable('outbox_emails')
        .set({ attempts: sql`attempts + 1`, leased_until: secondsFromNow(LEASE_SECONDS) })
        .where('id', '=', emailId)
        .where(isDue)
        .returning([
          'id',
          'to_address',
          'subject',
          'text_body',
          'html_body',
          'sealed_secrets',
          'attempts',
          // The name the authority chose for its emails, or its own name.
          sql<string | null>`(select coalesce(t.settings->>'emailSenderName', t.name) from tenants t where t.id = outbox_emails.tenant_id)`.as('sender_name'),
        ])
        .executeTakeFirst(),
    );
    if (!row) return null;
    // The secrets are opened only here, to be written into the message the mail server receives.
    const secrets = openEmailSecrets(this.secrets, row.to_address, row.sealed_secrets);
    const text = fillSecrets(row.text_body, secrets, () => '');
    return {
      id: row.id,
      to: row.to_address,
      subject: row.subject,
      text,
      html: row.html_body ?? undefined,
      senderName: row.sender_name ?? undefined,
      attempts: row.attempts,
    };
  }

  private async keep(emailId: string): Promise<boolean> {
    const result = await asSystem(this.db, (tx) =>
      tx.updateTable('outbox_emails').set({ status: 'kept' }).where('id', '=', emailId).where(isDue).executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  private async recordSent(emailId: string): Promise<void> {
    await asSystem(this.db, (tx) =>
      tx
        .updateTable('outbox_emails')
        .set({ status: 'sent', sent_at: this.clock.now(), last_error: null, leased_until: null, sealed_secrets: null })
        .where('id', '=', emailId)
        .execute(),
    );
  }

  /** Schedules the next attempt after the delay for this one, or gives up when none is left. */
  private async recordFailure(email: ClaimedEmail, error: unknown): Promise<DeliveryOutcome> {
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    const delay = this.retryDelaysSeconds[email.attempts - 1];
    this.log.error({ err: error, emailId: email.id, attempts: email.attempts }, 'email not accepted by the mail server');
    await asSystem(this.db, (tx) =>
      tx
        .updateTable('outbox_emails')
        .set(
          delay === undefined
            ? { status: 'failed', last_error: lastError, leased_until: null, sealed_secrets: null }
            : { last_error: lastError, leased_until: null, next_attempt_at: secondsFromNow(delay) },
        )
        .where('id', '=', email.id)
        .execute(),
    );
    return delay === undefined ? { status: 'failed' } : { status: 'retry', inSeconds: delay };
  }
}

/** In database time, shared by every process and by the job queue. */
function secondsFromNow(seconds: number) {
  return sql<Date>`now() + make_interval(secs => ${seconds})`;
}

/** Queued, due, and not claimed by a live sender. */
function isDue(eb: ExpressionBuilder<DB, 'outbox_emails'>) {
  return eb.and([
    eb('status', '=', 'queued'),
    eb('next_attempt_at', '<=', sql<Date>`now()`),
    eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', sql<Date>`now()`)]),
  ]);
}
