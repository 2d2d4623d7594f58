import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { ensureAppRole } from '../db/migrate.js';
import { EMBEDDED_DUMP, type Manifest, openBackupArchive, SECRET_FILE, SERVER_DUMP } from './backup-archive.js';
import { libpqConnection, runTool } from './external-command.js';
import { OperationError } from './operation-command.js';
import { countDifferences, holdsNoTable, type RowCounts, rowCounts } from './row-counts.js';
import { connectToServer } from './server-connection.js';

/**
 * Restores a backup (backup-archive.ts) into the database `config` names, which must be empty: a
 * restore never mixes two databases nor overwrites one. Then counts the rows of every table and
 * compares them with the backup's manifest; a difference fails the restore. The portal started on
 * the restored database applies the migrations a backup of an older version lacks.
 */
export function restore(config: Config, file: string): Promise<Manifest> {
  return openBackupArchive(file, async (folder, manifest) => {
    const found = config.databaseUrl ? await restoreServer(config.databaseUrl, folder, manifest) : await restoreEmbedded(config.dataDir, folder, manifest);
    const differences = countDifferences(manifest.tables, found);
    if (differences.length > 0) throw new OperationError(`The restored database differs from the backup:\n  ${differences.join('\n  ')}`);
    return manifest;
  });
}

async function restoreServer(databaseUrl: string, folder: string, manifest: Manifest): Promise<RowCounts> {
  if (manifest.database !== 'postgres') {
    throw new OperationError(
      'This backup is of an embedded database: restore it without DATABASE_URL (into DATA_DIR), then move it with npm run move-to-postgres.',
    );
  }
  const connection = await connectToServer(databaseUrl);
  try {
    if (!(await holdsNoTable(connection))) {
      throw new OperationError('The database of DATABASE_URL is not empty: restore into a new database (createdb), never over one in use.');
    }
    // The backup grants rights to the role of row-level security, which a new server lacks.
    await ensureAppRole(connection);
    const { dbname, env } = libpqConnection(databaseUrl);
    // --no-owner: the tables belong to the user restoring them, the portal's user on this server.
    await runTool('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, join(folder, SERVER_DUMP)], env);
    // A restored database has no statistics until autovacuum comes by: plan queries well from the first one.
    await connection.exec('analyze');
    return await rowCounts(connection);
  } finally {
    await connection.end();
  }
}

async function restoreEmbedded(dataDir: string, folder: string, manifest: Manifest): Promise<RowCounts> {
  if (manifest.database !== 'embedded') {
    throw new OperationError('This backup is of a PostgreSQL server: restore it with DATABASE_URL naming an empty database.');
  }
  const databaseDir = join(dataDir, 'pglite');
  if (existsSync(databaseDir) && readdirSync(databaseDir).length > 0) {
    throw new OperationError(`The embedded database ${databaseDir} is not empty: restore into a DATA_DIR without a database (move that folder away first).`);
  }
  const data = new Blob([readFileSync(join(folder, EMBEDDED_DUMP))], { type: 'application/x-gzip' });
  const db = await openDatabase({ dataDir: databaseDir, loadDataDir: data });
  try {
    // Nothing was sealed under a secret of this DATA_DIR (its database was empty): the backup's replaces it.
    if (existsSync(join(folder, SECRET_FILE))) copyFileSync(join(folder, SECRET_FILE), join(dataDir, SECRET_FILE));
    return await rowCounts(db);
  } finally {
    await db.close();
  }
}
