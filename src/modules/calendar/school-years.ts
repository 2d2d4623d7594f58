import { may } from '../access.js';
import type { Scope } from '../scope.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { schoolYearOf } from './calendar-dates.js';
import { tenantZone } from './calendar-store.js';
import { tenantToday } from './local-date.js';

/**
 * A school year whose holidays the authority has not imported cannot tell a school day from a
 * holiday. What families may book on its days is the authority's choice: nothing until the
 * holidays are imported (the default), or every day as a school day.
 */
export type UnknownSchoolYearBookings = NonNullable<TenantSettings['unknownSchoolYearBookings']>;
export const UNKNOWN_SCHOOL_YEAR_CHOICES: readonly UnknownSchoolYearBookings[] = ['closed', 'open'];

export function unknownSchoolYearBookingsOf(settings: TenantSettings): UnknownSchoolYearBookings {
  return settings.unknownSchoolYearBookings ?? 'closed';
}

/**
 * Of the school year `today` is in and the next (first years: 2026 for 2026-2027), those in which
 * no holiday period begins. A period belongs to the school year of its first day, so the summer
 * holidays count for the year they close.
 */
export function schoolYearsWithoutHolidays(periodFirstDays: readonly string[], today: string): number[] {
  const current = schoolYearOf(today);
  const known = new Set(periodFirstDays.map(schoolYearOf));
  return [current, current + 1].filter((year) => !known.has(year));
}

/** The school years, current and next, whose holidays the tenant's zone lacks. Staff only. */
export async function unknownSchoolYears(scope: Scope): Promise<number[]> {
  if (!may(scope, 'service.read')) return [];
  const today = await tenantToday(scope);
  const current = schoolYearOf(today);
  const rows = await scope.tx
    .selectFrom('school_holidays')
    .select('first_day')
    .where('zone', '=', await tenantZone(scope.tx, scope.tenantId))
    .where('first_day', '>=', `${current}-09-01`)
    .where('first_day', '<=', `${current + 2}-08-31`)
    .execute();
  return schoolYearsWithoutHolidays(
    rows.map((row) => row.first_day),
    today,
  );
}

/** The question the booking engine asks: may families not book the days of this school year yet? */
export function closedSchoolYears(
  calendar: { hasSchoolHolidaysIn(schoolYear: number): boolean },
  choice: UnknownSchoolYearBookings,
): (schoolYear: number) => boolean {
  return (schoolYear) => choice === 'closed' && !calendar.hasSchoolHolidaysIn(schoolYear);
}
