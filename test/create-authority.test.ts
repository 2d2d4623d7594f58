import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from './support/free-port.js';
import { emptyDatabase, runOperatorCommand } from './support/operations-scenario.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * An operator creates an authority in production (issue #17): `npm run create-authority` on a
 * database no portal has started yet, then the portal serves it, and the single-use link it printed
 * lets the first administrator in. On PostgreSQL in the suite's PostgreSQL pass, embedded otherwise.
 */
const serverUrl = process.env.TEST_DATABASE_URL || undefined;

describe(`creating an authority on ${serverUrl ? 'a PostgreSQL server' : 'the embedded database'}`, () => {
  const folder = mkdtempSync(join(tmpdir(), 'pf-create-authority-'));
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  let portal: ChildProcess | undefined;
  let port: number;
  const create = (...args: string[]) => runOperatorCommand('create-authority', args, env);

  before(async () => {
    port = await freePort();
    env = { DATA_DIR: folder, DATABASE_URL: '', PUBLIC_URL: `http://127.0.0.1:${port}`, DEMO: 'false' };
    if (serverUrl) {
      const database = await emptyDatabase(serverUrl);
      env.DATABASE_URL = database.url;
      drop = database.drop;
    }
  });
  after(async () => {
    portal?.kill('SIGKILL');
    await drop?.();
    rmSync(folder, { recursive: true, force: true });
  });

  it('creates the authority with its zone’s school holidays and prints its first administrator’s link', async () => {
    const created = await create(
      '--slug',
      'val-de-loire',
      '--name',
      'Communauté du Val',
      '--admin',
      'Anne.Roy@Val.test',
      '--admin-name',
      'Anne Roy',
      '--zone',
      'B',
    );
    assert.equal(created.code, 0, created.output);
    assert.match(created.output, new RegExp(`authority created: http://127\\.0\\.0\\.1:${port}/val-de-loire\\n`));
    assert.match(created.output, /school holiday periods of its zone: [1-9]\d*\n/);

    portal = await startPortalProcess({ ...env, PORT: String(port) });
    const link = /(http:\/\/\S+\/val-de-loire\/invitation\/\S+)/.exec(created.output)?.[1];
    assert.ok(link, created.output);
    const invitation = await fetch(link);
    assert.equal(invitation.status, 200);
    const page = await invitation.text();
    assert.match(page, /anne\.roy@val\.test/, 'the link opens the administrator’s own invitation');
    assert.doesNotMatch(page, /lien n’est plus valable|invalid/i);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/val-de-loire/connexion`)).text(), /Communauté du Val/);
  });

  it('refuses a name already taken, a reserved one, and a bad address, with a sentence', async () => {
    const again = ['--slug', 'val-de-loire', '--name', 'Autre', '--admin', 'a@val.test'];
    if (!serverUrl) {
      // The embedded database has one user: with its portal running, the command says so.
      assert.match((await create(...again)).output, /is in use by process \d+/);
      const stopped = new Promise((resolve) => portal!.once('close', resolve));
      portal!.kill('SIGTERM');
      await stopped;
    }
    for (const [args, said] of [
      [again, /exists already/],
      [['--slug', 'metrics', '--name', 'Autre', '--admin', 'a@val.test'], /cannot name an authority/],
      [['--slug', 'autre', '--name', 'Autre', '--admin', 'pas-une-adresse'], /is not an email address/],
      [['--slug', 'autre', '--name', 'Autre', '--admin', 'a@val.test', '--time-zone', 'Europe/Bellerive'], /is not a time zone/],
    ] as [string[], RegExp][]) {
      const refused = await create(...args);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, said);
      assert.doesNotMatch(refused.output, /\n\s+at /, 'a sentence, not a stack trace');
    }
    const usage = await create('--name', 'Sans nom court');
    assert.equal(usage.code, 2);
    assert.match(usage.output, /^usage: npm run create-authority/);
  });
});
