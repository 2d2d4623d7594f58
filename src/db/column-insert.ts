import { sql } from 'kysely';
import type { Tx } from './tenant-scope.js';

/** How a column's values are sent: their PostgreSQL type, and whether they may hold characters to quote. */
type ColumnType = 'uuid' | 'date' | 'integer' | 'bigint' | 'text' | 'date[]';

type Value = string | number | null;

export interface Column<R> {
  name: string;
  type: ColumnType;
  /** The column's value in a row (`index`: its place among the rows); for `date[]`, the row's dates. */
  read: (row: R, index: number) => Value | readonly string[];
}

/**
 * Writes many rows as one array per column: one parameter per column rather than one per value
 * (a statement holds at most 65,535 parameters, and binding each cost more than writing the rows),
 * each array sent as PostgreSQL's array text — the driver quotes each value of a JavaScript array,
 * which took seconds for a city's month. `constants` are the same for every row (the tenant).
 * Statements of `rowsPerStatement` rows: the server unpacks their arrays in memory, where a city's
 * month at once spilled them to disk. `orderBy`, a column: each statement's rows go in its order,
 * so that an index on it (and a check that looks each value up in another table's index) walks its
 * pages in order rather than at random — for the days billed by a run, a quarter of its time.
 */
export async function insertColumns<R>(
  tx: Tx,
  table: string,
  constants: Record<string, Value | Date>,
  rows: readonly R[],
  columns: readonly Column<R>[],
  options: { rowsPerStatement?: number; orderBy?: string } = {},
): Promise<void> {
  const { rowsPerStatement = 40_000, orderBy } = options;
  const constantNames = Object.keys(constants);
  const names = [...constantNames, ...columns.map((column) => column.name)].map((name) => sql.ref(name));
  const aliases = columns.map((_, index) => sql.raw(`c${index}`));
  const ordered = orderBy === undefined ? sql`` : sql`order by ${aliases[columns.findIndex((column) => column.name === orderBy)]!}`;
  // Array text has no level for a row's own array: date[] travels as text and is cast per row.
  const selected = [
    ...constantNames.map((name) => sql`${constants[name]}`),
    ...columns.map((column, index) => (column.type === 'date[]' ? sql`${aliases[index]}::date[]` : sql`${aliases[index]}`)),
  ];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const arrays = columns.map(
      (column) =>
        sql`${arrayText(column, rows, start, Math.min(rows.length, start + rowsPerStatement))}::${sql.raw(column.type === 'date[]' ? 'text' : column.type)}[]`,
    );
    await sql`insert into ${sql.table(table)} (${sql.join(names)})
      select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as u(${sql.join(aliases)}) ${ordered}`.execute(tx);
  }
}

/** Rows `from` to `to` of a column as PostgreSQL array text: only what may hold special characters is quoted. */
function arrayText<R>(column: Column<R>, rows: readonly R[], from: number, to: number): string {
  const elements = new Array<string | number>(to - from);
  for (let index = from; index < to; index++) elements[index - from] = element(column.type, column.read(rows[index]!, index));
  return `{${elements.join(',')}}`;
}

function element(type: ColumnType, value: Value | readonly string[]): string | number {
  if (value === null) return 'NULL';
  if (type === 'text') return quoted(value as string);
  // A row's dates: one element of the text array, cast to date[] per row.
  if (type === 'date[]') return `"{${(value as readonly string[]).join(',')}}"`;
  return value as string | number;
}

/** A text element of array text: in double quotes, its backslashes and double quotes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
