import type { Tx } from '../../db/tenant-scope.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { schoolYearOf } from './calendar-dates.js';
import { checkDayRange, checkText, type FormErrors, type SaveResult } from './calendar-forms.js';
import { bumpCalendarVersion, tenantZone } from './calendar-store.js';
import type { SchoolHolidaySource } from './calendar.tables.js';
import { normalizeZone, parseMinistryCalendar, periodsOfZone, type MinistryPeriod, type SkippedRow } from './ministry-calendar-csv.js';
import { snapshotPeriods, type HolidayPeriod } from './school-holiday-snapshot.js';
import { may } from '../access.js';

/** A school holiday period as staff see it. */
export interface SchoolHoliday {
  id: string;
  zone: string;
  name: string;
  firstDay: string;
  lastDay: string;
  source: SchoolHolidaySource;
}

export type PeriodForm = { name?: string; firstDay?: string; lastDay?: string };
export type PeriodField = keyof PeriodForm;

/** The longest period staff may type: a summer holiday with room to spare. */
const MAX_PERIOD_DAYS = 120;

/**
 * Gives a new tenant its zone's periods from the day-by-day snapshot (data/README.md): zones A, B
 * and C; any other zone (overseas, Corse) gets none and imports the ministry's file. Called with the
 * transaction that creates the tenant. Returns how many periods were added: none when the tenant
 * already has the snapshot of this zone.
 */
export async function seedSchoolHolidays(tx: Tx, tenantId: string, zone: string): Promise<number> {
  const periods = snapshotPeriods(zone);
  if (periods.length === 0) return 0;
  const stored = normalizeZone(zone);
  const seeded = await tx
    .selectFrom('school_holidays')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('zone', '=', stored)
    .where('source', '=', 'snapshot')
    .limit(1)
    .executeTakeFirst();
  if (seeded) return 0;
  for (let start = 0; start < periods.length; start += 500) {
    await tx
      .insertInto('school_holidays')
      .values(
        periods.slice(start, start + 500).map((period) => ({
          tenant_id: tenantId,
          zone: stored,
          name: period.name,
          first_day: period.firstDay,
          last_day: period.lastDay,
          source: 'snapshot' as const,
        })),
      )
      .execute();
  }
  await bumpCalendarVersion(tx, tenantId);
  return periods.length;
}

const columns = ['id', 'zone', 'name', 'first_day as firstDay', 'last_day as lastDay', 'source'] as const;

/** The periods of the tenant's zone that touch `from`..`to`, in date order. Staff only. */
export async function listSchoolHolidays(scope: Scope, range: { from: string; to: string }): Promise<SchoolHoliday[]> {
  if (!may(scope, 'service.read')) return [];
  const zone = await tenantZone(scope.tx, scope.tenantId);
  return scope.tx
    .selectFrom('school_holidays')
    .select(columns)
    .where('zone', '=', zone)
    .where('last_day', '>=', range.from)
    .where('first_day', '<=', range.to)
    .orderBy('first_day')
    .orderBy('name')
    .execute();
}

export async function getSchoolHoliday(scope: Scope, id: string): Promise<SchoolHoliday | null> {
  if (!may(scope, 'service.read')) return null;
  return (await scope.tx.selectFrom('school_holidays').select(columns).where('id', '=', id).executeTakeFirst()) ?? null;
}

function validatePeriod(form: PeriodForm): { ok: true; value: HolidayPeriod } | { ok: false; errors: FormErrors<PeriodField> } {
  const name = checkText(form.name, 200);
  const range = checkDayRange(form, MAX_PERIOD_DAYS);
  const errors: FormErrors<PeriodField> = range.ok ? {} : { ...range.errors };
  if (!name.ok) errors.name = name.error;
  if (!name.ok || !range.ok) return { ok: false, errors };
  return { ok: true, value: { name: name.value, firstDay: range.firstDay, lastDay: range.lastDay } };
}

/** Adds a period typed by staff to the tenant's zone; an import never replaces it. */
export async function addSchoolHoliday(scope: Scope, form: PeriodForm): Promise<SaveResult<PeriodField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const valid = validatePeriod(form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const zone = await tenantZone(scope.tx, scope.tenantId);
  const row = await scope.tx
    .insertInto('school_holidays')
    .values({ tenant_id: scope.tenantId, zone, name: valid.value.name, first_day: valid.value.firstDay, last_day: valid.value.lastDay, source: 'manual' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  await recordAudit(scope, { action: 'school_holiday.added', objectType: 'school_holiday', objectId: row.id, details: { ...valid.value, zone } });
  return { kind: 'saved', id: row.id };
}

/**
 * Changes a period. A period staff corrected becomes theirs ('manual'): a later import of the
 * ministry's file does not undo the correction.
 */
export async function updateSchoolHoliday(scope: Scope, id: string, form: PeriodForm): Promise<SaveResult<PeriodField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const before = await getSchoolHoliday(scope, id);
  if (!before) return { kind: 'not_found' };
  const valid = validatePeriod(form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  await scope.tx
    .updateTable('school_holidays')
    .set({ name: valid.value.name, first_day: valid.value.firstDay, last_day: valid.value.lastDay, source: 'manual' })
    .where('id', '=', id)
    .execute();
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  await recordAudit(scope, {
    action: 'school_holiday.updated',
    objectType: 'school_holiday',
    objectId: id,
    details: { before: { name: before.name, firstDay: before.firstDay, lastDay: before.lastDay, source: before.source }, after: valid.value },
  });
  return { kind: 'saved', id };
}

export async function deleteSchoolHoliday(scope: Scope, id: string): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return 'forbidden';
  const deleted = await scope.tx.deleteFrom('school_holidays').where('id', '=', id).returning(['name', 'first_day', 'last_day', 'source']).executeTakeFirst();
  if (!deleted) return 'not_found';
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  await recordAudit(scope, {
    action: 'school_holiday.deleted',
    objectType: 'school_holiday',
    objectId: id,
    details: { name: deleted.name, firstDay: deleted.first_day, lastDay: deleted.last_day, source: deleted.source },
  });
  return 'done';
}

// --- import of the ministry's file -----------------------------------------------------------------

/** A period to import, as the preview shows it and the confirmation sends it back. */
export interface ImportedPeriod {
  name: string;
  firstDay: string;
  lastDay: string;
  schoolYear: number;
}

export type ImportPreview =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; error: 'empty' | 'columns'; missing: string[] }
  | { kind: 'no_zone'; zonesInFile: string[] }
  | {
      kind: 'preview';
      zone: string;
      periods: ImportedPeriod[];
      /** Imported or snapshot periods of the same school years, which the import replaces. */
      replaced: SchoolHoliday[];
      /** Periods typed by staff in those school years, which stay. */
      kept: SchoolHoliday[];
      zonesInFile: string[];
      skipped: SkippedRow[];
      teacherRows: number;
    };

/**
 * Reads the ministry's CSV file and shows what importing the periods of `zonesValue` (the file's
 * name for the tenant's zone, "Zone A") would do. Nothing is written.
 */
export async function previewImport(scope: Scope, csv: string, zonesValue: string): Promise<ImportPreview> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const calendar = parseMinistryCalendar(csv);
  if (!calendar.ok) return { kind: 'invalid', error: calendar.error, missing: calendar.missing };
  const periods = periodsOfZone(calendar, zonesValue).map(({ name, firstDay, lastDay, schoolYear }: MinistryPeriod) => ({
    name,
    firstDay,
    lastDay,
    schoolYear,
  }));
  if (periods.length === 0) return { kind: 'no_zone', zonesInFile: calendar.zones };
  const existing = await replaceable(scope, periods);
  return {
    kind: 'preview',
    zone: await tenantZone(scope.tx, scope.tenantId),
    periods,
    replaced: existing.filter((period) => period.source !== 'manual'),
    kept: existing.filter((period) => period.source === 'manual'),
    zonesInFile: calendar.zones,
    skipped: calendar.skipped,
    teacherRows: calendar.teacherRows,
  };
}

/** The tenant's periods that fall in the school years of `periods` (by their first day). */
async function replaceable(scope: Scope, periods: ImportedPeriod[]): Promise<SchoolHoliday[]> {
  const zone = await tenantZone(scope.tx, scope.tenantId);
  const years = new Set(periods.map((period) => period.schoolYear));
  const rows = await scope.tx
    .selectFrom('school_holidays')
    .select(columns)
    .where('zone', '=', zone)
    .where('first_day', '>=', `${Math.min(...years)}-09-01`)
    .where('first_day', '<=', `${Math.max(...years) + 1}-08-31`)
    .orderBy('first_day')
    .execute();
  return rows.filter((row) => years.has(schoolYearOf(row.firstDay)));
}

/** Checks periods sent back by the confirmation form (it comes from the browser: checked again). */
export function validImportedPeriods(raw: unknown): ImportedPeriod[] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 500) return null;
  const periods: ImportedPeriod[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return null;
    const { name, firstDay, lastDay, schoolYear } = item as Record<string, unknown>;
    if (typeof name !== 'string' || typeof firstDay !== 'string' || typeof lastDay !== 'string' || typeof schoolYear !== 'number') return null;
    const range = checkDayRange({ firstDay, lastDay }, MAX_PERIOD_DAYS);
    const text = checkText(name, 200);
    if (!range.ok || !text.ok || !Number.isInteger(schoolYear) || Math.abs(schoolYear - schoolYearOf(range.firstDay)) > 1) return null;
    periods.push({ name: text.value, firstDay: range.firstDay, lastDay: range.lastDay, schoolYear });
  }
  return periods;
}

/**
 * Replaces the imported (and snapshot) periods of the school years in `periods` by these, for the
 * tenant's zone; periods typed by staff stay. One transaction: the calendar never shows a year
 * half imported.
 */
export async function applyImport(
  scope: Scope,
  periods: ImportedPeriod[],
  zonesValue: string,
): Promise<{ kind: 'forbidden' } | { kind: 'imported'; added: number; removed: number }> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const zone = await tenantZone(scope.tx, scope.tenantId);
  const replaced = (await replaceable(scope, periods)).filter((period) => period.source !== 'manual');
  if (replaced.length > 0) {
    await scope.tx
      .deleteFrom('school_holidays')
      .where(
        'id',
        'in',
        replaced.map((period) => period.id),
      )
      .execute();
  }
  await scope.tx
    .insertInto('school_holidays')
    .values(
      periods.map((period) => ({
        tenant_id: scope.tenantId,
        zone,
        name: period.name,
        first_day: period.firstDay,
        last_day: period.lastDay,
        source: 'import' as const,
      })),
    )
    .execute();
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  const schoolYears = [...new Set(periods.map((period) => `${period.schoolYear}-${period.schoolYear + 1}`))].sort();
  await recordAudit(scope, {
    action: 'school_holidays.imported',
    objectType: 'school_holidays',
    details: { zone, fileZone: zonesValue, schoolYears, added: periods.length, removed: replaced.length },
  });
  return { kind: 'imported', added: periods.length, removed: replaced.length };
}
