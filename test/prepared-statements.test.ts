import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { RawConnection } from '../src/db/database.js';
import { MOST_PER_CONNECTION } from '../src/db/prepared-statements.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** The statements prepared on this connection, by their text. */
async function prepared(connection: RawConnection): Promise<string[]> {
  const { rows } = await connection.query<{ statement: string }>('select statement from pg_prepared_statements order by statement');
  return rows.map((row) => row.statement);
}

/**
 * Unless DATABASE_PREPARED_STATEMENTS is false, the reads the portal runs again are parsed and
 * planned once per connection (prepared-statements.ts), on a PostgreSQL server and on the embedded
 * database alike: the families' pages are mostly planning otherwise (README, "The families' pages").
 */
describe(`statements prepared on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'} connections`, () => {
  let portal: TestPortal;

  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  it('prepares a statement with parameters once, and answers each run with its own values', async () => {
    await portal.db.withConnection(async (connection) => {
      const text = 'select $1::integer + 1 as next';
      assert.deepEqual((await connection.query(text, [1])).rows, [{ next: 2 }]);
      assert.deepEqual((await connection.query(text, [41])).rows, [{ next: 42 }]);
      assert.deepEqual(
        (await prepared(connection)).filter((statement) => statement === text),
        [text],
      );
    });
  });

  it('prepares the statements of a tenant’s transaction, row-level security included', async () => {
    const north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord' });
    const south = await portal.addTenant({ slug: 'sud', name: 'Commune du Sud' });
    for (const tenant of [north, south]) {
      await portal.inTenant(tenant, ({ tx, tenantId }) =>
        tx
          .insertInto('sites')
          .values({ tenant_id: tenantId, name: `École ${tenant.slug}`, kind: 'school' })
          .execute(),
      );
    }
    // The same prepared statement, run by one tenant then the other, still sees only that tenant's rows.
    for (let round = 0; round < 8; round++) {
      for (const tenant of [north, south]) {
        const names = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('sites').select('name').where('kind', '=', 'school').execute());
        assert.deepEqual(
          names.map((row) => row.name),
          [`École ${tenant.slug}`],
        );
      }
    }
    const statements = await portal.inTenant(north, async ({ tx }) => {
      await tx.selectFrom('sites').select('name').where('kind', '=', 'school').execute();
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx)).rows.map((row) => row.statement);
    });
    assert.ok(statements.some((statement) => statement.startsWith('select "name" from "sites"')));
  });

  it('recovers when a prepared statement’s columns change type under it (another process migrated)', async () => {
    await portal.db.withConnection(async (connection) => {
      await connection.exec('create table shape_test (id integer primary key, label integer)');
      await connection.query('insert into shape_test values ($1, $2)', [1, 7]);
      const text = 'select label from shape_test where id = $1';
      // Run often enough for PostgreSQL to keep its plan: a changed result type is then refused.
      for (let run = 0; run < 6; run++) assert.deepEqual((await connection.query(text, [1])).rows, [{ label: 7 }]);
      await connection.exec('alter table shape_test alter column label type text');
      await assert.rejects(connection.query(text, [1]), /cached plan must not change result type/);
      assert.deepEqual((await connection.query(text, [1])).rows, [{ label: '7' }]);
      await connection.exec('drop table shape_test');
    });
  });
  it('prepares a read whose table did not exist at its first run once the table is there', async () => {
    await portal.db.withConnection(async (connection) => {
      const text = 'select label from later_test where id = $1';
      await assert.rejects(connection.query(text, [1]), /relation "later_test" does not exist/);
      await connection.exec("create table later_test (id integer primary key, label text); insert into later_test values (1, 'un')");
      for (let run = 0; run < 2; run++) assert.deepEqual((await connection.query(text, [1])).rows, [{ label: 'un' }]);
      assert.ok((await prepared(connection)).includes(text));
      await connection.exec('drop table later_test');
    });
  });

  it('leaves writes unprepared: an insert still finds its partial unique index from parameters', async () => {
    await portal.db.withConnection(async (connection) => {
      await connection.exec(
        "create table live_test (child integer, status text); create unique index live_one on live_test (child) where status in ('pending', 'accepted')",
      );
      const insert = 'insert into live_test values ($1, $2) on conflict (child) where status in ($3, $4) do nothing returning child';
      const before = (await prepared(connection)).length;
      for (let run = 0; run < 7; run++) {
        const { rows } = await connection.query(insert, [1, 'pending', 'pending', 'accepted']);
        assert.equal(rows.length, run === 0 ? 1 : 0, 'one live row, the others skipped');
      }
      assert.equal((await prepared(connection)).length, before);
      await connection.exec('drop table live_test');
    });
  });

  it('leaves unprepared what would go stale or pile up: reads of *, long lists, and beyond its cap', async () => {
    await portal.db.withConnection(async (connection) => {
      const before = (await prepared(connection)).length;
      await connection.query('select * from tenants where slug = $1', ['nord']);
      const ids = Array.from({ length: 100 }, (_, index) => index);
      await connection.query(`select count(id) as n from tenants where length(slug) in (${ids.map((_, index) => `$${index + 1}`).join(', ')})`, ids);
      assert.equal((await prepared(connection)).length, before);
      for (let index = before; index < MOST_PER_CONNECTION + 5; index++) await connection.query(`select $1::integer as n${index}`, [index]);
      assert.equal((await prepared(connection)).length, MOST_PER_CONNECTION);
    });
  });
});

describe('DATABASE_PREPARED_STATEMENTS=false (behind a pooler that cannot keep prepared statements)', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal({ env: { DATABASE_PREPARED_STATEMENTS: 'false' } });
  });
  after(() => portal?.close());

  it('prepares nothing, however often a read runs', async () => {
    await portal.db.withConnection(async (connection) => {
      for (let run = 0; run < 3; run++) assert.deepEqual((await connection.query('select $1::integer + 1 as next', [run])).rows, [{ next: run + 1 }]);
      assert.deepEqual(await prepared(connection), []);
    });
  });
});
