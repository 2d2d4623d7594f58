import { sql } from 'kysely';
import type { Scope } from '../scope.js';
import type { NumberSeries } from './ledger.tables.js';

/**
 * Takes `count` consecutive numbers of a régie's series for a year, returning the first. The
 * counter's row is locked until the caller's transaction ends: two runs at once take their numbers
 * one after the other (no duplicate), and numbers taken by a transaction that rolls back are given
 * back with it (no gap).
 */
export async function takeNumbers(scope: Scope, regieId: string, series: NumberSeries, year: number, count: number): Promise<number> {
  const row = await scope.tx
    .insertInto('document_numbers')
    .values({ tenant_id: scope.tenantId, regie_id: regieId, series, year, last: count })
    .onConflict((conflict) => conflict.columns(['regie_id', 'series', 'year']).doUpdateSet({ last: sql`document_numbers.last + ${count}` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last - count + 1;
}

/** A document's number as printed: the régie's prefix, the year, the number on five digits (RS-2026-00042). */
export function documentNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(5, '0')}`;
}
