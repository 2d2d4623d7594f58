import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.js';
import { PeriodicFlush } from '../../db/periodic-flush.js';

/** A place promised to a request turned away: its first click (µs since the epoch), and until when it is expected back (ms). */
export interface PromisedPlace {
  clickedAt: number;
  dueBy: number;
}

/**
 * What a booking line (web/load-shedding.ts) keeps beyond its own requests: the requests let in by
 * the other processes, and the places promised to requests turned away — in memory when the portal
 * is one process, in the database when it is several (SharedBookingLine).
 */
export interface LinePlaces {
  /** Requests let into `line` by the other processes, as last known. */
  othersAdmitted(line: string): number;
  /** This process now has `count` requests of `line` let in. */
  admitted(line: string, count: number): void;
  /** The places promised in `line`, by key (holder and click); some may be overdue. */
  promised(line: string): ReadonlyMap<string, PromisedPlace> | undefined;
  /** A place promised to a request turned away. */
  promise(line: string, key: string, place: PromisedPlace): void;
  /** A place honoured (its ticket came back): kept no longer. */
  honour(line: string, key: string): void;
}

/**
 * The booking line of each authority, one for every portal process on a PostgreSQL database: each
 * process decides at once on what it knows (web/load-shedding.ts) and, every `flushMs` while its
 * lines are busy, writes its own admitted counts and promised places and reads the others'. What
 * another process did is seen here about two `flushMs` later at most (its flush, then ours).
 *
 * Why the lag is safe: a process lets in at most what the others had let in that long ago plus its
 * own, so the overshoot of the authority's capacity is bounded by what the others let in meanwhile,
 * and places are never oversold (the booking turn locks the day counters). A place promised
 * elsewhere and not read yet lets one later click in before it; a ticket honoured elsewhere keeps
 * its place here a flush longer: late comers wait that much, nobody is served twice.
 */
export class SharedBookingLine implements LinePlaces {
  /** Names this process's rows. */
  readonly processId = randomUUID();
  /** This process's admitted count of each line not yet written (a count back to 0 is written once, then forgotten). */
  private readonly own = new Map<string, number>();
  /** The other live processes' admitted counts, as last read. */
  private others = new Map<string, number>();
  /** Every process's promised places, by line and key: as last read, with those promised here since and less those honoured here since. */
  private promises = new Map<string, Map<string, PromisedPlace>>();
  private readonly unsentPromises = new Map<string, { line: string; key: string; place: PromisedPlace }>();
  private readonly unsentHonoured = new Map<string, { line: string; key: string }>();
  private readonly flushes: PeriodicFlush;
  /** The lines are synced until then: a while after this process last decided on one. */
  private busyUntil = 0;
  private purgedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly options: { flushMs: number; onError?: (error: Error) => void },
  ) {
    this.flushes = new PeriodicFlush(() => this.send(), options.flushMs);
  }

  /** Requests let into `line` by the other live processes, as last read. */
  othersAdmitted(line: string): number {
    this.busy();
    return this.others.get(line) ?? 0;
  }

  /** The places promised in `line` by every process. */
  promised(line: string): ReadonlyMap<string, PromisedPlace> | undefined {
    return this.promises.get(line);
  }

  /** This process now has `count` requests of `line` let in. */
  admitted(line: string, count: number): void {
    this.own.set(line, count);
    this.busy();
  }

  /** A place promised here, for every process. */
  promise(line: string, key: string, place: PromisedPlace): void {
    this.promisedIn(line).set(key, place);
    this.unsentPromises.set(rowKey(line, key), { line, key, place });
    this.busy();
  }

  /** A place honoured here (its ticket came back): no process keeps it any longer. */
  honour(line: string, key: string): void {
    this.promises.get(line)?.delete(key);
    this.unsentPromises.delete(rowKey(line, key));
    this.unsentHonoured.set(rowKey(line, key), { line, key });
    this.busy();
  }

  /** Writes what this process did and reads what every process did; resolves when done. */
  flush(): Promise<void> {
    return this.flushes.now();
  }

  /** Writes what is left and takes this process's counts away (the process is closing). */
  async close(): Promise<void> {
    await this.flushes.close();
    await this.db.query('delete from booking_line_admitted where process_id = $1', [this.processId]).catch((error: Error) => this.options.onError?.(error));
  }

  /** A line is being decided on: sync from now on (at once when the lines were idle, the others' state being unknown). */
  private busy(): void {
    const idle = Date.now() > this.busyUntil;
    this.busyUntil = Date.now() + BUSY_FOR_MS;
    if (idle) void this.flush();
    else this.flushes.soon();
  }

  private async send(): Promise<void> {
    // Rows in their key's order, so that two processes writing the same rows lock them in the same order.
    const counts = [...this.own].sort(([a], [b]) => a.localeCompare(b));
    const promises = [...this.unsentPromises].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
    const honoured = [...this.unsentHonoured].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
    this.unsentPromises.clear();
    this.unsentHonoured.clear();
    try {
      if (counts.length > 0) {
        await this.db.query(
          `insert into booking_line_admitted (process_id, line, admitted)
             select $1, * from unnest($2::text[], $3::integer[])
           on conflict (process_id, line) do update set admitted = excluded.admitted, seen_at = now()`,
          [this.processId, counts.map(([line]) => line), counts.map(([, count]) => count)],
        );
      }
      if (promises.length > 0) {
        await this.db.query(
          `insert into booking_line_promises (line, key, clicked_at, due_by)
             select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
           on conflict (line, key) do update set due_by = greatest(booking_line_promises.due_by, excluded.due_by)`,
          [promises.map((row) => row.line), promises.map((row) => row.key), promises.map((row) => row.place.clickedAt), promises.map((row) => row.place.dueBy)],
        );
      }
      if (honoured.length > 0) {
        await this.db.query('delete from booking_line_promises where (line, key) in (select * from unnest($1::text[], $2::text[]))', [
          honoured.map((row) => row.line),
          honoured.map((row) => row.key),
        ]);
      }
      const [others, promised] = await Promise.all([
        this.db.query<{ line: string; admitted: number }>(
          `select line, sum(admitted)::integer as admitted from booking_line_admitted
            where process_id <> $1 and seen_at > now() - make_interval(secs => $2) group by line`,
          [this.processId, GONE_AFTER_MS / 1000],
        ),
        this.db.query<{ line: string; key: string; clicked_at: string; due_by: string }>(
          'select line, key, clicked_at, due_by from booking_line_promises where due_by >= $1',
          [Date.now()],
        ),
      ]);
      this.learn(others.rows, promised.rows);
    } catch (error) {
      // Nothing is lost: what was not written waits for the next flush, and decisions go on meanwhile.
      for (const row of promises) if (!this.unsentPromises.has(rowKey(row.line, row.key))) this.unsentPromises.set(rowKey(row.line, row.key), row);
      for (const row of honoured) this.unsentHonoured.set(rowKey(row.line, row.key), row);
      this.options.onError?.(error as Error);
      this.flushes.soon();
      return;
    }
    // A count back to 0 was written: forget it, unless it moved meanwhile. A count above 0 is written again (the process is alive).
    for (const [line, count] of counts) if (count === 0 && this.own.get(line) === 0) this.own.delete(line);
    if (this.own.size > 0 || Date.now() <= this.busyUntil) this.flushes.soon();
    await this.purgeOldRows().catch((error: Error) => this.options.onError?.(error));
  }

  private learn(others: { line: string; admitted: number }[], promised: { line: string; key: string; clicked_at: string; due_by: string }[]): void {
    this.others = new Map(others.map((row) => [row.line, row.admitted]));
    this.promises = new Map();
    for (const row of promised) {
      // Honoured here since the read was sent: gone already.
      if (!this.unsentHonoured.has(rowKey(row.line, row.key)))
        this.promisedIn(row.line).set(row.key, { clickedAt: Number(row.clicked_at), dueBy: Number(row.due_by) });
    }
    // Promised here since the writes were sent: kept already.
    for (const { line, key, place } of this.unsentPromises.values()) this.promisedIn(line).set(key, place);
  }

  private promisedIn(line: string): Map<string, PromisedPlace> {
    const places = this.promises.get(line) ?? new Map<string, PromisedPlace>();
    this.promises.set(line, places);
    return places;
  }

  /** Overdue places and the counts of processes gone, once a minute at most, by whichever process flushes. */
  private async purgeOldRows(): Promise<void> {
    if (Date.now() - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = Date.now();
    await this.db.query('delete from booking_line_promises where due_by < $1', [Date.now() - PURGE_EVERY_MS]);
    await this.db.query('delete from booking_line_admitted where seen_at < now() - make_interval(secs => $1)', [PURGE_EVERY_MS / 1000]);
  }
}

/** How long after its last decision a process keeps its lines synced: longer than a wait told to a request turned away. */
const BUSY_FOR_MS = 10_000;
/** A process whose counts were not refreshed for this long is gone (crashed): the others stop counting them. */
const GONE_AFTER_MS = 5_000;
const PURGE_EVERY_MS = 60_000;

const rowKey = (line: string, key: string) => `${line}\u0000${key}`;
