import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runTool } from './external-command.js';
import { OperationError } from './operation-command.js';
import type { RowCounts } from './row-counts.js';

/**
 * A backup is one plain tar file that an operator can open with `tar -xf` without the portal:
 * - `manifest.json`: what it holds, when it was made, and the rows of every table at that moment;
 * - `database.pgdump` (a PostgreSQL server: `pg_dump --format=custom`, for `pg_restore`), or
 *   `pglite-data.tar.gz` (the embedded database's data folder, as PGlite's dumpDataDir writes it);
 * - `secret`, for an embedded portal whose SECRET was generated into DATA_DIR: the outbox's sealed
 *   links and the payment providers' keys were sealed under it, and would not open without it.
 * Uploaded files and invoice PDFs are rows of the database (bytea): the dump holds them.
 */
export const MANIFEST = 'manifest.json';
export const SERVER_DUMP = 'database.pgdump';
export const EMBEDDED_DUMP = 'pglite-data.tar.gz';
export const SECRET_FILE = 'secret';

const FORMAT = 'portail-famille-backup';

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: 1;
  database: 'postgres' | 'embedded';
  createdAt: string;
  /** The last migration applied to the database saved. */
  migration: number;
  tables: RowCounts;
}

/**
 * Writes the archive from the files `fill` puts into a scratch folder beside it, under a temporary
 * name renamed at the end: a backup cut short never passes for a whole one, and an earlier backup of
 * the same name stays until the new one is complete.
 */
export async function writeBackupArchive(file: string, fill: (folder: string) => Promise<Manifest>): Promise<Manifest> {
  const target = resolve(file);
  if (!existsSync(dirname(target))) throw new OperationError(`The folder ${dirname(target)} does not exist.`);
  const folder = mkdtempSync(join(dirname(target), '.backup-'));
  const partial = `${target}.partial`;
  try {
    const manifest = await fill(folder);
    writeFileSync(join(folder, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const members = [MANIFEST, SERVER_DUMP, EMBEDDED_DUMP, SECRET_FILE].filter((name) => existsSync(join(folder, name)));
    await runTool('tar', ['--create', `--file=${partial}`, `--directory=${folder}`, ...members]);
    renameSync(partial, target);
    return manifest;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/** Opens a backup into a scratch folder for `work`, removed afterwards; refuses a file that is not one. */
export async function openBackupArchive<T>(file: string, work: (folder: string, manifest: Manifest) => Promise<T>): Promise<T> {
  if (!existsSync(file)) throw new OperationError(`No such file: ${file}`);
  const folder = mkdtempSync(join(tmpdir(), 'pf-restore-'));
  try {
    await runTool('tar', ['--extract', `--file=${resolve(file)}`, `--directory=${folder}`]).catch((error: Error) => {
      throw new OperationError(`${file} is not a Portail Famille backup, or could not be opened: ${error.message}`);
    });
    const manifest = readManifest(join(folder, MANIFEST), file);
    return await work(folder, manifest);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function readManifest(path: string, file: string): Manifest {
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
  } catch {
    throw new OperationError(`${file} is not a Portail Famille backup (no ${MANIFEST}).`);
  }
  if (manifest.format !== FORMAT || manifest.formatVersion !== 1) {
    throw new OperationError(`${file} is not a Portail Famille backup of a format this version reads.`);
  }
  return manifest as Manifest;
}

/** One line for the operator: what a backup holds. */
export function describeBackup(manifest: Manifest): string {
  const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0);
  const kind = manifest.database === 'postgres' ? 'PostgreSQL' : 'embedded';
  return `${kind} database of ${manifest.createdAt}, migration ${manifest.migration}, ${Object.keys(manifest.tables).length} tables, ${rows} rows`;
}
