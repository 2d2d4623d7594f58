import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/database.js';
import { EMBEDDED_UPKEEP_QUEUE, upkeepEmbeddedDatabase } from '../src/db/embedded-upkeep.js';
import { migrate, migrationFiles } from '../src/db/migrate.js';
import { migratedPgliteCopy } from './support/migrated-copies.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * PGlite has no autovacuum: the portal analyses and vacuums its embedded database itself, or its
 * queries are planned without statistics for ever (the two-child month 61 ms instead of 11 ms in
 * bench/pages) and its tables only grow. Always on PGlite, whatever database the suite runs on.
 */
describe('the embedded database’s upkeep', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase({ loadDataDir: migratedPgliteCopy() });
    await migrate(db);
  });
  after(() => db?.close());

  /** The counters PostgreSQL keeps per table, sent at once rather than within the second. */
  async function changed(statement: string) {
    await db.exec(statement);
    await db.query('select pg_stat_force_next_flush()');
    await db.query('select 1');
  }

  const rowsCounted = async (table: string) =>
    (await db.query<{ reltuples: number }>('select reltuples from pg_class where oid = $1::regclass', [table])).rows[0]!.reltuples;

  it('gives the tables that hold rows their statistics, leaves empty ones to the planner’s guess, then leaves unchanged tables alone', async () => {
    assert.equal(await rowsCounted('bookings'), -1, 'a migrated table has never been analysed');
    const first = await upkeepEmbeddedDatabase(db);
    assert.deepEqual(first.analysed, ['public.schema_migrations'], 'the list of migrations applied: the one table holding rows');
    assert.equal(first.analysed.includes('public.bookings'), false, 'no booking yet');
    assert.equal(await rowsCounted('bookings'), -1);
    assert.equal(await rowsCounted('schema_migrations'), migrationFiles().length);
    const second = await upkeepEmbeddedDatabase(db);
    assert.deepEqual(second.analysed, []);
  });

  it('analyses a table again once more than 50 and a tenth of its rows changed', async () => {
    await changed('create table upkept (id integer primary key, label text)');
    await changed(`insert into upkept select n, 'row ' || n from generate_series(1, 400) n`);
    assert.deepEqual((await upkeepEmbeddedDatabase(db)).analysed, ['public.upkept']);
    assert.equal(await rowsCounted('upkept'), 400);

    await changed(`insert into upkept select n, 'row ' || n from generate_series(401, 480) n`);
    assert.deepEqual((await upkeepEmbeddedDatabase(db)).analysed, [], '80 changed rows: not more than 50 + 40');
    await changed(`insert into upkept select n, 'row ' || n from generate_series(481, 500) n`);
    assert.deepEqual((await upkeepEmbeddedDatabase(db)).analysed, ['public.upkept'], '100 changed rows');
    assert.equal(await rowsCounted('upkept'), 500);
  });

  it('reclaims dead rows, so a table rewritten again and again stops growing', async () => {
    const size = async () => (await db.query<{ bytes: string }>(`select pg_relation_size('upkept') as bytes`)).rows[0]!.bytes;
    const rewrite = () => changed(`update upkept set label = label || '.'`);
    await rewrite();
    const done = await upkeepEmbeddedDatabase(db);
    assert.deepEqual(done.vacuumed, ['public.upkept']);
    const { rows } = await db.query<{ n_dead_tup: string }>(`select n_dead_tup from pg_stat_user_tables where relname = 'upkept'`);
    assert.equal(Number(rows[0]!.n_dead_tup), 0);
    const afterFirst = await size();
    for (let round = 0; round < 4; round += 1) {
      await rewrite();
      await upkeepEmbeddedDatabase(db);
    }
    // Without vacuum each rewrite adds a copy of every row: five rewrites, five times the rows' pages.
    assert.ok(Number(await size()) <= Number(afterFirst) * 1.5, `${await size()} bytes after five rewrites, ${afterFirst} after one`);
  });
});

describe('the upkeep’s schedule', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal({ jobs: true });
  });
  after(() => portal?.close());

  it('runs every minute on the embedded database, and not beside a server’s autovacuum', async () => {
    const schedules = await portal.services.jobs!.getSchedules();
    const upkeep = schedules.filter((schedule) => schedule.name === EMBEDDED_UPKEEP_QUEUE);
    if (portal.db.kind === 'pglite')
      assert.deepEqual(
        upkeep.map((schedule) => schedule.cron),
        ['* * * * *'],
      );
    else assert.deepEqual(upkeep, []);
  });
});
