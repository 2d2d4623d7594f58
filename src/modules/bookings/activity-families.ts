import { sql } from 'kysely';
import { tenantToday } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { ENDED } from './booking-states.js';
import { activityMemberships } from './enrollments.js';

/** A selection of families staff address at once: those of an activity, or of one of its groups. */
export interface FamilySelection {
  activityId: string;
  groupId: string | null;
}

/** What staff may choose: each activity with its groups, newest first. */
export interface SelectionChoice {
  activityId: string;
  activityName: string;
  groups: { id: string; name: string }[];
}

export async function selectionChoices(scope: Scope): Promise<SelectionChoice[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('activities as a')
    .leftJoin('activity_groups as g', 'g.activity_id', 'a.id')
    .select(['a.id', 'a.name', 'a.starts_on', 'g.id as groupId', 'g.name as groupName', 'g.position'])
    .orderBy('a.starts_on', 'desc')
    .orderBy('a.name')
    .orderBy('g.position')
    .execute();
  const choices = new Map<string, SelectionChoice>();
  for (const row of rows) {
    const choice = choices.get(row.id) ?? { activityId: row.id, activityName: row.name, groups: [] };
    if (row.groupId && row.groupName) choice.groups.push({ id: row.groupId, name: row.groupName });
    choices.set(row.id, choice);
  }
  return [...choices.values()];
}

/**
 * The households of a selection, by name: those with a child enrolled in the activity (or asking to
 * be; in the group when one is chosen), and those with a day booked or asked for from today on (an
 * activity booked without enrolling). Null when the activity or the group is not the authority's.
 */
export async function activityFamilies(scope: Scope, selection: FamilySelection): Promise<{ householdId: string; name: string }[] | null> {
  if (!may(scope, 'service.read')) return null;
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', selection.activityId).executeTakeFirst();
  if (!activity) return null;
  if (selection.groupId) {
    const group = await scope.tx
      .selectFrom('activity_groups')
      .select('id')
      .where('id', '=', selection.groupId)
      .where('activity_id', '=', selection.activityId)
      .executeTakeFirst();
    if (!group) return null;
  }
  const today = await tenantToday(scope);
  let enrolled = activityMemberships(scope.tx).clearSelect().select('household_id').where('activity_id', '=', selection.activityId);
  let booking = scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select('b.household_id')
    .where('u.activity_id', '=', selection.activityId)
    .where('b.day', '>=', today)
    .where('b.status', 'not in', ENDED);
  if (selection.groupId) {
    enrolled = enrolled.where('group_id', '=', selection.groupId);
    booking = booking.where('b.group_id', '=', selection.groupId);
  }
  const rows = await scope.tx
    .selectFrom('households as h')
    .select(['h.id', 'h.name'])
    .where((eb) => eb.or([eb('h.id', 'in', enrolled), eb('h.id', 'in', booking)]))
    .where('h.closed_at', 'is', null)
    .orderBy(sql`lower(h.name)`)
    .execute();
  return rows.map((row) => ({ householdId: row.id, name: row.name }));
}
