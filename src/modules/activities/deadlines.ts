import { addDays, weekdayOf } from '../calendar/calendar-dates.js';
import { dateFormat } from '../../i18n/date-formats.js';

/**
 * Booking and cancellation deadlines, as the authorities write them in their rules:
 * - `days_before`: "J-7 à 00:00", optionally counting only working days ("3 jours ouvrés avant");
 * - `weekday_before`: "le jeudi précédent à midi" (the last such weekday strictly before the day);
 * - `day_of_previous_month`: "le 20 du mois précédent" (the month's last day if it is shorter).
 * A deadline is an instant: the local time in the authority's time zone.
 */
export type DeadlineRule =
  | { type: 'days_before'; days: number; time: string; workingDays?: boolean }
  | { type: 'weekday_before'; weekday: number; time: string }
  | { type: 'day_of_previous_month'; day: number; time: string };

/** Whether a date counts as a working day (Monday–Friday, not a public holiday). */
export type WorkingDayTest = (date: string) => boolean;

export const weekdaysOnly: WorkingDayTest = (date) => weekdayOf(date) <= 5;

/** The local date and time at which booking (or cancelling) `day` stops being possible. */
export function deadlineLocal(rule: DeadlineRule, day: string, isWorkingDay: WorkingDayTest = weekdaysOnly): { date: string; time: string } {
  switch (rule.type) {
    case 'days_before': {
      if (!rule.workingDays) return { date: addDays(day, -rule.days), time: rule.time };
      let date = day;
      for (let counted = 0; counted < rule.days; ) {
        date = addDays(date, -1);
        if (isWorkingDay(date)) counted += 1;
      }
      return { date, time: rule.time };
    }
    case 'weekday_before': {
      const back = ((weekdayOf(day) - rule.weekday + 6) % 7) + 1;
      return { date: addDays(day, -back), time: rule.time };
    }
    case 'day_of_previous_month': {
      const [year, month] = day.split('-').map(Number) as [number, number];
      const previousYear = month === 1 ? year - 1 : year;
      const previousMonth = month === 1 ? 12 : month - 1;
      const lastDay = new Date(Date.UTC(previousYear, previousMonth, 0)).getUTCDate();
      const date = `${previousYear}-${String(previousMonth).padStart(2, '0')}-${String(Math.min(rule.day, lastDay)).padStart(2, '0')}`;
      return { date, time: rule.time };
    }
  }
}

/** The deadline as an instant, in the authority's time zone. */
export function deadlineInstant(rule: DeadlineRule, day: string, timeZone: string, isWorkingDay?: WorkingDayTest): Date {
  const local = deadlineLocal(rule, day, isWorkingDay);
  return zonedInstant(local.date, local.time, timeZone);
}

/**
 * The instant a wall clock in `timeZone` shows `date` at `time`. A time skipped by the spring
 * change (02:30 on the last Sunday of March in Paris) is read with the offset from before the
 * change, landing as far after the gap (03:30); a time shown twice in autumn is taken the first time.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  // A calendar page asks the same few deadlines for every child and unit: each is worked out once.
  const key = `${date}|${time}|${timeZone}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    if (instants.size >= 20_000) instants.clear();
    instant = zonedInstantOnce(date, time, timeZone).getTime();
    instants.set(key, instant);
  }
  return new Date(instant);
}

const instants = new Map<string, number>();

function zonedInstantOnce(date: string, time: string, timeZone: string): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const wall = Date.parse(`${date}T00:00:00Z`) + (hours * 60 + minutes) * 60_000;
  // The offsets a day before and a day after cover both sides of any change on that day.
  const readings = [wall - offsetMs(wall - DAY_MS, timeZone), wall - offsetMs(wall + DAY_MS, timeZone)];
  const exact = readings.filter((instant) => wallClockMs(instant, timeZone) === wall).sort((a, b) => a - b);
  if (exact.length > 0) return new Date(exact[0]!);
  // In the spring gap the wall time does not exist: the later reading is the one after the jump.
  return new Date(Math.max(...readings));
}

const DAY_MS = 24 * 60 * 60 * 1000;
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return dateFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** What a wall clock in `timeZone` shows at `instant`, as milliseconds of a UTC date with the same fields. */
function wallClockMs(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

function offsetMs(instant: number, timeZone: string): number {
  return wallClockMs(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}
