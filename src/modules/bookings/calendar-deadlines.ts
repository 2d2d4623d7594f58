import type { CalendarDay } from './booking-calendar.js';

/**
 * Where a child's calendar says its booking deadlines, so that each is said once: above the table
 * when every open box closes at the same moment (a period's close), on each day's row when a day's
 * boxes close together (a "J-7" rule shared by the units), in each unit's column when a unit's days
 * close together, and in the boxes only where none of these holds.
 */
export type DeadlinePlacement =
  | { kind: 'table'; deadline: Date }
  | { kind: 'rows'; byDay: Map<string, Date> }
  | { kind: 'columns'; byUnit: Map<string, Date> }
  | { kind: 'cells' };

/** The one deadline of these open boxes, or null when they differ (undefined: no open box). */
function shared(deadlines: Date[]): Date | null | undefined {
  if (deadlines.length === 0) return undefined;
  const first = deadlines[0]!.getTime();
  return deadlines.every((deadline) => deadline.getTime() === first) ? deadlines[0]! : null;
}

function openDeadlines(cells: CalendarDay['cells']): Date[] {
  return cells.flatMap((cell) => (cell.state.kind === 'open' ? [cell.state.deadline] : []));
}

export function deadlinePlacement(days: CalendarDay[]): DeadlinePlacement {
  const all = shared(days.flatMap((day) => openDeadlines(day.cells)));
  if (all) return { kind: 'table', deadline: all };
  const byDay = new Map<string, Date>();
  let rows = true;
  for (const day of days) {
    const deadline = shared(openDeadlines(day.cells));
    if (deadline === null) rows = false;
    else if (deadline) byDay.set(day.day, deadline);
  }
  if (rows) return { kind: 'rows', byDay };
  const byUnit = new Map<string, Date>();
  for (const unitId of new Set(days.flatMap((day) => day.cells.map((cell) => cell.unitId)))) {
    const deadline = shared(openDeadlines(days.flatMap((day) => day.cells.filter((cell) => cell.unitId === unitId))));
    if (deadline === null) return { kind: 'cells' };
    if (deadline) byUnit.set(unitId, deadline);
  }
  return { kind: 'columns', byUnit };
}
