import { PGlite, parse, protocol, type Results, types } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { StatementNames } from './prepared-statements.js';

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
  /** Each prepared statement's parameter types, by name, as PGlite serializes values for them. */
  private readonly parameterTypes = new Map<string, number[]>();

  private constructor(
    readonly pglite: PGlite,
    /** The reads prepared (prepared-statements.ts), or none. */
    private readonly statements: StatementNames | null,
  ) {}

  static async open(dataDir: string | undefined, options: { loadDataDir?: Blob | undefined; prepare: boolean }): Promise<PgliteSerialPool> {
    const pglite = await PGlite.create({
      dataDir,
      loadDataDir: options.loadDataDir,
      // Same value shapes as the node-postgres driver: calendar dates stay 'YYYY-MM-DD' strings.
      parsers: { [types.DATE]: (value: string) => value },
    });
    return new PgliteSerialPool(pglite, options.prepare ? new StatementNames() : null);
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
    let released = false;
    const client = {
      query: async <R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
        const result = await this.run<R>(sqlText, parameters as unknown[]);
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
    return this.hold(() => this.run(sqlText, []));
  }

  query<R>(sqlText: string, parameters: unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.hold(() => this.run<R>(sqlText, parameters));
  }

  /**
   * Runs SQL on the connection, which the caller holds: prepared if it is a read run again; by the
   * simple protocol, in one message, if it has no parameters (then it may be several statements:
   * the last one's result is returned).
   */
  run<R>(sqlText: string, parameters: unknown[]): Promise<Results<R>> {
    if (parameters.length === 0) return this.runSimple<R>(sqlText);
    const name = this.statements?.nameOf(sqlText, parameters);
    return name ? this.runPrepared<R>(name, sqlText, parameters) : this.pglite.query<R>(sqlText, parameters);
  }

  /** SQL without parameters (begin, commit, a tenant's transaction begun and bound) as one message, where `query()` sends six. */
  private async runSimple<R>(sqlText: string): Promise<Results<R>> {
    const answered = await this.pglite.execProtocol(protocol.serialize.query(sqlText));
    return parse.parseResults(answered.messages, this.pglite.parsers).at(-1) as Results<R>;
  }

  /**
   * Runs a prepared statement, preparing it first if needed (its parameters' types are then asked
   * once). Its bind, execute and sync go to PGlite as one message, where `query()` sends six, each a
   * call into the database. Nothing is synced to the file system: a read changes nothing the
   * data folder must keep (PGlite's Node folder is written as PostgreSQL writes anyway).
   */
  private async runPrepared<R>(name: string, sqlText: string, parameters: unknown[]): Promise<Results<R>> {
    let types = this.parameterTypes.get(name);
    if (!types) {
      // A statement PostgreSQL refused (its table not there yet) is not kept: it is parsed again next time.
      const described = await this.pglite.execProtocol(
        Buffer.concat([protocol.serialize.parse({ name, text: sqlText }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
        { syncToFs: false },
      );
      types = parse.parseDescribeStatementResults(described.messages);
      this.parameterTypes.set(name, types);
    }
    const values = parameters.map((value, index) => {
      if (value === null || value === undefined) return null;
      const serialize = this.pglite.serializers[types[index]!];
      return serialize ? serialize(value) : String(value);
    });
    try {
      const answered = await this.pglite.execProtocol(
        Buffer.concat([
          protocol.serialize.bind({ statement: name, values }),
          protocol.serialize.describe({ type: 'P' }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      );
      return parse.parseResults(answered.messages, this.pglite.parsers)[0] as Results<R>;
    } catch (error) {
      this.statements!.failed(error);
      throw error;
    }
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
