import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Config } from '../config.js';
import { EMBEDDED_DUMP, type Manifest, SECRET_FILE, SERVER_DUMP, writeBackupArchive } from './backup-archive.js';
import { libpqConnection, runTool } from './external-command.js';
import { openStoppedEmbedded } from './embedded-source.js';
import { type RowCounts, rowCounts } from './row-counts.js';
import { lastMigration } from './schema-version.js';
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

/** The embedded database is saved with its portal stopped (embedded-source.ts). */
async function dumpEmbedded(dataDir: string, folder: string): Promise<Manifest> {
  const db = await openStoppedEmbedded(dataDir);
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

function manifest(database: Manifest['database'], migration: number, tables: RowCounts): Manifest {
  return { format: 'portail-famille-backup', formatVersion: 1, database, createdAt: new Date().toISOString(), migration, tables };
}
