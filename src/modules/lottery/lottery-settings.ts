import { recordAudit } from '../audit/audit-log.js';
import type { BookingPeriod } from '../activities/activity-definitions.js';
import { text, type SetupForm } from '../activities/setup-forms.js';
import type { Scope } from '../scope.js';
import { calendarDate } from '../validation/fields.js';
import { newSeed } from './draw-order.js';
import { orderedCriteria, postcodeList, type Criterion } from './lottery-criteria.js';
import { accountIdOf } from '../actor.js';
import { may } from '../access.js';

/**
 * The authority's settings of a lottery period (ordered criteria and their parameters) and its
 * seed. The seed is drawn once, stored and shown to families; the settings can change until the
 * applications close, then they are frozen: nobody can pick criteria after seeing the applicants.
 */

export const CRITERIA_RANKS = 5;

export interface LotterySettings {
  criteria: Criterion[];
  residentPostcodes: string[];
  quotientThreshold: number | null;
  drawOn: string | null;
  seed: string;
  seedPublishedAt: Date;
}

export interface LotteryPeriod {
  period: BookingPeriod;
  activityName: string;
  settings: LotterySettings | null;
  drawnAt: Date | null;
}

/** A lottery period of the tenant with its settings and whether it was drawn; null when there is none. */
export async function loadLotteryPeriod(scope: Scope, periodId: string, activityId?: string): Promise<LotteryPeriod | null> {
  let query = scope.tx
    .selectFrom('booking_periods as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .selectAll('p')
    .select('a.name as activity_name')
    .where('p.id', '=', periodId)
    .where('p.allocation', '=', 'lottery');
  if (activityId) query = query.where('p.activity_id', '=', activityId);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  const { activity_name: activityName, ...period } = row;
  const [settings, draw] = await Promise.all([
    scope.tx.selectFrom('lottery_settings').selectAll().where('period_id', '=', periodId).executeTakeFirst(),
    scope.tx.selectFrom('lottery_draws').select('drawn_at').where('period_id', '=', periodId).executeTakeFirst(),
  ]);
  return { period, activityName, settings: settings ? settingsOf(settings) : null, drawnAt: draw?.drawn_at ?? null };
}

function settingsOf(row: {
  criteria: Criterion[];
  resident_postcodes: string[];
  quotient_threshold: number | null;
  draw_on: string | null;
  seed: string;
  seed_published_at: Date;
}): LotterySettings {
  return {
    criteria: row.criteria,
    residentPostcodes: row.resident_postcodes,
    quotientThreshold: row.quotient_threshold,
    drawOn: row.draw_on,
    seed: row.seed,
    seedPublishedAt: row.seed_published_at,
  };
}

/**
 * The period's seed, drawn and stored now if it was not yet: the settings row is created with it,
 * once (a second caller at the same moment finds the first one's row).
 */
export async function ensureSeed(scope: Scope, periodId: string): Promise<LotterySettings> {
  await scope.tx
    .insertInto('lottery_settings')
    .values({
      period_id: periodId,
      tenant_id: scope.tenantId,
      seed: newSeed(),
      seed_published_at: scope.now,
      updated_at: scope.now,
      updated_by: accountIdOf(scope.actor),
    })
    .onConflict((conflict) => conflict.column('period_id').doNothing())
    .execute();
  const row = await scope.tx.selectFrom('lottery_settings').selectAll().where('period_id', '=', periodId).executeTakeFirstOrThrow();
  return settingsOf(row);
}

export type PublishResult = 'published' | 'already' | 'closed' | 'forbidden' | 'not_found';

/** Staff publish the seed before the close (it is also published by the first application). */
export async function publishSeed(scope: Scope, activityId: string, periodId: string): Promise<PublishResult> {
  if (!may(scope, 'service.manage')) return 'forbidden';
  const lottery = await loadLotteryPeriod(scope, periodId, activityId);
  if (!lottery) return 'not_found';
  if (lottery.settings) return 'already';
  if (scope.now >= lottery.period.closes_at) return 'closed';
  const settings = await ensureSeed(scope, periodId);
  await recordAudit(scope, {
    action: 'lottery.seed_published',
    objectType: 'booking_period',
    objectId: periodId,
    details: { activityId, seed: settings.seed },
  });
  return 'published';
}

export type SettingsField = 'criteria' | 'residentPostcodes' | 'quotientThreshold' | 'drawOn';
export type SettingsError = 'criteriaRepeated' | 'postcodes' | 'integer' | 'date' | 'postcodesRequired' | 'thresholdRequired';

export type SaveSettingsResult =
  | { kind: 'saved' }
  | { kind: 'invalid'; errors: Partial<Record<SettingsField, SettingsError>> }
  | { kind: 'closed' }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** The settings form: criteria by rank (`criterion1`…`criterion5`), postcodes, threshold, planned day. */
export function readSettingsForm(form: SetupForm) {
  const errors: Partial<Record<SettingsField, SettingsError>> = {};
  const criteria = orderedCriteria(Array.from({ length: CRITERIA_RANKS }, (_, index) => text(form, `criterion${index + 1}`) ?? ''));
  if (!criteria) errors.criteria = 'criteriaRepeated';
  const postcodes = postcodeList(text(form, 'residentPostcodes') ?? '');
  if (!postcodes) errors.residentPostcodes = 'postcodes';
  else if (criteria?.includes('resident') && postcodes.length === 0) errors.residentPostcodes = 'postcodesRequired';
  const thresholdText = (text(form, 'quotientThreshold') ?? '').trim();
  const threshold = thresholdText === '' ? null : /^\d{1,6}$/.test(thresholdText) ? Number(thresholdText) : undefined;
  if (threshold === undefined) errors.quotientThreshold = 'integer';
  else if (threshold === null && criteria?.includes('low_quotient')) errors.quotientThreshold = 'thresholdRequired';
  const drawOn = calendarDate(text(form, 'drawOn'));
  if (!drawOn.ok) errors.drawOn = 'date';
  if (Object.keys(errors).length > 0 || !criteria || !postcodes || threshold === undefined || !drawOn.ok) return { ok: false as const, errors };
  return { ok: true as const, value: { criteria, residentPostcodes: postcodes, quotientThreshold: threshold, drawOn: drawOn.value } };
}

/** Saves the settings of a lottery period, until its applications close. */
export async function saveLotterySettings(scope: Scope, activityId: string, periodId: string, form: SetupForm): Promise<SaveSettingsResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const lottery = await loadLotteryPeriod(scope, periodId, activityId);
  if (!lottery) return { kind: 'not_found' };
  if (scope.now >= lottery.period.closes_at || lottery.drawnAt) return { kind: 'closed' };
  const read = readSettingsForm(form);
  if (!read.ok) return { kind: 'invalid', errors: read.errors };
  await ensureSeed(scope, periodId);
  const { criteria, residentPostcodes, quotientThreshold, drawOn } = read.value;
  await scope.tx
    .updateTable('lottery_settings')
    .set({
      criteria,
      resident_postcodes: residentPostcodes,
      quotient_threshold: quotientThreshold,
      draw_on: drawOn,
      updated_at: scope.now,
      updated_by: accountIdOf(scope.actor),
    })
    .where('period_id', '=', periodId)
    .execute();
  await recordAudit(scope, { action: 'lottery.settings_saved', objectType: 'booking_period', objectId: periodId, details: { activityId, ...read.value } });
  return { kind: 'saved' };
}

/** The settings as the form shows them. */
export function settingsFormValues(settings: LotterySettings | null): Record<string, string> {
  const values: Record<string, string> = {
    residentPostcodes: settings?.residentPostcodes.join(' ') ?? '',
    quotientThreshold: settings?.quotientThreshold === null || settings?.quotientThreshold === undefined ? '' : String(settings.quotientThreshold),
    drawOn: settings?.drawOn ?? '',
  };
  for (let index = 0; index < CRITERIA_RANKS; index++) values[`criterion${index + 1}`] = settings?.criteria[index] ?? '';
  return values;
}
