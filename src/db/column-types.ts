import type { ColumnType, Generated } from 'kysely';

/** An instant: read as a Date, written as a Date or an ISO string, default in the database. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A calendar date, 'YYYY-MM-DD'. */
export type CalendarDate = string;
export type Id = Generated<string>;
export type Json<T> = ColumnType<T, T | string | undefined, T | string>;
export type { Generated };
