import type { Database } from '../../db/database.js';
import { PeriodicFlush } from '../../db/periodic-flush.js';

/**
 * Rate-limit counts that every portal process on one database adds up together: an address
 * spreading its requests over the processes behind a reverse proxy is limited as if it met one.
 *
 * Windows are fixed (each starts at a multiple of its length since the epoch) so that the
 * processes agree on them without talking. A request is counted at once in memory and the decision
 * never waits for the database: every `flushMs`, while keys are live, the hits are sent in one
 * statement that answers their totals over all processes, and the totals of the other live keys are
 * read in another. What another process counted is therefore seen here about two `flushMs` later
 * at most (its flush, then ours); what this one counted, at once.
 */
export class SharedRateLimits {
  private readonly counts = new Map<string, Count>();
  private readonly flushes: PeriodicFlush;
  private purgedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly options: { flushMs: number; now?: () => number; onError?: (error: Error) => void } = { flushMs: 500 },
  ) {
    this.flushes = new PeriodicFlush(() => this.send(), options.flushMs);
  }

  /** Counts one request of `key` in `bucket`; its count in the window, over every process, and the time left. */
  hit(bucket: string, key: string, windowMs: number): { current: number; ttl: number } {
    const count = this.current(bucket, key, windowMs, true);
    count.unsent += 1;
    this.flushes.soon();
    return { current: count.shared + count.unsent, ttl: count.windowStart + windowMs - this.now() };
  }

  /** The count of `key` in `bucket` without counting a request. */
  peek(bucket: string, key: string, windowMs: number): { current: number; ttl: number } {
    const count = this.current(bucket, key, windowMs, false);
    if (!count) return { current: 0, ttl: 0 };
    return { current: count.shared + count.unsent, ttl: count.windowStart + windowMs - this.now() };
  }

  /** Sends the hits counted since the last flush and reads back each key's total; resolves when done. */
  flush(): Promise<void> {
    return this.flushes.now();
  }

  /** Sends what is left and stops the timer (the process is closing). */
  close(): Promise<void> {
    return this.flushes.close();
  }

  private current(bucket: string, key: string, windowMs: number, create: true): Count;
  private current(bucket: string, key: string, windowMs: number, create: false): Count | undefined;
  private current(bucket: string, key: string, windowMs: number, create: boolean): Count | undefined {
    const windowStart = Math.floor(this.now() / windowMs) * windowMs;
    const id = countKey(bucket, key);
    const count = this.counts.get(id);
    if (count && count.windowStart === windowStart) return count;
    if (!create) return undefined;
    // An ended window's hits not sent yet are sent with their own window's start.
    if (count?.unsent) this.counts.set(`${id}\u0000${count.windowStart}`, count);
    const fresh: Count = { bucket, key, windowStart, windowMs, shared: 0, unsent: 0 };
    this.counts.set(id, fresh);
    return fresh;
  }

  private async send(): Promise<void> {
    const counts = [...this.counts.values()];
    // Sorted, so that two processes sending the same keys lock their rows in the same order.
    const batch = counts
      .filter((count) => count.unsent > 0)
      .sort(byRow)
      .map((count) => ({ count, sent: count.unsent }));
    const now = this.now();
    const others = counts.filter((count) => count.unsent === 0 && count.windowStart + count.windowMs > now);
    for (const { count, sent } of batch) count.unsent -= sent;
    try {
      if (batch.length > 0) {
        this.learn(
          await this.db.query<Row>(
            `insert into rate_limit_hits (bucket, key, window_start, hits)
               select * from unnest($1::text[], $2::text[], $3::bigint[], $4::integer[])
             on conflict (bucket, key, window_start) do update set hits = rate_limit_hits.hits + excluded.hits
             returning bucket, key, window_start, hits`,
            [...columns(batch.map(({ count }) => count)), batch.map(({ sent }) => sent)],
          ),
        );
      }
      if (others.length > 0) {
        this.learn(
          await this.db.query<Row>(
            `select bucket, key, window_start, hits from rate_limit_hits
              where (bucket, key, window_start) in (select * from unnest($1::text[], $2::text[], $3::bigint[]))`,
            columns(others),
          ),
        );
      }
    } catch (error) {
      // Nothing counted is lost: the hits wait for the next flush, and decisions go on meanwhile.
      for (const { count, sent } of batch) count.unsent += sent;
      this.options.onError?.(error as Error);
      this.flushes.soon();
      return;
    }
    this.forgetEndedWindows();
    if (this.counts.size > 0) this.flushes.soon();
    await this.purgeOldRows().catch((error: Error) => this.options.onError?.(error));
  }

  /** Each row's total, on its count, unless the count moved on to another window meanwhile. */
  private learn(result: { rows: Row[] }): void {
    for (const row of result.rows) {
      const count = this.counts.get(countKey(row.bucket, row.key));
      if (count && count.windowStart === Number(row.window_start)) count.shared = row.hits;
    }
  }

  private forgetEndedWindows(): void {
    const now = this.now();
    for (const [id, count] of this.counts) {
      if (count.windowStart + count.windowMs <= now && count.unsent === 0) this.counts.delete(id);
    }
  }

  /** Rows of windows that ended more than a day ago go, once a minute at most, by whichever process flushes. */
  private async purgeOldRows(): Promise<void> {
    const now = this.now();
    if (now - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = now;
    await this.db.query('delete from rate_limit_hits where window_start < $1', [now - KEEP_MS]);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

interface Count {
  bucket: string;
  key: string;
  windowStart: number;
  windowMs: number;
  /** The total over every process at the last flush, this process's sent hits included. */
  shared: number;
  /** Hits of this process not sent yet. */
  unsent: number;
}

const PURGE_EVERY_MS = 60_000;
/** Longer than any window the portal sets (an hour at most). */
const KEEP_MS = 24 * 3_600_000;

interface Row {
  bucket: string;
  key: string;
  window_start: string;
  hits: number;
}

const countKey = (bucket: string, key: string) => `${bucket}\u0000${key}`;
const byRow = (a: Count, b: Count) => a.bucket.localeCompare(b.bucket) || a.key.localeCompare(b.key) || a.windowStart - b.windowStart;
const columns = (counts: Count[]) => [counts.map((count) => count.bucket), counts.map((count) => count.key), counts.map((count) => count.windowStart)];
