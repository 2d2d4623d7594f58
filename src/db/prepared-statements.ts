import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Connections that prepare the statements they run again, on a PostgreSQL server (PreparingClient)
 * and on the embedded database (pglite-pool.ts): each is parsed and planned once per connection
 * instead of at every run. Planning is most of what the server does for the
 * pages' small look-ups (a family's calendar: 1.5 ms of planning against 0.8 ms of execution, warm),
 * so the families' pages answer about 2 ms sooner at the median, 3 ms at the 95th percentile
 * (README, "The families' pages"), and registration day (bench/rush) is no slower. On unless
 * DATABASE_PREPARED_STATEMENTS is false, as it must be behind a pooler that cannot keep them.
 * PGlite, with no server between, gains more: its statements run in the portal's own thread.
 *
 * Only reads (`select`) run through promises with parameters (Kysely's, and `withConnection`'s)
 * are prepared; writes are not (PostgreSQL cannot match an `on conflict … where status in ($1, $2)`
 * to its partial unique index once the values are parameters of a prepared statement), nor plain
 * SQL text. Left unprepared too, so never stuck with a stale shape:
 * - statements that read or return whole rows (`*`: a migration adding a column changes their
 *   result, which PostgreSQL refuses for a prepared statement);
 * - statements with many parameters (lists of ids, each length its own statement);
 * - any statement once the connection holds `MOST_PER_CONNECTION`.
 * A prepared statement whose columns changed type meanwhile (another process migrated) fails
 * once; its connection then prepares every statement again under new names.
 */
/** Whether the portal prepares reads when DATABASE_PREPARED_STATEMENTS is not set, and openDatabase when not told. */
export const PREPARED_BY_DEFAULT = true;
export const MOST_PER_CONNECTION = 500;
const MOST_PARAMETERS = 32;
const READS = /^\s*select\b/i;
/** `select *`, `"t".*` (not `count(*)`). */
const WHOLE_ROWS = /(?:select|,)\s*\*|\.\*/i;

/** PostgreSQL's "cached plan must not change result type". */
const RESULT_TYPE_CHANGED = '0A000';

/**
 * The names a connection's statements are prepared under: one per text, for the texts these rules
 * let be prepared; under new names once they went stale. Shared by both databases' connections.
 */
export class StatementNames {
  /** Bumped when prepared statements went stale: names of the next generation differ. */
  private generation = 0;
  /** The name of each text prepared in this generation (the hash is worked out once per text). */
  private names = new Map<string, string>();
  /** Statements prepared on the server, stale generations included (they stay there). */
  private prepared = 0;

  /** The statement's name if it is, or may now be, prepared on this connection; undefined to send it unnamed. */
  nameOf(text: string, values: readonly unknown[]): string | undefined {
    const known = this.names.get(text);
    if (known || !this.mayPrepare(text, values)) return known;
    const name = `pf${this.generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    this.names.set(text, name);
    this.prepared++;
    return name;
  }

  /** A prepared statement failed: when its result's columns changed type, every statement is prepared again under new names. */
  failed(error: unknown): void {
    if ((error as { code?: string }).code !== RESULT_TYPE_CHANGED) return;
    this.generation++;
    this.names.clear();
  }

  private mayPrepare(text: string, values: readonly unknown[]): boolean {
    return values.length > 0 && READS.test(text) && values.length <= MOST_PARAMETERS && !WHOLE_ROWS.test(text) && this.prepared < MOST_PER_CONNECTION;
  }
}

/** A node-postgres connection that prepares the reads StatementNames names. */
export class PreparingClient extends pg.Client {
  private readonly statements = new StatementNames();

  // biome-ignore lint/suspicious/noExplicitAny: pg.Client's query has a dozen overloads; this one forwards them all.
  override query(...args: any[]): any {
    const [text, values, callback] = args;
    const name = typeof text === 'string' && Array.isArray(values) && callback === undefined ? this.statements.nameOf(text, values) : undefined;
    if (!name) return (super.query as (...forwarded: unknown[]) => unknown)(...args);
    return super.query({ name, text, values }).catch((error: unknown) => {
      this.statements.failed(error);
      throw error;
    });
  }
}
