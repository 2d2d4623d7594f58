import { sql } from 'kysely';
import { dateFormat } from '../../i18n/date-formats.js';
import { recordAudit } from '../audit/audit-log.js';
import { localDate } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import type { Allocation } from './activities.tables.js';
import type { BookingPeriod } from './activity-definitions.js';
import { addBookingPeriod } from './activity-setup.js';
import { zonedInstant } from './deadlines.js';
import {
  choice,
  list,
  requiredDate,
  tenantToday,
  text,
  timeOfDay,
  type DeleteResult,
  type SaveResult,
  type SetupErrors,
  type SetupForm,
} from './setup-forms.js';
import { may } from '../access.js';

/**
 * Booking periods (pre-registration windows): the days families may book, from an opening to a
 * closing moment typed in the authority's time zone and stored as instants, first come first
 * served or by lottery, for every group or some of them.
 */

export const ALLOCATIONS = ['first_come', 'lottery'] as const satisfies readonly Allocation[];

export type PeriodField = 'name' | 'firstDay' | 'lastDay' | 'opensOn' | 'opensAt' | 'closesOn' | 'closesAt' | 'allocation' | 'groupIds';

/** The hour and minute an instant shows in a time zone, "08:00". */
export function localTime(instant: Date, timeZone: string): string {
  const parts = dateFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('hour')}:${part('minute')}`;
}

/** The stored period as its form's fields, the moments in the authority's time zone. */
export function periodFormValues(period: BookingPeriod, timeZone: string): Record<string, string | string[]> {
  return {
    name: period.name,
    firstDay: period.first_day,
    lastDay: period.last_day,
    opensOn: localDate(period.opens_at, timeZone),
    opensAt: localTime(period.opens_at, timeZone),
    closesOn: localDate(period.closes_at, timeZone),
    closesAt: localTime(period.closes_at, timeZone),
    allocation: period.allocation,
    groupIds: period.group_ids,
  };
}

async function validatePeriod(scope: Scope, activity: { id: string; starts_on: string; ends_on: string }, form: SetupForm) {
  const errors: SetupErrors<PeriodField> = {};
  const { timeZone } = await tenantToday(scope);
  const name = required(text(form, 'name'), 200);
  if (!name.ok) errors.name = name.error;
  const first = requiredDate(text(form, 'firstDay'));
  if (!first.ok) errors.firstDay = first.error;
  else if (first.value < activity.starts_on || first.value > activity.ends_on) errors.firstDay = 'outsideActivity';
  const last = requiredDate(text(form, 'lastDay'));
  if (!last.ok) errors.lastDay = last.error;
  else if (first.ok && last.value < first.value) errors.lastDay = 'dateOrder';
  else if (last.value > activity.ends_on || last.value < activity.starts_on) errors.lastDay = 'outsideActivity';
  const opensOn = requiredDate(text(form, 'opensOn'));
  if (!opensOn.ok) errors.opensOn = opensOn.error;
  const opensAt = timeOfDay(text(form, 'opensAt'));
  if (!opensAt.ok) errors.opensAt = opensAt.error;
  const closesOn = requiredDate(text(form, 'closesOn'));
  if (!closesOn.ok) errors.closesOn = closesOn.error;
  const closesAt = timeOfDay(text(form, 'closesAt'));
  if (!closesAt.ok) errors.closesAt = closesAt.error;
  let opens: Date | null = null;
  let closes: Date | null = null;
  if (opensOn.ok && opensAt.ok && closesOn.ok && closesAt.ok) {
    opens = zonedInstant(opensOn.value, opensAt.value, timeZone);
    closes = zonedInstant(closesOn.value, closesAt.value, timeZone);
    if (closes <= opens) errors.closesOn = 'opensAfterCloses';
  }
  const allocation = choice(text(form, 'allocation'), ALLOCATIONS);
  if (!allocation.ok) errors.allocation = allocation.error;
  const groups = await scope.tx.selectFrom('activity_groups').select('id').where('activity_id', '=', activity.id).execute();
  const known = new Set(groups.map((group) => group.id));
  const groupIds = [...new Set(list(form, 'groupIds').map((id) => id.trim().toLowerCase()))];
  if (groupIds.some((id) => !known.has(id))) errors.groupIds = 'choice';
  if (Object.keys(errors).length > 0 || !name.ok || !first.ok || !last.ok || !opens || !closes || !allocation.ok) return { ok: false as const, errors };
  return {
    ok: true as const,
    value: {
      name: name.value,
      first_day: first.value,
      last_day: last.value,
      opens_at: opens,
      closes_at: closes,
      allocation: allocation.value,
      group_ids: groupIds,
    },
  };
}

/** Adds a booking period to the activity (`periodId` null) or changes one. */
export async function savePeriod(scope: Scope, activityId: string, periodId: string | null, form: SetupForm): Promise<SaveResult<PeriodField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const activity = await scope.tx.selectFrom('activities').select(['id', 'starts_on', 'ends_on']).where('id', '=', activityId).executeTakeFirst();
  if (!activity) return { kind: 'not_found' };
  const before = periodId
    ? await scope.tx.selectFrom('booking_periods').selectAll().where('id', '=', periodId).where('activity_id', '=', activityId).executeTakeFirst()
    : undefined;
  if (periodId && !before) return { kind: 'not_found' };
  const valid = await validatePeriod(scope, activity, form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  if (!periodId) return { kind: 'saved', id: await addBookingPeriod(scope, { activity_id: activityId, ...valid.value }) };
  await scope.tx.updateTable('booking_periods').set(valid.value).where('id', '=', periodId).execute();
  const { id: _id, tenant_id: _tenant, activity_id: _activity, ...previous } = before!;
  await recordAudit(scope, {
    action: 'activity.period_updated',
    objectType: 'booking_period',
    objectId: periodId,
    details: { activityId, before: previous, after: valid.value },
  });
  return { kind: 'saved', id: periodId };
}

/**
 * Deletes a booking period that nobody used. A period whose days hold live bookings, or that
 * families applied to (a lottery's applications go with their period), is refused: staff close it
 * earlier instead, or close its days (a closure cancels and tells the families).
 */
export async function deletePeriod(scope: Scope, activityId: string, periodId: string): Promise<DeleteResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const period = await scope.tx
    .selectFrom('booking_periods')
    .select(['first_day', 'last_day', 'group_ids'])
    .where('id', '=', periodId)
    .where('activity_id', '=', activityId)
    .forUpdate()
    .executeTakeFirst();
  if (!period) return { kind: 'not_found' };
  const applications = await scope.tx
    .selectFrom('lottery_applications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('period_id', '=', periodId)
    .executeTakeFirstOrThrow();
  if (applications.n > 0) return { kind: 'in_use', what: 'applications', count: applications.n };
  const bookings = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('u.activity_id', '=', activityId)
    .where('b.day', '>=', period.first_day)
    .where('b.day', '<=', period.last_day)
    // Live: the states bookings/booking-states.ts calls ENDED left out.
    .where('b.status', 'not in', ['refused', 'cancelled'])
    .$if(period.group_ids.length > 0, (query) => query.where('b.group_id', 'in', period.group_ids))
    .executeTakeFirstOrThrow();
  if (bookings.n > 0) return { kind: 'in_use', what: 'periodBookings', count: bookings.n };
  const deleted = await scope.tx
    .deleteFrom('booking_periods')
    .where('id', '=', periodId)
    .where('activity_id', '=', activityId)
    .returning(['name', 'first_day', 'last_day', 'opens_at', 'closes_at', 'allocation', 'group_ids'])
    .executeTakeFirst();
  if (!deleted) return { kind: 'not_found' };
  await recordAudit(scope, { action: 'activity.period_deleted', objectType: 'booking_period', objectId: periodId, details: { activityId, ...deleted } });
  return { kind: 'deleted' };
}
