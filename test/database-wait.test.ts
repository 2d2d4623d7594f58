import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';

/**
 * A PostgreSQL server out of reach at start (issue #18, item 11): the portal tries again for
 * DATABASE_WAIT_SECONDS, with a line per try, then stops with one sentence: no stack trace, and
 * never the password of DATABASE_URL.
 */
it('waits DATABASE_WAIT_SECONDS for a database server out of reach, then stops with one sentence', async () => {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const server = `127.0.0.1:${await freePort()}`;
  const started = Date.now();
  await assert.rejects(
    startPortalProcess({
      DATABASE_URL: `postgres://portail:${password}@${server}/portail`,
      DATABASE_WAIT_SECONDS: '3',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'pf-wait-')),
      PORT: String(await freePort()),
    }),
    (error: Error) => {
      assert.match(error.message, /^the portal exited with 1:/);
      // Tries at 0 s and 2 s; a third, at 4 s, would be past the wait.
      assert.ok(error.message.includes(`database: not reachable at ${server} (ECONNREFUSED), retrying in 2 s (attempt 1/2)\n`), error.message);
      assert.ok(!error.message.includes('(attempt 2/2)'), error.message);
      assert.ok(error.message.includes(`The database server at ${server} could not be reached (ECONNREFUSED) for 3 s: check DATABASE_URL`), error.message);
      assert.doesNotMatch(error.message, /\n\s+at /, 'a sentence, not a stack trace');
      assert.ok(!error.message.includes(password), 'the password is never printed');
      return true;
    },
  );
  // The process's own start takes a few seconds on a loaded machine; the default wait is 60 s.
  assert.ok(Date.now() - started < 45_000, `stopped after ${Date.now() - started} ms`);
});
