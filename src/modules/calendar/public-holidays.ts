import Holidays from 'date-holidays';

/**
 * French public holidays (jours fériés) from the `date-holidays` package, for metropolitan France
 * or for the region in `tenants.public_holiday_region`. Only holidays of type 'public' close a
 * day: "observance" days (Pentecôte, Fête des mères) and "optional" ones (Victor Schoelcher in the
 * Antilles) do not.
 *
 * Accepted region codes (what date-holidays 3.x knows; an unknown code is refused rather than
 * silently read as metropolitan France):
 * - Alsace-Moselle, départements '57' (Moselle), '67' (Bas-Rhin), '68' (Haut-Rhin): Vendredi saint
 *   and 26 December in addition;
 * - overseas départements and collectivities known as French states: 'GP' Guadeloupe,
 *   'MQ' Martinique, 'GF' Guyane, 'RE' La Réunion (20 December), 'YT' Mayotte (27 April),
 *   'BL' Saint-Barthélemy, 'MF' Saint-Martin — each with its abolition-of-slavery day;
 * - collectivities that date-holidays knows as countries of their own: 'PM' Saint-Pierre-et-Miquelon,
 *   'NC' Nouvelle-Calédonie, 'PF' Polynésie française, 'WF' Wallis-et-Futuna.
 * Null (the default) is metropolitan France, Corsica included.
 */
export const PUBLIC_HOLIDAY_REGIONS: Readonly<Record<string, string>> = {
  '57': 'Moselle',
  '67': 'Bas-Rhin',
  '68': 'Haut-Rhin',
  GP: 'Guadeloupe',
  MQ: 'Martinique',
  GF: 'Guyane',
  RE: 'La Réunion',
  YT: 'Mayotte',
  BL: 'Saint-Barthélemy',
  MF: 'Saint-Martin',
  PM: 'Saint-Pierre-et-Miquelon',
  NC: 'Nouvelle-Calédonie',
  PF: 'Polynésie française',
  WF: 'Wallis-et-Futuna',
};
const OWN_COUNTRY = new Set(['PM', 'NC', 'PF', 'WF']);

export type HolidayLang = 'fr' | 'en';

export interface PublicHoliday {
  date: string;
  name: Record<HolidayLang, string>;
}

export function isPublicHolidayRegion(code: string | null | undefined): boolean {
  return code === null || code === undefined || code === '' || Object.hasOwn(PUBLIC_HOLIDAY_REGIONS, code.toUpperCase());
}

const sources = new Map<string, Holidays>();
const byYear = new Map<string, Map<string, PublicHoliday>>();

function regionKey(region: string | null | undefined): string {
  if (region === null || region === undefined || region.trim() === '') return 'FR';
  const code = region.trim().toUpperCase();
  if (!Object.hasOwn(PUBLIC_HOLIDAY_REGIONS, code)) {
    throw new Error(`Unknown public holiday region "${region}": expected one of ${Object.keys(PUBLIC_HOLIDAY_REGIONS).join(', ')} or none`);
  }
  return code;
}

function source(key: string): Holidays {
  let holidays = sources.get(key);
  if (!holidays) {
    holidays = key === 'FR' ? new Holidays('FR') : OWN_COUNTRY.has(key) ? new Holidays(key) : new Holidays('FR', key);
    sources.set(key, holidays);
  }
  return holidays;
}

/**
 * The public holidays of one year, by date. Computed once per region and year, then shared by
 * every tenant of that region: the booking engine asks thousands of times per second.
 */
export function publicHolidaysOfYear(year: number, region: string | null | undefined): ReadonlyMap<string, PublicHoliday> {
  const key = regionKey(region);
  const cacheKey = `${key}:${year}`;
  let holidays = byYear.get(cacheKey);
  if (!holidays) {
    holidays = new Map();
    const english = new Map(
      source(key)
        .getHolidays(year, 'en')
        .map((holiday) => [`${holiday.date.slice(0, 10)}|${holiday.rule}`, holiday.name]),
    );
    for (const holiday of source(key).getHolidays(year, 'fr')) {
      if (holiday.type !== 'public') continue;
      // date-holidays writes the local day first ('2027-07-14 00:00:00'): no time zone involved.
      const date = holiday.date.slice(0, 10);
      if (holidays.has(date)) continue;
      holidays.set(date, { date, name: { fr: holiday.name, en: english.get(`${date}|${holiday.rule}`) ?? holiday.name } });
    }
    byYear.set(cacheKey, holidays);
  }
  return holidays;
}

export function publicHolidayOn(date: string, region: string | null | undefined): PublicHoliday | undefined {
  return publicHolidaysOfYear(Number(date.slice(0, 4)), region).get(date);
}

/** The public holidays from `from` to `to`, both included, in date order. */
export function publicHolidaysBetween(from: string, to: string, region: string | null | undefined): PublicHoliday[] {
  const found: PublicHoliday[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    for (const holiday of publicHolidaysOfYear(year, region).values()) {
      if (holiday.date >= from && holiday.date <= to) found.push(holiday);
    }
  }
  return found.sort((a, b) => a.date.localeCompare(b.date));
}
