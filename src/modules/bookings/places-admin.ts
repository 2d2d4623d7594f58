import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import { fillFreePlaces } from './waitlist.js';
import { eachDay, weekdayOf } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import { addCapacityPool } from '../activities/activity-setup.js';
import {
  list,
  requiredDate,
  tenantToday,
  text,
  wholeNumber,
  type DayBelowTaken,
  type DeleteResult,
  type SaveResult,
  type SetupErrors,
  type SetupFieldError,
  type SetupForm,
} from '../activities/setup-forms.js';
import { may } from '../access.js';

/**
 * Places: a number shared by one or several units, for one group or all groups (a capacity pool),
 * and that number changed on given dates (a trip, a staff shortage). Places already taken by
 * families are never taken back: a number below them is refused for those days. Places added go
 * to the waiting lists at once where the activity moves them by itself (bookings/waitlist.ts).
 */

export type PoolField = 'unitIds' | 'groupId' | 'places';
export type DayPlacesField = 'firstDay' | 'lastDay' | 'places';

const MAX_PLACES = 100_000;
/** At most a year of dates in one form. */
const MAX_DAYS = 366;

async function activityOf(scope: Scope, activityId: string) {
  return scope.tx.selectFrom('activities').select(['id', 'starts_on', 'ends_on', 'weekdays']).where('id', '=', activityId).executeTakeFirst();
}

async function poolOf(scope: Scope, activityId: string, poolId: string) {
  return scope.tx.selectFrom('capacity_pools').selectAll().where('id', '=', poolId).where('activity_id', '=', activityId).forUpdate().executeTakeFirst();
}

function requiredPlaces(raw: string | undefined): { ok: true; value: number } | { ok: false; error: SetupFieldError } {
  const places = wholeNumber(raw, 0, MAX_PLACES);
  if (!places.ok) return places;
  return places.value === null ? { ok: false, error: 'required' } : { ok: true, value: places.value };
}

async function validatePool(scope: Scope, activityId: string, form: SetupForm) {
  const errors: SetupErrors<PoolField> = {};
  const units = await scope.tx.selectFrom('units').select('id').where('activity_id', '=', activityId).execute();
  const known = new Set(units.map((unit) => unit.id));
  const unitIds = [...new Set(list(form, 'unitIds').map((id) => id.trim().toLowerCase()))];
  if (unitIds.length === 0) errors.unitIds = 'unitsNone';
  else if (unitIds.some((id) => !known.has(id))) errors.unitIds = 'unknownUnit';
  let groupId: string | null = null;
  const group = (text(form, 'groupId') ?? '').trim().toLowerCase();
  if (group !== '') {
    const found = /^[0-9a-f-]{36}$/.test(group)
      ? await scope.tx.selectFrom('activity_groups').select('id').where('id', '=', group).where('activity_id', '=', activityId).executeTakeFirst()
      : undefined;
    if (found) groupId = found.id;
    else errors.groupId = 'choice';
  }
  const places = requiredPlaces(text(form, 'places'));
  if (!places.ok) errors.places = places.error;
  if (Object.keys(errors).length > 0 || !places.ok) return { ok: false as const, errors };
  return { ok: true as const, value: { unit_ids: unitIds.sort(), group_id: groupId, places: places.value } };
}

/** Places of the pool taken by families from today on. */
async function takenFrom(scope: Scope, poolId: string, today: string): Promise<number> {
  const row = await scope.tx
    .selectFrom('capacity_days')
    .select(sql<string>`coalesce(sum(taken), 0)`.as('n'))
    .where('pool_id', '=', poolId)
    .where('day', '>=', today)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Adds a number of places (`poolId` null) or changes one. A new number applies from today to the
 * days that follow it (not to dates given their own number), unless some of them already have more
 * places taken: then nothing changes and those days are listed. The units and group of places
 * already taken stay as they are.
 */
export async function savePool(scope: Scope, activityId: string, poolId: string | null, form: SetupForm): Promise<SaveResult<PoolField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  if (!(await activityOf(scope, activityId))) return { kind: 'not_found' };
  const before = poolId ? await poolOf(scope, activityId, poolId) : undefined;
  if (poolId && !before) return { kind: 'not_found' };
  const valid = await validatePool(scope, activityId, form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const { value } = valid;
  if (!poolId || !before) return { kind: 'saved', id: await addCapacityPool(scope, { activity_id: activityId, ...value }) };

  const { today } = await tenantToday(scope);
  const sameUnits = before.unit_ids.slice().sort().join() === value.unit_ids.join();
  if ((!sameUnits || before.group_id !== value.group_id) && (await takenFrom(scope, poolId, today)) > 0) {
    return { kind: 'invalid', errors: sameUnits ? { groupId: 'poolInUse' } : { unitIds: 'poolInUse' } };
  }
  if (value.places !== before.places) {
    const below = await scope.tx
      .selectFrom('capacity_days')
      .select(['day', 'taken'])
      .where('pool_id', '=', poolId)
      .where('day', '>=', today)
      .where('overridden', '=', false)
      .where('taken', '>', value.places)
      .orderBy('day')
      .forUpdate()
      .execute();
    if (below.length > 0) return { kind: 'invalid', errors: { places: 'belowTaken' }, belowTaken: below };
    await scope.tx
      .updateTable('capacity_days')
      .set({ places: value.places })
      .where('pool_id', '=', poolId)
      .where('day', '>=', today)
      .where('overridden', '=', false)
      .execute();
  }
  await scope.tx.updateTable('capacity_pools').set(value).where('id', '=', poolId).execute();
  if (value.places > before.places) await fillFreePlaces(scope, activityId, poolId, today);
  await recordAudit(scope, {
    action: 'activity.places_updated',
    objectType: 'capacity_pool',
    objectId: poolId,
    details: { activityId, before: { unit_ids: before.unit_ids, group_id: before.group_id, places: before.places }, after: value },
  });
  return { kind: 'saved', id: poolId };
}

/** Deletes a number of places that holds no family's place from today on. */
export async function deletePool(scope: Scope, activityId: string, poolId: string): Promise<DeleteResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const pool = await poolOf(scope, activityId, poolId);
  if (!pool) return { kind: 'not_found' };
  const { today } = await tenantToday(scope);
  const taken = await takenFrom(scope, poolId, today);
  if (taken > 0) return { kind: 'in_use', what: 'places', count: taken };
  await scope.tx.deleteFrom('capacity_pools').where('id', '=', poolId).execute();
  await recordAudit(scope, {
    action: 'activity.places_deleted',
    objectType: 'capacity_pool',
    objectId: poolId,
    details: { activityId, unit_ids: pool.unit_ids, group_id: pool.group_id, places: pool.places },
  });
  return { kind: 'deleted' };
}

export type DayPlacesResult =
  | { kind: 'saved'; changed: number; belowTaken: DayBelowTaken[] }
  | { kind: 'invalid'; errors: SetupErrors<DayPlacesField> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/**
 * Sets the places of a pool on a date or on every open day of a range (the pool's units' weekdays).
 * Days where families already took more places than the new number keep theirs and are listed.
 */
export async function setPlacesForDays(scope: Scope, activityId: string, poolId: string, form: SetupForm): Promise<DayPlacesResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const activity = await activityOf(scope, activityId);
  const pool = activity ? await poolOf(scope, activityId, poolId) : undefined;
  if (!activity || !pool) return { kind: 'not_found' };
  const errors: SetupErrors<DayPlacesField> = {};
  const first = requiredDate(text(form, 'firstDay'));
  if (!first.ok) errors.firstDay = first.error;
  else if (first.value < activity.starts_on || first.value > activity.ends_on) errors.firstDay = 'outsideActivity';
  let lastDay = first.ok ? first.value : '';
  if ((text(form, 'lastDay') ?? '').trim() !== '') {
    const last = requiredDate(text(form, 'lastDay'));
    if (!last.ok) errors.lastDay = last.error;
    else if (first.ok && last.value < first.value) errors.lastDay = 'dateOrder';
    else if (last.value > activity.ends_on) errors.lastDay = 'outsideActivity';
    else if (first.ok && eachDay(first.value, last.value).length > MAX_DAYS) errors.lastDay = 'rangeTooLong';
    else lastDay = last.value;
  }
  const places = requiredPlaces(text(form, 'places'));
  if (!places.ok) errors.places = places.error;
  if (Object.keys(errors).length > 0 || !first.ok || !places.ok) return { kind: 'invalid', errors };

  const units = pool.unit_ids.length > 0 ? await scope.tx.selectFrom('units').select('weekdays').where('id', 'in', pool.unit_ids).execute() : [];
  const weekdays = new Set(units.length > 0 ? units.flatMap((unit) => unit.weekdays ?? activity.weekdays) : activity.weekdays);
  const days = first.value === lastDay ? [first.value] : eachDay(first.value, lastDay).filter((day) => weekdays.has(weekdayOf(day)));
  const belowTaken: DayBelowTaken[] = [];
  let changed = 0;
  for (const day of days) {
    const outcome = await setDayPlaces(scope, poolId, day, places.value);
    if (outcome === 'done') changed += 1;
    else belowTaken.push({ day, taken: await takenOn(scope, poolId, day) });
  }
  return { kind: 'saved', changed, belowTaken };
}

async function takenOn(scope: Scope, poolId: string, day: string): Promise<number> {
  const row = await scope.tx.selectFrom('capacity_days').select('taken').where('pool_id', '=', poolId).where('day', '=', day).executeTakeFirst();
  return row?.taken ?? 0;
}

/** Gives a date back the pool's usual number of places (unless more are already taken that day). */
export async function resetDayPlaces(
  scope: Scope,
  activityId: string,
  poolId: string,
  day: string,
): Promise<'done' | 'below_taken' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return 'forbidden';
  const pool = await poolOf(scope, activityId, poolId);
  if (!pool) return 'not_found';
  const current = await scope.tx
    .selectFrom('capacity_days')
    .select(['taken', 'places'])
    .where('pool_id', '=', poolId)
    .where('day', '=', day)
    .where('overridden', '=', true)
    .forUpdate()
    .executeTakeFirst();
  if (!current) return 'not_found';
  if (current.taken > pool.places) return 'below_taken';
  await scope.tx.updateTable('capacity_days').set({ places: pool.places, overridden: false }).where('pool_id', '=', poolId).where('day', '=', day).execute();
  await recordAudit(scope, {
    action: 'activity.day_places_reset',
    objectType: 'capacity_pool',
    objectId: poolId,
    details: { activityId, day, from: current.places, to: pool.places },
  });
  if (pool.places > current.places) await fillFreePlaces(scope, activityId, poolId, day, day);
  return 'done';
}

export interface DayPlaces {
  poolId: string;
  day: string;
  places: number;
  taken: number;
}

/** The dates given their own number of places, from today on, for the activity's pools. */
export async function dayOverrides(scope: Scope, poolIds: string[]): Promise<DayPlaces[]> {
  if (!may(scope, 'service.read') || poolIds.length === 0) return [];
  const { today } = await tenantToday(scope);
  return scope.tx
    .selectFrom('capacity_days')
    .select(['pool_id as poolId', 'day', 'places', 'taken'])
    .where('pool_id', 'in', poolIds)
    .where('overridden', '=', true)
    .where('day', '>=', today)
    .orderBy('day')
    .execute();
}

/**
 * Sets the places of one pool on one day (a trip, a staff shortage). Places already taken stay
 * taken: the number cannot go below them. Places added go to the waiting list at once where the
 * activity moves it by itself, as when a booking is cancelled.
 */
export async function setDayPlaces(scope: Scope, poolId: string, day: string, places: number): Promise<'done' | 'below_taken'> {
  if (!may(scope, 'service.manage')) throw new Error('only managers and administrators set places');
  const current = await scope.tx
    .selectFrom('capacity_days')
    .select(['taken'])
    .where('pool_id', '=', poolId)
    .where('day', '=', day)
    .forUpdate()
    .executeTakeFirst();
  if (current && current.taken > places) return 'below_taken';
  await scope.tx
    .insertInto('capacity_days')
    .values({ tenant_id: scope.tenantId, pool_id: poolId, day, places, overridden: true })
    .onConflict((conflict) => conflict.columns(['pool_id', 'day']).doUpdateSet({ places, overridden: true }))
    .execute();
  await recordAudit(scope, { action: 'activity.day_places_set', objectType: 'capacity_pool', objectId: poolId, details: { day, places } });
  const pool = await scope.tx.selectFrom('capacity_pools').select('activity_id').where('id', '=', poolId).executeTakeFirst();
  if (pool) await fillFreePlaces(scope, pool.activity_id, poolId, day, day);
  return 'done';
}
