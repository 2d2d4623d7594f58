import { addDays, eachDay, schoolYearOf, weekdayOf } from './calendar-dates.js';
import { publicHolidayOn, publicHolidaysBetween, type HolidayLang, type PublicHoliday } from './public-holidays.js';
import type { HolidayPeriod } from './school-holiday-snapshot.js';

export interface CalendarClosure {
  id: string;
  siteId: string | null;
  activityId: string | null;
  firstDay: string;
  lastDay: string;
  reason: string;
}

/** Where a question is asked: a closure of the whole authority applies everywhere. */
export interface ClosureTarget {
  siteId?: string | null;
  activityId?: string | null;
}

export type CalendarClosedReason = 'public_holiday' | 'closure';

export interface TenantCalendarInput {
  /** `tenants.public_holiday_region`, null for metropolitan France. */
  region: string | null;
  /** The school holiday periods of the tenant's zone. */
  schoolHolidays: readonly HolidayPeriod[];
  closures: readonly CalendarClosure[];
}

/**
 * One tenant's calendar, built once from its rows and asked many times: every answer is a map
 * look-up on a 'YYYY-MM-DD' string. It says why a day is closed; which weekdays an activity opens,
 * and whether it opens in school holidays, are the activity's own rules (activities/availability.ts).
 */
export class TenantCalendar {
  readonly region: string | null;
  readonly schoolHolidays: readonly HolidayPeriod[];
  readonly closures: readonly CalendarClosure[];
  private readonly holidayByDay = new Map<string, HolidayPeriod>();
  private readonly closuresByDay = new Map<string, CalendarClosure[]>();
  private readonly schoolYearsKnown = new Set<number>();

  constructor(input: TenantCalendarInput) {
    this.region = input.region;
    this.schoolHolidays = [...input.schoolHolidays].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
    this.closures = [...input.closures].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
    // Fails now, not on registration day, when the tenant's region is unknown.
    publicHolidayOn('2000-01-01', this.region);
    for (const period of this.schoolHolidays) {
      this.schoolYearsKnown.add(schoolYearOf(period.firstDay));
      for (const day of eachDay(period.firstDay, period.lastDay)) if (!this.holidayByDay.has(day)) this.holidayByDay.set(day, period);
    }
    for (const closure of this.closures) {
      for (const day of eachDay(closure.firstDay, closure.lastDay)) {
        const list = this.closuresByDay.get(day);
        if (list) list.push(closure);
        else this.closuresByDay.set(day, [closure]);
      }
    }
  }

  /** Why nothing opens that day there, or null: a public holiday first, then a closure. */
  closedReason(date: string, where: ClosureTarget = {}): CalendarClosedReason | null {
    if (this.isPublicHoliday(date)) return 'public_holiday';
    return this.closureOn(date, where) ? 'closure' : null;
  }

  isPublicHoliday(date: string): boolean {
    return publicHolidayOn(date, this.region) !== undefined;
  }

  publicHolidayName(date: string, lang: HolidayLang = 'fr'): string | null {
    return publicHolidayOn(date, this.region)?.name[lang] ?? null;
  }

  publicHolidaysBetween(from: string, to: string): PublicHoliday[] {
    return publicHolidaysBetween(from, to, this.region);
  }

  isSchoolHoliday(date: string): boolean {
    return this.holidayByDay.has(date);
  }

  /** Whether a holiday period begins in this school year (2026 for 2026-2027): if not, its holidays are unknown. */
  hasSchoolHolidaysIn(schoolYear: number): boolean {
    return this.schoolYearsKnown.has(schoolYear);
  }

  schoolHolidayName(date: string): string | null {
    return this.holidayByDay.get(date)?.name ?? null;
  }

  schoolHolidayPeriod(date: string): HolidayPeriod | null {
    return this.holidayByDay.get(date) ?? null;
  }

  /** The first closure that applies that day to the whole authority, this site or this activity. */
  closureOn(date: string, where: ClosureTarget = {}): CalendarClosure | null {
    const closures = this.closuresByDay.get(date);
    if (!closures) return null;
    return (
      closures.find(
        (closure) =>
          (closure.siteId === null && closure.activityId === null) ||
          (closure.siteId !== null && closure.siteId === where.siteId) ||
          (closure.activityId !== null && closure.activityId === where.activityId),
      ) ?? null
    );
  }

  /** The reason staff gave for the closure that applies, or null. */
  closureReason(date: string, where: ClosureTarget = {}): string | null {
    return this.closureOn(date, where)?.reason ?? null;
  }

  /** Monday to Friday and not a public holiday: what "n working days before" counts. */
  isWorkingDay(date: string): boolean {
    return weekdayOf(date) <= 5 && !this.isPublicHoliday(date);
  }

  /** The working day `count` working days before `date` (count ≥ 0; 0 gives `date` itself). */
  workingDaysBefore(date: string, count: number): string {
    let day = date;
    for (let counted = 0; counted < count; ) {
      day = addDays(day, -1);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return day;
  }
}
