import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { checkDayRange, checkText, type FormErrors, type SaveResult } from './calendar-forms.js';
import { bumpCalendarVersion } from './calendar-store.js';
import { may } from '../access.js';

/** A closure as staff see it, with the name of its site or activity. */
export interface Closure {
  id: string;
  siteId: string | null;
  activityId: string | null;
  /** The site's or activity's name; null for the whole authority. */
  targetName: string | null;
  firstDay: string;
  lastDay: string;
  reason: string;
}

/**
 * What a closure applies to, as the form sends it: 'all' (the whole authority),
 * 'site:<id>' or 'activity:<id>'.
 */
export type ClosureForm = { target?: string; firstDay?: string; lastDay?: string; reason?: string };
export type ClosureField = keyof ClosureForm;

export interface ClosureTargets {
  sites: { id: string; name: string }[];
  activities: { id: string; name: string }[];
}

/** A site closed for works may stay closed for years; a typo of the year is caught beyond ten. */
const MAX_CLOSURE_DAYS = 3660;

const select = (scope: Scope) =>
  scope.tx
    .selectFrom('closures')
    .leftJoin('sites', 'sites.id', 'closures.site_id')
    .leftJoin('activities', 'activities.id', 'closures.activity_id')
    .select([
      'closures.id',
      'closures.site_id as siteId',
      'closures.activity_id as activityId',
      'closures.first_day as firstDay',
      'closures.last_day as lastDay',
      'closures.reason',
    ])
    .select((eb) => eb.fn.coalesce('sites.name', 'activities.name').as('targetName'));

/** Closures that end on or after `from`, in date order. Staff only. */
export async function listClosures(scope: Scope, from: string): Promise<Closure[]> {
  if (!may(scope, 'service.read')) return [];
  return select(scope).where('closures.last_day', '>=', from).orderBy('closures.first_day').orderBy('closures.id').execute();
}

export async function getClosure(scope: Scope, id: string): Promise<Closure | null> {
  if (!may(scope, 'service.read')) return null;
  return (await select(scope).where('closures.id', '=', id).executeTakeFirst()) ?? null;
}

/** The sites and activities a closure can apply to. */
export async function closureTargets(scope: Scope): Promise<ClosureTargets> {
  if (!may(scope, 'service.read')) return { sites: [], activities: [] };
  const sites = await scope.tx.selectFrom('sites').select(['id', 'name']).orderBy('name').execute();
  const activities = await scope.tx.selectFrom('activities').select(['id', 'name']).orderBy('starts_on', 'desc').orderBy('name').execute();
  return { sites, activities };
}

/** A closure as typed and checked: where it applies (both null: the whole authority), its days and reason. */
export type ClosureValue = {
  siteId: string | null;
  activityId: string | null;
  firstDay: string;
  lastDay: string;
  reason: string;
};

/** Checks a closure's form (staff only): its value, or the errors of its fields. */
export async function checkClosure(
  scope: Scope,
  form: ClosureForm,
): Promise<{ ok: true; value: ClosureValue } | { ok: false; errors: FormErrors<ClosureField> } | { ok: false; forbidden: true }> {
  if (!may(scope, 'service.manage')) return { ok: false, forbidden: true };
  return validateClosure(scope, form);
}

async function validateClosure(scope: Scope, form: ClosureForm): Promise<{ ok: true; value: ClosureValue } | { ok: false; errors: FormErrors<ClosureField> }> {
  const errors: FormErrors<ClosureField> = {};
  const range = checkDayRange(form, MAX_CLOSURE_DAYS);
  if (!range.ok) Object.assign(errors, range.errors);
  const reason = checkText(form.reason, 200);
  if (!reason.ok) errors.reason = reason.error;
  let siteId: string | null = null;
  let activityId: string | null = null;
  const target = /^(site|activity):([0-9a-f-]{36})$/i.exec(form.target ?? '');
  if (target) {
    // Another tenant's site or activity is invisible here (row-level security): "not a choice".
    const table = target[1] === 'site' ? 'sites' : 'activities';
    const found = await scope.tx.selectFrom(table).select('id').where('id', '=', target[2]!.toLowerCase()).executeTakeFirst();
    if (!found) errors.target = 'choice';
    else if (table === 'sites') siteId = found.id;
    else activityId = found.id;
  } else if ((form.target ?? 'all') !== 'all') {
    errors.target = 'choice';
  }
  if (!range.ok || !reason.ok || errors.target) return { ok: false as const, errors };
  return { ok: true as const, value: { siteId, activityId, firstDay: range.firstDay, lastDay: range.lastDay, reason: reason.value } };
}

export async function addClosure(scope: Scope, form: ClosureForm): Promise<SaveResult<ClosureField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const valid = await validateClosure(scope, form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const { siteId, activityId, firstDay, lastDay, reason } = valid.value;
  const row = await scope.tx
    .insertInto('closures')
    .values({ tenant_id: scope.tenantId, site_id: siteId, activity_id: activityId, first_day: firstDay, last_day: lastDay, reason })
    .returning('id')
    .executeTakeFirstOrThrow();
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  await recordAudit(scope, { action: 'closure.added', objectType: 'closure', objectId: row.id, details: valid.value });
  return { kind: 'saved', id: row.id };
}

export async function updateClosure(scope: Scope, id: string, form: ClosureForm): Promise<SaveResult<ClosureField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const before = await getClosure(scope, id);
  if (!before) return { kind: 'not_found' };
  const valid = await validateClosure(scope, form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  const { siteId, activityId, firstDay, lastDay, reason } = valid.value;
  await scope.tx
    .updateTable('closures')
    .set({ site_id: siteId, activity_id: activityId, first_day: firstDay, last_day: lastDay, reason })
    .where('id', '=', id)
    .execute();
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  const { targetName: _name, id: _id, ...previous } = before;
  await recordAudit(scope, { action: 'closure.updated', objectType: 'closure', objectId: id, details: { before: previous, after: valid.value } });
  return { kind: 'saved', id };
}

export async function deleteClosure(scope: Scope, id: string): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return 'forbidden';
  const deleted = await scope.tx
    .deleteFrom('closures')
    .where('id', '=', id)
    .returning(['site_id as siteId', 'activity_id as activityId', 'first_day as firstDay', 'last_day as lastDay', 'reason'])
    .executeTakeFirst();
  if (!deleted) return 'not_found';
  await bumpCalendarVersion(scope.tx, scope.tenantId);
  await recordAudit(scope, { action: 'closure.deleted', objectType: 'closure', objectId: id, details: deleted });
  return 'done';
}
