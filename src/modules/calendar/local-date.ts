import { dateFormat } from '../../i18n/date-formats.js';

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: "today" for an authority. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
