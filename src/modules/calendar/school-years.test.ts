import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotPeriods } from './school-holiday-snapshot.js';
import { closedSchoolYears, schoolYearsWithoutHolidays, unknownSchoolYearBookingsOf } from './school-years.js';
import { TenantCalendar } from './tenant-calendar.js';

const firstDays = (zone: string) => snapshotPeriods(zone).map((period) => period.firstDay);

describe('the school years whose holidays are unknown', () => {
  it('a fresh install today (December 2026) knows neither 2026-2027 nor 2027-2028 from the shipped snapshot', () => {
    assert.deepEqual(schoolYearsWithoutHolidays(firstDays('A'), '2026-12-06'), [2026, 2027]);
  });

  it('in the spring of 2026 only the next school year is missing; the summer holidays count for the year they close', () => {
    assert.deepEqual(schoolYearsWithoutHolidays(firstDays('A'), '2026-03-15'), [2026]);
    // 31 August is still the school year that began the September before.
    assert.deepEqual(schoolYearsWithoutHolidays(['2025-10-18', '2026-07-04'], '2026-08-31'), [2026]);
    assert.deepEqual(schoolYearsWithoutHolidays(['2025-10-18', '2026-07-04'], '2026-09-01'), [2026, 2027]);
  });

  it('one period, even typed by staff, makes its school year known', () => {
    assert.deepEqual(schoolYearsWithoutHolidays(['2026-10-17', '2027-10-16'], '2026-12-06'), []);
    assert.deepEqual(schoolYearsWithoutHolidays(['2027-02-20'], '2026-12-06'), [2027]);
  });

  it('an overseas zone without any period knows no year', () => {
    assert.deepEqual(schoolYearsWithoutHolidays([], '2026-12-06'), [2026, 2027]);
  });
});

describe('the booking rule for a school year whose holidays are unknown', () => {
  const calendar = new TenantCalendar({ region: null, schoolHolidays: snapshotPeriods('A'), closures: [] });

  it('is closed for an authority that has not chosen', () => {
    assert.equal(unknownSchoolYearBookingsOf({}), 'closed');
    assert.equal(unknownSchoolYearBookingsOf({ unknownSchoolYearBookings: 'open' }), 'open');
  });

  it('closes only the years without holidays, and only when the authority keeps them closed', () => {
    const closed = closedSchoolYears(calendar, 'closed');
    assert.equal(closed(2025), false, '2025-2026 is in the snapshot');
    assert.equal(closed(2026), true);
    assert.equal(closedSchoolYears(calendar, 'open')(2026), false);
  });
});
