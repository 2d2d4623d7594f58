import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../src/db/database.js';
import { rowCounts } from '../src/operations/row-counts.js';
import type { FamilyBillingScenario } from './support/family-billing.js';
import { freePort } from './support/free-port.js';
import { emptyDatabase, runOperatorCommand, startOperationsScenario, storedFiles, writeEmbeddedDataDir } from './support/operations-scenario.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * From the embedded database to PostgreSQL (issue #17, item 5): `npm run move-to-postgres` copies
 * an authority with bookings, invoices and documents into an empty database and checks it row for
 * row; every table then holds as many rows, every file the same bytes, the identity columns go on
 * after the ids copied, and a portal starts on it. The embedded source is made in this process;
 * the target needs the PostgreSQL server of TEST_DATABASE_URL.
 */
const serverUrl = process.env.TEST_DATABASE_URL || undefined;

describe('moving the embedded database to PostgreSQL', { skip: serverUrl ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'pf-move-'));
  let scenario: FamilyBillingScenario;
  let target: { url: string; drop(): Promise<void> };
  let moved: Database;
  const processes: ChildProcess[] = [];

  before(async () => {
    // The scenario on the embedded database, whichever pass this is.
    delete process.env.TEST_DATABASE_URL;
    try {
      scenario = await startOperationsScenario();
    } finally {
      process.env.TEST_DATABASE_URL = serverUrl;
    }
    await writeEmbeddedDataDir(scenario.portal, folder);
    target = await emptyDatabase(serverUrl!);
  });
  after(async () => {
    for (const child of processes) child.kill('SIGKILL');
    await moved?.close();
    await scenario?.portal.close();
    await target?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('copies every table into an empty database and checks every row', async () => {
    const move = await runOperatorCommand('move-to-postgres', [target.url], { DATA_DIR: folder, DATABASE_URL: '', SECRET: '' });
    assert.equal(move.code, 0, move.output);
    assert.match(move.output, /^moved \d+ rows of \d+ tables \(migration \d+\) from .*; every row checked\./);
    assert.match(move.output, /SECRET to the content of .*secret/);

    moved = await openDatabase({ databaseUrl: target.url, poolSize: 2, priorityPoolSize: 1 });
    const portalTables = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([table]) => table.startsWith('public.')));
    const expected = portalTables(await rowCounts(scenario.portal.db));
    assert.ok(expected['public.bookings']! > 0 && expected['public.invoices']! > 0 && expected['public.household_quotients']! > 0);
    assert.deepEqual(portalTables(await rowCounts(moved)), expected, 'as many rows in every table (no quotient recorded twice by its trigger)');
    assert.deepEqual(await storedFiles(moved), await storedFiles(scenario.portal.db));
    assert.equal((await storedFiles(moved)).count, 3);
  });

  it('goes on numbering after the ids copied', async () => {
    const { rows } = await moved.query<{ id: number }>(
      "insert into audit_log (tenant_id, actor_label, action) values ($1, 'test', 'moved') returning id::int as id",
      [scenario.tenant.id],
    );
    const highest = await scenario.portal.db.query<{ id: number }>('select max(id)::int as id from audit_log');
    assert.equal(rows[0]!.id, highest.rows[0]!.id + 1);
  });

  it('refuses a target that is not empty', async () => {
    const again = await runOperatorCommand('move-to-postgres', [target.url], { DATA_DIR: folder, DATABASE_URL: '' });
    assert.equal(again.code, 1);
    assert.match(again.output, /The target database is not empty/);
  });

  it('gives a database a portal starts on, with the embedded portal’s secret', async () => {
    const port = await freePort();
    processes.push(await startPortalProcess({ DATABASE_URL: target.url, SECRET: readFileSync(join(folder, 'secret'), 'utf8'), PORT: String(port) }));
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
    const page = await fetch(`http://127.0.0.1:${port}/ville/connexion`);
    assert.equal(page.status, 200);
  });
});
