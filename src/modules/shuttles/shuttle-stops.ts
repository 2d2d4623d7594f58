import { recordAudit } from '../audit/audit-log.js';
import { may } from '../access.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import { timeOfDay, type DeleteResult, type SaveResult, type SetupErrors } from '../activities/setup-forms.js';

/**
 * The stops of an activity's shuttle (navette) that staff set up: a name, the morning pick-up time
 * and the evening drop-off time. A stop without a morning time is not offered for mornings, nor one
 * without an evening time for evenings; a stop needs one of them.
 */

export interface ShuttleStop {
  id: string;
  name: string;
  morningTime: string | null;
  eveningTime: string | null;
}

export type StopForm = { name?: string; morningTime?: string; eveningTime?: string };
export type StopField = keyof StopForm;

/** The activity's stops, in their order; none for an unknown activity. */
export async function shuttleStops(scope: Scope, activityId: string): Promise<ShuttleStop[]> {
  const rows = await scope.tx
    .selectFrom('shuttle_stops')
    .select(['id', 'name', 'morning_time', 'evening_time'])
    .where('activity_id', '=', activityId)
    .orderBy('position')
    .orderBy('name')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, morningTime: row.morning_time, eveningTime: row.evening_time }));
}

/** A time typed or left empty: null when empty. */
function optionalTime(raw: string | undefined) {
  return (raw ?? '').trim() === '' ? ({ ok: true, value: null } as const) : timeOfDay(raw);
}

/** The stop as typed, checked: its name, and at least one of its two times. */
export function validateStop(form: StopForm) {
  const errors: SetupErrors<StopField> = {};
  const name = required(form.name, 200);
  if (!name.ok) errors.name = name.error;
  const morning = optionalTime(form.morningTime);
  if (!morning.ok) errors.morningTime = morning.error;
  const evening = optionalTime(form.eveningTime);
  if (!evening.ok) errors.eveningTime = evening.error;
  if (morning.ok && evening.ok && morning.value === null && evening.value === null) errors.morningTime = 'required';
  if (!name.ok || !morning.ok || !evening.ok || Object.keys(errors).length > 0) return { ok: false as const, errors };
  return { ok: true as const, value: { name: name.value, morning_time: morning.value, evening_time: evening.value } };
}

/** Adds a stop to the activity (`id` null) or changes one of its stops. */
export async function saveStop(scope: Scope, activityId: string, id: string | null, form: StopForm): Promise<SaveResult<StopField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', activityId).executeTakeFirst();
  const before = id
    ? await scope.tx
        .selectFrom('shuttle_stops')
        .select(['name', 'morning_time', 'evening_time'])
        .where('id', '=', id)
        .where('activity_id', '=', activityId)
        .executeTakeFirst()
    : undefined;
  if (!activity || (id && !before)) return { kind: 'not_found' };
  const valid = validateStop(form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  if (id) {
    await scope.tx.updateTable('shuttle_stops').set(valid.value).where('id', '=', id).execute();
    await recordAudit(scope, {
      action: 'shuttle_stop.updated',
      objectType: 'activity',
      objectId: activityId,
      details: { stopId: id, before, after: valid.value },
    });
    return { kind: 'saved', id };
  }
  const row = await scope.tx
    .insertInto('shuttle_stops')
    .values({ ...valid.value, tenant_id: scope.tenantId, activity_id: activityId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'shuttle_stop.created', objectType: 'activity', objectId: activityId, details: { stopId: row.id, ...valid.value } });
  return { kind: 'saved', id: row.id };
}

/** Deletes a stop no child's shuttle uses; one in use says how many enrollments still choose it. */
export async function deleteStop(scope: Scope, activityId: string, id: string): Promise<DeleteResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const stop = await scope.tx.selectFrom('shuttle_stops').select('name').where('id', '=', id).where('activity_id', '=', activityId).executeTakeFirst();
  if (!stop) return { kind: 'not_found' };
  const used = await scope.tx
    .selectFrom('shuttle_choices')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where((eb) => eb.or([eb('morning_stop_id', '=', id), eb('evening_stop_id', '=', id)]))
    .executeTakeFirstOrThrow();
  if (Number(used.n) > 0) return { kind: 'in_use', what: 'enrollments', count: Number(used.n) };
  await scope.tx.deleteFrom('shuttle_stops').where('id', '=', id).execute();
  await recordAudit(scope, { action: 'shuttle_stop.deleted', objectType: 'activity', objectId: activityId, details: { stopId: id, name: stop.name } });
  return { kind: 'deleted' };
}
