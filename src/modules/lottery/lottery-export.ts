import { lotteryLeftovers, type Leftover } from './lottery-leftovers.js';
import { sql } from 'kysely';
import type { Translate } from '../../i18n/catalogue.js';
import { toCsv } from '../bookings/attendance.js';
import type { Scope } from '../scope.js';
import { drawOrder } from './draw-order.js';
import type { Criterion } from './lottery-criteria.js';
import type { ApplicationResult } from './lottery.tables.js';
import { loadLotteryPeriod, type LotteryPeriod } from './lottery-settings.js';
import { may } from '../access.js';

/**
 * What staff see of a lottery period, and the whole draw as a file: seed, criteria, the ordered
 * households with their level and hash, and the answer to each application. `verifyDraw` re-runs
 * the order from the file alone, as anyone holding it can (draw-order.ts says how).
 */

export const ALGORITHM =
  'hash = HMAC-SHA-256(key = the 32 bytes of the hex seed, message = household_id in lowercase, UTF-8), in lowercase hex. ' +
  'Households are ordered by level, best first (criterion by criterion, in the order given, 1 = met before 0 = not met), ' +
  'then by hash ascending, then by household_id. Each household is then served in that order, day by day, ' +
  'all its children of a day together: places for all of them, or the waiting list for all of them with consecutive ranks.';

export interface DrawExport {
  format: 'portail-famille/lottery-draw/1';
  period: { id: string; name: string; activity: string; firstDay: string; lastDay: string; opensAt: string; closesAt: string };
  seed: string;
  seedPublishedAt: string | null;
  criteria: Criterion[];
  residentPostcodes: string[];
  quotientThreshold: number | null;
  drawnAt: string;
  algorithm: string;
  households: { position: number; householdId: string; familyNumber: string | null; level: number[]; criteriaMet: Criterion[]; hash: string }[];
  applications: {
    householdId: string;
    childId: string;
    unitId: string;
    unitCode: string;
    day: string;
    result: ApplicationResult | null;
    rank: number | null;
    reason: string | null;
  }[];
}

/** The whole draw of a period, for staff; null when the period was not drawn or may not be read. */
export async function drawExport(scope: Scope, activityId: string, periodId: string): Promise<DrawExport | null> {
  if (!may(scope, 'service.read')) return null;
  const lottery = await loadLotteryPeriod(scope, periodId, activityId);
  if (!lottery) return null;
  const draw = await scope.tx.selectFrom('lottery_draws').selectAll().where('period_id', '=', periodId).executeTakeFirst();
  if (!draw) return null;
  const [households, applications] = await Promise.all([
    scope.tx
      .selectFrom('lottery_draw_households as d')
      .leftJoin('households as h', 'h.id', 'd.household_id')
      .select(['d.position', 'd.household_id', 'h.family_number', 'd.level', 'd.hash'])
      .where('d.period_id', '=', periodId)
      .orderBy('d.position')
      .execute(),
    scope.tx
      .selectFrom('lottery_applications as l')
      .innerJoin('units as u', 'u.id', 'l.unit_id')
      .innerJoin('lottery_draw_households as d', (join) => join.onRef('d.household_id', '=', 'l.household_id').onRef('d.period_id', '=', 'l.period_id'))
      .select(['l.household_id', 'l.child_id', 'l.unit_id', 'u.code', 'l.day', 'l.result', 'l.result_rank', 'l.result_reason'])
      .where('l.period_id', '=', periodId)
      .orderBy('d.position')
      .orderBy('l.day')
      .orderBy('l.child_id')
      .orderBy('u.position')
      .execute(),
  ]);
  const { period } = lottery;
  return {
    format: 'portail-famille/lottery-draw/1',
    period: {
      id: period.id,
      name: period.name,
      activity: lottery.activityName,
      firstDay: period.first_day,
      lastDay: period.last_day,
      opensAt: period.opens_at.toISOString(),
      closesAt: period.closes_at.toISOString(),
    },
    seed: draw.seed,
    seedPublishedAt: lottery.settings?.seedPublishedAt.toISOString() ?? null,
    criteria: draw.criteria,
    residentPostcodes: draw.resident_postcodes,
    quotientThreshold: draw.quotient_threshold,
    drawnAt: draw.drawn_at.toISOString(),
    algorithm: ALGORITHM,
    households: households.map((row) => ({
      position: row.position,
      householdId: row.household_id,
      familyNumber: row.family_number,
      level: row.level,
      criteriaMet: draw.criteria.filter((_, index) => row.level[index] === 1),
      hash: row.hash,
    })),
    applications: applications.map((row) => ({
      householdId: row.household_id,
      childId: row.child_id,
      unitId: row.unit_id,
      unitCode: row.code,
      day: row.day,
      result: row.result,
      rank: row.result_rank,
      reason: row.result_reason,
    })),
  };
}

/** Re-runs the order from the export alone: the same positions and hashes, or the first position that differs. */
export function verifyDraw(file: Pick<DrawExport, 'seed' | 'households'>): { ok: true } | { ok: false; position: number } {
  const again = drawOrder(
    file.seed,
    file.households.map((household) => ({ householdId: household.householdId, level: household.level })),
  );
  const stored = [...file.households].sort((a, b) => a.position - b.position);
  for (let index = 0; index < Math.max(again.length, stored.length); index++) {
    const mine = again[index];
    const theirs = stored[index];
    if (!mine || !theirs || mine.householdId !== theirs.householdId || mine.hash !== theirs.hash || mine.position !== theirs.position)
      return { ok: false, position: index + 1 };
  }
  return { ok: true };
}

/** The draw order as a spreadsheet: every household with its level and hash. */
export function householdsCsv(t: Translate, file: DrawExport): string {
  const header = [
    t('lottery.csv.position'),
    t('lottery.csv.household'),
    t('lottery.csv.familyNumber'),
    t('lottery.csv.level'),
    t('lottery.csv.criteriaMet'),
    t('lottery.csv.hash'),
  ];
  return toCsv([
    header,
    ...file.households.map((row) => [
      String(row.position),
      row.householdId,
      row.familyNumber ?? '',
      row.level.join('-'),
      row.criteriaMet.map((criterion) => t(`lottery.criterion.${criterion}`)).join(', '),
      row.hash,
    ]),
  ]);
}

/** The answer to every application, households in draw order. */
export function applicationsCsv(t: Translate, file: DrawExport): string {
  const header = [
    t('lottery.csv.household'),
    t('lottery.csv.child'),
    t('lottery.csv.unit'),
    t('lottery.csv.day'),
    t('lottery.csv.result'),
    t('lottery.csv.rank'),
    t('lottery.csv.reason'),
  ];
  return toCsv([
    header,
    ...file.applications.map((row) => [
      row.householdId,
      row.childId,
      row.unitCode,
      row.day,
      row.result ? t(`lottery.result.${row.result}`) : '',
      row.rank === null ? '' : String(row.rank),
      row.reason ?? '',
    ]),
  ]);
}

export interface StaffLottery {
  lottery: LotteryPeriod;
  counts: { applications: number; households: number; children: number };
  draw: {
    drawnAt: Date;
    drawnBy: string | null;
    households: number;
    results: Record<ApplicationResult, number>;
    /** Days where places are free while children wait (the draw serves households whole). */
    leftovers: Leftover[];
    /** The first households of the order, with their answers counted. */
    order: {
      position: number;
      householdId: string;
      name: string | null;
      familyNumber: string | null;
      level: number[];
      hash: string;
      reserved: number;
      waitlisted: number;
      refused: number;
    }[];
  } | null;
}

/** The staff page of a lottery period: settings, seed, applications counted, and the draw once run. */
export async function staffLottery(scope: Scope, activityId: string, periodId: string, shown = 300): Promise<StaffLottery | null> {
  if (!may(scope, 'service.read')) return null;
  const lottery = await loadLotteryPeriod(scope, periodId, activityId);
  if (!lottery) return null;
  const counts = await scope.tx
    .selectFrom('lottery_applications')
    .select([
      sql<number>`count(*)::int`.as('applications'),
      sql<number>`count(distinct household_id)::int`.as('households'),
      sql<number>`count(distinct child_id)::int`.as('children'),
    ])
    .where('period_id', '=', periodId)
    .executeTakeFirstOrThrow();
  const row = await scope.tx
    .selectFrom('lottery_draws as d')
    .leftJoin('accounts as a', 'a.id', 'd.drawn_by')
    .select(['d.drawn_at', 'a.display_name', 'd.households'])
    .where('d.period_id', '=', periodId)
    .executeTakeFirst();
  if (!row) return { lottery, counts, draw: null };
  const results = await scope.tx
    .selectFrom('lottery_applications')
    .select(['result', sql<number>`count(*)::int`.as('count')])
    .where('period_id', '=', periodId)
    .groupBy('result')
    .execute();
  const order = await scope.tx
    .selectFrom('lottery_draw_households as d')
    .leftJoin('households as h', 'h.id', 'd.household_id')
    .leftJoin('lottery_applications as l', (join) => join.onRef('l.household_id', '=', 'd.household_id').onRef('l.period_id', '=', 'd.period_id'))
    .select([
      'd.position',
      'd.household_id',
      'h.name',
      'h.family_number',
      'd.level',
      'd.hash',
      sql<number>`(count(l.id) filter (where l.result in ('reserved', 'already')))::int`.as('reserved'),
      sql<number>`(count(l.id) filter (where l.result = 'waitlisted'))::int`.as('waitlisted'),
      sql<number>`(count(l.id) filter (where l.result = 'refused'))::int`.as('refused'),
    ])
    .where('d.period_id', '=', periodId)
    .groupBy(['d.position', 'd.household_id', 'h.name', 'h.family_number', 'd.level', 'd.hash'])
    .orderBy('d.position')
    .limit(shown)
    .execute();
  const byResult: Record<ApplicationResult, number> = { reserved: 0, waitlisted: 0, refused: 0, already: 0 };
  for (const result of results) if (result.result) byResult[result.result] = result.count;
  return {
    lottery,
    counts,
    draw: {
      drawnAt: row.drawn_at,
      drawnBy: row.display_name,
      households: row.households,
      results: byResult,
      leftovers: await lotteryLeftovers(scope, lottery.period),
      order: order.map((entry) => ({
        position: entry.position,
        householdId: entry.household_id,
        name: entry.name,
        familyNumber: entry.family_number,
        level: entry.level,
        hash: entry.hash,
        reserved: entry.reserved,
        waitlisted: entry.waitlisted,
        refused: entry.refused,
      })),
    },
  };
}
