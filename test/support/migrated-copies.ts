import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * One migrated database per test run, copied for every test portal, so that no test process runs
 * initdb and every migration again. scripts/test.ts makes them before the passes and names them to
 * the test processes through these environment variables; a test file run on its own (without
 * them) creates and migrates its database from scratch, as production does at its first start.
 * Each portal still gets a database of its own: a copy, never shared.
 */

/** Path of a tar of a migrated PGlite data folder (`Database.dumpDataDir()`). */
export const PGLITE_COPY_ENV = 'TEST_PGLITE_COPY';
/** Name of a migrated database on TEST_DATABASE_URL's server, the template of each test database. */
export const POSTGRES_TEMPLATE_ENV = 'TEST_DATABASE_TEMPLATE';

/** Migrates an empty PGlite database and writes its data folder to `dir`; returns the file's path. */
export async function writeMigratedPgliteCopy(dir: string): Promise<string> {
  const db = await openDatabase({});
  try {
    await migrate(db);
    const dump = await db.dumpDataDir!();
    const path = join(dir, 'pglite-migrated.tar');
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
    return path;
  } finally {
    await db.close();
  }
}

let pgliteCopy: Blob | undefined;

/** The run's migrated PGlite data folder, read once per process, or undefined outside scripts/test.ts. */
export function migratedPgliteCopy(): Blob | undefined {
  const path = process.env[PGLITE_COPY_ENV];
  if (!path) return undefined;
  pgliteCopy ??= new Blob([readFileSync(path)]);
  return pgliteCopy;
}

/** Creates and migrates a database on the server to serve as template; `drop()` removes it. */
export async function createMigratedTemplate(serverUrl: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `pf_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    // One connection, closed before any copy: PostgreSQL copies a template nobody is connected to.
    const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 1, priorityPoolSize: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
  } catch (error) {
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    throw error;
  }
  return { name, drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** Runs one statement on the server's maintenance database, on a connection of its own. */
export async function adminQuery(serverUrl: string, sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}
