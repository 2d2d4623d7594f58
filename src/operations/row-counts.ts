import type { RawConnection } from '../db/database.js';

/** Rows per table ("schema.table"), over the portal's tables and its job queue's. */
export type RowCounts = Record<string, number>;

type Connection = Pick<RawConnection, 'query'>;

/** The schemas that hold data: the portal's own tables, and pg-boss's. */
const DATA_SCHEMAS = ['public', 'pgboss'];

/**
 * Counts the rows of every table, in the connection's transaction: a backup writes them beside the
 * dump (taken in the same snapshot), and a restore or a move compares the target with them, so a
 * copy that lost rows says so rather than being found out the day it is needed.
 */
export async function rowCounts(connection: Connection): Promise<RowCounts> {
  const { rows: tables } = await connection.query<{ name: string }>(
    `select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
     where schemaname = any($1) order by schemaname, tablename`,
    [DATA_SCHEMAS],
  );
  const counts: RowCounts = {};
  for (const { name } of tables) {
    const { rows } = await connection.query<{ count: string | number }>(`select count(*) as count from ${name}`);
    counts[name] = Number(rows[0]?.count ?? 0);
  }
  return counts;
}

/** The tables whose counts differ, as sentences ("public.bookings: 120 expected, 118 found"); empty when all match. */
export function countDifferences(expected: RowCounts, found: RowCounts): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  return names
    .filter((name) => expected[name] !== found[name])
    .map((name) => `${name}: ${expected[name] ?? 'no such table'} expected, ${found[name] ?? 'no such table'} found`);
}

/** Whether the database holds no table of its own yet (a restore or a move only writes into an empty one). */
export async function holdsNoTable(connection: Connection): Promise<boolean> {
  const { rows } = await connection.query<{ count: string | number }>(
    "select count(*) as count from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
  );
  return Number(rows[0]?.count ?? 0) === 0;
}
