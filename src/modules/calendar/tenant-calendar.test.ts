import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DayCalendar } from '../activities/availability.js';
import { addDays, weekdayOf } from './calendar-dates.js';
import { snapshotPeriods } from './school-holiday-snapshot.js';
import { TenantCalendar, type CalendarClosure } from './tenant-calendar.js';

const SITE = '00000000-0000-4000-8000-000000000001';
const OTHER_SITE = '00000000-0000-4000-8000-000000000002';
const ACTIVITY = '00000000-0000-4000-8000-000000000003';

const closure = (overrides: Partial<CalendarClosure>): CalendarClosure => ({
  id: `c-${Math.random()}`,
  siteId: null,
  activityId: null,
  firstDay: '2026-06-01',
  lastDay: '2026-06-01',
  reason: 'Fermeture',
  ...overrides,
});

function calendar(region: string | null = null) {
  return new TenantCalendar({
    region,
    schoolHolidays: snapshotPeriods('A'),
    closures: [
      closure({ firstDay: '2026-05-15', lastDay: '2026-05-15', reason: 'Pont de l’Ascension : mairie fermée' }),
      closure({ siteId: SITE, firstDay: '2026-06-08', lastDay: '2026-06-12', reason: 'Travaux à l’école' }),
      closure({ activityId: ACTIVITY, firstDay: '2026-06-10', lastDay: '2026-06-10', reason: 'Sortie annulée' }),
    ],
  });
}

describe('a tenant’s calendar', () => {
  it('says why a day is closed: public holiday first, then a closure of the authority, the site or the activity', () => {
    const cal = calendar();
    assert.equal(cal.closedReason('2026-07-14'), 'public_holiday');
    assert.equal(cal.closedReason('2026-05-15'), 'closure');
    assert.equal(cal.closedReason('2026-05-15', { siteId: OTHER_SITE }), 'closure', 'a closure of the whole authority applies everywhere');
    assert.equal(cal.closedReason('2026-06-09', { siteId: SITE, activityId: ACTIVITY }), 'closure');
    assert.equal(cal.closedReason('2026-06-09', { siteId: OTHER_SITE }), null);
    assert.equal(cal.closedReason('2026-06-09'), null);
    assert.equal(cal.closedReason('2026-06-10', { siteId: OTHER_SITE, activityId: ACTIVITY }), 'closure');
    assert.equal(cal.closureReason('2026-06-10', { siteId: OTHER_SITE, activityId: ACTIVITY }), 'Sortie annulée');
    assert.equal(cal.closureReason('2026-06-11', { siteId: SITE }), 'Travaux à l’école');
    assert.equal(cal.closureReason('2026-06-15', { siteId: SITE }), null);
  });

  it('names public holidays in the page’s language', () => {
    const cal = calendar();
    assert.equal(cal.publicHolidayName('2026-07-14', 'fr'), 'Fête Nationale de la France');
    assert.equal(cal.publicHolidayName('2026-07-14', 'en'), 'Bastille Day');
    assert.equal(cal.publicHolidayName('2026-07-15'), null);
  });

  it('knows the school holidays of its zone, weekends included', () => {
    const cal = calendar();
    assert.ok(cal.isSchoolHoliday('2025-10-18'));
    assert.ok(cal.isSchoolHoliday('2025-10-25'));
    assert.ok(cal.isSchoolHoliday('2025-11-02'));
    assert.ok(!cal.isSchoolHoliday('2025-11-03'));
    assert.ok(!cal.isSchoolHoliday('2025-10-17'));
    assert.equal(cal.schoolHolidayName('2025-12-25'), 'Vacances de Noël');
    assert.equal(cal.schoolHolidayName('2026-01-05'), null);
  });

  it('counts working days: Monday to Friday, not public holidays', () => {
    const cal = calendar();
    assert.ok(cal.isWorkingDay('2027-03-26'));
    assert.ok(!calendar('57').isWorkingDay('2027-03-26'), 'Good Friday in Moselle');
    assert.ok(!cal.isWorkingDay('2027-03-29'), 'Easter Monday');
    assert.ok(!cal.isWorkingDay('2027-03-27'), 'Saturday');
    assert.ok(cal.isWorkingDay('2025-10-20'), 'a school holiday is a working day');
    // 2 working days before Tuesday 30 March 2027: Monday is Easter Monday → Friday 26, Thursday 25.
    assert.equal(cal.workingDaysBefore('2027-03-30', 2), '2027-03-25');
    assert.equal(calendar('67').workingDaysBefore('2027-03-30', 2), '2027-03-24');
    assert.equal(cal.workingDaysBefore('2027-03-30', 0), '2027-03-30');
  });

  it('is the calendar the booking engine asks', () => {
    const engine: DayCalendar & { isWorkingDay(date: string): boolean } = calendar();
    assert.equal(engine.closedReason('2026-06-10', { siteId: null, activityId: ACTIVITY }), 'closure');
    assert.equal(engine.isSchoolHoliday('2026-07-20'), true);
  });

  it('refuses an unknown public holiday region when it is built', () => {
    assert.throws(() => new TenantCalendar({ region: 'ZZ', schoolHolidays: [], closures: [] }), /Unknown public holiday region/);
  });

  it('never counts a weekend or a public holiday as a working day, and workingDaysBefore lands on one', () => {
    const cal = calendar('RE');
    const dayArb = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2024-01-01', n));
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 15 }), (day, n) => {
        const before = cal.workingDaysBefore(day, n);
        return cal.isWorkingDay(before) && before < day && (cal.isWorkingDay(day) ? weekdayOf(day) <= 5 : true);
      }),
    );
  });
});
