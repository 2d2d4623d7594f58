import { addDays } from '../calendar/calendar-dates.js';
import { closedReasonOf, type DayCalendar, type OpeningRules } from './availability.js';
import { deadlineInstant, deadlineLocal, type DeadlineRule } from './deadlines.js';

/**
 * What staff see under the deadline editor before saving: the next open days of the activity (or
 * unit) with the moment booking and cancelling stop, computed by the same functions the booking
 * engine uses, in the authority's time zone.
 */

export interface PreviewCalendar extends DayCalendar {
  isWorkingDay(date: string): boolean;
}

export interface DeadlinePreviewDay {
  day: string;
  booking: { local: { date: string; time: string }; instant: Date };
  cancellation: { local: { date: string; time: string }; instant: Date };
}

/** Open days looked at, at most: an activity open only in the summer is found from the autumn. */
const HORIZON_DAYS = 400;

export function deadlinePreview(
  input: { opening: OpeningRules; booking: DeadlineRule; cancellation: DeadlineRule },
  calendar: PreviewCalendar,
  timeZone: string,
  from: string,
  count = 5,
): DeadlinePreviewDay[] {
  const days: DeadlinePreviewDay[] = [];
  const isWorkingDay = (date: string) => calendar.isWorkingDay(date);
  const start = from > input.opening.startsOn ? from : input.opening.startsOn;
  const end = addDays(start, HORIZON_DAYS);
  for (let day = start; day <= input.opening.endsOn && day <= end && days.length < count; day = addDays(day, 1)) {
    if (closedReasonOf(input.opening, day, calendar) !== null) continue;
    days.push({
      day,
      booking: { local: deadlineLocal(input.booking, day, isWorkingDay), instant: deadlineInstant(input.booking, day, timeZone, isWorkingDay) },
      cancellation: { local: deadlineLocal(input.cancellation, day, isWorkingDay), instant: deadlineInstant(input.cancellation, day, timeZone, isWorkingDay) },
    });
  }
  return days;
}
