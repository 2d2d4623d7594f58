import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { adminQuery } from './support/migrated-copies.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

let portal: TestPortal;
before(async () => {
  // Every other test starts from the run's migrated copy: this one starts as production does the
  // first time, from an empty database through every migration, with the assets bundled here.
  portal = await startTestPortal({ firstStart: true });
});
after(() => portal.close());

it('reports a healthy database on /health', async () => {
  const response = await portal.app.inject({ url: '/health' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok', database: 'ok' });
});

it('reports 503 on /health for a database that answers but was never migrated (dropped and created again)', async () => {
  await portal.db.exec('drop table schema_migrations');
  const response = await portal.app.inject({ url: '/health' });
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'error', database: 'not_migrated' });
});

it('reports 503 on /health when the database is gone', async () => {
  const probe = await (await import('./support/test-portal.js')).startTestPortal();
  await probe.db.close();
  const response = await probe.app.inject({ url: '/health' });
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().database, 'unreachable');
  await probe.app.close();
});

it('reports 503 on /health once its PostgreSQL database was dropped and created again, empty', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)',
}, async () => {
  const probe = await startTestPortal();
  try {
    const serverUrl = process.env.TEST_DATABASE_URL!;
    const name = new URL(probe.databaseUrl!).pathname.slice(1);
    await adminQuery(serverUrl, `drop database ${name} with (force)`);
    await adminQuery(serverUrl, `create database ${name}`);
    const response = await probe.app.inject({ url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'error', database: 'not_migrated' });
  } finally {
    await probe.close();
  }
});
