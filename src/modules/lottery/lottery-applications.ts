import { sql } from 'kysely';
import { loadActivityDefinition, unitRelationsOf, type ActivityDefinition, type BookingPeriod } from '../activities/activity-definitions.js';
import { unitsInConflict } from '../activities/unit-rules.js';
import { recordAudit } from '../audit/audit-log.js';
import type { ChildCalendar } from '../bookings/booking-calendar.js';
import { closedToFamilies, type BookingChoice, type BookingContext, type RefusalReason } from '../bookings/booking-requests.js';
import { acceptedGroups } from '../bookings/enrollments.js';
import { localDate } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import type { Criterion } from './lottery-criteria.js';
import type { ApplicationResult } from './lottery.tables.js';
import { ensureSeed, loadLotteryPeriod, type LotterySettings } from './lottery-settings.js';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { GONE } from '../bookings/booking-states.js';
import { personFullName } from '../person-name.js';

/**
 * Families apply for days and units of a lottery period during its window, per child, on the same
 * calendar as first-come bookings and under the same rules (the child is theirs and enrolled, the
 * unit opens that day, the day's units go together), the window being the period's own. An
 * application can be withdrawn until the close; after it, the draw answers each one.
 */

export type ApplicationOutcome = { kind: 'applied' } | { kind: 'already' } | { kind: 'refused'; reason: RefusalReason };

export interface ApplicationAnswer extends BookingChoice {
  outcome: ApplicationOutcome;
}

export type ApplyResult =
  | { kind: 'done'; answers: ApplicationAnswer[]; period: BookingPeriod; settings: LotterySettings | null }
  | { kind: 'not_lottery' }
  | { kind: 'not_found' };

async function childrenOf(scope: Scope, householdId: string): Promise<Set<string>> {
  const rows = await scope.tx.selectFrom('household_members').select('person_id').where('household_id', '=', householdId).where('role', '=', 'child').execute();
  return new Set(rows.map((row) => row.person_id));
}

/**
 * Locks the period against the draw for the rest of the transaction (the draw takes it for
 * update), then tells whether applications are still taken: open window, not drawn yet.
 */
async function windowState(scope: Scope, period: BookingPeriod): Promise<RefusalReason | null> {
  await scope.tx.selectFrom('booking_periods').select('id').where('id', '=', period.id).forShare().execute();
  if (scope.now < period.opens_at) return 'period_not_open';
  if (scope.now >= period.closes_at) return 'period_closed';
  const drawn = await scope.tx.selectFrom('lottery_draws').select('period_id').where('period_id', '=', period.id).executeTakeFirst();
  return drawn ? 'period_closed' : null;
}

/** Why a child cannot apply for a unit on a day of the period (before the day's other units are looked at). */
export function applicationRefusal(
  definition: ActivityDefinition,
  period: BookingPeriod,
  unitId: string,
  day: string,
  groupId: string | null,
  context: BookingContext,
): RefusalReason | null {
  const unit = definition.units.find((candidate) => candidate.id === unitId);
  if (!unit) return 'unknown_unit';
  if (day < period.first_day || day > period.last_day) return 'no_open_period';
  if (period.group_ids.length > 0 && (groupId === null || !period.group_ids.includes(groupId))) return 'no_open_period';
  const closed = closedToFamilies(definition, unit, day, context);
  if (closed) return closed;
  // The draw comes after the close: a day that has begun by then cannot be drawn.
  if (day <= localDate(period.closes_at, context.timeZone)) return 'deadline_passed';
  return null;
}

/** Records a household's applications, each answered on its own: applied, already applied, or refused with the reason. */
export async function applyForLottery(
  scope: Scope,
  context: BookingContext,
  input: { householdId: string; activityId: string; periodId: string; choices: BookingChoice[] },
): Promise<ApplyResult> {
  if (!may(scope, 'household.act', input.householdId)) return { kind: 'not_found' };
  const period = await scope.tx
    .selectFrom('booking_periods')
    .selectAll()
    .where('id', '=', input.periodId)
    .where('activity_id', '=', input.activityId)
    .executeTakeFirst();
  if (!period) return { kind: 'not_found' };
  if (period.allocation !== 'lottery') return { kind: 'not_lottery' };
  const definition = (await loadActivityDefinition(scope.tx, input.activityId))!;
  const children = await childrenOf(scope, input.householdId);
  // A child of another household is an id this household cannot know: nothing is recorded, as for bookings.
  if (input.choices.some((choice) => !children.has(choice.childId))) return { kind: 'not_found' };
  const choices = dedupe(input.choices).sort((a, b) => (a.day + a.unitId + a.childId).localeCompare(b.day + b.unitId + b.childId));
  const closed = await windowState(scope, period);
  const verdicts = new Map<BookingChoice, RefusalReason | null>();
  if (closed) {
    for (const choice of choices) verdicts.set(choice, closed);
  } else {
    const groups = await acceptedGroups(scope.tx, input.activityId, [...children]);
    const pending = await pendingEnrollments(scope, input.activityId, [...children]);
    for (const choice of choices) {
      if (definition.activity.requires_enrollment && !groups.has(choice.childId))
        verdicts.set(choice, pending.has(choice.childId) ? 'enrollment_pending' : 'not_enrolled');
      else verdicts.set(choice, applicationRefusal(definition, period, choice.unitId, choice.day, groups.get(choice.childId) ?? null, context));
    }
    await refuseUnitConflicts(scope, definition, period.id, choices, verdicts);
  }

  const accepted = choices.filter((choice) => verdicts.get(choice) === null);
  const inserted = new Set<string>();
  if (accepted.length > 0) {
    await ensureSeed(scope, period.id);
    const rows = await scope.tx
      .insertInto('lottery_applications')
      .values(
        accepted.map((choice) => ({
          tenant_id: scope.tenantId,
          period_id: period.id,
          household_id: input.householdId,
          child_id: choice.childId,
          unit_id: choice.unitId,
          day: choice.day,
          created_at: scope.now,
          created_by: accountIdOf(scope.actor),
        })),
      )
      .onConflict((conflict) => conflict.columns(['period_id', 'child_id', 'unit_id', 'day']).doNothing())
      .returning(['child_id', 'unit_id', 'day'])
      .execute();
    for (const row of rows) inserted.add(keyOf(row.child_id, row.unit_id, row.day));
    if (rows.length > 0) {
      await recordAudit(scope, {
        action: 'lottery.applied',
        objectType: 'booking_period',
        objectId: period.id,
        details: { householdId: input.householdId, applications: rows.length },
      });
    }
  }
  const answers = choices.map((choice): ApplicationAnswer => {
    const refusal = verdicts.get(choice);
    if (refusal) return { ...choice, outcome: { kind: 'refused', reason: refusal } };
    return { ...choice, outcome: inserted.has(keyOf(choice.childId, choice.unitId, choice.day)) ? { kind: 'applied' } : { kind: 'already' } };
  });
  const settings = (await loadLotteryPeriod(scope, period.id))?.settings ?? null;
  return { kind: 'done', answers, period, settings };
}

function keyOf(childId: string, unitId: string, day: string): string {
  return `${childId}|${unitId}|${day}`;
}

function dedupe(choices: BookingChoice[]): BookingChoice[] {
  const seen = new Map<string, BookingChoice>();
  for (const choice of choices) seen.set(keyOf(choice.childId, choice.unitId, choice.day), choice);
  return [...seen.values()];
}

async function pendingEnrollments(scope: Scope, activityId: string, childIds: string[]): Promise<Set<string>> {
  if (childIds.length === 0) return new Set();
  const rows = await scope.tx
    .selectFrom('enrollments')
    .select('child_id')
    .where('activity_id', '=', activityId)
    .where('child_id', 'in', childIds)
    .where('status', '=', 'pending')
    .execute();
  return new Set(rows.map((row) => row.child_id));
}

/** A day's units must fit together, counting the child's applications and live bookings that day. */
async function refuseUnitConflicts(
  scope: Scope,
  definition: ActivityDefinition,
  periodId: string,
  choices: BookingChoice[],
  verdicts: Map<BookingChoice, RefusalReason | null>,
): Promise<void> {
  const accepted = choices.filter((choice) => verdicts.get(choice) === null);
  if (accepted.length === 0) return;
  const childIds = [...new Set(accepted.map((choice) => choice.childId))];
  const days = [...new Set(accepted.map((choice) => choice.day))];
  const [booked, applied] = await Promise.all([
    scope.tx
      .selectFrom('bookings')
      .select(['child_id', 'unit_id', 'day'])
      .where('child_id', 'in', childIds)
      .where('day', 'in', days)
      .where(
        'unit_id',
        'in',
        definition.units.map((unit) => unit.id),
      )
      .where('status', 'not in', GONE)
      .execute(),
    scope.tx
      .selectFrom('lottery_applications')
      .select(['child_id', 'unit_id', 'day'])
      .where('period_id', '=', periodId)
      .where('child_id', 'in', childIds)
      .where('day', 'in', days)
      .execute(),
  ]);
  const relations = unitRelationsOf(definition);
  const slots = new Map<string, { units: Set<string>; fresh: BookingChoice[] }>();
  const slot = (childId: string, day: string) => {
    const key = `${childId}|${day}`;
    if (!slots.has(key)) slots.set(key, { units: new Set(), fresh: [] });
    return slots.get(key)!;
  };
  for (const row of [...booked, ...applied]) slot(row.child_id, row.day).units.add(row.unit_id);
  for (const choice of accepted) {
    const entry = slot(choice.childId, choice.day);
    entry.units.add(choice.unitId);
    entry.fresh.push(choice);
  }
  for (const entry of slots.values()) {
    const conflicting = unitsInConflict(relations, entry.units);
    for (const choice of entry.fresh) if (conflicting.has(choice.unitId)) verdicts.set(choice, 'unit_conflict');
  }
}

export type WithdrawResult = { kind: 'withdrawn'; count: number } | { kind: 'closed' } | { kind: 'not_found' };

/** Withdraws applications of the household (all of a child's in the period when `childId` is given), until the close. */
export async function withdrawApplications(
  scope: Scope,
  input: { householdId: string; periodId: string; applicationIds?: string[]; childId?: string },
): Promise<WithdrawResult> {
  if (!may(scope, 'household.act', input.householdId)) return { kind: 'not_found' };
  const period = await scope.tx
    .selectFrom('booking_periods')
    .selectAll()
    .where('id', '=', input.periodId)
    .where('allocation', '=', 'lottery')
    .executeTakeFirst();
  if (!period) return { kind: 'not_found' };
  if (await windowState(scope, period)) return { kind: 'closed' };
  if (!input.childId && (!input.applicationIds || input.applicationIds.length === 0)) return { kind: 'withdrawn', count: 0 };
  let query = scope.tx
    .deleteFrom('lottery_applications')
    .where('period_id', '=', period.id)
    .where('household_id', '=', input.householdId)
    .where('result', 'is', null);
  if (input.childId) query = query.where('child_id', '=', input.childId);
  if (input.applicationIds && input.applicationIds.length > 0) query = query.where('id', 'in', input.applicationIds);
  const deleted = await query.returning('id').execute();
  if (deleted.length === 0) return { kind: 'not_found' };
  await recordAudit(scope, {
    action: 'lottery.withdrawn',
    objectType: 'booking_period',
    objectId: period.id,
    details: { householdId: input.householdId, applications: deleted.length },
  });
  return { kind: 'withdrawn', count: deleted.length };
}

export interface HouseholdApplication {
  id: string;
  childId: string;
  childName: string;
  unitId: string;
  unitName: string;
  day: string;
  result: ApplicationResult | null;
  rank: number | null;
  reason: string | null;
}

export interface HouseholdLottery {
  period: BookingPeriod;
  activityName: string;
  settings: LotterySettings | null;
  /** open: applications taken; closed: waiting for the draw; drawn: results below. */
  state: 'not_open' | 'open' | 'closed' | 'drawn';
  drawnAt: Date | null;
  /** The household's place in the draw order, with what anyone needs to check it. */
  drawn: { position: number; of: number; level: number[]; hash: string } | null;
  criteria: Criterion[];
  applications: HouseholdApplication[];
}

/** What a household sees of a lottery period: the seed and criteria, its applications, and after the draw its results. */
export async function householdLottery(scope: Scope, householdId: string, periodId: string): Promise<HouseholdLottery | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const lottery = await loadLotteryPeriod(scope, periodId);
  if (!lottery) return null;
  const applications = await scope.tx
    .selectFrom('lottery_applications as l')
    .innerJoin('persons as p', 'p.id', 'l.child_id')
    .innerJoin('units as u', 'u.id', 'l.unit_id')
    .select(['l.id', 'l.child_id', 'p.first_name', 'p.last_name', 'l.unit_id', 'u.name as unit_name', 'l.day', 'l.result', 'l.result_rank', 'l.result_reason'])
    .where('l.period_id', '=', periodId)
    .where('l.household_id', '=', householdId)
    .orderBy('p.birth_date')
    .orderBy('p.first_name')
    .orderBy('l.day')
    .orderBy('u.position')
    .execute();
  let drawn: HouseholdLottery['drawn'] = null;
  let criteria = lottery.settings?.criteria ?? [];
  if (lottery.drawnAt) {
    const [mine, draw] = await Promise.all([
      scope.tx
        .selectFrom('lottery_draw_households')
        .select(['position', 'level', 'hash'])
        .where('period_id', '=', periodId)
        .where('household_id', '=', householdId)
        .executeTakeFirst(),
      scope.tx.selectFrom('lottery_draws').select(['households', 'criteria']).where('period_id', '=', periodId).executeTakeFirstOrThrow(),
    ]);
    criteria = draw.criteria;
    if (mine) drawn = { position: mine.position, of: draw.households, level: mine.level, hash: mine.hash };
  }
  const { period } = lottery;
  const state = lottery.drawnAt ? 'drawn' : scope.now < period.opens_at ? 'not_open' : scope.now < period.closes_at ? 'open' : 'closed';
  return {
    period,
    activityName: lottery.activityName,
    settings: lottery.settings,
    state,
    drawnAt: lottery.drawnAt,
    drawn,
    criteria,
    applications: applications.map((row) => ({
      id: row.id,
      childId: row.child_id,
      childName: personFullName(row),
      unitId: row.unit_id,
      unitName: row.unit_name,
      day: row.day,
      result: row.result,
      rank: row.result_rank,
      reason: row.result_reason,
    })),
  };
}

/** For "Mes demandes": the household's applications per lottery period and child, with the draw's answers counted. */
export async function householdLotteryRequests(scope: Scope, householdId: string, filter: { pendingOnly?: boolean } = {}) {
  if (!may(scope, 'household.read', householdId)) return [];
  return scope.tx
    .selectFrom('lottery_applications as l')
    .innerJoin('booking_periods as bp', 'bp.id', 'l.period_id')
    .innerJoin('activities as a', 'a.id', 'bp.activity_id')
    .innerJoin('persons as p', 'p.id', 'l.child_id')
    .leftJoin('lottery_draws as d', 'd.period_id', 'l.period_id')
    .select([
      'l.period_id',
      'l.child_id',
      'bp.name as period_name',
      'bp.closes_at',
      'a.name as activity_name',
      'p.first_name',
      'p.last_name',
      'd.drawn_at',
      sql<Date>`min(l.created_at)`.as('created_at'),
      sql<number>`count(*)::int`.as('applications'),
      sql<number>`(count(*) filter (where l.result in ('reserved', 'already')))::int`.as('places'),
      sql<number>`(count(*) filter (where l.result = 'waitlisted'))::int`.as('waiting'),
      sql<number>`(count(*) filter (where l.result = 'refused'))::int`.as('refused'),
    ])
    .where('l.household_id', '=', householdId)
    .$if(filter.pendingOnly === true, (query) => query.where('d.drawn_at', 'is', null))
    .groupBy(['l.period_id', 'l.child_id', 'bp.name', 'bp.closes_at', 'a.name', 'p.first_name', 'p.last_name', 'd.drawn_at'])
    .execute();
}

export interface LotteryCalendarView {
  period: BookingPeriod;
  settings: LotterySettings | null;
  /** child|unit|day of the household's applications. */
  applied: Set<string>;
  open: boolean;
}

/**
 * The family calendar of a lottery period: the cells the booking rules close only because the
 * period is a lottery become boxes to apply, until the close; the household's applications are listed.
 */
export async function lotteryCalendar(
  scope: Scope,
  context: BookingContext,
  householdId: string,
  periodId: string,
  children: ChildCalendar[],
): Promise<LotteryCalendarView | null> {
  const lottery = await loadLotteryPeriod(scope, periodId);
  if (!lottery || !may(scope, 'household.act', householdId)) return null;
  const { period } = lottery;
  const rows = await scope.tx
    .selectFrom('lottery_applications')
    .select(['child_id', 'unit_id', 'day'])
    .where('period_id', '=', periodId)
    .where('household_id', '=', householdId)
    .execute();
  const applied = new Set(rows.map((row) => keyOf(row.child_id, row.unit_id, row.day)));
  const open = !lottery.drawnAt && scope.now >= period.opens_at && scope.now < period.closes_at;
  const firstDrawable = localDate(period.closes_at, context.timeZone);
  for (const child of children) {
    for (const day of child.days) {
      for (const cell of day.cells) {
        if (
          cell.state.kind === 'closed' &&
          cell.state.reason === 'lottery_period' &&
          open &&
          day.day > firstDrawable &&
          day.day >= period.first_day &&
          day.day <= period.last_day
        ) {
          cell.state = { kind: 'open', full: false, deadline: period.closes_at };
        }
      }
    }
  }
  return { period, settings: lottery.settings, applied, open };
}

export function applicationKey(childId: string, unitId: string, day: string): string {
  return keyOf(childId, unitId, day);
}
