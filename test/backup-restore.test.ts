import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../src/db/database.js';
import type { Manifest } from '../src/operations/backup-archive.js';
import { rowCounts } from '../src/operations/row-counts.js';
import type { FamilyBillingScenario } from './support/family-billing.js';
import { freePort } from './support/free-port.js';
import {
  emptyDatabase as emptyDatabaseOn,
  runOperatorCommand,
  startOperationsScenario,
  storedFiles,
  writeEmbeddedDataDir,
} from './support/operations-scenario.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * Backups (issue #17, item 1): an authority with bookings, invoices (and their PDFs), payments and
 * uploaded documents is saved by `npm run backup`, restored elsewhere by `npm run restore`, and found
 * whole: the same rows in every table, the same bytes in every file, a portal that starts on it. On
 * PostgreSQL in the suite's PostgreSQL pass (pg_dump / pg_restore), on the embedded database otherwise.
 */
const serverUrl = process.env.TEST_DATABASE_URL || undefined;

describe(`backup and restore of ${serverUrl ? 'a PostgreSQL database' : 'the embedded database'}`, () => {
  const folder = mkdtempSync(join(tmpdir(), 'pf-backup-'));
  const file = join(folder, 'portail.backup');
  let scenario: FamilyBillingScenario;
  let source: Record<string, string>;
  let target: Record<string, string>;
  const drops: (() => Promise<void>)[] = [];
  const processes: ChildProcess[] = [];

  before(async () => {
    scenario = await startOperationsScenario();
    const { portal } = scenario;
    source = { DATA_DIR: join(folder, 'source'), SECRET: portal.config.secret, DATABASE_URL: '' };
    target = { DATA_DIR: join(folder, 'target'), SECRET: portal.config.secret, DATABASE_URL: '' };
    if (serverUrl) {
      source.DATABASE_URL = portal.databaseUrl!;
      target.DATABASE_URL = await emptyDatabase();
    } else {
      // The test portal's database is in memory: its folder is written where a portal keeps it,
      // with the secret it generated there, which the backup carries.
      await writeEmbeddedDataDir(portal, source.DATA_DIR!);
      delete source.SECRET;
      delete target.SECRET;
    }
  });
  after(async () => {
    for (const child of processes) child.kill('SIGKILL');
    await scenario?.portal.close();
    for (const drop of drops) await drop();
    rmSync(folder, { recursive: true, force: true });
  });

  async function emptyDatabase(): Promise<string> {
    const database = await emptyDatabaseOn(serverUrl!);
    drops.push(database.drop);
    return database.url;
  }

  async function openTarget(): Promise<Database> {
    return target.DATABASE_URL
      ? openDatabase({ databaseUrl: target.DATABASE_URL, poolSize: 1, priorityPoolSize: 1 })
      : openDatabase({ dataDir: join(target.DATA_DIR!, 'pglite') });
  }

  it('saves the whole database into one file and restores it into an empty one, every row and every file', async () => {
    const backup = await runOperatorCommand('backup', [file], source);
    assert.equal(backup.code, 0, backup.output);
    assert.match(backup.output, /^backup written to .*portail\.backup: (PostgreSQL|embedded) database of .*, migration \d+, \d+ tables, \d+ rows\n$/);
    const manifest = JSON.parse(execFileSync('tar', ['--extract', '--to-stdout', `--file=${file}`, 'manifest.json']).toString()) as Manifest;

    const restored = await runOperatorCommand('restore', [file], target);
    assert.equal(restored.code, 0, restored.output);
    assert.match(restored.output, /every table holds the rows the backup counted/);

    const expected = await rowCounts(scenario.portal.db);
    for (const table of ['public.bookings', 'public.invoices', 'public.payments', 'public.documents', 'public.invoice_pdfs']) {
      assert.ok((expected[table] ?? 0) > 0, `${table} has rows to save`);
    }
    assert.deepEqual(manifest.tables, expected, 'the backup counted the rows of the source');
    const db = await openTarget();
    try {
      assert.deepEqual(await rowCounts(db), expected);
      const found = await storedFiles(db);
      assert.equal(found.count, 3);
      assert.deepEqual(found, await storedFiles(scenario.portal.db));
    } finally {
      await db.close();
    }
  });

  it('refuses to restore into a database that is not empty, and leaves it as it was', async () => {
    const again = await runOperatorCommand('restore', [file], target);
    assert.equal(again.code, 1);
    assert.match(again.output, /is not empty/);
    assert.doesNotMatch(again.output, /\n\s+at /, 'a sentence, not a stack trace');
    const db = await openTarget();
    assert.deepEqual(await rowCounts(db), await rowCounts(scenario.portal.db));
    await db.close();
  });

  it('refuses a file that is not a backup', async () => {
    const notBackup = join(folder, 'notes.txt');
    writeFileSync(notBackup, 'hello');
    const fresh = serverUrl ? { ...target, DATABASE_URL: await emptyDatabase() } : { ...target, DATA_DIR: join(folder, 'elsewhere') };
    const answer = await runOperatorCommand('restore', [notBackup], fresh);
    assert.equal(answer.code, 1);
    assert.match(answer.output, /is not a Portail Famille backup/);
  });

  it('gives a portal that starts on the restored database and serves the authority', async () => {
    const port = await freePort();
    processes.push(await startPortalProcess({ ...target, PORT: String(port) }));
    const page = await fetch(`http://127.0.0.1:${port}/ville/connexion`);
    assert.equal(page.status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
    if (!serverUrl) {
      // The embedded database is saved with its portal stopped: while one runs, the backup says so.
      const refused = await runOperatorCommand('backup', [join(folder, 'while-running.backup')], target);
      assert.equal(refused.code, 1);
      assert.match(refused.output, /is in use by process \d+[\s\S]*with its portal stopped/);
      assert.throws(() => readFileSync(join(folder, 'while-running.backup')), /ENOENT/);
    }
  });
});
