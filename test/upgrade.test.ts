import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Database } from '../src/db/database.js';
import { migrate, migrationFiles } from '../src/db/migrate.js';
import type { FamilyBillingScenario } from './support/family-billing.js';
import { startOperationsScenario, storedFiles } from './support/operations-scenario.js';

/**
 * An upgrade (issue #17, item 5): a database of the previous version — every migration but the
 * last — holding an authority with bookings, invoices and documents, migrated by this version as
 * its start does: the new migration applies, and every row of every table keeps the values of the
 * columns it had. A migration meant to change existing values would say so here.
 */
const files = migrationFiles();
const previous = files.at(-2)!.version;
const latest = files.at(-1)!;

/**
 * A key a migration renumbers on purpose, and the columns that refer to it: their values change,
 * so they are left out of the rows compared, and each link must still join the same two rows.
 * 0035: the billed days' random uuid key became a growing number (an invoice run writes 650,000).
 */
const RENUMBERED: Record<number, { table: string; key: string; links: string[] }> = {
  35: { table: 'public.billed_units', key: 'id', links: ['reverses', 'reversed_by'] },
};
const renumbered = RENUMBERED[latest.version];

/** Each link of the renumbered table as a digest of the two rows it joins, without the renumbered columns. */
async function linkedRows(db: Database): Promise<string[]> {
  if (!renumbered) return [];
  const { table, key, links } = renumbered;
  const without = [key, ...links].map((column) => `'${column}'`).join(' - ');
  const digests: string[] = [];
  for (const link of links) {
    const { rows } = await db.query<{ digest: string }>(
      `select md5((to_jsonb(t) - ${without})::text || (to_jsonb(u) - ${without})::text) as digest from ${table} t join ${table} u on u.${key} = t.${link} order by 1`,
    );
    digests.push(`${link}: ${rows.map((row) => row.digest).join(',')}`);
  }
  return digests;
}
let scenario: FamilyBillingScenario;

before(async () => {
  scenario = await startOperationsScenario({ migratedUpTo: previous });
  // A year holds a corrected day too: one billed day reversed, as a credit note does, so that
  // the links a migration renumbers have rows to join.
  const { db } = scenario.portal;
  const [reversal] = (
    await db.query<{ id: string; reverses: string }>(
      `insert into billed_units (tenant_id, invoice_line_id, booking_id, day, kind, care_cents, meal_cents, penalty_cents, reverses)
       select tenant_id, invoice_line_id, booking_id, day, kind, -care_cents, -meal_cents, -penalty_cents, id
       from billed_units where reverses is null and reversed_by is null order by day limit 1
       returning id, reverses`,
    )
  ).rows;
  await db.query('update billed_units set reversed_by = $1 where id = $2', [reversal!.id, reversal!.reverses]);
});
after(() => scenario?.portal.close());

/** Per table of the portal, a digest of each row's values in the columns it has now, sorted. */
async function rowsByTable(db: Database, columnsOf?: Map<string, string[]>): Promise<Map<string, { columns: string[]; rows: string[] }>> {
  const { rows: tables } = await db.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations' order by 1",
  );
  const found = new Map<string, { columns: string[]; rows: string[] }>();
  for (const { name } of tables) {
    const columns = (
      columnsOf?.get(name) ??
      (
        await db.query<{ name: string }>('select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped', [name])
      ).rows.map((column) => column.name)
    ).filter((column) => name !== renumbered?.table || ![renumbered.key, ...renumbered.links].includes(column));
    const { rows } = await db.query<{ digest: string }>(
      `select md5((select jsonb_object_agg(key, value) from jsonb_each(to_jsonb(t)) where key = any($1))::text) as digest from ${name} t order by 1`,
      [columns],
    );
    found.set(name, {
      columns,
      rows: rows.map((row) => row.digest),
    });
  }
  return found;
}

it(`migrates a database of the previous version (up to ${previous}) holding an authority's year, every row intact`, async () => {
  const { portal } = scenario;
  const ready = await portal.app.inject({ url: '/ready' });
  assert.equal(ready.statusCode, 503, 'the previous version’s database is not ready for this version');
  const before = await rowsByTable(portal.db);
  assert.ok(
    before.get('public.bookings')!.rows.length > 0 && before.get('public.invoices')!.rows.length > 0 && before.get('public.documents')!.rows.length > 0,
  );
  const filesBefore = await storedFiles(portal.db);
  const linksBefore = await linkedRows(portal.db);

  assert.deepEqual(await migrate(portal.db), [`${latest.version}-${latest.name}`]);

  const afterUpgrade = await rowsByTable(portal.db, new Map([...before].map(([table, { columns }]) => [table, columns])));
  for (const [table, { rows }] of before) assert.deepEqual(afterUpgrade.get(table)?.rows, rows, `${table} keeps its rows and their values`);
  assert.deepEqual(await linkedRows(portal.db), linksBefore, 'the renumbered links join the same rows');
  assert.deepEqual(await storedFiles(portal.db), filesBefore);
  assert.equal((await portal.app.inject({ url: '/ready' })).statusCode, 200);
  const page = await portal.app.inject({ url: '/ville/connexion' });
  assert.equal(page.statusCode, 200);
});
