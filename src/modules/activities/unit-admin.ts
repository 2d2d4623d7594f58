import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import type { Unit } from './activity-definitions.js';
import { addUnit } from './activity-setup.js';
import { deadlinePreview, type DeadlinePreviewDay, type PreviewCalendar } from './deadline-preview.js';
import type { DeadlineRule } from './deadlines.js';
import {
  choice,
  deadlineFields,
  deadlineRule,
  list,
  tenantToday,
  text,
  weekdayList,
  wholeNumber,
  type DeadlineField,
  type DeleteResult,
  type SaveResult,
  type SetupErrors,
  type SetupForm,
} from './setup-forms.js';
import { may } from '../access.js';

/**
 * The units of an activity (Matin, Repas, Journée…): what is booked for a day. A unit may open on
 * its own weekdays and have its own deadlines (otherwise the activity's), may exclude other units
 * the same day, and may need at least one of others.
 */

export type UnitField =
  | 'name'
  | 'code'
  | 'position'
  | 'weekdaysMode'
  | 'weekdays'
  | 'excludes'
  | 'requiresAny'
  | DeadlineField<'booking'>
  | DeadlineField<'cancel'>;

export interface UnitValues {
  name: string;
  code: string;
  position: number;
  weekdays: number[] | null;
  booking_deadline: DeadlineRule | null;
  cancellation_deadline: DeadlineRule | null;
  excludes: string[];
  requires_any: string[];
}

/** The stored unit as its form's fields. */
export function unitFormValues(unit: Unit): Record<string, string | string[]> {
  return {
    name: unit.name,
    code: unit.code,
    position: String(unit.position),
    weekdaysMode: unit.weekdays ? 'own' : 'same',
    weekdays: (unit.weekdays ?? []).map(String),
    excludes: unit.excludes,
    requiresAny: unit.requires_any,
    ...deadlineFields('booking', unit.booking_deadline),
    ...deadlineFields('cancel', unit.cancellation_deadline),
  };
}

/** Related units: each one of the activity's other units, never the unit itself. */
function relatedUnits(
  ids: string[],
  unitId: string | null,
  siblings: Set<string>,
): { ok: true; value: string[] } | { ok: false; error: 'selfReference' | 'unknownUnit' } {
  const value = [...new Set(ids.map((id) => id.trim().toLowerCase()))];
  if (unitId !== null && value.includes(unitId)) return { ok: false, error: 'selfReference' };
  if (value.some((id) => !siblings.has(id))) return { ok: false, error: 'unknownUnit' };
  return { ok: true, value };
}

/**
 * Reads a unit's form against the activity's other units. Whatever else is wrong, the parts the
 * deadline preview needs are returned when they are right.
 */
export async function checkUnitForm(scope: Scope, activityId: string, unitId: string | null, form: SetupForm) {
  const errors: SetupErrors<UnitField> = {};
  const others = await scope.tx.selectFrom('units').select(['id', 'code']).where('activity_id', '=', activityId).execute();
  const siblings = new Set(others.filter((other) => other.id !== unitId).map((other) => other.id));
  const name = required(text(form, 'name'), 100);
  if (!name.ok) errors.name = name.error;
  const code = required(text(form, 'code'), 10);
  if (!code.ok) errors.code = code.error;
  else if (others.some((other) => other.id !== unitId && other.code.toLowerCase() === code.value.toLowerCase())) errors.code = 'codeTaken';
  const position = wholeNumber(text(form, 'position'), 0, 999);
  if (!position.ok) errors.position = position.error;
  const mode = choice(text(form, 'weekdaysMode') ?? 'same', ['same', 'own'] as const);
  let weekdays: number[] | null = null;
  if (!mode.ok) errors.weekdaysMode = mode.error;
  else if (mode.value === 'own') {
    const days = weekdayList(list(form, 'weekdays'));
    if (days.ok) weekdays = days.value;
    else errors.weekdays = days.error;
  }
  const booking = deadlineRule(form, 'booking', { allowSame: true });
  if (!booking.ok) Object.assign(errors, booking.errors);
  const cancellation = deadlineRule(form, 'cancel', { allowSame: true });
  if (!cancellation.ok) Object.assign(errors, cancellation.errors);
  const excludes = relatedUnits(list(form, 'excludes'), unitId, siblings);
  if (!excludes.ok) errors.excludes = excludes.error;
  const requiresAny = relatedUnits(list(form, 'requiresAny'), unitId, siblings);
  if (!requiresAny.ok) errors.requiresAny = requiresAny.error;

  const preview = mode.ok && !errors.weekdays && booking.ok && cancellation.ok ? { weekdays, booking: booking.value, cancellation: cancellation.value } : null;
  if (Object.keys(errors).length > 0) return { ok: false as const, errors, preview };
  const values: UnitValues = {
    name: (name as { value: string }).value,
    code: (code as { value: string }).value,
    position: (position as { value: number | null }).value ?? 0,
    weekdays,
    booking_deadline: preview!.booking,
    cancellation_deadline: preview!.cancellation,
    excludes: (excludes as { value: string[] }).value,
    requires_any: (requiresAny as { value: string[] }).value,
  };
  return { ok: true as const, values, preview: preview! };
}

/** Adds a unit to the activity (`unitId` null) or changes one, with its relations to the others. */
export async function saveUnit(scope: Scope, activityId: string, unitId: string | null, form: SetupForm): Promise<SaveResult<UnitField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const activity = await scope.tx.selectFrom('activities').select('id').where('id', '=', activityId).executeTakeFirst();
  if (!activity) return { kind: 'not_found' };
  const before = unitId
    ? await scope.tx.selectFrom('units').selectAll().where('id', '=', unitId).where('activity_id', '=', activityId).executeTakeFirst()
    : undefined;
  if (unitId && !before) return { kind: 'not_found' };
  const checked = await checkUnitForm(scope, activityId, unitId, form);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const { values } = checked;
  if (!unitId) {
    const id = await addUnit(scope, { activity_id: activityId, ...values });
    return { kind: 'saved', id };
  }
  await scope.tx
    .updateTable('units')
    .set({
      ...values,
      booking_deadline: values.booking_deadline ? JSON.stringify(values.booking_deadline) : null,
      cancellation_deadline: values.cancellation_deadline ? JSON.stringify(values.cancellation_deadline) : null,
    })
    .where('id', '=', unitId)
    .execute();
  const { id: _id, tenant_id: _tenant, activity_id: _activity, ...previous } = before!;
  await recordAudit(scope, { action: 'activity.unit_updated', objectType: 'unit', objectId: unitId, details: { activityId, before: previous, after: values } });
  return { kind: 'saved', id: unitId };
}

/**
 * Deletes a unit that was never booked (its bookings, even past or cancelled ones, are the
 * families' history and their invoices' lines). The other units forget it in their relations, and
 * numbers of places it shared with others go on for them; places of it alone go with it.
 */
export async function deleteUnit(scope: Scope, activityId: string, unitId: string): Promise<DeleteResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const unit = await scope.tx
    .selectFrom('units')
    .select(['id', 'name', 'code'])
    .where('id', '=', unitId)
    .where('activity_id', '=', activityId)
    .forUpdate()
    .executeTakeFirst();
  if (!unit) return { kind: 'not_found' };
  const bookings = await scope.tx.selectFrom('bookings').select(sql<string>`count(*)`.as('n')).where('unit_id', '=', unitId).executeTakeFirstOrThrow();
  if (Number(bookings.n) > 0) return { kind: 'in_use', what: 'bookings', count: Number(bookings.n) };
  await scope.tx
    .updateTable('units')
    .set({ excludes: sql`array_remove(excludes, ${unitId}::uuid)`, requires_any: sql`array_remove(requires_any, ${unitId}::uuid)` })
    .where('activity_id', '=', activityId)
    .execute();
  await scope.tx.deleteFrom('capacity_pools').where('activity_id', '=', activityId).where(sql<boolean>`unit_ids = array[${unitId}::uuid]`).execute();
  await scope.tx
    .updateTable('capacity_pools')
    .set({ unit_ids: sql`array_remove(unit_ids, ${unitId}::uuid)` })
    .where('activity_id', '=', activityId)
    .execute();
  await scope.tx.deleteFrom('units').where('id', '=', unitId).execute();
  await recordAudit(scope, {
    action: 'activity.unit_deleted',
    objectType: 'unit',
    objectId: unitId,
    details: { activityId, name: unit.name, code: unit.code },
  });
  return { kind: 'deleted' };
}

/** The fields the deadline preview of a unit reads. */
export const UNIT_PREVIEW_FIELDS: readonly UnitField[] = [
  'weekdaysMode',
  'weekdays',
  'bookingType',
  'bookingDays',
  'bookingWeekday',
  'bookingMonthDay',
  'bookingTime',
  'cancelType',
  'cancelDays',
  'cancelWeekday',
  'cancelMonthDay',
  'cancelTime',
];

/** The deadlines of the unit's next open days, its own rules or else the activity's; null when unreadable. */
export async function previewUnitDeadlines(
  scope: Scope,
  calendar: PreviewCalendar,
  activityId: string,
  unitId: string | null,
  form: SetupForm,
): Promise<{ days: DeadlinePreviewDay[] | null; errors: SetupErrors<UnitField> } | null> {
  if (!may(scope, 'service.read')) return null;
  const activity = await scope.tx.selectFrom('activities').selectAll().where('id', '=', activityId).executeTakeFirst();
  if (!activity) return null;
  const checked = await checkUnitForm(scope, activityId, unitId, form);
  const errors = checked.ok ? {} : checked.errors;
  if (!checked.preview) return { days: null, errors };
  const { timeZone, today } = await tenantToday(scope);
  const { preview } = checked;
  const days = deadlinePreview(
    {
      opening: {
        activityId,
        siteId: activity.site_id,
        startsOn: activity.starts_on,
        endsOn: activity.ends_on,
        opening: activity.opening,
        weekdays: preview.weekdays ?? activity.weekdays,
      },
      booking: preview.booking ?? activity.booking_deadline,
      cancellation: preview.cancellation ?? activity.cancellation_deadline,
    },
    calendar,
    timeZone,
    today,
  );
  return { days, errors };
}
