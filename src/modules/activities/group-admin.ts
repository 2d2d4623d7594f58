import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import { addGroup } from './activity-setup.js';
import { tenantToday, text, wholeNumber, type DeleteResult, type SaveResult, type SetupErrors, type SetupForm } from './setup-forms.js';
import { may } from '../access.js';

/** The groups of an activity (an age band or a school level) a child is placed in when enrolled. */

export type GroupField = 'name' | 'minAge' | 'maxAge' | 'position';

function validateGroup(form: SetupForm) {
  const errors: SetupErrors<GroupField> = {};
  const name = required(text(form, 'name'), 100);
  if (!name.ok) errors.name = name.error;
  const minAge = wholeNumber(text(form, 'minAge'), 0, 99);
  if (!minAge.ok) errors.minAge = minAge.error;
  const maxAge = wholeNumber(text(form, 'maxAge'), 0, 99);
  if (!maxAge.ok) errors.maxAge = maxAge.error;
  else if (minAge.ok && minAge.value !== null && maxAge.value !== null && maxAge.value < minAge.value) errors.maxAge = 'ageOrder';
  const position = wholeNumber(text(form, 'position'), 0, 999);
  if (!position.ok) errors.position = position.error;
  if (!name.ok || !minAge.ok || !maxAge.ok || !position.ok || errors.maxAge) return { ok: false as const, errors };
  return { ok: true as const, value: { name: name.value, min_age: minAge.value, max_age: maxAge.value, position: position.value ?? 0 } };
}

async function activityExists(scope: Scope, activityId: string): Promise<boolean> {
  return (await scope.tx.selectFrom('activities').select('id').where('id', '=', activityId).executeTakeFirst()) !== undefined;
}

/** Adds a group to the activity (`groupId` null) or changes one of its groups. */
export async function saveGroup(scope: Scope, activityId: string, groupId: string | null, form: SetupForm): Promise<SaveResult<GroupField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  if (!(await activityExists(scope, activityId))) return { kind: 'not_found' };
  const before = groupId
    ? await scope.tx
        .selectFrom('activity_groups')
        .select(['name', 'min_age', 'max_age', 'position'])
        .where('id', '=', groupId)
        .where('activity_id', '=', activityId)
        .executeTakeFirst()
    : undefined;
  if (groupId && !before) return { kind: 'not_found' };
  const valid = validateGroup(form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  if (!groupId) return { kind: 'saved', id: await addGroup(scope, { activity_id: activityId, ...valid.value }) };
  await scope.tx.updateTable('activity_groups').set(valid.value).where('id', '=', groupId).execute();
  await recordAudit(scope, {
    action: 'activity.group_updated',
    objectType: 'activity',
    objectId: activityId,
    details: { groupId, before, after: valid.value },
  });
  return { kind: 'saved', id: groupId };
}

/**
 * Deletes a group nobody is enrolled in (whatever the enrollment's state: its history stays) and
 * whose own places hold no booking from today on.
 */
export async function deleteGroup(scope: Scope, activityId: string, groupId: string): Promise<DeleteResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const group = await scope.tx
    .selectFrom('activity_groups')
    .select(['id', 'name'])
    .where('id', '=', groupId)
    .where('activity_id', '=', activityId)
    .forUpdate()
    .executeTakeFirst();
  if (!group) return { kind: 'not_found' };
  const enrollments = await scope.tx.selectFrom('enrollments').select(sql<string>`count(*)`.as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow();
  if (Number(enrollments.n) > 0) return { kind: 'in_use', what: 'enrollments', count: Number(enrollments.n) };
  const { today } = await tenantToday(scope);
  const taken = await scope.tx
    .selectFrom('capacity_days as d')
    .innerJoin('capacity_pools as p', 'p.id', 'd.pool_id')
    .select(sql<string>`coalesce(sum(d.taken), 0)`.as('n'))
    .where('p.group_id', '=', groupId)
    .where('d.day', '>=', today)
    .executeTakeFirstOrThrow();
  if (Number(taken.n) > 0) return { kind: 'in_use', what: 'places', count: Number(taken.n) };
  // A period for several groups forgets this one; a period for this group alone keeps its id (an
  // empty list would mean "every group") and so concerns nobody, as it did since nobody is enrolled.
  await scope.tx
    .updateTable('booking_periods')
    .set({ group_ids: sql`array_remove(group_ids, ${groupId}::uuid)` })
    .where('activity_id', '=', activityId)
    .where(sql<boolean>`cardinality(group_ids) > 1`)
    .execute();
  await scope.tx.deleteFrom('activity_groups').where('id', '=', groupId).execute();
  await recordAudit(scope, { action: 'activity.group_deleted', objectType: 'activity', objectId: activityId, details: { groupId, name: group.name } });
  return { kind: 'deleted' };
}
