import type { Lang, Translate } from '../i18n/catalogue.js';
import { dateFormat } from '../i18n/date-formats.js';
import { localTime } from '../modules/activities/period-admin.js';
import { addDays } from '../modules/calendar/calendar-dates.js';
import { localDate } from '../modules/calendar/local-date.js';

/** Names of days and months as the family's calendars and plannings write them. */

/** The month `delta` months after `month` (YYYY-MM). */
export function shiftMonth(month: string, delta: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5)) - 1 + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** "mer. 09/12" / "Wed 09/12"; with the weekday `long`, "mercredi 09/12" / "Wednesday 09/12". */
export function dayLabel(lang: Lang, day: string, weekday: 'short' | 'long' = 'short'): string {
  return dateFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday, day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/**
 * A deadline as people say it, in the authority's time zone: midnight opening a day is the end of
 * the day before, "jusqu'au mardi 08/12 inclus"; another hour is said, "jusqu'au jeudi 03/12 à 12:00".
 */
export function untilWords(t: Translate, lang: Lang, instant: Date, timeZone: string): string {
  const day = localDate(instant, timeZone);
  const time = localTime(instant, timeZone);
  if (time === '00:00') return t('bookings.untilInclusive', { day: dayLabel(lang, addDays(day, -1), 'long') });
  return t('bookings.untilAt', { day: dayLabel(lang, day, 'long'), time });
}

/** A moment as people say it: "lundi 01/12 à 08:00". */
export function momentWords(t: Translate, lang: Lang, instant: Date, timeZone: string): string {
  return t('bookings.opensAt', { day: dayLabel(lang, localDate(instant, timeZone), 'long'), time: localTime(instant, timeZone) });
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
