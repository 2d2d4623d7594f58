import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { adminQuery } from './support/migrated-copies.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * Liveness apart from readiness (issue #17, item 2): /health says the process answers, whatever the
 * database does, so that a supervisor does not restart portals for a database's fault; /ready says
 * the database answers and holds every migration, so that a load balancer sends nothing to a
 * process that could not serve it.
 */
let portal: TestPortal;
before(async () => {
  // Every other test starts from the run's migrated copy: this one starts as production does the
  // first time, from an empty database through every migration, with the assets bundled here.
  portal = await startTestPortal({ firstStart: true });
});
after(() => portal.close());

it('reports a live process on /health and a ready database on /ready', async () => {
  const health = await portal.app.inject({ url: '/health' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await portal.app.inject({ url: '/ready' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ok', database: 'ok' });
  assert.equal(ready.headers['cache-control'], 'no-store');
});

it('reports 503 on /ready for a database that answers but was never migrated (dropped and created again)', async () => {
  await portal.db.exec('drop table schema_migrations');
  const response = await portal.app.inject({ url: '/ready' });
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'error', database: 'not_migrated' });
});

it('reports 503 on /ready when the database is gone, while /health still answers 200', async () => {
  const probe = await startTestPortal();
  await probe.db.close();
  const response = await probe.app.inject({ url: '/ready' });
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().database, 'unreachable');
  assert.equal((await probe.app.inject({ url: '/health' })).statusCode, 200);
  await probe.app.close();
});

it('reports 503 on /ready once its PostgreSQL database was dropped and created again, empty', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)',
}, async () => {
  const probe = await startTestPortal();
  try {
    const serverUrl = process.env.TEST_DATABASE_URL!;
    const name = new URL(probe.databaseUrl!).pathname.slice(1);
    await adminQuery(serverUrl, `drop database ${name} with (force)`);
    await adminQuery(serverUrl, `create database ${name}`);
    const response = await probe.app.inject({ url: '/ready' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'error', database: 'not_migrated' });
  } finally {
    await probe.close();
  }
});
