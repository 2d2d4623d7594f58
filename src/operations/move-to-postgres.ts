import type { Config } from '../config.js';
import { type Database, openDatabase, type RawConnection } from '../db/database.js';
import { migrate, migrationFiles } from '../db/migrate.js';
import { openStoppedEmbedded } from './embedded-source.js';
import { OperationError } from './operation-command.js';
import { holdsNoTable } from './row-counts.js';
import { lastMigration } from './schema-version.js';

export interface MoveSummary {
  tables: number;
  rows: number;
  migration: number;
}

/** Rows read from the embedded database and written to the server per statement. */
const BATCH = 200;

type Connection = Pick<RawConnection, 'query' | 'exec'>;

/**
 * Moves the embedded database of DATA_DIR (its portal stopped) into an empty PostgreSQL database:
 * the schema made there by the migrations, then every table of the portal copied in one
 * transaction, parents before children, each row carried as JSON (`to_jsonb` there,
 * `jsonb_populate_recordset` here: every type exact, timestamps to the microsecond, files as
 * bytes), with the tables' own triggers off (a household copied must not record its quotient a
 * second time). Before the commit, every row of every table is compared by its digest on both
 * sides: a difference rolls the whole move back. The source is never changed.
 *
 * pg-boss's tables are not moved: the portal makes its schedules again at start, an email still to
 * send is a row of the outbox (which is moved), and a missing invoice PDF is made when first asked.
 */
export async function moveToPostgres(config: Config, targetUrl: string): Promise<MoveSummary> {
  if (config.databaseUrl) {
    throw new OperationError('Unset DATABASE_URL: the move reads the embedded database of DATA_DIR and writes into the database given as its argument.');
  }
  if (!/^postgres(ql)?:\/\//.test(targetUrl)) throw new OperationError('The target must be a postgres:// URL of an empty database.');
  const source = await openStoppedEmbedded(config.dataDir);
  try {
    const migration = await lastMigration(source);
    const latest = migrationFiles().at(-1)?.version ?? 0;
    if (migration !== latest) {
      throw new OperationError(
        `The embedded database is at migration ${migration} and this version at ${latest}: start the portal once on it (it applies the migrations), stop it, then move it.`,
      );
    }
    const target = await openDatabase({ databaseUrl: targetUrl, poolSize: 1, priorityPoolSize: 1 });
    try {
      if (!(await holdsNoTable(target))) throw new OperationError('The target database is not empty: move into a new database (createdb).');
      await migrate(target);
      await source.exec("set timezone = 'UTC'");
      const rows = await target.withConnection((connection) => copyEveryTable(source, connection));
      return { ...rows, migration };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function copyEveryTable(source: Database, target: Connection): Promise<{ tables: number; rows: number }> {
  await target.exec('begin');
  try {
    // The same text on both sides for the comparison; the copy itself carries instants with their offset.
    await target.exec("set local timezone = 'UTC'");
    const tables = await tablesInCopyOrder(target);
    for (const table of tables) await target.exec(`alter table ${table} disable trigger user`);
    let rows = 0;
    for (const table of tables) rows += await copyTable(source, target, table);
    for (const table of tables) await target.exec(`alter table ${table} enable trigger user`);
    await continueIdentities(target);
    const differences: string[] = [];
    for (const table of tables) {
      const [expected, found] = await Promise.all([rowDigests(source, table), rowDigests(target, table)]);
      const missing = multisetMinus(expected, found);
      if (missing > 0 || expected.length !== found.length) differences.push(`${table}: ${expected.length} rows, ${found.length} copied, ${missing} differing`);
    }
    if (differences.length > 0) throw new OperationError(`The copy differs from the embedded database; nothing was kept:\n  ${differences.join('\n  ')}`);
    await target.exec('commit');
    return { tables: tables.length, rows };
  } catch (error) {
    await target.exec('rollback');
    throw error;
  }
}

/** The portal's tables (the migrations' bookkeeping aside), each after the tables it references. */
async function tablesInCopyOrder(target: Connection): Promise<string[]> {
  const { rows: tables } = await target.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations' order by tablename",
  );
  const { rows: references } = await target.query<{ child: string; parent: string }>(
    `select format('%I.%I', cn.nspname, c.relname) as child, format('%I.%I', pn.nspname, p.relname) as parent
     from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
       join pg_class p on p.oid = k.confrelid join pg_namespace pn on pn.oid = p.relnamespace
     where k.contype = 'f' and cn.nspname = 'public' and k.conrelid <> k.confrelid`,
  );
  const ordered: string[] = [];
  const left = new Set(tables.map((table) => table.name));
  while (left.size > 0) {
    const ready = [...left].filter((table) => !references.some((reference) => reference.child === table && left.has(reference.parent)));
    if (ready.length === 0) throw new Error(`The tables ${[...left].join(', ')} reference one another in a circle: no order to copy them in.`);
    for (const table of ready) {
      ordered.push(table);
      left.delete(table);
    }
  }
  return ordered;
}

/** Copies a table in batches, in the order of its rows on disk (ctid), every column but generated ones. */
async function copyTable(source: Database, target: Connection, table: string): Promise<number> {
  const { rows: columns } = await target.query<{ name: string }>(
    "select quote_ident(attname) as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum",
    [table],
  );
  const list = columns.map((column) => column.name).join(', ');
  let after = '(0,0)';
  let copied = 0;
  for (;;) {
    const { rows } = await source.query<{ at: string; row: string }>(
      `select ctid::text as at, to_jsonb(t)::text as row from ${table} t where ctid > $1::tid order by ctid limit ${BATCH}`,
      [after],
    );
    if (rows.length === 0) return copied;
    await target.query(`insert into ${table} (${list}) overriding system value select ${list} from jsonb_populate_recordset(null::${table}, $1::jsonb)`, [
      `[${rows.map((row) => row.row).join(',')}]`,
    ]);
    copied += rows.length;
    after = rows.at(-1)!.at;
  }
}

/** Identity columns go on after the highest id copied, as they would have on the embedded database. */
async function continueIdentities(target: Connection): Promise<void> {
  const { rows } = await target.query<{ table: string; column: string; sequence: string }>(
    `select format('%I.%I', table_schema, table_name) as table, quote_ident(column_name) as column,
       pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) as sequence
     from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`,
  );
  for (const { table, column, sequence } of rows) {
    await target.query(`select setval($1, coalesce((select max(${column}) from ${table}), 0) + 1, false)`, [sequence]);
  }
}

/** One digest per row of its whole content, sorted. */
async function rowDigests(connection: Pick<RawConnection, 'query'>, table: string): Promise<string[]> {
  const { rows } = await connection.query<{ digest: string }>(`select md5(to_jsonb(t)::text) as digest from ${table} t order by 1`);
  return rows.map((row) => row.digest);
}

/** How many of `expected` are not in `found`, counting repeats. */
function multisetMinus(expected: string[], found: string[]): number {
  const left = new Map<string, number>();
  for (const digest of found) left.set(digest, (left.get(digest) ?? 0) + 1);
  let missing = 0;
  for (const digest of expected) {
    const count = left.get(digest) ?? 0;
    if (count === 0) missing += 1;
    else left.set(digest, count - 1);
  }
  return missing;
}
