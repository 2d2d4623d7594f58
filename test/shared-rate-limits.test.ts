import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../src/db/database.js';
import { SharedRateLimits } from '../src/modules/security/shared-rate-limits.js';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * Rate limits count an address's requests over every process on one database (issue #18, item 5):
 * behind a reverse proxy spreading connections over two portals, a guesser gets the limit once,
 * not once per process.
 */
describe('rate limits shared by the processes of one database', () => {
  let portal: TestPortal;
  const MINUTE = 60_000;

  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  /** A process's counts, on the portal's database, at a time the test sets. */
  const processOn = (db: Database, clock: { now: number }) => new SharedRateLimits(db, { flushMs: 60_000, now: () => clock.now });

  it('adds up the hits of every process once each has sent its own, and starts again with the next window', async () => {
    const clock = { now: 10 * MINUTE + 1_000 };
    const [first, second] = [processOn(portal.db, clock), processOn(portal.db, clock)];
    for (let hit = 1; hit <= 5; hit++) assert.equal(first.hit('login', '203.0.113.7', MINUTE).current, hit, 'this process’s own hits count at once');
    await first.flush();
    assert.equal(second.hit('login', '203.0.113.7', MINUTE).current, 1, 'the other’s hits are not known before this one sends its own');
    await second.flush();
    assert.equal(second.peek('login', '203.0.113.7', MINUTE).current, 6, 'sending answers the total over both');
    assert.equal(second.hit('login', '203.0.113.7', MINUTE).current, 7);
    assert.equal(second.hit('login', '198.51.100.2', MINUTE).current, 1, 'each address has its own count');
    assert.equal(second.hit('reset', '203.0.113.7', MINUTE).current, 1, 'each limit has its own count');
    assert.ok(second.peek('login', '203.0.113.7', MINUTE).ttl <= MINUTE - 1_000, 'the window ends at the next whole minute for every process');

    clock.now = 11 * MINUTE;
    assert.equal(first.hit('login', '203.0.113.7', MINUTE).current, 1, 'a new window starts from nothing');
    await first.flush();
    assert.equal(first.peek('login', '203.0.113.7', MINUTE).current, 1, 'the last window’s hits do not carry over');
    await Promise.all([first.close(), second.close()]);
  });

  it('keeps the hits it could not send, and sends them with the next ones', async () => {
    const clock = { now: 20 * MINUTE };
    let refuse = true;
    const flaky: Database = {
      ...portal.db,
      query: (async (text: string, parameters?: unknown[]) => {
        if (refuse) throw new Error('connection lost');
        return portal.db.query(text, parameters);
      }) as Database['query'],
    };
    const errors: string[] = [];
    const limits = new SharedRateLimits(flaky, { flushMs: 60_000, now: () => clock.now, onError: (error) => errors.push(error.message) });
    limits.hit('login', '192.0.2.1', MINUTE);
    limits.hit('login', '192.0.2.1', MINUTE);
    await limits.flush();
    assert.deepEqual(errors, ['connection lost']);
    assert.equal(limits.peek('login', '192.0.2.1', MINUTE).current, 2, 'nothing counted is forgotten while the database is away');
    refuse = false;
    limits.hit('login', '192.0.2.1', MINUTE);
    await limits.close();
    const stored = await portal.db.query<{ hits: number }>("select hits from rate_limit_hits where bucket = 'login' and key = '192.0.2.1'");
    assert.deepEqual(
      stored.rows.map((row) => row.hits),
      [3],
    );
  });

  describe('two portal processes behind one proxy', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
    const processes: ChildProcess[] = [];
    const origins: string[] = [];
    before(async () => {
      await portal.addTenant({ slug: 'ville' });
      for (let index = 0; index < 2; index++) {
        const port = await freePort();
        processes.push(await startPortalProcess({ DATABASE_URL: portal.databaseUrl!, SECRET: portal.config.secret, PORT: String(port) }));
        origins.push(`http://127.0.0.1:${port}`);
      }
    });
    after(() => {
      for (const child of processes) child.kill('SIGKILL');
    });

    it('refuse the eleventh password reset of a minute from one address, whichever process each went to', async () => {
      // The forgotten-password form allows 10 a minute per address. Each request goes to the other
      // process than the last, once the last has sent its count and this one read it (half a second each).
      const post = (index: number) =>
        fetch(`${origins[index % 2]}/ville/mot-de-passe-oublie`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'email=parent%40example.test',
          redirect: 'manual',
        });
      // Not at the turn of a minute, so that the eleven fall in one window.
      while (Date.now() % MINUTE > MINUTE - 16_000) await new Promise((resolve) => setTimeout(resolve, 500));
      const statuses: number[] = [];
      for (let index = 0; index < 11; index++) {
        statuses.push((await post(index)).status);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
      }
      assert.ok(
        statuses.slice(0, 10).every((status) => status !== 429),
        `the first ten are answered: ${statuses.join(', ')}`,
      );
      assert.equal(statuses[10], 429, `the eleventh is refused: ${statuses.join(', ')}`);
      assert.equal((await post(11)).status, 429, 'and so is the next, on the other process');
    });
  });
});
