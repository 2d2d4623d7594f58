import { formatCalendarDate } from '../calendar/calendar-dates.js';
import type { Translate } from '../../i18n/catalogue.js';
import { toCsv } from '../bookings/attendance.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { activityMembers } from './activity-members.js';

/**
 * The children of an activity, group by group, with what the team must know of their health:
 * allergies, PAI (individual care plan) and its details, diet, other medical notes, as their
 * household record holds them. Health notes are read by every staff role, as on the record itself
 * and on the attendance lists (access.ts: household.read); families never reach these lists.
 */

export interface RosterChild {
  childId: string;
  householdId: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  school: string | null;
  classLevel: string | null;
  groupName: string | null;
  householdName: string;
  familyNumber: string;
  allergies: string | null;
  pai: boolean;
  paiDetails: string | null;
  diet: string | null;
  healthNotes: string | null;
}

export interface ChildrenRoster {
  activityName: string;
  groupName: string | null;
  children: RosterChild[];
}

/** The children of an activity (of one of its groups), by group then name; null when the activity or group does not exist. */
export async function childrenRoster(scope: Scope, input: { activityId: string; groupId?: string | undefined }): Promise<ChildrenRoster | null> {
  if (!may(scope, 'service.read')) return null;
  const activity = await scope.tx.selectFrom('activities').select('name').where('id', '=', input.activityId).executeTakeFirst();
  if (!activity) return null;
  let groupName: string | null = null;
  if (input.groupId) {
    const group = await scope.tx
      .selectFrom('activity_groups')
      .select('name')
      .where('id', '=', input.groupId)
      .where('activity_id', '=', input.activityId)
      .executeTakeFirst();
    if (!group) return null;
    groupName = group.name;
  }
  let query = scope.tx
    .selectFrom(activityMembers(scope.tx, input.activityId).as('member'))
    .innerJoin('persons as p', 'p.id', 'member.child_id')
    .innerJoin('households as h', 'h.id', 'member.household_id')
    .leftJoin('activity_groups as g', 'g.id', 'member.group_id')
    .select([
      'p.id',
      'h.id as household_id',
      'p.first_name',
      'p.last_name',
      'p.birth_date',
      'p.school',
      'p.class_level',
      'g.name as group_name',
      'h.name as household_name',
      'h.family_number',
      'p.allergies',
      'p.pai',
      'p.pai_details',
      'p.diet',
      'p.health_notes',
    ]);
  if (input.groupId) query = query.where('member.group_id', '=', input.groupId);
  const rows = await query.orderBy('g.position').orderBy('g.name').orderBy('p.last_name').orderBy('p.first_name').orderBy('p.id').execute();
  return {
    activityName: activity.name,
    groupName,
    children: rows.map((row) => ({
      childId: row.id,
      householdId: row.household_id,
      firstName: row.first_name,
      lastName: row.last_name,
      birthDate: row.birth_date,
      school: row.school,
      classLevel: row.class_level,
      groupName: row.group_name,
      householdName: row.household_name,
      familyNumber: row.family_number,
      allergies: row.allergies,
      pai: row.pai,
      paiDetails: row.pai_details,
      diet: row.diet,
      healthNotes: row.health_notes,
    })),
  };
}

/** The roster as a spreadsheet, one line per child, headers in the reader's language. */
export function childrenCsv(t: Translate, roster: ChildrenRoster, classLevel: (level: string) => string): string {
  const header = [
    t('registers.csv.activity'),
    t('registers.csv.group'),
    t('registers.csv.lastName'),
    t('registers.csv.firstName'),
    t('registers.csv.birthDate'),
    t('registers.csv.school'),
    t('registers.csv.classLevel'),
    t('registers.csv.household'),
    t('registers.csv.familyNumber'),
    t('registers.csv.allergies'),
    t('registers.csv.pai'),
    t('registers.csv.paiDetails'),
    t('registers.csv.diet'),
    t('registers.csv.healthNotes'),
  ];
  return toCsv([
    header,
    ...roster.children.map((child) => [
      roster.activityName,
      child.groupName ?? '',
      child.lastName,
      child.firstName,
      child.birthDate ? formatCalendarDate(child.birthDate) : '',
      child.school ?? '',
      child.classLevel ? classLevel(child.classLevel) : '',
      child.householdName,
      child.familyNumber,
      child.allergies ?? '',
      child.pai ? t('value.yes') : t('value.no'),
      child.paiDetails ?? '',
      child.diet ?? '',
      child.healthNotes ?? '',
    ]),
  ]);
}
