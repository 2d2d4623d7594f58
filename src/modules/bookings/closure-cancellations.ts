import { sql } from 'kysely';
import type { MessageKey } from '../../i18n/catalogue.js';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { formatCalendarDate } from '../calendar/calendar-dates.js';
import type { SaveResult } from '../calendar/calendar-forms.js';
import { addClosure, checkClosure, getClosure, updateClosure, type ClosureField, type ClosureForm, type ClosureValue } from '../calendar/closures.js';
import { FamilyNews, mailSenderOf } from '../notifications/family-news.js';
import { PAGES } from '../page-paths.js';
import type { Scope } from '../scope.js';
import { CLOSURE_CANCELS, type BookingStatus } from './booking-states.js';

/**
 * A closure that meets existing bookings (a strike, works, a flood): staff first see what it
 * affects, then, once they confirm, the closure is saved and in the same transaction every
 * booking, request and waiting-list entry of its days is cancelled with the reason 'closure'
 * (never billed: billing/billable.ts bills no cancelled day), its place given back without
 * promoting anyone (the day is closed for all), and each household told by one email listing its
 * children's days.
 */

/** The reason a booking cancelled by a closure carries (the family sees "Fermé", not its own cancellation). */
export const CLOSURE_REASON = 'closure';

export function isClosureCancellation(booking: { status: BookingStatus; reason: string | null }): boolean {
  return booking.status === 'cancelled' && booking.reason === CLOSURE_REASON;
}

/** What a closure cancels on one day of one activity. */
export interface ClosureImpactRow {
  day: string;
  activityName: string;
  /** Bookings and booking requests (holding a place or asking for one). */
  bookings: number;
  households: number;
  /** Waiting-list entries. */
  waiting: number;
}

export interface ClosureImpact {
  rows: ClosureImpactRow[];
  bookings: number;
  waiting: number;
  households: number;
}

/** The bookings a closure reaches: not yet attended, on its days, of the activities it closes. */
function reached(scope: Scope, closure: Omit<ClosureValue, 'reason'>) {
  return scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .where('b.status', 'in', CLOSURE_CANCELS)
    .where('b.day', '>=', closure.firstDay)
    .where('b.day', '<=', closure.lastDay)
    .$if(closure.siteId !== null, (query) => query.where('a.site_id', '=', closure.siteId!))
    .$if(closure.activityId !== null, (query) => query.where('a.id', '=', closure.activityId!));
}

async function impactOf(scope: Scope, closure: ClosureValue): Promise<ClosureImpact> {
  const rows = await reached(scope, closure)
    .select([
      'b.day',
      'a.name as activityName',
      sql<number>`count(*) filter (where b.status <> 'waitlisted')::int`.as('bookings'),
      sql<number>`count(distinct b.household_id) filter (where b.status <> 'waitlisted')::int`.as('households'),
      sql<number>`count(*) filter (where b.status = 'waitlisted')::int`.as('waiting'),
    ])
    .groupBy(['b.day', 'a.id', 'a.name'])
    .orderBy('b.day')
    .orderBy('a.name')
    .execute();
  const households = await reached(scope, closure).select(sql<number>`count(distinct b.household_id)::int`.as('n')).executeTakeFirstOrThrow();
  return {
    rows,
    bookings: rows.reduce((sum, row) => sum + row.bookings, 0),
    waiting: rows.reduce((sum, row) => sum + row.waiting, 0),
    households: households.n,
  };
}

export type ClosurePreview =
  | { kind: 'impact'; closure: ClosureValue; impact: ClosureImpact }
  /** Nothing to confirm: the form has errors, the actor may not change it, or no booking is reached. */
  | { kind: 'nothing' };

/** What the closure as typed would cancel, before anything is saved. */
export async function previewClosure(scope: Scope, form: ClosureForm): Promise<ClosurePreview> {
  const checked = await checkClosure(scope, form);
  if (!checked.ok) return { kind: 'nothing' };
  const impact = await impactOf(scope, checked.value);
  return impact.bookings + impact.waiting === 0 ? { kind: 'nothing' } : { kind: 'impact', closure: checked.value, impact };
}

/** Adds a closure (`closureId` null) or changes one, and cancels what it reaches, in the caller's transaction. */
export async function saveClosure(scope: Scope, closureId: string | null, form: ClosureForm): Promise<SaveResult<ClosureField>> {
  const saved = closureId ? await updateClosure(scope, closureId, form) : await addClosure(scope, form);
  if (saved.kind === 'saved') await cancelForClosure(scope, saved.id);
  return saved;
}

/** How each state cancelled is told to the family. */
const LINES: Record<(typeof CLOSURE_CANCELS)[number], MessageKey> = {
  requested: 'mail.closure.line.requested',
  reserved: 'mail.closure.line.booked',
  offered: 'mail.closure.line.booked',
  cancel_requested: 'mail.closure.line.booked',
  awaiting_payment: 'mail.closure.line.booked',
  waitlisted: 'mail.closure.line.waiting',
};

/** Cancels every booking the closure reaches: states, events, places, audit, one email per household. */
async function cancelForClosure(scope: Scope, closureId: string): Promise<void> {
  if (!may(scope, 'service.manage')) return;
  const closure = (await getClosure(scope, closureId))!;
  const hit = await reached(scope, closure)
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'b.holds_pools', 'p.first_name', 'u.name as unit_name', 'a.name as activity_name'])
    .orderBy('b.household_id')
    .orderBy('b.day')
    .orderBy('p.first_name')
    .orderBy('u.position')
    .forUpdate(['b'])
    .execute();
  if (hit.length === 0) return;
  const ids = hit.map((booking) => booking.id);
  for (let start = 0; start < ids.length; start += 1000) {
    await scope.tx
      .updateTable('bookings')
      .set({ status: 'cancelled', reason: CLOSURE_REASON, holds_pools: [], waitlist_rank: null, offer_expires_at: null, updated_at: scope.now })
      .where('id', 'in', ids.slice(start, start + 1000))
      .execute();
  }
  const actor = accountIdOf(scope.actor);
  for (let start = 0; start < hit.length; start += 1000) {
    await scope.tx
      .insertInto('booking_events')
      .values(
        hit.slice(start, start + 1000).map((booking) => ({
          tenant_id: scope.tenantId,
          booking_id: booking.id,
          household_id: booking.household_id,
          from_status: booking.status,
          to_status: 'cancelled' as BookingStatus,
          reason: CLOSURE_REASON,
          actor_account_id: actor,
          at: scope.now,
        })),
      )
      .execute();
  }
  await givePlacesBack(scope, hit);
  await recordAudit(scope, {
    action: 'closure.bookings_cancelled',
    objectType: 'closure',
    objectId: closureId,
    details: { firstDay: closure.firstDay, lastDay: closure.lastDay, reason: closure.reason, count: hit.length, bookingIds: ids },
  });
  const news = new FamilyNews({ subject: 'mail.closure.subject', body: 'mail.closure.body', link: PAGES.planning, params: { reason: closure.reason } });
  for (const booking of hit) {
    news.add(booking.household_id, {
      line: LINES[booking.status as (typeof CLOSURE_CANCELS)[number]],
      params: { child: booking.first_name, date: formatCalendarDate(booking.day), activity: booking.activity_name, unit: booking.unit_name },
    });
  }
  await news.send(scope, await mailSenderOf(scope));
}

/** The places the cancelled bookings held go back to their day counters, in one statement. */
async function givePlacesBack(scope: Scope, bookings: { day: string; holds_pools: string[] }[]): Promise<void> {
  const freed = new Map<string, number>();
  for (const booking of bookings) for (const pool of booking.holds_pools) freed.set(`${pool}|${booking.day}`, (freed.get(`${pool}|${booking.day}`) ?? 0) + 1);
  if (freed.size === 0) return;
  const values = [...freed].map(([key, count]) => {
    const [poolId, day] = key.split('|');
    return sql`(${poolId}::uuid, ${day}::date, ${count}::int)`;
  });
  await sql`
    update capacity_days c set taken = greatest(c.taken - v.n, 0)
    from (values ${sql.join(values)}) as v(pool_id, day, n)
    where c.pool_id = v.pool_id and c.day = v.day`.execute(scope.tx);
}
