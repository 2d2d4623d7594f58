import { sql } from 'kysely';
import { loadActivityDefinition, poolsFor, unitRelationsOf, type ActivityDefinition, type BookingPeriod } from '../activities/activity-definitions.js';

import { unitsInConflict } from '../activities/unit-rules.js';
import { recordAudit } from '../audit/audit-log.js';
import { bookingContextFor, type BookingContext, type RefusalReason } from '../bookings/booking-requests.js';
import { acceptedGroups } from '../bookings/enrollments.js';
import { nextWaitlistRank, releasePlace, renumberWaitlist, takePlace, waitingListKey } from '../bookings/places.js';
import { loadTenantCalendar } from '../calendar/calendar-store.js';
import type { MailSender } from '../notifications/compose-email.js';
import type { Scope } from '../scope.js';
import { drawOrder, type DrawnHousehold } from './draw-order.js';
import { applicationRefusal } from './lottery-applications.js';
import { priorityLevel, type CriteriaSettings, type HouseholdFacts } from './lottery-criteria.js';
import { tellDrawResults } from './lottery-notifications.js';
import type { ApplicationResult } from './lottery.tables.js';
import { accountIdOf } from '../actor.js';
import { may } from '../access.js';
import { ENDED, GONE, HOLDS_PLACE } from '../bookings/booking-states.js';

/**
 * The draw of a lottery period, once, after its applications closed:
 *
 *   1. a row per period in lottery_draws is inserted first: a second draw (even at the same
 *      moment, on another connection) finds it and is refused;
 *   2. each household that applied gets its priority level from its record and the authority's
 *      ordered criteria, and the households are put in draw order (draw-order.ts) from the seed
 *      published before the close;
 *   3. in that order, the household is served as one: day by day, all its children's applications
 *      of the day take their places (takePlace) or, if one of them cannot, none does and they all
 *      go to the waiting list together, with consecutive ranks (nextWaitlistRank);
 *   4. each application keeps its answer, bookings are created ('reserved' or 'waitlisted') with
 *      their event, and every family is told by email in its account's language.
 *
 * All in the caller's one transaction: the draw happens whole, or not at all.
 */

export type DrawResult =
  | { kind: 'drawn'; households: number; applications: number; reserved: number; waitlisted: number; refused: number; already: number }
  | { kind: 'already_drawn' }
  | { kind: 'not_closed' }
  | { kind: 'no_seed' }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

export interface DrawOptions {
  /** The authority's calendar and time zone; read from the database when not given. */
  context?: BookingContext;
  /** Where the emails come from; the tenant's name and relative links when not given. */
  mail?: MailSender;
}

interface Application {
  id: string;
  household_id: string;
  child_id: string;
  unit_id: string;
  day: string;
}

interface Answer {
  result: ApplicationResult;
  rank: number | null;
  reason: RefusalReason | null;
  bookingId: string | null;
}

const CHUNK = 500;

/** Runs the draw of a lottery period (managers, administrators, or the system). */
export async function runLottery(scope: Scope, periodId: string, options: DrawOptions = {}): Promise<DrawResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const period = await scope.tx.selectFrom('booking_periods').selectAll().where('id', '=', periodId).where('allocation', '=', 'lottery').executeTakeFirst();
  if (!period) return { kind: 'not_found' };
  if (scope.now < period.closes_at) return { kind: 'not_closed' };
  const settings = await scope.tx.selectFrom('lottery_settings').selectAll().where('period_id', '=', periodId).executeTakeFirst();
  if (!settings) return { kind: 'no_seed' };

  const claimed = await scope.tx
    .insertInto('lottery_draws')
    .values({
      period_id: periodId,
      tenant_id: scope.tenantId,
      seed: settings.seed,
      criteria: settings.criteria,
      resident_postcodes: settings.resident_postcodes,
      quotient_threshold: settings.quotient_threshold,
      drawn_at: scope.now,
      drawn_by: accountIdOf(scope.actor),
    })
    .onConflict((conflict) => conflict.column('period_id').doNothing())
    .returning('period_id')
    .executeTakeFirst();
  if (!claimed) return { kind: 'already_drawn' };
  // Waits for applications still being written (they hold the period for share), and keeps later ones out.
  await scope.tx.selectFrom('booking_periods').select('id').where('id', '=', periodId).forUpdate().execute();

  const definition = (await loadActivityDefinition(scope.tx, period.activity_id))!;
  const context = options.context ?? (await contextOf(scope));
  const applications = await scope.tx
    .selectFrom('lottery_applications')
    .select(['id', 'household_id', 'child_id', 'unit_id', 'day'])
    .where('period_id', '=', periodId)
    .execute();

  const criteria: CriteriaSettings = {
    criteria: settings.criteria,
    residentPostcodes: settings.resident_postcodes,
    quotientThreshold: settings.quotient_threshold,
  };
  const facts = await householdFacts(scope, period, applications);
  const order = drawOrder(
    settings.seed,
    [...facts].map(([householdId, householdFacts]) => ({ householdId, level: priorityLevel(householdFacts, criteria) })),
  );
  for (let start = 0; start < order.length; start += CHUNK) {
    await scope.tx
      .insertInto('lottery_draw_households')
      .values(
        order.slice(start, start + CHUNK).map((household) => ({
          period_id: periodId,
          tenant_id: scope.tenantId,
          position: household.position,
          household_id: household.householdId,
          level: household.level,
          hash: household.hash,
        })),
      )
      .execute();
  }

  const answers = await allocate(scope, definition, period, context, order, applications);
  await saveAnswers(scope, periodId, answers);
  const counts = { reserved: 0, waitlisted: 0, refused: 0, already: 0 };
  for (const answer of answers.values()) counts[answer.result]++;
  await scope.tx.updateTable('lottery_draws').set({ households: order.length, applications: applications.length }).where('period_id', '=', periodId).execute();
  await recordAudit(scope, {
    action: 'lottery.drawn',
    objectType: 'booking_period',
    objectId: periodId,
    details: {
      activityId: period.activity_id,
      seed: settings.seed,
      criteria: settings.criteria,
      households: order.length,
      applications: applications.length,
      ...counts,
    },
  });
  await tellDrawResults(scope, period, options.mail);
  return { kind: 'drawn', households: order.length, applications: applications.length, ...counts };
}

async function contextOf(scope: Scope): Promise<BookingContext> {
  const tenant = await scope.tx
    .selectFrom('tenants')
    .select(['id', 'time_zone', 'school_zone', 'public_holiday_region', 'settings'])
    .where('id', '=', scope.tenantId)
    .executeTakeFirstOrThrow();
  const calendar = await loadTenantCalendar(scope.tx, tenant);
  return bookingContextFor(calendar, tenant);
}

/** What the criteria read of each household that applied, in a few queries for all of them. */
async function householdFacts(scope: Scope, period: BookingPeriod, applications: Application[]): Promise<Map<string, HouseholdFacts>> {
  const facts = new Map<string, HouseholdFacts>();
  if (applications.length === 0) return facts;
  const applicants = scope.tx.selectFrom('lottery_applications').select('household_id').where('period_id', '=', period.id);
  const [households, adults, holding, previous] = await Promise.all([
    scope.tx.selectFrom('households').select(['id', 'postcode', 'quotient_familial']).where('id', 'in', applicants).execute(),
    scope.tx
      .selectFrom('household_members as m')
      .innerJoin('persons as p', 'p.id', 'm.person_id')
      .select(['m.household_id', 'p.profession', 'p.employer'])
      .where('m.role', 'in', ['guardian', 'partner'])
      .where('m.household_id', 'in', applicants)
      .execute(),
    scope.tx
      .selectFrom('bookings as b')
      .innerJoin('units as u', 'u.id', 'b.unit_id')
      .select(['b.household_id', 'b.child_id'])
      .distinct()
      .where('u.activity_id', '=', period.activity_id)
      .where('b.day', '>=', period.first_day)
      .where('b.day', '<=', period.last_day)
      .where('b.status', 'in', HOLDS_PLACE)
      .where('b.household_id', 'in', applicants)
      .execute(),
    refusedAtPreviousDraw(scope, period),
  ]);
  const children = new Map<string, Set<string>>();
  const childrenOf = (householdId: string) => {
    if (!children.has(householdId)) children.set(householdId, new Set());
    return children.get(householdId)!;
  };
  for (const application of applications) childrenOf(application.household_id).add(application.child_id);
  for (const row of holding) childrenOf(row.household_id).add(row.child_id);
  const working = new Map<string, boolean[]>();
  for (const adult of adults) {
    const list = working.get(adult.household_id) ?? [];
    list.push(Boolean(adult.profession?.trim() || adult.employer?.trim()));
    working.set(adult.household_id, list);
  }
  for (const household of households) {
    facts.set(household.id, {
      postcode: household.postcode,
      quotientFamilial: household.quotient_familial,
      guardiansWorking: working.get(household.id) ?? [],
      childrenConcerned: childrenOf(household.id).size,
      refusedLastDraw: previous.has(household.id),
    });
  }
  return facts;
}

/** Households with an application that got no place at the latest earlier draw of the same activity. */
async function refusedAtPreviousDraw(scope: Scope, period: BookingPeriod): Promise<Set<string>> {
  const previous = await scope.tx
    .selectFrom('lottery_draws as d')
    .innerJoin('booking_periods as p', 'p.id', 'd.period_id')
    .select('d.period_id')
    .where('p.activity_id', '=', period.activity_id)
    .where('d.period_id', '!=', period.id)
    .where('d.drawn_at', '<', scope.now)
    .orderBy('d.drawn_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!previous) return new Set();
  const rows = await scope.tx
    .selectFrom('lottery_applications')
    .select('household_id')
    .distinct()
    .where('period_id', '=', previous.period_id)
    .where('result', 'in', ['waitlisted', 'refused'])
    .execute();
  return new Set(rows.map((row) => row.household_id));
}

/** Serves the households in draw order, each one day after the other, all its children of a day together. */
async function allocate(
  scope: Scope,
  definition: ActivityDefinition,
  period: BookingPeriod,
  context: BookingContext,
  order: DrawnHousehold[],
  applications: Application[],
): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  if (applications.length === 0) return answers;
  const applicantChildren = scope.tx.selectFrom('lottery_applications').select('child_id').where('period_id', '=', period.id);
  const [members, persons, existing] = await Promise.all([
    scope.tx
      .selectFrom('household_members')
      .select(['household_id', 'person_id'])
      .where('role', '=', 'child')
      .where('person_id', 'in', applicantChildren)
      .execute(),
    scope.tx.selectFrom('persons').select(['id', 'birth_date', 'first_name']).where('id', 'in', applicantChildren).execute(),
    scope.tx
      .selectFrom('bookings')
      .select(['id', 'child_id', 'unit_id', 'day'])
      .where('child_id', 'in', applicantChildren)
      .where(
        'unit_id',
        'in',
        definition.units.map((unit) => unit.id),
      )
      .where('day', '>=', period.first_day)
      .where('day', '<=', period.last_day)
      .where('status', 'not in', GONE)
      .execute(),
  ]);
  const childIds = [...new Set(applications.map((application) => application.child_id))];
  const groups = await acceptedGroups(scope.tx, definition.activity.id, childIds);
  const memberOf = new Set(members.map((member) => `${member.household_id}|${member.person_id}`));
  const childOrder = new Map(
    persons
      .sort((a, b) => (a.birth_date ?? '9999').localeCompare(b.birth_date ?? '9999') || a.first_name.localeCompare(b.first_name) || a.id.localeCompare(b.id))
      .map((person, index) => [person.id, index]),
  );
  const unitPosition = new Map(definition.units.map((unit, index) => [unit.id, index]));
  const booked = new Map<string, string>();
  const bookedUnits = new Map<string, Set<string>>();
  for (const row of existing) {
    booked.set(`${row.child_id}|${row.unit_id}|${row.day}`, row.id);
    const key = `${row.child_id}|${row.day}`;
    bookedUnits.set(key, (bookedUnits.get(key) ?? new Set()).add(row.unit_id));
  }
  const relations = unitRelationsOf(definition);

  const byHousehold = new Map<string, Application[]>();
  for (const application of applications) {
    const list = byHousehold.get(application.household_id) ?? [];
    list.push(application);
    byHousehold.set(application.household_id, list);
  }
  const ranks = new Map<string, number>();
  const full = new FullPools();
  const writer = new BookingWriter(scope, ranks, full, answers);

  for (const household of order) {
    const own = (byHousehold.get(household.householdId) ?? []).sort(
      (a, b) =>
        a.day.localeCompare(b.day) || childOrder.get(a.child_id)! - childOrder.get(b.child_id)! || unitPosition.get(a.unit_id)! - unitPosition.get(b.unit_id)!,
    );
    for (let start = 0; start < own.length; ) {
      let end = start;
      while (end < own.length && own[end]!.day === own[start]!.day) end++;
      const day = own[start]!.day;
      const candidates: Application[] = [];
      for (const application of own.slice(start, end)) {
        const bookingId = booked.get(`${application.child_id}|${application.unit_id}|${day}`);
        if (bookingId) {
          answers.set(application.id, { result: 'already', rank: null, reason: null, bookingId });
          continue;
        }
        const enrolled = !definition.activity.requires_enrollment || groups.has(application.child_id);
        const reason: RefusalReason | null = !memberOf.has(`${application.household_id}|${application.child_id}`)
          ? 'not_your_child'
          : !enrolled
            ? 'not_enrolled'
            : drawDayRefusal(definition, period, application, groups.get(application.child_id) ?? null, context);
        if (reason) answers.set(application.id, { result: 'refused', rank: null, reason, bookingId: null });
        else candidates.push(application);
      }
      // The units of each child's day must still go together (a unit withdrawn, a booking made meanwhile).
      for (const childId of new Set(candidates.map((candidate) => candidate.child_id))) {
        const units = new Set([...(bookedUnits.get(`${childId}|${day}`) ?? []), ...candidates.filter((c) => c.child_id === childId).map((c) => c.unit_id)]);
        const conflicting = unitsInConflict(relations, units);
        for (const candidate of candidates.filter((c) => c.child_id === childId && conflicting.has(c.unit_id))) {
          answers.set(candidate.id, { result: 'refused', rank: null, reason: 'unit_conflict', bookingId: null });
        }
      }
      const served = candidates.filter((candidate) => !answers.has(candidate.id));
      if (served.length > 0) await serveDay(scope, definition, day, served, groups, ranks, full, writer);
      start = end;
    }
  }
  await writer.flush();
  return answers;
}

function drawDayRefusal(
  definition: ActivityDefinition,
  period: BookingPeriod,
  application: Application,
  groupId: string | null,
  context: BookingContext,
): RefusalReason | null {
  const refusal = applicationRefusal(definition, period, application.unit_id, application.day, groupId, context);
  // The application was taken before the close; only what changed since (a closure, a group) refuses it now.
  return refusal === 'deadline_passed' ? null : refusal;
}

/**
 * The sets of pools found full on a day during this draw. takePlace left their counters locked,
 * so nobody else frees a place in them before the draw commits: the next child asking the same
 * pools that day is answered without asking the database again. Only the draw's own give-back
 * (a household that could not be served whole) frees places, and forgets what it touches.
 */
class FullPools {
  private readonly sets = new Map<string, { day: string; pools: string[] }>();

  private key(pools: string[], day: string): string {
    return `${day}|${[...pools].sort().join(',')}`;
  }

  has(pools: string[], day: string): boolean {
    return this.sets.has(this.key(pools, day));
  }

  add(pools: string[], day: string): void {
    this.sets.set(this.key(pools, day), { day, pools });
  }

  released(pools: string[], day: string): void {
    for (const [key, set] of this.sets) if (set.day === day && set.pools.some((pool) => pools.includes(pool))) this.sets.delete(key);
  }
}

/**
 * One household's applications of one day: every place is taken, or none. Every counter is
 * locked (takePlace locks even when it fails) before the ranks are given, so nobody else gives
 * ranks on these lists until the draw commits.
 */
async function serveDay(
  scope: Scope,
  definition: ActivityDefinition,
  day: string,
  served: Application[],
  groups: Map<string, string | null>,
  ranks: Map<string, number>,
  full: FullPools,
  writer: BookingWriter,
): Promise<void> {
  const taken: { application: Application; pools: string[] }[] = [];
  let all = true;
  for (const application of served) {
    const wanted = poolsFor(definition, application.unit_id, groups.get(application.child_id) ?? null);
    const pools = wanted.map((pool) => pool.id);
    if (full.has(pools, day)) all = false;
    else if (await takePlace(scope.tx, scope.tenantId, wanted, day)) taken.push({ application, pools });
    else {
      full.add(pools, day);
      all = false;
    }
  }
  if (!all) {
    for (const { pools } of taken) {
      await releasePlace(scope.tx, pools, day);
      full.released(pools, day);
    }
  }
  const heldPools = new Map(taken.map(({ application, pools }) => [application.id, pools]));
  for (const application of served) {
    const groupId = groups.get(application.child_id) ?? null;
    const rankKey = waitingListKey({ unitId: application.unit_id, day, groupId });
    let rank: number | null = null;
    if (!all) {
      rank = ranks.get(rankKey) ?? (await nextWaitlistRank(scope.tx, application.unit_id, day, groupId));
      ranks.set(rankKey, rank + 1);
    }
    await writer.add({
      application,
      rankKey,
      heldPools: all ? (heldPools.get(application.id) ?? []) : [],
      status: all ? 'reserved' : 'waitlisted',
      rank,
      groupId,
    });
  }
}

interface DrawnBooking {
  application: Application;
  status: 'reserved' | 'waitlisted';
  rank: number | null;
  groupId: string | null;
  heldPools: string[];
  rankKey: string;
}

/**
 * Writes the draw's bookings and their events a few hundred at a time, in draw order (a row per
 * booking in booking_events, as recordBookingEvent writes it). A child booked meanwhile by another
 * way keeps that booking: the place taken for it is given back, or its waiting rank closed up.
 */
class BookingWriter {
  private pending: DrawnBooking[] = [];

  constructor(
    private readonly scope: Scope,
    private readonly ranks: Map<string, number>,
    private readonly full: FullPools,
    private readonly answers: Map<string, Answer>,
  ) {}

  async add(booking: DrawnBooking): Promise<void> {
    this.pending.push(booking);
    if (this.pending.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    const { scope } = this;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const account = accountIdOf(scope.actor);
    const inserted = await scope.tx
      .insertInto('bookings')
      .values(
        batch.map(({ application, status, rank, groupId, heldPools }) => ({
          tenant_id: scope.tenantId,
          child_id: application.child_id,
          unit_id: application.unit_id,
          day: application.day,
          household_id: application.household_id,
          group_id: groupId,
          status,
          waitlist_rank: rank,
          holds_pools: heldPools,
          created_by: account,
          created_at: scope.now,
          updated_at: scope.now,
        })),
      )
      .onConflict((conflict) => conflict.columns(['child_id', 'unit_id', 'day']).where('status', 'not in', ENDED).doNothing())
      .returning(['id', 'child_id', 'unit_id', 'day'])
      .execute();
    const ids = new Map(inserted.map((row) => [`${row.child_id}|${row.unit_id}|${row.day}`, row.id]));
    const events = [];
    for (const booking of batch) {
      const { application } = booking;
      const id = ids.get(`${application.child_id}|${application.unit_id}|${application.day}`);
      if (id) {
        events.push({
          tenant_id: scope.tenantId,
          booking_id: id,
          household_id: application.household_id,
          from_status: null,
          to_status: booking.status,
          reason: 'lottery_draw',
          actor_account_id: account,
          at: scope.now,
        });
        this.answers.set(application.id, { result: booking.status, rank: booking.rank, reason: null, bookingId: id });
        continue;
      }
      if (booking.status === 'reserved') {
        await releasePlace(scope.tx, booking.heldPools, application.day);
        this.full.released(booking.heldPools, application.day);
      } else {
        await renumberWaitlist(scope.tx, application.unit_id, application.day, booking.groupId, booking.rank!);
        this.ranks.set(booking.rankKey, this.ranks.get(booking.rankKey)! - 1);
      }
      const other = await scope.tx
        .selectFrom('bookings')
        .select('id')
        .where('child_id', '=', application.child_id)
        .where('unit_id', '=', application.unit_id)
        .where('day', '=', application.day)
        .where('status', 'not in', ENDED)
        .executeTakeFirst();
      this.answers.set(application.id, { result: 'already', rank: null, reason: null, bookingId: other?.id ?? null });
    }
    if (events.length > 0) await scope.tx.insertInto('booking_events').values(events).execute();
  }
}

/** Writes each application's answer, a few hundred rows per statement. */
async function saveAnswers(scope: Scope, periodId: string, answers: Map<string, Answer>): Promise<void> {
  const entries = [...answers];
  for (let start = 0; start < entries.length; start += CHUNK) {
    const values = entries
      .slice(start, start + CHUNK)
      .map(([id, answer]) => sql`(${id}::uuid, ${answer.result}::text, ${answer.rank}::int, ${answer.reason}::text, ${answer.bookingId}::uuid)`);
    await sql`
      update lottery_applications as l
      set result = v.result, result_rank = v.rank, result_reason = v.reason, booking_id = v.booking_id
      from (values ${sql.join(values)}) as v(id, result, rank, reason, booking_id)
      where l.id = v.id`.execute(scope.tx);
  }
  // A rank closed up after a conflict moved the ranks behind it: the bookings hold the final ones.
  await sql`
    update lottery_applications as l set result_rank = b.waitlist_rank
    from bookings as b
    where l.period_id = ${periodId} and l.result = 'waitlisted' and b.id = l.booking_id and l.result_rank is distinct from b.waitlist_rank`.execute(scope.tx);
}
