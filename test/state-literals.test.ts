import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HOLDS_NO_UNIT } from '../src/modules/bookings/booking-states.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * The plan a prepared statement keeps is made without its parameters' values: with a status sent as
 * a parameter, it could not use the partial indexes defined by a status, and registration day's
 * look-ups of a child's days read every booking of those days (3.8 ms instead of 0.16 ms). Statuses
 * are written into the SQL; any other value stays a parameter.
 */
describe('statuses written into the SQL', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await startTestPortal();
  });
  after(() => portal?.close());

  const CHILD = '00000000-0000-4000-8000-000000000001';
  const UNIT = '00000000-0000-4000-8000-000000000002';
  const aChildsDays = () =>
    portal.db.kysely
      .selectFrom('bookings')
      .select(['id', 'day'])
      .where('child_id', 'in', [CHILD])
      .where('unit_id', '=', UNIT)
      .where('day', 'in', ['2027-07-05', '2027-07-06'])
      .where('status', 'not in', HOLDS_NO_UNIT)
      .compile();

  it('are literals, while ids, days and anything else stay parameters', () => {
    const query = aChildsDays();
    assert.match(query.sql, /"status" not in \('refused', 'cancelled', 'late_cancelled', 'waitlisted'\)/);
    assert.deepEqual(query.parameters, [CHILD, UNIT, '2027-07-05', '2027-07-06']);
    const typed = portal.db.kysely
      .selectFrom('bookings')
      .select('id')
      .where('status', '=', "reserved' or 'a' = 'a" as 'reserved')
      .compile();
    assert.deepEqual(typed.parameters, ["reserved' or 'a' = 'a"], 'not a plain word: a parameter');
    const waiting = portal.db.kysely.selectFrom('bookings as b').select('b.id').where('b.status', '=', 'waitlisted').compile();
    assert.match(waiting.sql, /"b"\."status" = 'waitlisted'/);
    assert.deepEqual(waiting.parameters, []);
  });

  it('let the plan a prepared statement keeps use the index of live bookings', async () => {
    const query = aChildsDays();
    const plan = await portal.db.withConnection(async (connection) => {
      await connection.exec('set plan_cache_mode = force_generic_plan');
      await connection.exec(`prepare days as ${query.sql}`);
      const values = query.parameters.map((value) => `'${String(value)}'`).join(', ');
      const { rows } = await connection.query<{ 'QUERY PLAN': string }>(`explain execute days(${values})`);
      await connection.exec('deallocate days');
      await connection.exec('reset plan_cache_mode');
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /bookings_one_live/, plan);
  });
});
