import { Kysely } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { PgliteSerialPool } from './pglite-pool.js';
import type { DB } from './schema.js';
import { PREPARED_BY_DEFAULT, PreparingClient } from './prepared-statements.js';
import { StateLiteralsDialect } from './state-literals.js';
import { listenOnServer } from './server-signals.js';
import { waitForServer } from './server-wait.js';

/** The database behind the portal: an embedded PGlite folder or a PostgreSQL server, same SQL. */
export interface Database {
  kind: 'pglite' | 'postgres';
  kysely: Kysely<DB>;
  /** Multi-statement SQL without parameters. */
  exec(sqlText: string): Promise<void>;
  /** One statement with positional parameters, outside Kysely (job queue adapter, benchmarks). */
  query<R = Record<string, unknown>>(sqlText: string, parameters?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs `work` on one connection held throughout (migrations, session-level locks). */
  withConnection<T>(work: (connection: RawConnection) => Promise<T>): Promise<T>;
  /**
   * The same database through a few connections of its own, for work that must not queue behind
   * the pages' reads: on registration day the booking line's turns (web/booking-gate.ts). The
   * embedded database has one connection: there it is the database itself.
   */
  priority: Database;
  /**
   * The embedded database's whole data folder as one tar file (PGlite only), which `loadDataDir`
   * opens again as a copy: the test runner migrates one database and hands each test a copy of it.
   */
  dumpDataDir?(): Promise<Blob>;
  /**
   * Calls `onSignal` after each commit that signalled `channel` (`pg_notify`), from this process or
   * any other on the same database, and whenever signals may have been missed (a listening
   * connection lost and found again). Returns the way to stop listening.
   */
  listen(channel: string, onSignal: () => void): Promise<() => Promise<void>>;
  /** Its pool's connections, open, idle, and requests waiting for one (/metrics); PostgreSQL only: PGlite has one connection. */
  poolFigures?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface RawConnection {
  exec(sqlText: string): Promise<void>;
  query<R = Record<string, unknown>>(sqlText: string, parameters?: unknown[]): Promise<{ rows: R[] }>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data folder, locked while open (data-dir-lock.ts); undefined keeps the database in memory (tests). */
  dataDir?: string | undefined;
  /** PGlite: start from this copy of a data folder (a `dumpDataDir()`), without initdb. */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
  /** Connections of the priority lane (PostgreSQL only). */
  priorityPoolSize?: number;
  /** PostgreSQL: how long to wait for a server out of reach (server-wait.ts); 0, the default, tries once. */
  serverWaitSeconds?: number;
  onSlowWait?: (waitedMs: number) => void;
  /** Reads run again are prepared once per connection (prepared-statements.ts); PREPARED_BY_DEFAULT unless told. */
  prepareStatements?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!options.databaseUrl) return openPglite(options);
  await waitForServer(options.databaseUrl, options.serverWaitSeconds ?? 0);
  const priorityPoolSize = options.priorityPoolSize ?? 2;
  const prepare = options.prepareStatements ?? PREPARED_BY_DEFAULT;
  const main = postgresDatabase(postgresPool(options.databaseUrl, options.poolSize ?? 10, { prepare }), options.databaseUrl);
  const priorityPool = postgresPool(options.databaseUrl, priorityPoolSize, { keepOpen: true, prepare });
  // The priority lane opens its connections now and keeps them: opening one at the first turn of
  // a rush, with the machine at full load, took a quarter of a second (bench/rush).
  const opened = await Promise.all(Array.from({ length: priorityPoolSize }, () => priorityPool.connect()));
  for (const client of opened) client.release();
  const priority = postgresDatabase(priorityPool, options.databaseUrl);
  return {
    ...main,
    priority,
    async close() {
      await Promise.all([main.close(), priority.close()]);
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const unlock = options.dataDir ? await lockDataDir(options.dataDir) : () => undefined;
  let pool: PgliteSerialPool;
  try {
    pool = await PgliteSerialPool.open(options.dataDir, { loadDataDir: options.loadDataDir, prepare: options.prepareStatements ?? PREPARED_BY_DEFAULT });
  } catch (error) {
    unlock();
    throw error;
  }
  if (options.onSlowWait) pool.onSlowWait = options.onSlowWait;
  const database: Database = {
    kind: 'pglite',
    get priority() {
      return database;
    },
    kysely: kyselyOn(pool),
    async exec(sqlText) {
      await pool.exec(sqlText);
    },
    async query<R>(sqlText: string, parameters: unknown[] = []) {
      const result = await pool.query<R>(sqlText, parameters);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
    withConnection(work) {
      return pool.hold(() =>
        work({
          exec: async (sqlText) => void (await pool.run(sqlText, [])),
          query: (sqlText, parameters = []) => pool.run(sqlText, parameters),
        }),
      );
    },
    async listen(channel, onSignal) {
      // One process on the embedded database (data-dir-lock.ts): its own notifications are all there is.
      const stop = await pool.hold(() => pool.pglite.listen(channel, () => onSignal()));
      return () => pool.hold(() => stop());
    },
    async dumpDataDir() {
      // Everything written so far goes to the data files first, so the copy starts without replaying WAL.
      await pool.exec('checkpoint');
      return pool.hold(() => pool.pglite.dumpDataDir('none'));
    },
    async close() {
      await pool.end();
      unlock();
    },
  };
  return database;
}

/** Value shapes shared with PGlite: bigint counts as numbers, calendar dates (and arrays of them) as 'YYYY-MM-DD'. */
const typeParsers: Record<number, (value: string) => unknown> = {
  20: (value) => Number(value),
  1082: (value) => value,
  // date[] read as text[]: its elements stay 'YYYY-MM-DD'.
  1182: pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0]),
};

/** `keepOpen`: idle connections are never closed (a lane used in bursts); `prepare`: connections are `PreparingClient`s. */
function postgresPool(databaseUrl: string, poolSize: number, options: { keepOpen?: boolean; prepare: boolean }): pg.Pool {
  const pool = new pg.Pool({
    ...(options.prepare ? { Client: PreparingClient } : {}),
    connectionString: databaseUrl,
    max: poolSize,
    min: options.keepOpen ? poolSize : 0,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => typeParsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection closed by the server (a restart, a failover) must not crash the process:
  // the pool drops it and opens another on the next query.
  pool.on('error', (error) => console.error(`database: idle connection lost: ${error.message}`));
  return pool;
}

/** Kysely on a pool, statuses written into the SQL (state-literals.ts). */
function kyselyOn(pool: PgliteSerialPool | pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new StateLiteralsDialect({ pool }) });
}

function postgresDatabase(pool: pg.Pool, databaseUrl: string): Database {
  const database: Database = {
    kind: 'postgres',
    get priority() {
      return database;
    },
    kysely: kyselyOn(pool),
    async exec(sqlText) {
      await pool.query(sqlText);
    },
    async query<R>(sqlText: string, parameters: unknown[] = []) {
      const result = await pool.query(sqlText, parameters);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    listen: (channel, onSignal) => listenOnServer(databaseUrl, channel, onSignal),
    poolFigures: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work({
          exec: async (sqlText) => void (await client.query(sqlText)),
          query: async (sqlText, parameters = []) => ({ rows: (await client.query(sqlText, parameters)).rows }),
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return database;
}
