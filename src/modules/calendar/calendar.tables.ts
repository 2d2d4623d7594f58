import type { CalendarDate, Id, Timestamp } from '../../db/column-types.js';

export type SchoolHolidaySource = 'snapshot' | 'import' | 'manual';

export interface SchoolHolidaysTable {
  id: Id;
  tenant_id: string;
  zone: string;
  name: string;
  /** First day off, included (weekends inside the period belong to it). */
  first_day: CalendarDate;
  /** Last day off, included: the day before classes resume. */
  last_day: CalendarDate;
  source: SchoolHolidaySource;
  created_at: Timestamp;
}

export interface ClosuresTable {
  id: Id;
  tenant_id: string;
  /** Both null: the whole authority; otherwise one site or one activity. */
  site_id: string | null;
  activity_id: string | null;
  first_day: CalendarDate;
  last_day: CalendarDate;
  reason: string;
  created_at: Timestamp;
}

export interface CalendarVersionsTable {
  tenant_id: string;
  version: string;
}

export interface CalendarTables {
  school_holidays: SchoolHolidaysTable;
  closures: ClosuresTable;
  calendar_versions: CalendarVersionsTable;
}
