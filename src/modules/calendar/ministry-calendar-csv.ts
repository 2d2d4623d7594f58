import { addDays, isCalendarDate, schoolYearOf, weekdayOf } from './calendar-dates.js';
import type { HolidayPeriod } from './school-holiday-snapshot.js';

/**
 * Reads the ministry's open-data school calendar, dataset "fr-en-calendrier-scolaire"
 * (data.education.gouv.fr), as exported in CSV: one row per holiday period and académie,
 * semicolon separated, with a header. Expected columns, in any order and any case (the French
 * labels of the site's export are accepted too):
 *
 *   description     "Vacances de la Toussaint"                       (or "Description")
 *   population      "-", "Élèves", "Enseignants"…                    (or "Population"; optional)
 *   start_date      "2025-10-17T22:00:00+00:00"                      (or "Date de début")
 *   end_date        "2025-11-02T23:00:00+00:00"                      (or "Date de fin")
 *   location        "Lyon"                                           (or "Académies"; optional)
 *   zones           "Zone A", "Corse", "Guadeloupe"…                 (or "Zones")
 *   annee_scolaire  "2025-2026"                                      (or "Année scolaire"; optional)
 *
 * How the ministry's dates become our days off (first_day..last_day, both included):
 * - the dates are instants, midnight of the official day written in UTC or with an offset
 *   ("2025-10-17T22:00:00+00:00" is midnight in Paris on 18 October); the official day is the
 *   calendar day whose midnight is nearest to the instant, which holds for any territory's
 *   midnight within ±12 h of UTC. A plain "2025-10-18" is taken as it is;
 * - start_date is the day classes stop, after the last lesson ("fin des cours"). When it is a
 *   Saturday or a Sunday — the usual case — no class is held that day in most schools and it is
 *   the first day off; on any other weekday classes are held that day, and the holiday starts the
 *   next day (a Wednesday departure before Ascension leaves Thursday as the first day off);
 * - end_date is the day classes resume ("reprise des cours"), in the morning: the last day off is
 *   the day before. Toussaint 2025 in zone A, "2025-10-17T22:00:00+00:00" to
 *   "2025-11-02T23:00:00+00:00", gives 2025-10-18..2025-11-02, as the day-by-day snapshot has it;
 * - a summer row without an end date (the next school year's start is not published yet) ends
 *   on 31 August; any other row without a usable date is skipped and reported.
 * Rows for teachers only (population "Enseignants") are ignored: teachers go back a day earlier.
 * The same period appears once per académie: identical periods of a zone are kept once.
 */

export interface MinistryPeriod extends HolidayPeriod {
  zones: string;
  /** First year of the school year, from annee_scolaire or else from the first day. */
  schoolYear: number;
}

export interface SkippedRow {
  line: number;
  reason: 'date' | 'order';
}

export type MinistryCalendar =
  | { ok: true; periods: MinistryPeriod[]; zones: string[]; skipped: SkippedRow[]; teacherRows: number }
  | { ok: false; error: 'empty' | 'columns'; missing: string[] };

const COLUMN_ALIASES: Record<string, string[]> = {
  description: ['description'],
  population: ['population'],
  start_date: ['start_date', 'date_de_debut', 'debut', 'date_debut'],
  end_date: ['end_date', 'date_de_fin', 'fin', 'date_fin'],
  location: ['location', 'academies', 'academie'],
  zones: ['zones', 'zone'],
  annee_scolaire: ['annee_scolaire'],
};
const REQUIRED = ['description', 'start_date', 'end_date', 'zones'];

export function parseMinistryCalendar(text: string): MinistryCalendar {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows.shift();
  if (!header || rows.length === 0) return { ok: false, error: 'empty', missing: [] };
  const names = header.map(normalizeHeader);
  const index: Record<string, number> = {};
  for (const [column, aliases] of Object.entries(COLUMN_ALIASES)) {
    const found = names.findIndex((name) => aliases.includes(name));
    if (found >= 0) index[column] = found;
  }
  const missing = REQUIRED.filter((column) => index[column] === undefined);
  if (missing.length > 0) return { ok: false, error: 'columns', missing };

  const cell = (row: string[], column: string) => (index[column] === undefined ? '' : (row[index[column]!] ?? '').trim());
  const periods = new Map<string, MinistryPeriod>();
  const skipped: SkippedRow[] = [];
  let teacherRows = 0;
  rows.forEach((row, position) => {
    const line = position + 2;
    if (row.every((value) => value.trim() === '')) return;
    if (/enseignant/i.test(cell(row, 'population'))) {
      teacherRows += 1;
      return;
    }
    const name = cell(row, 'description').replace(/\s+/g, ' ');
    const zones = cell(row, 'zones').replace(/\s+/g, ' ');
    const start = officialDay(cell(row, 'start_date'));
    const endRaw = cell(row, 'end_date');
    const end = officialDay(endRaw);
    if (!name || !zones || !start || (!end && !(endRaw === '' && isSummer(name, start)))) {
      skipped.push({ line, reason: 'date' });
      return;
    }
    const firstDay = weekdayOf(start) >= 6 ? start : addDays(start, 1);
    const lastDay = end ? addDays(end, -1) : `${start.slice(0, 4)}-08-31`;
    if (lastDay < firstDay) {
      skipped.push({ line, reason: 'order' });
      return;
    }
    const year = /^(\d{4})\s*-\s*\d{4}$/.exec(cell(row, 'annee_scolaire'))?.[1];
    const period: MinistryPeriod = { name, firstDay, lastDay, zones, schoolYear: year ? Number(year) : schoolYearOf(firstDay) };
    const key = [zones, name, firstDay, lastDay].join('|');
    if (!periods.has(key)) periods.set(key, period);
  });
  const list = [...periods.values()].sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.name.localeCompare(b.name));
  const zones = [...new Set(list.map((period) => period.zones))].sort((a, b) => a.localeCompare(b, 'fr'));
  return { ok: true, periods: list, zones, skipped, teacherRows };
}

/** The periods of one "zones" value of the file ("Zone A" and "zone a" are the same). */
export function periodsOfZone(calendar: Extract<MinistryCalendar, { ok: true }>, zones: string): MinistryPeriod[] {
  const wanted = normalizeZone(zones);
  return calendar.periods.filter((period) => normalizeZone(period.zones) === wanted);
}

/** "Zone A", "zone a" and "A" are zone 'A'; other values ("Guadeloupe", "Corse") stay as written. */
export function normalizeZone(value: string): string {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  const letter = /^(?:zone )?([abc])$/i.exec(trimmed)?.[1];
  return letter ? letter.toUpperCase() : trimmed;
}

/** The "zones" values of the ministry's file; the list shown when no file told us its own. */
export const MINISTRY_ZONES = [
  'Zone A',
  'Zone B',
  'Zone C',
  'Corse',
  'Guadeloupe',
  'Guyane',
  'Martinique',
  'Mayotte',
  'Nouvelle Calédonie',
  'Polynésie',
  'Réunion',
  'Saint Pierre et Miquelon',
  'Wallis et Futuna',
] as const;

/** The ministry's label of a zone, as its file writes it: 'A' → "Zone A". */
export function ministryZoneLabel(zone: string): string {
  const normalized = normalizeZone(zone);
  return /^[ABC]$/.test(normalized) ? `Zone ${normalized}` : normalized;
}

function isSummer(name: string, start: string): boolean {
  const month = Number(start.slice(5, 7));
  return /(été|ete|summer)/i.test(name) && month >= 6 && month <= 8;
}

/** The official day of a dataset date: see the comment at the top. */
export function officialDay(raw: string): string | null {
  const value = raw.trim();
  if (isCalendarDate(value)) return value;
  const french = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (french) {
    const date = `${french[3]}-${french[2]}-${french[1]}`;
    return isCalendarDate(date) ? date : null;
  }
  const withTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!withTime || !isCalendarDate(withTime[1]!)) return null;
  if (!withTime[4]) return withTime[1]!;
  const instant = Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(instant)) return null;
  return new Date(instant + 12 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * RFC 4180 CSV with the separator found in the header line (';' as the ministry exports, ',' or a
 * tab accepted): quoted cells may hold separators, doubled quotes and line breaks.
 */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = [';', '\t', ','].map((candidate) => [candidate, firstLine.split(candidate).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        value += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else value += char;
    } else if (char === '"' && value === '') quoted = true;
    else if (char === separator) {
      row.push(value);
      value = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(value);
      rows.push(row);
      row = [];
      value = '';
    } else value += char;
  }
  if (value !== '' || row.length > 0) {
    row.push(value);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
}
