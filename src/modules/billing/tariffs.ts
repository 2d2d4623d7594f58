import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { calendarDate } from '../validation/fields.js';
import { type BillingErrors, percentBps, price, requiredPrice } from './billing-forms.js';
import type { TariffKind } from './billing.tables.js';
import type { Tariff } from './pricing.js';

/**
 * The prices of each unit, effective-dated: a tariff applies from its first day until the next
 * tariff of the unit starts. A new price from 1 September never rewrites August: days already
 * invoiced keep the price they were billed at, and a tariff cannot start on or before them.
 */

export const TARIFF_KINDS: readonly TariffKind[] = ['flat', 'qf_brackets', 'effort_rate'];

/** Brackets a form offers. */
export const BRACKET_ROWS = 8;

export interface StoredTariff extends Tariff {
  id: string;
  unitId: string;
  effectiveFrom: string;
}

/** The tariffs of these units (or of all), each unit's oldest first. */
export async function tariffsOf(scope: Scope, unitIds?: string[]): Promise<StoredTariff[]> {
  if (unitIds && unitIds.length === 0) return [];
  let query = scope.tx.selectFrom('tariffs').selectAll().orderBy('unit_id').orderBy('effective_from');
  if (unitIds) query = query.where('unit_id', 'in', unitIds);
  const rows = await query.execute();
  const brackets =
    rows.length === 0
      ? []
      : await scope.tx
          .selectFrom('tariff_brackets')
          .selectAll()
          .where(
            'tariff_id',
            'in',
            rows.map((row) => row.id),
          )
          .execute();
  return rows.map((row) => ({
    id: row.id,
    unitId: row.unit_id,
    effectiveFrom: row.effective_from,
    kind: row.kind,
    flatCents: row.flat_cents,
    brackets: brackets
      .filter((bracket) => bracket.tariff_id === row.id)
      .map((bracket) => ({ qfMin: bracket.qf_min, careCents: bracket.care_cents }))
      .sort((a, b) => a.qfMin - b.qfMin),
    effortRateBps: row.effort_rate_bps,
    effortFloorCents: row.effort_floor_cents,
    effortCeilingCents: row.effort_ceiling_cents,
    mealCents: row.meal_cents,
    siblingPercents: row.sibling_percents,
    nonResidentExtraCents: row.non_resident_extra_cents,
    unbookedCents: row.unbooked_cents,
  }));
}

/** The tariff of a unit on a day: the latest one started on or before it; null when none. */
export function tariffOn(tariffs: StoredTariff[], unitId: string, day: string): StoredTariff | null {
  let found: StoredTariff | null = null;
  for (const tariff of tariffs)
    if (tariff.unitId === unitId && tariff.effectiveFrom <= day && (!found || tariff.effectiveFrom > found.effectiveFrom)) found = tariff;
  return found;
}

export type TariffField =
  | 'effectiveFrom'
  | 'kind'
  | 'flat'
  | 'brackets'
  | 'effortRate'
  | 'effortFloor'
  | 'effortCeiling'
  | 'meal'
  | 'siblings'
  | 'nonResidentExtra'
  | 'unbooked';
export type TariffForm = Partial<Record<Exclude<TariffField, 'brackets'>, string>> & { bracketFrom?: string[]; bracketPrice?: string[] };

export type SaveTariffResult =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: BillingErrors<TariffField> & { bracketRows?: number[] } }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Adds a unit's tariff from a day on. */
export async function addTariff(scope: Scope, unitId: string, form: TariffForm): Promise<SaveTariffResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const unit = await scope.tx.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) return { kind: 'not_found' };
  const errors: BillingErrors<TariffField> & { bracketRows?: number[] } = {};
  const from = calendarDate(form.effectiveFrom);
  if (!from.ok) errors.effectiveFrom = from.error;
  else if (!from.value) errors.effectiveFrom = 'required';
  else {
    const taken = await scope.tx.selectFrom('tariffs').select('id').where('unit_id', '=', unitId).where('effective_from', '=', from.value).executeTakeFirst();
    const lastBilled = await lastBilledDay(scope, unitId);
    if (taken) errors.effectiveFrom = 'dateTaken';
    else if (lastBilled && from.value <= lastBilled) errors.effectiveFrom = 'alreadyBilled';
  }
  const kind = TARIFF_KINDS.find((candidate) => candidate === form.kind);
  if (!kind) errors.kind = 'choice';
  const flat = kind === 'flat' ? requiredPrice(form.flat) : ({ ok: true, value: null } as const);
  if (!flat.ok) errors.flat = flat.error;
  const brackets = kind === 'qf_brackets' ? readBrackets(form, errors) : [];
  const rate = kind === 'effort_rate' ? percentBps(form.effortRate, 100) : ({ ok: true, value: null } as const);
  if (!rate.ok) errors.effortRate = rate.error;
  else if (kind === 'effort_rate' && !rate.value) errors.effortRate = 'required';
  const floor = kind === 'effort_rate' ? requiredPrice(form.effortFloor) : ({ ok: true, value: null } as const);
  if (!floor.ok) errors.effortFloor = floor.error;
  const ceiling = kind === 'effort_rate' ? requiredPrice(form.effortCeiling) : ({ ok: true, value: null } as const);
  if (!ceiling.ok) errors.effortCeiling = ceiling.error;
  else if (floor.ok && floor.value !== null && ceiling.value !== null && ceiling.value < floor.value) errors.effortCeiling = 'floorAboveCeiling';
  const meal = price(form.meal);
  if (!meal.ok) errors.meal = meal.error;
  const siblings = readPercents(form.siblings);
  if (!siblings.ok) errors.siblings = siblings.error;
  const extra = price(form.nonResidentExtra);
  if (!extra.ok) errors.nonResidentExtra = extra.error;
  const unbooked = price(form.unbooked);
  if (!unbooked.ok) errors.unbooked = unbooked.error;
  if (
    Object.keys(errors).length > 0 ||
    !from.ok ||
    !from.value ||
    !kind ||
    !flat.ok ||
    !rate.ok ||
    !floor.ok ||
    !ceiling.ok ||
    !meal.ok ||
    !siblings.ok ||
    !extra.ok ||
    !unbooked.ok
  ) {
    return { kind: 'invalid', errors };
  }
  const row = await scope.tx
    .insertInto('tariffs')
    .values({
      tenant_id: scope.tenantId,
      unit_id: unitId,
      effective_from: from.value,
      kind,
      flat_cents: flat.value,
      effort_rate_bps: rate.value,
      effort_floor_cents: floor.value,
      effort_ceiling_cents: ceiling.value,
      meal_cents: meal.value ?? 0,
      sibling_percents: siblings.value,
      non_resident_extra_cents: extra.value ?? 0,
      unbooked_cents: unbooked.value,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (brackets.length > 0) {
    await scope.tx
      .insertInto('tariff_brackets')
      .values(brackets.map((bracket) => ({ tariff_id: row.id, tenant_id: scope.tenantId, qf_min: bracket.qfMin, care_cents: bracket.careCents })))
      .execute();
  }
  await recordAudit(scope, {
    action: 'tariff.added',
    objectType: 'unit',
    objectId: unitId,
    details: { tariffId: row.id, from: from.value, kind, flat: flat.value, brackets, rate: rate.value, meal: meal.value },
  });
  return { kind: 'saved', id: row.id };
}

/** Removes a tariff no day was billed at (a mistake caught in time); one already used stays. */
export async function removeTariff(scope: Scope, tariffId: string): Promise<'done' | 'alreadyBilled' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return 'forbidden';
  const tariff = await scope.tx.selectFrom('tariffs').select(['unit_id', 'effective_from']).where('id', '=', tariffId).executeTakeFirst();
  if (!tariff) return 'not_found';
  const lastBilled = await lastBilledDay(scope, tariff.unit_id);
  if (lastBilled && tariff.effective_from <= lastBilled) return 'alreadyBilled';
  await scope.tx.deleteFrom('tariffs').where('id', '=', tariffId).execute();
  await recordAudit(scope, { action: 'tariff.removed', objectType: 'unit', objectId: tariff.unit_id, details: { tariffId, from: tariff.effective_from } });
  return 'done';
}

/** The last day of the unit billed at some tariff (its charges, not reversed or not). */
async function lastBilledDay(scope: Scope, unitId: string): Promise<string | null> {
  const row = await scope.tx
    .selectFrom('billed_units as u')
    .innerJoin('bookings as b', 'b.id', 'u.booking_id')
    .select((eb) => eb.fn.max('u.day').as('day'))
    .where('b.unit_id', '=', unitId)
    .where('u.reverses', 'is', null)
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

/** The brackets typed: rows with a QF from and a price; the first from 0, rising. */
function readBrackets(form: TariffForm, errors: BillingErrors<TariffField> & { bracketRows?: number[] }): { qfMin: number; careCents: number }[] {
  const brackets: { qfMin: number; careCents: number }[] = [];
  const wrong: number[] = [];
  for (let row = 0; row < BRACKET_ROWS; row++) {
    const from = (form.bracketFrom?.[row] ?? '').trim();
    const cents = (form.bracketPrice?.[row] ?? '').trim();
    if (from === '' && cents === '') continue;
    const care = requiredPrice(cents);
    if (!/^\d{1,6}$/.test(from) || !care.ok) {
      wrong.push(row);
      continue;
    }
    brackets.push({ qfMin: Number(from), careCents: care.value });
  }
  if (wrong.length > 0) {
    errors.brackets = 'amount';
    errors.bracketRows = wrong;
  } else if (brackets.length === 0) errors.brackets = 'required';
  else if (brackets[0]!.qfMin !== 0 || brackets.some((bracket, index) => index > 0 && bracket.qfMin <= brackets[index - 1]!.qfMin))
    errors.brackets = 'bracketOrder';
  return brackets;
}

/** "0 10 20": percent off for the 1st, 2nd, 3rd child and beyond. */
function readPercents(raw: string | undefined): { ok: true; value: number[] } | { ok: false; error: 'integer' | 'absurd' } {
  const parts = (raw ?? '').split(/[\s,;%]+/).filter(Boolean);
  if (parts.some((part) => !/^\d{1,3}$/.test(part))) return { ok: false, error: 'integer' };
  const values = parts.map(Number);
  if (values.some((value) => value > 100)) return { ok: false, error: 'absurd' };
  return { ok: true, value: values };
}

export interface TariffBookActivity {
  id: string;
  name: string;
  regieName: string | null;
  units: { id: string; name: string; tariffs: StoredTariff[] }[];
}

/** Every activity with its units and their tariffs, for the tariffs page. */
export async function tariffBook(scope: Scope): Promise<TariffBookActivity[]> {
  if (!may(scope, 'service.read')) return [];
  const activities = await scope.tx
    .selectFrom('activities as a')
    .leftJoin('regies as r', 'r.id', 'a.regie_id')
    .select(['a.id', 'a.name', 'r.name as regie_name'])
    .orderBy('a.starts_on', 'desc')
    .orderBy('a.name')
    .execute();
  const units = await scope.tx.selectFrom('units').select(['id', 'name', 'activity_id']).orderBy('position').orderBy('name').execute();
  const tariffs = await tariffsOf(scope);
  return activities.map((activity) => ({
    id: activity.id,
    name: activity.name,
    regieName: activity.regie_name,
    units: units
      .filter((unit) => unit.activity_id === activity.id)
      .map((unit) => ({ id: unit.id, name: unit.name, tariffs: tariffs.filter((tariff) => tariff.unitId === unit.id) })),
  }));
}
