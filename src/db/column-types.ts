import type { ColumnType, Generated } from 'kysely';

/** An instant: read as a Date, written as a Date or an ISO string, default in the database. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A calendar date, 'YYYY-MM-DD'. */
export type CalendarDate = string;
export type Id = Generated<string>;
export type Json<T> = ColumnType<T, T | string | undefined, T | string>;
export type { Generated };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text is an id as the database writes them (a UUID): anything else names no row. */
export function isUuidText(value: string): boolean {
  return UUID.test(value);
}
