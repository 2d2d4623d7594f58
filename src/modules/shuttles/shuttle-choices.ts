import { recordAudit } from '../audit/audit-log.js';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { householdEnrollment } from '../bookings/enrollments.js';
import type { Scope } from '../scope.js';
import { shuttleStops, type ShuttleStop } from './shuttle-stops.js';

/**
 * A family's shuttle choice for its child's enrollment: the morning stop and/or the evening stop,
 * on some of the activity's weekdays, or none. It applies at once (no request to staff: choosing a
 * stop takes no place and costs nothing) and only while the enrollment is live.
 */

export interface ShuttleChoice {
  morningStopId: string | null;
  eveningStopId: string | null;
  weekdays: number[];
}

export type ChoiceField = 'morningStopId' | 'eveningStopId' | 'weekdays';
/** `choice`: a stop that is not one of the activity's for that time of day, or a day it does not open. `weekdaysNone`: a stop without a day. */
export type ChoiceError = 'choice' | 'weekdaysNone';

export type ChoiceForm = { morningStopId?: string; eveningStopId?: string; weekdays?: readonly string[] };

/**
 * The choice as typed, checked against the activity's stops (a morning stop has a morning time, an
 * evening stop an evening time) and its weekdays. No stop at all is the choice of no shuttle.
 */
export function validateShuttleChoice(
  form: ChoiceForm,
  stops: readonly ShuttleStop[],
  activityWeekdays: readonly number[],
): { ok: true; value: ShuttleChoice } | { ok: false; errors: Partial<Record<ChoiceField, ChoiceError>> } {
  const errors: Partial<Record<ChoiceField, ChoiceError>> = {};
  const stopOf = (raw: string | undefined, field: ChoiceField, hasTime: (stop: ShuttleStop) => boolean): string | null => {
    const id = (raw ?? '').trim();
    if (id === '') return null;
    if (!stops.some((stop) => stop.id === id && hasTime(stop))) errors[field] = 'choice';
    return id;
  };
  const morningStopId = stopOf(form.morningStopId, 'morningStopId', (stop) => stop.morningTime !== null);
  const eveningStopId = stopOf(form.eveningStopId, 'eveningStopId', (stop) => stop.eveningTime !== null);
  const days = new Set<number>();
  for (const raw of form.weekdays ?? []) {
    const day = Number(raw);
    if (!activityWeekdays.includes(day)) errors.weekdays = 'choice';
    else days.add(day);
  }
  const none = morningStopId === null && eveningStopId === null;
  if (!none && days.size === 0 && !errors.weekdays) errors.weekdays = 'weekdaysNone';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { morningStopId, eveningStopId, weekdays: none ? [] : [...days].sort((a, b) => a - b) } };
}

/** The enrollment's shuttle choice; none when the family chose no stop. */
export async function shuttleChoiceOf(scope: Scope, enrollmentId: string): Promise<ShuttleChoice | null> {
  const row = await scope.tx
    .selectFrom('shuttle_choices')
    .select(['morning_stop_id', 'evening_stop_id', 'weekdays'])
    .where('enrollment_id', '=', enrollmentId)
    .executeTakeFirst();
  return row ? { morningStopId: row.morning_stop_id, eveningStopId: row.evening_stop_id, weekdays: row.weekdays } : null;
}

export type ChooseResult =
  | { kind: 'saved' }
  | { kind: 'invalid'; errors: Partial<Record<ChoiceField, ChoiceError>> }
  | { kind: 'closed' }
  | { kind: 'not_found' };

/** Saves the household's shuttle choice for its child's enrollment (pending or accepted), or removes it when no stop is chosen. */
export async function chooseShuttle(scope: Scope, householdId: string, enrollmentId: string, form: ChoiceForm): Promise<ChooseResult> {
  const enrollment = await householdEnrollment(scope, householdId, enrollmentId);
  if (!enrollment || !may(scope, 'household.act', householdId)) return { kind: 'not_found' };
  if (enrollment.status !== 'pending' && enrollment.status !== 'accepted') return { kind: 'closed' };
  const valid = validateShuttleChoice(form, await shuttleStops(scope, enrollment.activity_id), enrollment.weekdays);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const choice = valid.value;
  if (choice.weekdays.length === 0) {
    await scope.tx.deleteFrom('shuttle_choices').where('enrollment_id', '=', enrollmentId).execute();
  } else {
    const values = {
      morning_stop_id: choice.morningStopId,
      evening_stop_id: choice.eveningStopId,
      weekdays: choice.weekdays,
      updated_by: accountIdOf(scope.actor),
      updated_at: scope.now,
    };
    await scope.tx
      .insertInto('shuttle_choices')
      .values({ ...values, enrollment_id: enrollmentId, tenant_id: scope.tenantId, activity_id: enrollment.activity_id })
      .onConflict((conflict) => conflict.column('enrollment_id').doUpdateSet(values))
      .execute();
  }
  await recordAudit(scope, {
    action: 'shuttle.chosen',
    objectType: 'enrollment',
    objectId: enrollmentId,
    details: { householdId, childId: enrollment.child_id, ...choice },
  });
  return { kind: 'saved' };
}
