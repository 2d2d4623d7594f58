import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * Two portals on one embedded database folder corrupt it without a word (issue #18, item 4): the
 * second is refused, saying which folder and which process holds it. The lock lasts as long as
 * its process: a portal killed with -9 leaves it behind, and the next start takes it over; a portal
 * stopped removes it.
 */
describe('the embedded database folder', { skip: process.env.TEST_DATABASE_URL ? 'embedded database only: runs in the PGlite pass' : false }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pf-lock-'));
  const lockFile = join(dataDir, 'pglite.lock');
  const started: ChildProcess[] = [];
  const start = async () => {
    const portal = await startPortalProcess({ DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(await freePort()) });
    started.push(portal);
    return portal;
  };
  const stop = async (portal: ChildProcess, signal: NodeJS.Signals) => {
    const exited = once(portal, 'exit');
    portal.kill(signal);
    await exited;
  };
  after(() => {
    for (const portal of started) if (portal.exitCode === null && portal.signalCode === null) portal.kill('SIGKILL');
  });

  it('refuses a second portal while the first runs, and is taken over once the first was killed with -9', async () => {
    const first = await start();
    await assert.rejects(start(), (error: Error) => {
      assert.match(error.message, /^the portal exited with 1:/);
      assert.ok(error.message.includes(`The embedded database ${join(dataDir, 'pglite')} is in use by process ${first.pid}`), error.message);
      assert.doesNotMatch(error.message, /\n\s+at /, 'a sentence, not a stack trace');
      return true;
    });
    assert.equal(readFileSync(lockFile, 'utf8'), `${first.pid}\n`);

    await stop(first, 'SIGKILL');
    assert.ok(existsSync(lockFile), 'a process killed with -9 cannot remove its lock');
    const next = await start();
    assert.equal(readFileSync(lockFile, 'utf8'), `${next.pid}\n`);

    await stop(next, 'SIGTERM');
    assert.equal(existsSync(lockFile), false, 'a portal stopped removes its lock');
  });
});
