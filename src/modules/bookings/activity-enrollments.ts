import { requestEnrollment } from './enrollments.js';
import { searchHouseholds } from '../households/household-search.js';
import type { Scope } from '../scope.js';
import { text, type SetupErrors, type SetupForm } from '../activities/setup-forms.js';
import { isUuidText } from '../validation/fields.js';
import { may, refusal } from '../access.js';

/** The children enrolled in an activity, by group, and staff enrolling a child directly. */

export interface RosterEntry {
  enrollmentId: string;
  childId: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  householdId: string;
  familyNumber: string;
  groupId: string | null;
  status: 'pending' | 'accepted';
  createdAt: Date;
}

/** Accepted and pending enrollments of the activity, by child name. */
export async function activityRoster(scope: Scope, activityId: string): Promise<RosterEntry[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .innerJoin('households as h', 'h.id', 'e.household_id')
    .select([
      'e.id as enrollmentId',
      'e.child_id as childId',
      'p.first_name as firstName',
      'p.last_name as lastName',
      'p.birth_date as birthDate',
      'e.household_id as householdId',
      'h.family_number as familyNumber',
      'e.group_id as groupId',
      'e.status',
      'e.created_at as createdAt',
    ])
    .where('e.activity_id', '=', activityId)
    .where('e.status', 'in', ['pending', 'accepted'])
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();
  return rows as RosterEntry[];
}

export interface EnrollCandidate {
  householdId: string;
  familyNumber: string;
  name: string;
  children: { id: string; firstName: string; lastName: string; birthDate: string | null; enrolled: boolean }[];
}

/** Households matching what staff typed (name, family number…), with their children. */
export async function enrollCandidates(scope: Scope, activityId: string, query: string): Promise<EnrollCandidate[]> {
  if (!may(scope, 'service.read') || query.trim() === '') return [];
  const hits = await searchHouseholds(scope, query);
  if (hits.length === 0) return [];
  const children = await scope.tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .select(['m.household_id', 'p.id', 'p.first_name', 'p.last_name', 'p.birth_date'])
    .where(
      'm.household_id',
      'in',
      hits.map((hit) => hit.id),
    )
    .where('m.role', '=', 'child')
    .orderBy('p.birth_date')
    .execute();
  const enrolled = new Set(
    children.length === 0
      ? []
      : (
          await scope.tx
            .selectFrom('enrollments')
            .select('child_id')
            .where('activity_id', '=', activityId)
            .where(
              'child_id',
              'in',
              children.map((child) => child.id),
            )
            .where('status', 'in', ['pending', 'accepted'])
            .execute()
        ).map((row) => row.child_id),
  );
  return hits.map((hit) => ({
    householdId: hit.id,
    familyNumber: hit.familyNumber,
    name: hit.name,
    children: children
      .filter((child) => child.household_id === hit.id)
      .map((child) => ({
        id: child.id,
        firstName: child.first_name,
        lastName: child.last_name,
        birthDate: child.birth_date,
        enrolled: enrolled.has(child.id),
      })),
  }));
}

export type EnrollField = 'child' | 'groupId';

export type EnrollResult =
  | { kind: 'enrolled' }
  | { kind: 'already' }
  | { kind: 'invalid'; errors: SetupErrors<EnrollField> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/**
 * Staff enroll a child in the activity and one of its groups: accepted at once. The form names the
 * child as "<household id>:<child id>" (one choice among the households found).
 */
export async function enrollChild(scope: Scope, activityId: string, form: SetupForm): Promise<EnrollResult> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', activityId).executeTakeFirst();
  if (!activity) return { kind: 'not_found' };
  const errors: SetupErrors<EnrollField> = {};
  const child = (text(form, 'child') ?? '').trim().toLowerCase();
  const [householdId = '', childId = ''] = child.split(':');
  if (child === '') errors.child = 'required';
  else if (!isUuidText(householdId) || !isUuidText(childId)) errors.child = 'choice';
  const groups = await scope.tx.selectFrom('activity_groups').select('id').where('activity_id', '=', activityId).execute();
  const groupId = (text(form, 'groupId') ?? '').trim().toLowerCase();
  if (groupId === '' && groups.length > 0) errors.groupId = 'required';
  else if (groupId !== '' && !groups.some((group) => group.id === groupId)) errors.groupId = 'choice';
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const outcome = await requestEnrollment(scope, { householdId, childId, activityId, groupId: groupId === '' ? null : groupId });
  if (outcome === 'enrolled') return { kind: 'enrolled' };
  if (outcome === 'already') return { kind: 'already' };
  // Another tenant's household, or a child who is not of that household: not a choice offered.
  return { kind: 'invalid', errors: { child: 'choice' } };
}
