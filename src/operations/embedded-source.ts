import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, openDatabase } from '../db/database.js';
import { StartupError } from '../startup-error.js';
import { OperationError } from './operation-command.js';

/**
 * Opens the embedded database of DATA_DIR for an operator's command that reads it whole (a backup,
 * a move to PostgreSQL). It has one user at a time (db/data-dir-lock.ts): with its portal running,
 * the command is refused, saying so; a copy taken under a running portal could catch its files
 * half-written. A folder without a database is refused too, rather than a new empty one made.
 */
export async function openStoppedEmbedded(dataDir: string): Promise<Database> {
  const databaseDir = join(dataDir, 'pglite');
  if (!existsSync(databaseDir)) throw new OperationError(`No embedded database in ${databaseDir} (DATA_DIR). For a PostgreSQL server, set DATABASE_URL.`);
  try {
    return await openDatabase({ dataDir: databaseDir });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    throw new OperationError(
      `${error.message}\nThe embedded database is read with its portal stopped: stop it (systemctl stop portail-famille), ` +
        'run the command, start it again. A portal that must keep running while it is saved runs on PostgreSQL.',
    );
  }
}
