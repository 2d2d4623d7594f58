import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CalendarDay, CellState } from './booking-calendar.js';
import { deadlinePlacement } from './calendar-deadlines.js';

const open = (deadline: string): CellState => ({ kind: 'open', full: false, placesLeft: null, deadline: new Date(deadline) });
const closed: CellState = { kind: 'closed', reason: 'deadline_passed' };
const day = (date: string, ...states: CellState[]): CalendarDay => ({
  day: date,
  weekday: 3,
  cells: states.map((state, index) => ({ unitId: `u${index}`, state })),
});

describe('a calendar says each booking deadline once', () => {
  it('above the table when every open box closes at the same moment', () => {
    const placement = deadlinePlacement([
      day('2027-01-06', open('2026-12-15T23:00:00Z'), closed),
      day('2027-01-13', open('2026-12-15T23:00:00Z'), open('2026-12-15T23:00:00Z')),
    ]);
    assert.deepEqual(placement, { kind: 'table', deadline: new Date('2026-12-15T23:00:00Z') });
  });

  it('on each day when the units of a day close together ("J-7")', () => {
    const placement = deadlinePlacement([
      day('2027-01-06', open('2026-12-29T23:00:00Z'), open('2026-12-29T23:00:00Z')),
      day('2027-01-13', open('2027-01-05T23:00:00Z'), closed),
      day('2027-01-20', closed, closed),
    ]);
    assert.equal(placement.kind, 'rows');
    assert.deepEqual(placement.kind === 'rows' && [...placement.byDay], [
      ['2027-01-06', new Date('2026-12-29T23:00:00Z')],
      ['2027-01-13', new Date('2027-01-05T23:00:00Z')],
    ]);
  });

  it('in each column when each unit has its own single deadline', () => {
    const placement = deadlinePlacement([
      day('2027-01-06', open('2026-12-20T23:00:00Z'), open('2026-12-10T11:00:00Z')),
      day('2027-01-13', open('2026-12-20T23:00:00Z'), open('2026-12-10T11:00:00Z')),
    ]);
    assert.equal(placement.kind, 'columns');
    assert.deepEqual(placement.kind === 'columns' && placement.byUnit.get('u1'), new Date('2026-12-10T11:00:00Z'));
  });

  it('in the boxes when neither days nor units share one', () => {
    const placement = deadlinePlacement([
      day('2027-01-06', open('2026-12-29T23:00:00Z'), open('2026-12-28T11:00:00Z')),
      day('2027-01-13', open('2027-01-05T23:00:00Z'), open('2027-01-04T11:00:00Z')),
    ]);
    assert.deepEqual(placement, { kind: 'cells' });
  });
});
