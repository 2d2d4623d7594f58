import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween, weekdayOf } from '../calendar/calendar-dates.js';
import { deadlineInstant, deadlineLocal, zonedInstant, type WorkingDayTest } from './deadlines.js';

const ZONES = ['Europe/Paris', 'America/Miquelon', 'Indian/Reunion', 'America/Cayenne', 'Pacific/Noumea', 'America/Guadeloupe'];

const wallClock = (instant: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
};

const dateArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const timeArb = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

describe('booking deadlines', () => {
  it('reads "J-7 à 00:00" in the authority’s time zone', () => {
    const rule = { type: 'days_before', days: 7, time: '00:00' } as const;
    assert.equal(deadlineInstant(rule, '2026-12-10', 'Europe/Paris').toISOString(), '2026-12-02T23:00:00.000Z');
    assert.equal(deadlineInstant(rule, '2026-07-10', 'Europe/Paris').toISOString(), '2026-07-02T22:00:00.000Z');
    assert.equal(deadlineInstant(rule, '2026-12-10', 'America/Miquelon').toISOString(), '2026-12-03T03:00:00.000Z');
    assert.equal(deadlineInstant(rule, '2026-12-10', 'Indian/Reunion').toISOString(), '2026-12-02T20:00:00.000Z');
  });

  it('reads "the Thursday before at noon", strictly before the day', () => {
    const rule = { type: 'weekday_before', weekday: 4, time: '12:00' } as const;
    assert.deepEqual(deadlineLocal(rule, '2026-12-14'), { date: '2026-12-10', time: '12:00' });
    assert.deepEqual(deadlineLocal(rule, '2026-12-10'), { date: '2026-12-03', time: '12:00' });
    assert.deepEqual(deadlineLocal(rule, '2026-12-11'), { date: '2026-12-10', time: '12:00' });
  });

  it('reads "the 20th of the previous month", and the month’s last day when it is shorter', () => {
    assert.deepEqual(deadlineLocal({ type: 'day_of_previous_month', day: 20, time: '00:00' }, '2027-01-05'), { date: '2026-12-20', time: '00:00' });
    assert.deepEqual(deadlineLocal({ type: 'day_of_previous_month', day: 31, time: '18:00' }, '2027-03-15'), { date: '2027-02-28', time: '18:00' });
  });

  it('counts working days over weekends and public holidays', () => {
    const christmas: WorkingDayTest = (date) => weekdayOf(date) <= 5 && date !== '2026-12-25';
    assert.deepEqual(deadlineLocal({ type: 'days_before', days: 3, time: '10:00', workingDays: true }, '2026-12-28', christmas), {
      date: '2026-12-22',
      time: '10:00',
    });
    assert.deepEqual(deadlineLocal({ type: 'days_before', days: 1, time: '10:00', workingDays: true }, '2026-12-28'), { date: '2026-12-25', time: '10:00' });
  });

  it('handles the daylight-saving changes of Paris', () => {
    assert.equal(zonedInstant('2027-03-28', '02:30', 'Europe/Paris').toISOString(), '2027-03-28T01:30:00.000Z');
    assert.equal(zonedInstant('2027-03-28', '03:00', 'Europe/Paris').toISOString(), '2027-03-28T01:00:00.000Z');
    assert.equal(zonedInstant('2026-10-25', '02:30', 'Europe/Paris').toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(zonedInstant('2026-10-25', '03:30', 'Europe/Paris').toISOString(), '2026-10-25T02:30:00.000Z');
  });

  it('gives back the same wall-clock time in every overseas and metropolitan zone (property)', () => {
    fc.assert(
      fc.property(dateArb, timeArb, fc.constantFrom(...ZONES), (date, time, zone) => {
        const instant = zonedInstant(date, time, zone);
        const shown = wallClock(instant, zone);
        // Only a time inside a spring gap may come back shifted, by the gap, later the same day.
        if (shown !== `${date} ${time}`) {
          assert.equal(shown.slice(0, 10), date);
          assert.ok(shown > `${date} ${time}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('always closes before the booked day starts when it is at least a day before (property)', () => {
    fc.assert(
      fc.property(dateArb, timeArb, fc.integer({ min: 1, max: 30 }), fc.boolean(), fc.constantFrom(...ZONES), (day, time, days, workingDays, zone) => {
        const deadline = deadlineInstant({ type: 'days_before', days, time, workingDays }, day, zone);
        assert.ok(deadline.getTime() < zonedInstant(day, '00:00', zone).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('lands on the asked weekday, one to seven days before (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 7 }), (day, weekday) => {
        const { date } = deadlineLocal({ type: 'weekday_before', weekday, time: '12:00' }, day);
        assert.equal(weekdayOf(date), weekday);
        const back = daysBetween(date, day);
        assert.ok(back >= 1 && back <= 7);
      }),
    );
  });

  it('counts exactly n working days between the deadline and the day (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 15 }), (day, days) => {
        const { date } = deadlineLocal({ type: 'days_before', days, time: '00:00', workingDays: true }, day);
        assert.ok(weekdayOf(date) <= 5);
        let count = 0;
        for (let d = date; d < day; d = addDays(d, 1)) if (weekdayOf(d) <= 5) count += 1;
        assert.equal(count, days);
      }),
    );
  });
});
