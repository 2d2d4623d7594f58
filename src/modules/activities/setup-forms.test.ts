import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { deadlinePreview, type PreviewCalendar } from './deadline-preview.js';
import { deadlineFields, deadlineRule, timeOfDay, weekdayList, wholeNumber } from './setup-forms.js';

describe('the set-up forms’ field readers', () => {
  it('reads a time of day as people type it', () => {
    for (const [typed, read] of [
      ['8:00', '08:00'],
      ['08h30', '08:30'],
      ['8h', '08:00'],
      ['23:59', '23:59'],
      [' 7 : 05 ', '07:05'],
      ['12', '12:00'],
    ] as const) {
      assert.deepEqual(timeOfDay(typed), { ok: true, value: read }, typed);
    }
    for (const typed of ['24:00', '8:60', 'midi', '8.30', '-1:00']) assert.deepEqual(timeOfDay(typed), { ok: false, error: 'time' }, typed);
    assert.deepEqual(timeOfDay('  '), { ok: false, error: 'required' });
  });

  it('wants at least one weekday, each from 1 to 7', () => {
    assert.deepEqual(weekdayList([]), { ok: false, error: 'weekdaysNone' });
    assert.deepEqual(weekdayList(['5', '1', '5']), { ok: true, value: [1, 5] });
    assert.deepEqual(weekdayList(['8']), { ok: false, error: 'choice' });
  });

  it('says a negative number is negative', () => {
    assert.deepEqual(wholeNumber('-3', 0, 100), { ok: false, error: 'negative' });
    assert.deepEqual(wholeNumber('101', 0, 100), { ok: false, error: 'integer' });
    assert.deepEqual(wholeNumber('', 0, 100), { ok: true, value: null });
  });

  it('reads each kind of deadline rule, and a unit’s "same as the activity"', () => {
    assert.deepEqual(
      deadlineRule({ bookingType: 'days_before', bookingDays: '3', bookingWorkingDays: 'true', bookingTime: '10h' }, 'booking', { allowSame: false }),
      {
        ok: true,
        value: { type: 'days_before', days: 3, time: '10:00', workingDays: true },
      },
    );
    assert.deepEqual(deadlineRule({ cancelType: 'weekday_before', cancelWeekday: '4', cancelTime: '12:00' }, 'cancel', { allowSame: false }), {
      ok: true,
      value: { type: 'weekday_before', weekday: 4, time: '12:00' },
    });
    assert.deepEqual(deadlineRule({ bookingType: 'day_of_previous_month', bookingMonthDay: '20', bookingTime: '00:00' }, 'booking', { allowSame: false }), {
      ok: true,
      value: { type: 'day_of_previous_month', day: 20, time: '00:00' },
    });
    assert.deepEqual(deadlineRule({ bookingType: 'same' }, 'booking', { allowSame: true }), { ok: true, value: null });
    assert.deepEqual(deadlineRule({ bookingType: 'same' }, 'booking', { allowSame: false }), { ok: false, errors: { bookingType: 'choice' } });
    assert.deepEqual(deadlineRule({ bookingType: 'day_of_previous_month', bookingMonthDay: '32', bookingTime: '' }, 'booking', { allowSame: false }), {
      ok: false,
      errors: { bookingMonthDay: 'integer', bookingTime: 'required' },
    });
  });

  it('gives back the same rule from the fields it fills the editor with (property)', () => {
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const rule = fc.oneof(
      fc.record({ type: fc.constant('days_before' as const), days: fc.integer({ min: 0, max: 365 }), time, workingDays: fc.boolean() }),
      fc.record({ type: fc.constant('weekday_before' as const), weekday: fc.integer({ min: 1, max: 7 }), time }),
      fc.record({ type: fc.constant('day_of_previous_month' as const), day: fc.integer({ min: 1, max: 31 }), time }),
    );
    fc.assert(
      fc.property(rule, (stored) => {
        assert.deepEqual(deadlineRule(deadlineFields('booking', stored), 'booking', { allowSame: false }), { ok: true, value: { ...stored } });
      }),
    );
  });
});

describe('the deadline preview', () => {
  const calendar: PreviewCalendar = {
    closedReason: (date) => (date === '2026-11-11' ? 'public_holiday' : null),
    isSchoolHoliday: (date) => date >= '2026-10-17' && date <= '2026-11-01',
    isWorkingDay: (date) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()) && date !== '2026-11-11',
  };
  const opening = { activityId: 'a', siteId: null, startsOn: '2026-09-01', endsOn: '2027-07-03', opening: 'school_days' as const, weekdays: [3] };

  it('lists the next open days from today, skipping holidays, with both deadlines in the authority’s time', () => {
    const days = deadlinePreview(
      { opening, booking: { type: 'days_before', days: 7, time: '00:00' }, cancellation: { type: 'weekday_before', weekday: 1, time: '12:00' } },
      calendar,
      'Europe/Paris',
      '2026-10-15',
      3,
    );
    // Wednesdays 21 and 28 October are school holidays, 11 November a public holiday.
    assert.deepEqual(
      days.map((day) => day.day),
      ['2026-11-04', '2026-11-18', '2026-11-25'],
    );
    assert.deepEqual(days[0]!.booking.local, { date: '2026-10-28', time: '00:00' });
    assert.equal(days[0]!.booking.instant.toISOString(), '2026-10-27T23:00:00.000Z', 'winter time from 25 October');
    assert.equal(days[0]!.cancellation.instant.toISOString(), '2026-11-02T11:00:00.000Z');
  });

  it('finds nothing after the activity ends', () => {
    assert.deepEqual(
      deadlinePreview(
        { opening, booking: { type: 'days_before', days: 1, time: '00:00' }, cancellation: { type: 'days_before', days: 1, time: '00:00' } },
        calendar,
        'Europe/Paris',
        '2027-07-04',
      ),
      [],
    );
  });
});
