import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween, eachDay, isCalendarDate, lastDayOfMonth, schoolYearOf, weekdayOf } from './calendar-dates.js';

// Any day from 1900 to 2200, written 'YYYY-MM-DD'.
const dayArb = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2200, 11, 31) / 86_400_000 })
  .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
const offsetArb = fc.integer({ min: -4000, max: 4000 });

describe('calendar dates', () => {
  it('knows the last day of every month, leap Februaries included', () => {
    assert.equal(lastDayOfMonth('2026-12'), '2026-12-31');
    assert.equal(lastDayOfMonth('2027-02'), '2027-02-28');
    assert.equal(lastDayOfMonth('2028-02'), '2028-02-29');
    assert.equal(lastDayOfMonth('2100-02'), '2100-02-28');
    fc.assert(fc.property(dayArb, (day) => addDays(lastDayOfMonth(day.slice(0, 7)), 1).endsWith('-01')));
  });

  it('adds days across month ends, leap days and daylight-saving changes', () => {
    assert.equal(addDays('2026-03-28', 1), '2026-03-29');
    assert.equal(addDays('2026-03-29', 1), '2026-03-30');
    assert.equal(addDays('2026-10-25', 1), '2026-10-26');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2027-02-28', 1), '2027-03-01');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2026-07-14', 0), '2026-07-14');
  });

  it('gives ISO weekdays, Monday 1 to Sunday 7', () => {
    assert.equal(weekdayOf('2026-11-23'), 1);
    assert.equal(weekdayOf('2026-11-28'), 6);
    assert.equal(weekdayOf('2026-11-29'), 7);
    assert.equal(weekdayOf('2027-07-14'), 3);
  });

  it('counts days between two dates and lists each day, both ends included', () => {
    assert.equal(daysBetween('2025-10-18', '2025-11-02'), 15);
    assert.equal(daysBetween('2025-11-02', '2025-10-18'), -15);
    assert.deepEqual(eachDay('2025-12-30', '2026-01-02'), ['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    assert.deepEqual(eachDay('2026-01-02', '2026-01-01'), []);
  });

  it('knows real dates and school years', () => {
    assert.ok(isCalendarDate('2028-02-29'));
    assert.ok(!isCalendarDate('2027-02-29'));
    assert.ok(!isCalendarDate('2026-13-01'));
    assert.ok(!isCalendarDate('26-01-01'));
    assert.equal(schoolYearOf('2025-09-01'), 2025);
    assert.equal(schoolYearOf('2026-07-04'), 2025);
    assert.equal(schoolYearOf('2026-08-31'), 2025);
  });

  describe('properties', () => {
    it('addDays and daysBetween undo each other', () => {
      fc.assert(fc.property(dayArb, offsetArb, (day, n) => daysBetween(day, addDays(day, n)) === n && addDays(addDays(day, n), -n) === day));
    });

    it('the weekday moves by the number of days, modulo 7', () => {
      fc.assert(fc.property(dayArb, offsetArb, (day, n) => weekdayOf(addDays(day, n)) === ((((weekdayOf(day) - 1 + n) % 7) + 7) % 7) + 1));
    });

    it('agrees with the local date arithmetic of JavaScript at noon', () => {
      fc.assert(
        fc.property(dayArb, (day) => {
          const noon = new Date(`${day}T12:00:00`);
          return weekdayOf(day) === (noon.getDay() === 0 ? 7 : noon.getDay()) && isCalendarDate(day);
        }),
      );
    });

    it('eachDay lists daysBetween + 1 consecutive, ordered days', () => {
      fc.assert(
        fc.property(dayArb, fc.integer({ min: 0, max: 400 }), (day, n) => {
          const days = eachDay(day, addDays(day, n));
          return days.length === n + 1 && days.every((d, i) => d === addDays(day, i)) && days.every((d, i) => i === 0 || days[i - 1]! < d);
        }),
      );
    });
  });
});
