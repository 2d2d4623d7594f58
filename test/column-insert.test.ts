import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertColumns } from '../src/db/column-insert.js';
import type { Tx } from '../src/db/tenant-scope.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * An invoice run writes its invoices, lines and billed days as one array per column, in PostgreSQL's
 * array text (src/db/column-insert.ts): what a family typed — a name with quotes, a backslash, a
 * comma, braces, or the word NULL — must come back exactly as typed, and an empty value as empty.
 */
describe('rows written as one array per column', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  const names = ['Zoé "la grande" d\'Aubigné', 'back\\slash, {braces} and, commas', 'NULL', '', null];

  async function written(rowsPerStatement: number) {
    return portal.db.kysely.transaction().execute(async (tx) => {
      await sql`create temporary table written (tenant_id uuid, id uuid, name text, position integer, total bigint, day date, days date[]) on commit drop`.execute(
        tx,
      );
      await insertColumns(
        tx as unknown as Tx,
        'written',
        { tenant_id: '00000000-0000-4000-8000-000000000001' },
        names,
        [
          { name: 'id', type: 'uuid', read: (_, index) => `00000000-0000-4000-8000-00000000001${index}` },
          { name: 'name', type: 'text', read: (name) => name },
          { name: 'position', type: 'integer', read: (_, index) => index + 1 },
          { name: 'total', type: 'bigint', read: (_, index) => 10_000_000_000 * index },
          { name: 'day', type: 'date', read: (_, index) => (index === 4 ? null : `2026-11-0${index + 2}`) },
          { name: 'days', type: 'date[]', read: (_, index) => ['2026-11-02', '2026-11-03', '2026-11-05'].slice(0, index) },
        ],
        { rowsPerStatement, orderBy: 'name' },
      );
      return (
        await sql<{ tenant_id: string; name: string | null; total: number; day: string | null; days: string[] }>`
        select tenant_id, name, total, day, days from written order by position`.execute(tx)
      ).rows;
    });
  }

  it('writes each value exactly, quotes and empty values included, in statements of any size', async () => {
    for (const rowsPerStatement of [2, 40_000]) {
      const rows = await written(rowsPerStatement);
      assert.deepEqual(
        rows.map((row) => row.name),
        names,
        `${rowsPerStatement} rows a statement`,
      );
      assert.deepEqual(
        rows.map((row) => row.days),
        [[], ['2026-11-02'], ['2026-11-02', '2026-11-03'], ['2026-11-02', '2026-11-03', '2026-11-05'], ['2026-11-02', '2026-11-03', '2026-11-05']],
      );
      assert.deepEqual(
        rows.map((row) => row.day),
        ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', null],
      );
      assert.deepEqual(
        rows.map((row) => row.total),
        [0, 10_000_000_000, 20_000_000_000, 30_000_000_000, 40_000_000_000],
      );
      assert.ok(
        rows.every((row) => row.tenant_id === '00000000-0000-4000-8000-000000000001'),
        'the constants are on every row',
      );
    }
  });
});
