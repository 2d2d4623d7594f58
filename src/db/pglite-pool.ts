import { PGlite, types } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * PGlite has a single connection. This pool hands it to one holder at a time, so two requests can
 * never interleave statements inside one transaction: a second `connect()` waits until the first
 * holder releases. Code inside a transaction must use the transaction it was given: asking the
 * pool again from there would wait for itself, which `slowWaitMs` makes visible in the logs.
 */
export class PgliteSerialPool implements PostgresPool {
  private tail: Promise<void> = Promise.resolve();
  onSlowWait: (waitedMs: number) => void = () => undefined;
  private readonly slowWaitMs = 5_000;

  private constructor(readonly pglite: PGlite) {}

  static async open(dataDir: string | undefined, loadDataDir?: Blob): Promise<PgliteSerialPool> {
    const pglite = await PGlite.create({
      dataDir,
      loadDataDir,
      // Same value shapes as the node-postgres driver: calendar dates stay 'YYYY-MM-DD' strings.
      parsers: { [types.DATE]: (value: string) => value },
    });
    return new PgliteSerialPool(pglite);
  }

  /** Runs `work` while holding the connection. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  async connect(): Promise<PostgresPoolClient> {
    const release = await this.acquire();
    const pglite = this.pglite;
    let released = false;
    const client = {
      async query<R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        const result = await pglite.query<R>(sqlText, parameters as unknown[]);
        return { command: commandOf(sqlText), rowCount: result.affectedRows ?? 0, rows: result.rows };
      },
      release() {
        if (released) return;
        released = true;
        release();
      },
    };
    return client as PostgresPoolClient;
  }

  /** Multi-statement SQL without parameters (migrations, pg-boss schema). */
  exec(sqlText: string): Promise<unknown> {
    return this.hold(() => this.pglite.exec(sqlText));
  }

  query<R>(sqlText: string, parameters: unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.hold(() => this.pglite.query<R>(sqlText, parameters));
  }

  async end(): Promise<void> {
    await this.hold(async () => undefined);
    await this.pglite.close();
  }

  private async acquire(): Promise<() => void> {
    let free!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (free = resolve));
    const started = Date.now();
    const warning = setTimeout(() => this.onSlowWait(Date.now() - started), this.slowWaitMs);
    await previous;
    clearTimeout(warning);
    return free;
  }
}

function commandOf(sqlText: string): PostgresQueryResult<unknown>['command'] {
  const verb = /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase();
  if (verb === 'INSERT' || verb === 'UPDATE' || verb === 'DELETE' || verb === 'MERGE') return verb;
  // A WITH statement may modify rows: report its count so Kysely exposes numAffectedRows.
  return verb === 'WITH' ? 'UPDATE' : 'SELECT';
}
