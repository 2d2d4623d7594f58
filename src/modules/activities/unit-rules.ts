/**
 * The rules between units booked for one child on one day: a unit may exclude others (Journée
 * excludes Matin and Après-midi) and may need one of others (Repas needs Journée or Matin).
 */
export interface UnitRelations {
  id: string;
  excludes: string[];
  requiresAny: string[];
}

export type UnitConflict = { kind: 'excludes'; unitId: string; other: string } | { kind: 'requires'; unitId: string; anyOf: string[] };

/** The conflicts of a day's set of units; an exclusion declared on either side is found once. */
export function unitConflicts(units: UnitRelations[], booked: Set<string>): UnitConflict[] {
  const conflicts: UnitConflict[] = [];
  const seenPairs = new Set<string>();
  for (const unit of units) {
    if (!booked.has(unit.id)) continue;
    for (const other of unit.excludes) {
      const pair = [unit.id, other].sort().join('|');
      if (booked.has(other) && !seenPairs.has(pair)) {
        seenPairs.add(pair);
        conflicts.push({ kind: 'excludes', unitId: unit.id, other });
      }
    }
    if (unit.requiresAny.length > 0 && !unit.requiresAny.some((other) => booked.has(other))) {
      conflicts.push({ kind: 'requires', unitId: unit.id, anyOf: unit.requiresAny });
    }
  }
  return conflicts;
}

/**
 * The units of a day's set caught in a conflict, to refuse: both sides of an exclusion, and each
 * unit lacking the one it needs. The server's rule (booking requests, lottery) and the calendar's
 * check before sending (web/assets/booking-calendar.ts) both read it here.
 */
export function unitsInConflict(units: UnitRelations[], booked: Set<string>): Set<string> {
  return new Set(unitConflicts(units, booked).flatMap((conflict) => (conflict.kind === 'excludes' ? [conflict.unitId, conflict.other] : [conflict.unitId])));
}

/**
 * The units that can no longer be added to a day already holding `held`, each with the held units
 * that bar it: those an exclusion (on either side) sets against a held unit, and those needing one
 * of others when every one of them is so excluded. A unit needing another that is merely not held
 * yet stays possible: the family may tick both at once.
 */
export function unitsBlockedBy(units: UnitRelations[], held: Set<string>): Map<string, string[]> {
  const blocked = new Map<string, string[]>();
  for (const unit of units) {
    if (held.has(unit.id)) continue;
    // The other side of each exclusion that involves this unit (declared on either side).
    const barring = unitConflicts(units, new Set([...held, unit.id])).flatMap((conflict) => {
      if (conflict.kind !== 'excludes') return [];
      if (conflict.unitId === unit.id) return [conflict.other];
      return conflict.other === unit.id ? [conflict.unitId] : [];
    });
    if (barring.length > 0) blocked.set(unit.id, barring);
  }
  for (const unit of units) {
    if (held.has(unit.id) || unit.requiresAny.length === 0 || unit.requiresAny.some((other) => held.has(other))) continue;
    if (unit.requiresAny.every((other) => blocked.has(other))) blocked.set(unit.id, [...new Set(unit.requiresAny.flatMap((other) => blocked.get(other)!))]);
  }
  return blocked;
}
