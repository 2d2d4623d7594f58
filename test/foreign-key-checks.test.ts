import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * PostgreSQL checks each row written against an authority's composite key with
 * `tenant_id = $1 and id = $2`, planned once per connection and kept. On a table without statistics
 * (new, or on the embedded database, which never analyses), any other index starting with tenant_id
 * looked as good as the key and was taken: each check then read all of the authority's rows
 * (registration day read 79 million index entries for 17,000 bookings). Both checks run on a newly
 * migrated database, which has no statistics, as a new installation's first registration day.
 */
describe('foreign key checks between an authority’s rows', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  /** Each composite key referred to: the table and its columns in the key's order. */
  async function keysReferredTo() {
    const { rows } = await portal.db.query<{ table: string; columns: string[] }>(`
      select distinct c.confrelid::regclass::text as table,
        array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, n)
              join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n) as columns
      from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace and cardinality(c.confkey) > 1
      order by 1, 2`);
    return rows;
  }

  it('finds each referred row through a unique index made of the key’s columns', async () => {
    const keys = await keysReferredTo();
    assert.ok(keys.length > 20, `composite keys referred to: ${keys.length}`);
    const wrong: string[] = [];
    await portal.db.withConnection(async (connection) => {
      // The plan kept for the connection's life: the generic one, as a foreign key's check uses.
      await connection.exec('set plan_cache_mode = force_generic_plan');
      for (const key of keys) {
        const { rows: types } = await connection.query<{ type: string }>(
          `select format_type(a.atttypid, a.atttypmod) as type from unnest($2::text[]) with ordinality k(name, n)
           join pg_attribute a on a.attrelid = $1::regclass and a.attname = k.name order by k.n`,
          [key.table, key.columns],
        );
        const condition = key.columns.map((column, index) => `${column} = $${index + 1}`).join(' and ');
        await connection.exec(
          `prepare referred(${types.map((row) => row.type).join(', ')}) as select 1 from only ${key.table} x where ${condition} for key share of x`,
        );
        const { rows: plan } = await connection.query<{ 'QUERY PLAN': string }>(`explain execute referred(${key.columns.map(() => 'null').join(', ')})`);
        await connection.exec('deallocate referred');
        const planText = plan.map((row) => row['QUERY PLAN']).join(' ');
        const index = planText.match(/Index Scan using (\S+)/)?.[1];
        if (index === undefined) {
          wrong.push(`${key.table}(${key.columns.join(', ')}): ${planText}`);
          continue;
        }
        // A unique index whose columns are all the key's finds one row at most.
        const { rows: columns } = await connection.query<{ column: string }>(
          `select a.attname::text as column from pg_index x join pg_attribute a on a.attrelid = x.indrelid and a.attnum = any(x.indkey)
           where x.indexrelid = $1::regclass and x.indisunique`,
          [index],
        );
        const onTheKey = columns.length > 0 && columns.every((row) => key.columns.includes(row.column));
        if (!onTheKey) wrong.push(`${key.table}(${key.columns.join(', ')}): ${index}`);
      }
    });
    assert.deepEqual(wrong, []);
  });

  it('starts no other index of a table referred to with tenant_id', async () => {
    const { rows } = await portal.db.query<{ index: string }>(`
      with referred as (
        select c.confrelid as table_id, c.confkey as key from pg_constraint c
        where c.contype = 'f' and c.connamespace = 'public'::regnamespace and cardinality(c.confkey) > 1)
      select distinct x.indexrelid::regclass::text as index
      from referred r
      join pg_index x on x.indrelid = r.table_id and x.indpred is null
      join pg_attribute a on a.attrelid = r.table_id and a.attnum = x.indkey[0] and a.attname = 'tenant_id'
      -- A key, or a unique index within one (tenant_id, id inside tenant_id, activity_id, id), is fine.
      where not (x.indisunique and exists (
        select 1 from referred k where k.table_id = r.table_id and (x.indkey::int2[])::int2[] <@ k.key))
      order by 1`);
    assert.deepEqual(
      rows.map((row) => row.index),
      [],
      'put tenant_id second in these indexes: with no statistics they are taken for a foreign key check (0036)',
    );
  });
});
