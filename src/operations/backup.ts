import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Config } from '../config.js';
import { openDatabase, type RawConnection } from '../db/database.js';
import { StartupError } from '../startup-error.js';
import { EMBEDDED_DUMP, type Manifest, SECRET_FILE, SERVER_DUMP, writeBackupArchive } from './backup-archive.js';
import { libpqConnection, runTool } from './external-command.js';
import { OperationError } from './operation-command.js';
import { type RowCounts, rowCounts } from './row-counts.js';
import { connectToServer } from './server-connection.js';

/**
 * Saves the whole database of the portal that `config` names into one file (backup-archive.ts):
 * a PostgreSQL server while the portals run; the embedded database only with its portal stopped.
 */
export function backUp(config: Config, file: string): Promise<Manifest> {
  return writeBackupArchive(file, (folder) => (config.databaseUrl ? dumpServer(config.databaseUrl, folder) : dumpEmbedded(config.dataDir, folder)));
}

/**
 * pg_dump inside the snapshot of a transaction of ours, in which the rows are counted too: the counts
 * in the manifest are those of the dump, even while the portals keep writing.
 */
async function dumpServer(databaseUrl: string, folder: string): Promise<Manifest> {
  const client = await connectToServer(databaseUrl);
  try {
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    const migration = await lastMigration(client);
    const tables = await rowCounts(client);
    const { dbname, env } = libpqConnection(databaseUrl);
    await runTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${join(folder, SERVER_DUMP)}`, `--dbname=${dbname}`], env);
    await client.query('commit');
    return manifest('postgres', migration, tables);
  } finally {
    await client.end();
  }
}

/**
 * The embedded database has one user at a time (db/data-dir-lock.ts): its portal must be stopped
 * for the backup to open it. A copy of the folder taken under a running portal could catch its
 * files half-written; stopping it for the seconds a backup takes is the safe way.
 */
async function dumpEmbedded(dataDir: string, folder: string): Promise<Manifest> {
  const databaseDir = join(dataDir, 'pglite');
  if (!existsSync(databaseDir)) throw new OperationError(`No embedded database in ${databaseDir} (DATA_DIR). For a PostgreSQL server, set DATABASE_URL.`);
  const db = await openDatabase({ dataDir: databaseDir }).catch((error: unknown) => {
    if (!(error instanceof StartupError)) throw error;
    throw new OperationError(
      `${error.message}\nThe embedded database is saved with its portal stopped: stop it (systemctl stop portail-famille), ` +
        'run the backup, start it again. A portal that must keep running while it is saved runs on PostgreSQL.',
    );
  });
  try {
    const migration = await lastMigration(db);
    const tables = await rowCounts(db);
    const data = await db.dumpDataDir!();
    writeFileSync(join(folder, EMBEDDED_DUMP), gzipSync(Buffer.from(await data.arrayBuffer())));
    const secret = join(dataDir, SECRET_FILE);
    if (existsSync(secret)) copyFileSync(secret, join(folder, SECRET_FILE));
    return manifest('embedded', migration, tables);
  } finally {
    await db.close();
  }
}

/** The last migration applied; a database without the portal's tables is refused (a wrong DATABASE_URL). */
async function lastMigration(connection: Pick<RawConnection, 'query'>): Promise<number> {
  const table = await connection.query<{ present: boolean }>("select to_regclass('schema_migrations') is not null as present");
  if (!table.rows[0]?.present) throw new OperationError('This database holds no Portail Famille tables (no schema_migrations): nothing to save.');
  const { rows } = await connection.query<{ version: number | null }>('select max(version) as version from schema_migrations');
  return Number(rows[0]?.version ?? 0);
}

function manifest(database: Manifest['database'], migration: number, tables: RowCounts): Manifest {
  return { format: 'portail-famille-backup', formatVersion: 1, database, createdAt: new Date().toISOString(), migration, tables };
}
