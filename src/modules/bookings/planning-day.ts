import type { Unit } from '../activities/activity-definitions.js';
import { dryRun } from '../dry-run.js';
import type { Scope } from '../scope.js';
import { absenceRefusal, type AbsenceLimits } from './absences.js';
import { bookableActivities, familyCalendar, type CellState } from './booking-calendar.js';
import type { BookingContext } from './booking-requests.js';
import { cancelBooking, type CancelOutcome } from './cancellations.js';
import { childPlanning, type PlanningDay } from './planning.js';
import type { StaffCalendar } from './occupancy-report.js';

/**
 * One day of a child's planning and what the family may do with it: book what is still open, cancel
 * what is booked, declare an absence — each answer given by the booking engine's own functions
 * (the calendar's cell states, the cancellation run and undone, the absence's rules), so the day
 * page says exactly what sending would do.
 */

/** An activity the child may book from, with each of its units' state that day. */
export interface DayActivity {
  id: string;
  name: string;
  showPlacesLeft: boolean;
  units: { unit: Unit; state: CellState }[];
}

export interface PlanningDayView {
  planning: PlanningDay;
  activities: DayActivity[];
  /** Why an absence cannot be declared for the day (null: it can). */
  absenceRefusal: 'too_old' | 'nothing_booked' | null;
}

export async function planningDay(
  scope: Scope,
  context: BookingContext & { calendar: Pick<StaffCalendar, 'closureReason'> },
  input: { householdId: string; childId: string; day: string; limits: AbsenceLimits },
): Promise<PlanningDayView | null> {
  const days = await childPlanning(scope, context, { householdId: input.householdId, childId: input.childId, from: input.day, to: input.day });
  if (!days) return null;
  const activities: DayActivity[] = [];
  for (const activity of await bookableActivities(scope, input.householdId)) {
    const calendar = await familyCalendar(scope, context, activity.definition, {
      householdId: input.householdId,
      childIds: [input.childId],
      from: input.day,
      to: input.day,
    });
    // The calendar leaves out the days an activity never opens on: nothing to offer from it.
    const cells = calendar?.children[0]?.days[0]?.cells;
    if (!calendar || !cells) continue;
    activities.push({
      id: activity.id,
      name: activity.name,
      showPlacesLeft: activity.showPlacesLeft,
      units: cells.map((cell) => ({ unit: calendar.definition.units.find((unit) => unit.id === cell.unitId)!, state: cell.state })),
    });
  }
  return {
    planning: days[0]!,
    activities,
    absenceRefusal: await absenceRefusal(scope, input.householdId, input.childId, input.day, input.day, input.limits),
  };
}

/**
 * What cancelling this booking would do — cancelled or asked, which units of the day would go with
 * it, or why it is refused — found by cancelling it and undoing everything: the confirmation says
 * what the engine decides, never a second copy of its rules. At the counter, also what it would do
 * if staff passed the deadline.
 */
export function cancellationPreview(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; bookingId: string; passDeadline?: boolean },
): Promise<CancelOutcome> {
  return dryRun(scope, () => cancelBooking(scope, context, input));
}
