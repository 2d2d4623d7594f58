import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { sourcesOf } from '../state-machine.js';
import { ENROLLMENT_MOVES } from './bookings.tables.js';

/**
 * A child is enrolled in an activity and placed in one of its groups: the family asks (with the
 * documents the service wants) and staff accept or refuse, or staff enroll directly.
 */

/** The group of each child whose enrollment in the activity is accepted. */
export async function acceptedGroups(tx: Tx, activityId: string, childIds: string[]): Promise<Map<string, string | null>> {
  if (childIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('enrollments')
    .select(['child_id', 'group_id'])
    .where('activity_id', '=', activityId)
    .where('child_id', 'in', childIds)
    .where('status', '=', 'accepted')
    .execute();
  return new Map(rows.map((row) => [row.child_id, row.group_id]));
}

export type EnrollmentResult = 'requested' | 'enrolled' | 'already' | 'not_found';

/** A family asks to enroll its child; staff enroll directly (accepted, in the group they choose). */
export async function requestEnrollment(
  scope: Scope,
  input: { householdId: string; childId: string; activityId: string; groupId?: string | null; comment?: string | null },
): Promise<EnrollmentResult> {
  if (!may(scope, 'household.act', input.householdId)) return 'not_found';
  // Staff and the system (demo data, imports) enroll at once; a family asks.
  const isStaff = may(scope, 'service.manage');
  const member = await scope.tx
    .selectFrom('household_members')
    .select('person_id')
    .where('household_id', '=', input.householdId)
    .where('person_id', '=', input.childId)
    .where('role', '=', 'child')
    .executeTakeFirst();
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', input.activityId).executeTakeFirst();
  if (!member || !activity) return 'not_found';
  const row = await scope.tx
    .insertInto('enrollments')
    .values({
      tenant_id: scope.tenantId,
      child_id: input.childId,
      activity_id: input.activityId,
      group_id: input.groupId ?? null,
      household_id: input.householdId,
      status: isStaff ? 'accepted' : 'pending',
      comment: input.comment ?? null,
      created_by: accountIdOf(scope.actor),
      created_at: scope.now,
      decided_at: isStaff ? scope.now : null,
      decided_by: isStaff ? accountIdOf(scope.actor) : null,
    })
    .onConflict((conflict) => conflict.columns(['child_id', 'activity_id']).where('status', 'in', ['pending', 'accepted']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return 'already';
  await recordAudit(scope, {
    action: isStaff ? 'enrollment.created' : 'enrollment.requested',
    objectType: 'enrollment',
    objectId: row.id,
    details: { householdId: input.householdId, childId: input.childId, activityId: input.activityId },
  });
  return isStaff ? 'enrolled' : 'requested';
}

export type EnrollmentDecision = { accept: true; groupId: string | null } | { accept: false; reason: string };

/** Staff decide an enrollment request, once. */
export async function decideEnrollment(
  scope: Scope,
  enrollmentId: string,
  decision: EnrollmentDecision,
): Promise<'done' | 'not_found' | 'already_decided' | 'reason_required' | 'forbidden'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (!decision.accept && decision.reason.trim() === '') return 'reason_required';
  const updated = await scope.tx
    .updateTable('enrollments')
    .set(
      decision.accept
        ? { status: 'accepted', group_id: decision.groupId, decided_by: accountIdOf(scope.actor), decided_at: scope.now }
        : { status: 'refused', reason: decision.reason.trim(), decided_by: accountIdOf(scope.actor), decided_at: scope.now },
    )
    .where('id', '=', enrollmentId)
    .where('status', 'in', sourcesOf(ENROLLMENT_MOVES, decision.accept ? 'accepted' : 'refused'))
    .returning(['household_id'])
    .executeTakeFirst();
  if (!updated) {
    const exists = await scope.tx.selectFrom('enrollments').select('id').where('id', '=', enrollmentId).executeTakeFirst();
    return exists ? 'already_decided' : 'not_found';
  }
  await recordAudit(scope, {
    action: decision.accept ? 'enrollment.accepted' : 'enrollment.refused',
    objectType: 'enrollment',
    objectId: enrollmentId,
    details: { householdId: updated.household_id },
  });
  return 'done';
}

/** A household's enrollments with their activity and group, for its pages. */
export async function householdEnrollments(scope: Scope, householdId: string, filter: { pendingOnly?: boolean } = {}) {
  return scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('activities as a', 'a.id', 'e.activity_id')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .leftJoin('activity_groups as g', 'g.id', 'e.group_id')
    .select([
      'e.id',
      'e.child_id',
      'e.activity_id',
      'e.status',
      'e.reason',
      'e.created_at',
      'e.decided_at',
      'a.name as activity_name',
      'a.starts_on',
      'a.ends_on',
      'g.name as group_name',
      'p.first_name',
      'p.last_name',
      // Asked by staff for the family (at the counter): "Mes demandes" says so.
      sql<boolean>`exists(select 1 from accounts c where c.id = e.created_by and c.kind = 'staff')`.as('by_service'),
    ])
    .where('e.household_id', '=', householdId)
    .$if(filter.pendingOnly === true, (query) => query.where('e.status', '=', 'pending'))
    .orderBy('e.created_at', 'desc')
    .execute();
}

/** One enrollment of the household, with what its pages show of the activity; null for anyone else's. */
export async function householdEnrollment(scope: Scope, householdId: string, enrollmentId: string) {
  if (!may(scope, 'household.read', householdId)) return null;
  const row = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('activities as a', 'a.id', 'e.activity_id')
    .innerJoin('persons as p', 'p.id', 'e.child_id')
    .leftJoin('activity_groups as g', 'g.id', 'e.group_id')
    .leftJoin('sites as s', 's.id', 'a.site_id')
    .select([
      'e.id',
      'e.child_id',
      'e.activity_id',
      'e.group_id',
      'e.status',
      'e.reason',
      'e.created_at',
      'a.name as activity_name',
      'a.description',
      'a.starts_on',
      'a.ends_on',
      'a.weekdays',
      'a.documents_required',
      'g.name as group_name',
      's.name as site_name',
      's.address as site_address',
      'p.first_name',
      'p.last_name',
    ])
    .where('e.id', '=', enrollmentId)
    .where('e.household_id', '=', householdId)
    .executeTakeFirst();
  return row ?? null;
}

export type HouseholdEnrollment = NonNullable<Awaited<ReturnType<typeof householdEnrollment>>>;

/** The activities a family enrolls its children in (those that require an enrollment), with the documents each asks for. */
export async function enrollableActivities(scope: Scope): Promise<{ id: string; name: string; documents: string | null }[]> {
  const rows = await scope.tx
    .selectFrom('activities')
    .select(['id', 'name', 'documents_required'])
    .where('requires_enrollment', '=', true)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, documents: row.documents_required }));
}

/** Enrollments that make a household one of an activity's families: its child enrolled, or asking to be. */
const LIVE_ENROLLMENT = ['pending', 'accepted'] as const;

/**
 * The households of each activity, as (household_id, activity_id) rows to join on: what an activity
 * publishes reaches them, and what it asks for is asked of them.
 */
export function activityMemberships(tx: Tx) {
  return tx.selectFrom('enrollments').select(['household_id', 'activity_id']).distinct().where('status', 'in', LIVE_ENROLLMENT);
}

/** The same, child by child: which children of which households each activity counts. */
export function childMemberships(tx: Tx) {
  return tx.selectFrom('enrollments').select(['household_id', 'activity_id', 'child_id']).distinct().where('status', 'in', LIVE_ENROLLMENT);
}
