import { isCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { usePage } from '../page-context.js';

/** The pieces the staff's booking pages share: a booking's status, dates, tables. */

/** A booking's state with its icon and word: the same badge as on the families' pages. */
export { BookingStatusBadge } from '../components/booking-status.js';

/** A day typed as 2026-11-25 (date field) or 25/11/2026 (by hand), or null. */
export function parseDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  const iso = french ? `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}` : trimmed;
  return isCalendarDate(iso) ? iso : null;
}

/** A calendar day as an instant at noon UTC: the same day in every French time zone, for the formatters. */
export function noonOf(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

/** "mercredi 25 novembre 2026" in the page's language. */
export function LongDay(props: { day: string }) {
  const { fmt } = usePage();
  return <>{fmt.longDate(noonOf(props.day))}</>;
}
