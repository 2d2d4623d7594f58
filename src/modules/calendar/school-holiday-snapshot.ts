import { readFileSync } from 'node:fs';
import { addDays } from './calendar-dates.js';

/** One holiday period: days off from `firstDay` to `lastDay`, both included. */
export interface HolidayPeriod {
  name: string;
  firstDay: string;
  lastDay: string;
}

export const SNAPSHOT_ZONES = ['A', 'B', 'C'] as const;
export type SnapshotZone = (typeof SNAPSHOT_ZONES)[number];

const SNAPSHOT_FILE = new URL('./data/vacances-scolaires.csv', import.meta.url);

/**
 * Periods per zone from the day-by-day snapshot (data/README.md: Antoine Augusti's
 * "vacances-scolaires", Licence Ouverte): consecutive days marked True for the zone with the same
 * `nom_vacances` make one period. The file marks every day off, weekends included, so a period's
 * first and last days are the file's own.
 */
export function parseSnapshot(csv: string): Record<SnapshotZone, HolidayPeriod[]> {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header =
    lines
      .shift()
      ?.split(',')
      .map((cell) => cell.trim().toLowerCase()) ?? [];
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`school holiday snapshot: no column "${name}"`);
    return index;
  };
  const dateColumn = column('date');
  const nameColumn = column('nom_vacances');
  const zoneColumns = SNAPSHOT_ZONES.map((zone) => [zone, column(`vacances_zone_${zone.toLowerCase()}`)] as const);
  const periods: Record<SnapshotZone, HolidayPeriod[]> = { A: [], B: [], C: [] };
  const open: Partial<Record<SnapshotZone, HolidayPeriod>> = {};

  for (const line of lines) {
    const cells = line.split(',');
    const date = cells[dateColumn]!.trim();
    const name = (cells[nameColumn] ?? '').trim();
    for (const [zone, index] of zoneColumns) {
      const off = cells[index]?.trim().toLowerCase() === 'true';
      const current = open[zone];
      if (off && current && current.name === name && addDays(current.lastDay, 1) === date) {
        current.lastDay = date;
      } else if (off) {
        const period = { name: name || 'Vacances scolaires', firstDay: date, lastDay: date };
        periods[zone].push(period);
        open[zone] = period;
      } else {
        delete open[zone];
      }
    }
  }
  return periods;
}

let snapshot: Record<SnapshotZone, HolidayPeriod[]> | undefined;

/** The snapshot's periods of one zone (A, B or C); none for any other zone (overseas, Corse). */
export function snapshotPeriods(zone: string): HolidayPeriod[] {
  const key = zone.trim().toUpperCase();
  if (!(SNAPSHOT_ZONES as readonly string[]).includes(key)) return [];
  snapshot ??= parseSnapshot(readFileSync(SNAPSHOT_FILE, 'utf8'));
  return snapshot[key as SnapshotZone].map((period) => ({ ...period }));
}
