import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Database } from '../src/db/database.js';
import { pgBossDb, startJobQueue, stopJobQueue } from '../src/jobs/job-queue.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

let portal: TestPortal;
before(async () => {
  portal = await startTestPortal();
});
after(() => portal.close());

it('answers pg-boss statements with their rows, a trailing semicolon included', async () => {
  const db = pgBossDb(portal.db);
  assert.deepEqual((await db.executeSql('select 1 as one', [])).rows, [{ one: 1 }]);
  assert.deepEqual((await db.executeSql('select 2 as two;', [])).rows, [{ two: 2 }]);
  assert.deepEqual((await db.executeSql('select $1::int as three', [3])).rows, [{ three: 3 }]);
});

it('runs scripts without parameters as scripts, and rolls back one that fails half-way', async () => {
  const db = pgBossDb(portal.db);
  await db.executeSql('create table probe (n int); insert into probe values (1);', []);
  await assert.rejects(db.executeSql('begin; insert into probe values (2); select 1/0; commit;', []), /division by zero/);
  // On PGlite's single connection an aborted transaction left open would break every later query.
  const { rows } = await portal.db.query<{ n: number }>('select n from probe order by n');
  assert.deepEqual(rows, [{ n: 1 }]);
});

it('records a job that failed as the queue stopped before the stop returns, so closing the database loses nothing', async () => {
  // A worker records a failure without waiting for it; here that statement takes a second.
  let slow = false;
  const db: Database = {
    ...portal.db,
    query: async (text, values) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 1000));
      return portal.db.query(text, values);
    },
  };
  const jobs = await startJobQueue(db, { error() {} });
  await jobs.createQueue('probe-stop');
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let release!: (error: Error) => void;
  await jobs.work('probe-stop', { pollingIntervalSeconds: 0.5 }, () => {
    started();
    return new Promise((_, reject) => {
      release = reject;
    });
  });
  const id = (await jobs.send('probe-stop', {}, { retryLimit: 0 }))!;
  await running;
  const stopped = stopJobQueue(jobs);
  slow = true;
  release(new Error('stopped half-way'));
  await stopped;
  slow = false;
  const { rows } = await portal.db.query<{ state: string }>('select state from pgboss.job where id = $1', [id]);
  assert.deepEqual(rows, [{ state: 'failed' }]);
});
