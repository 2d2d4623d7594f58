import { sql } from 'kysely';
import type { Tx } from './tenant-scope.js';

/** How a column's values are sent: their PostgreSQL type, and whether they may hold characters to quote. */
type ColumnType = 'uuid' | 'date' | 'integer' | 'bigint' | 'text' | 'date[]';

type Value = string | number | null;

export interface Column {
  name: string;
  type: ColumnType;
  /** One value per row; for `date[]`, each row's dates. */
  values: readonly (Value | readonly string[])[];
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
export async function insertColumns(
  tx: Tx,
  table: string,
  constants: Record<string, Value | Date>,
  columns: readonly Column[],
  options: { rowsPerStatement?: number; orderBy?: string } = {},
): Promise<void> {
  const { rowsPerStatement = 40_000, orderBy } = options;
  const rows = columns[0]?.values.length ?? 0;
  const constantNames = Object.keys(constants);
  const names = [...constantNames, ...columns.map((column) => column.name)].map((name) => sql.ref(name));
  const aliases = columns.map((_, index) => sql.raw(`c${index}`));
  const ordered = orderBy === undefined ? sql`` : sql`order by ${aliases[columns.findIndex((column) => column.name === orderBy)]!}`;
  // Array text has no level for a row's own array: date[] travels as text and is cast per row.
  const selected = [
    ...constantNames.map((name) => sql`${constants[name]}`),
    ...columns.map((column, index) => (column.type === 'date[]' ? sql`${aliases[index]}::date[]` : sql`${aliases[index]}`)),
  ];
  for (let start = 0; start < rows; start += rowsPerStatement) {
    const arrays = columns.map(
      (column) => sql`${arrayText(column, start, Math.min(rows, start + rowsPerStatement))}::${sql.raw(column.type === 'date[]' ? 'text' : column.type)}[]`,
    );
    await sql`insert into ${sql.table(table)} (${sql.join(names)})
      select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as u(${sql.join(aliases)}) ${ordered}`.execute(tx);
  }
}

/** Rows `from` to `to` of a column as PostgreSQL array text: only what may hold special characters is quoted. */
function arrayText(column: Column, from: number, to: number): string {
  const values = column.values.slice(from, to);
  const elements =
    column.type === 'text'
      ? values.map((value) => (value === null ? 'NULL' : quoted(value as string)))
      : column.type === 'date[]'
        ? values.map((value) => (value === null ? 'NULL' : `"{${(value as readonly string[]).join(',')}}"`))
        : values.includes(null)
          ? values.map((value) => value ?? 'NULL')
          : values;
  return `{${elements.join(',')}}`;
}

/** A text element of array text: in double quotes, its backslashes and double quotes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
