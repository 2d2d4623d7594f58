import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';

/** The kinds of documents each activity asks of its families. */

/** The activity and the kinds it asks for; null when there is no such activity. */
export async function activityRequirements(scope: Scope, activityId: string): Promise<{ name: string; typeIds: string[] } | null> {
  if (!may(scope, 'service.read')) return null;
  const activity = await scope.tx.selectFrom('activities').select('name').where('id', '=', activityId).executeTakeFirst();
  if (!activity) return null;
  const rows = await scope.tx.selectFrom('activity_document_types').select('document_type_id').where('activity_id', '=', activityId).execute();
  return { name: activity.name, typeIds: rows.map((row) => row.document_type_id) };
}

/** Sets the kinds an activity asks for (only the authority's kinds still asked for are kept). */
export async function setActivityRequirements(scope: Scope, activityId: string, typeIds: string[]): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', activityId).executeTakeFirst();
  if (!activity) return 'not_found';
  const known =
    typeIds.length === 0 ? [] : await scope.tx.selectFrom('document_types').select('id').where('id', 'in', typeIds).where('active', '=', true).execute();
  await scope.tx.deleteFrom('activity_document_types').where('activity_id', '=', activityId).execute();
  if (known.length > 0)
    await scope.tx
      .insertInto('activity_document_types')
      .values(known.map((type) => ({ tenant_id: scope.tenantId, activity_id: activityId, document_type_id: type.id })))
      .execute();
  await recordAudit(scope, {
    action: 'activity.documents',
    objectType: 'activity',
    objectId: activityId,
    details: { documentTypeIds: known.map((type) => type.id) },
  });
  return 'done';
}

/** The labels of the kinds each activity asks for, for the families choosing an activity to enroll in. */
export async function askedByActivity(scope: Scope): Promise<Map<string, string[]>> {
  const rows = await scope.tx
    .selectFrom('activity_document_types as r')
    .innerJoin('document_types as t', 't.id', 'r.document_type_id')
    .select(['r.activity_id', 't.label'])
    .where('t.active', '=', true)
    .orderBy('t.label')
    .execute();
  const labels = new Map<string, string[]>();
  for (const row of rows) labels.set(row.activity_id, [...(labels.get(row.activity_id) ?? []), row.label]);
  return labels;
}
