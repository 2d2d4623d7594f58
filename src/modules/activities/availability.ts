import { weekdayOf } from '../calendar/calendar-dates.js';
import type { Opening } from './activities.tables.js';

/** What the booking engine needs to know of the authority's calendar for one day. */
export interface DayCalendar {
  /** 'public_holiday' or 'closure' when nothing opens that day at this site or for this activity. */
  closedReason(date: string, where: { siteId: string | null; activityId: string }): 'public_holiday' | 'closure' | null;
  isSchoolHoliday(date: string): boolean;
}

export type ClosedReason = 'outside_activity' | 'weekday' | 'school_holiday' | 'not_holiday' | 'public_holiday' | 'closure';

export interface OpeningRules {
  activityId: string;
  siteId: string | null;
  startsOn: string;
  endsOn: string;
  opening: Opening;
  /** ISO weekdays the unit is open (the unit's own, or its activity's). */
  weekdays: number[];
}

/** Why a unit does not open on a day, or null when it opens. The first reason found is the one shown. */
export function closedReasonOf(rules: OpeningRules, date: string, calendar: DayCalendar): ClosedReason | null {
  if (date < rules.startsOn || date > rules.endsOn) return 'outside_activity';
  if (!rules.weekdays.includes(weekdayOf(date))) return 'weekday';
  const closed = calendar.closedReason(date, { siteId: rules.siteId, activityId: rules.activityId });
  if (closed) return closed;
  const holiday = calendar.isSchoolHoliday(date);
  if (rules.opening === 'school_days' && holiday) return 'school_holiday';
  if (rules.opening === 'holidays' && !holiday) return 'not_holiday';
  return null;
}
