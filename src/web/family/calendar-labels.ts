import { dateFormat } from '../../i18n/date-formats.js';

/** Names of days and months as the family's calendars and plannings write them. */

/** The month `delta` months after `month` (YYYY-MM). */
export function shiftMonth(month: string, delta: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5)) - 1 + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** "mer. 09/12" / "Wed 09/12". */
export function dayLabel(lang: 'fr' | 'en', day: string): string {
  return dateFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The weekday's full name; 1 is Monday. */
export function weekdayName(lang: 'fr' | 'en', weekday: number): string {
  // 2024-01-01 was a Monday.
  return dateFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

/** "décembre 2026" / "December 2026". */
export function monthName(lang: 'fr' | 'en', month: string): string {
  return dateFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
}
