import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { loadActivityDefinition, poolsFor, type ActivityDefinition } from '../activities/activity-definitions.js';
import { SYSTEM } from '../actor.js';
import { formatters } from '../../i18n/catalogue.js';
import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { FamilyNews, mailSenderOf } from '../notifications/family-news.js';
import { queueEmail } from '../notifications/outbox.js';
import { PAGES } from '../page-paths.js';
import type { Scope } from '../scope.js';
import { moveBooking } from './booking-transitions.js';
import type { BookingStatus } from './bookings.tables.js';
import { releasePlace, renumberWaitlist, takePlace } from './places.js';

/**
 * When a place frees up, the waiting list moves in rank order, as the activity says: the next
 * child gets the place at once (automatic), is offered it for a limited time (offer), or staff
 * promote by hand (manual). The family is told by email.
 */

export interface HeldBooking {
  id: string;
  household_id: string;
  status: BookingStatus;
  day: string;
  unit_id: string;
  group_id: string | null;
  holds_pools: string[];
  waitlist_rank: number | null;
}

/**
 * After a booking left its place (or its rank): give the place back and move the waiting list. The
 * list moves by the activity's rule whoever freed the place, so as the system: an activity that
 * offers places offers this one even when staff cancelled, and one the service validates asks it.
 */
export async function freePlaceOf(scope: Scope, definition: ActivityDefinition, booking: HeldBooking): Promise<void> {
  if (booking.status === 'waitlisted') {
    await renumberWaitlist(scope.tx, booking.unit_id, booking.day, booking.group_id, booking.waitlist_rank ?? 0);
    return;
  }
  if (booking.holds_pools.length === 0) return;
  await releasePlace(scope.tx, booking.holds_pools, booking.day);
  if (definition.activity.waitlist_mode !== 'manual') await promoteNext({ ...scope, actor: SYSTEM }, definition, booking.holds_pools, booking.day);
}

/** One waiting list of a day: a unit's, for one group or for children without a group. */
interface WaitingList {
  unitId: string;
  groupId: string | null;
}

/**
 * The first waiting booking, in rank order, that the freed pools could now take: one of their units,
 * and of their group when a pool counts one group's places (another group's list waits for its own
 * group's places, and must not stand in front of this one); none of the lists `passed`.
 */
async function nextWaiting(scope: Scope, definition: ActivityDefinition, poolIds: string[], day: string, passed: WaitingList[]) {
  const freed = definition.pools.filter((pool) => poolIds.includes(pool.id) && pool.unit_ids.length > 0);
  if (freed.length === 0) return undefined;
  return scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'status', 'day', 'unit_id', 'group_id', 'holds_pools', 'waitlist_rank', 'child_id'])
    .where((eb) =>
      eb.or(freed.map((pool) => eb.and([eb('unit_id', 'in', pool.unit_ids), ...(pool.group_id === null ? [] : [eb('group_id', '=', pool.group_id)])]))),
    )
    .where((eb) =>
      eb.and(
        passed.map((list) =>
          eb.not(eb.and([eb('unit_id', '=', list.unitId), list.groupId === null ? eb('group_id', 'is', null) : eb('group_id', '=', list.groupId)])),
        ),
      ),
    )
    .where('day', '=', day)
    .where('status', '=', 'waitlisted')
    .orderBy('waitlist_rank')
    .orderBy('created_at')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Gives freed places to the next waiting bookings while places remain. A list whose first child
 * also needs a place that is full (a unit counted in another pool too) is passed over for this
 * day, as all its children need the same places: the freed place goes to the next list that can
 * take it rather than staying empty while children wait.
 */
export async function promoteNext(scope: Scope, definition: ActivityDefinition, poolIds: string[], day: string): Promise<void> {
  const passed: WaitingList[] = [];
  for (;;) {
    const next = await nextWaiting(scope, definition, poolIds, day, passed);
    if (!next) return;
    const pools = poolsFor(definition, next.unit_id, next.group_id);
    if (await takePlace(scope.tx, scope.tenantId, pools, day))
      await promote(
        scope,
        definition,
        next,
        pools.map((pool) => pool.id),
      );
    else passed.push({ unitId: next.unit_id, groupId: next.group_id });
  }
}

/** Moves one waiting booking onto the place it now holds (also used by staff, by hand). */
export async function promote(scope: Scope, definition: ActivityDefinition, booking: HeldBooking, heldPools: string[]): Promise<void> {
  const mode = definition.activity.waitlist_mode;
  const offered = mode === 'offer' && scope.actor.kind !== 'staff';
  const to: BookingStatus = offered ? 'offered' : definition.activity.validation_mode === 'manual' && scope.actor.kind !== 'staff' ? 'requested' : 'reserved';
  const offerExpiresAt = offered ? new Date(scope.now.getTime() + definition.activity.offer_hours * 3_600_000) : null;
  await moveBooking(scope, booking, to, { holdsPools: heldPools, offerExpiresAt, reason: null });
  await renumberWaitlist(scope.tx, booking.unit_id, booking.day, booking.group_id, booking.waitlist_rank ?? 0);
  await tellFamily(scope, booking, offered ? 'offered' : 'promoted', offerExpiresAt);
}

/** A choice put on a waiting list, in the words of its email. */
export interface WaitlistPlacement {
  householdId: string;
  childId: string;
  day: string;
  activityName: string;
  unitName: string;
  rank: number;
}

/**
 * The families whose choices went on a waiting list are told, one email per household for the
 * whole form: the day, the unit and the rank, and that they will hear of a place freed.
 */
export async function tellWaitlisted(scope: Scope, placements: WaitlistPlacement[]): Promise<void> {
  if (placements.length === 0) return;
  const children = await scope.tx
    .selectFrom('persons')
    .select(['id', 'first_name'])
    .where('id', 'in', [...new Set(placements.map((placement) => placement.childId))])
    .execute();
  const names = new Map(children.map((child) => [child.id, child.first_name]));
  const news = new FamilyNews({ subject: 'mail.waitlist.many.subject', body: 'mail.waitlist.many.body', link: PAGES.planning });
  for (const placement of placements) {
    news.add(placement.householdId, {
      line: 'mail.waitlist.placed.line',
      params: {
        child: names.get(placement.childId) ?? '',
        date: formatCalendarDate(placement.day),
        activity: placement.activityName,
        unit: placement.unitName,
        rank: placement.rank,
      },
      alone: {
        subject: 'mail.waitlist.placed.subject',
        body: 'mail.waitlist.placed.body',
        link: `${PAGES.planning}?enfant=${placement.childId}&mois=${placement.day.slice(0, 7)}`,
      },
    });
  }
  await news.send(scope, await mailSenderOf(scope));
}

/** What the family of a waiting booking is told by email: a place given, offered, or an offer gone. */
type WaitlistNews = 'promoted' | 'offered' | 'offerExpired';

/** Each piece of news: its email, and the page it links to (the planning, where an offer is confirmed). */
const NEWS_MAIL = {
  promoted: { subject: 'mail.waitlist.promoted.subject', body: 'mail.waitlist.promoted.body', page: PAGES.planning },
  offered: { subject: 'mail.waitlist.offered.subject', body: 'mail.waitlist.offered.body', page: PAGES.planning },
  offerExpired: { subject: 'mail.waitlist.offerExpired.subject', body: 'mail.waitlist.offerExpired.body', page: PAGES.bookings },
} as const;

async function tellFamily(scope: Scope, booking: HeldBooking, news: WaitlistNews, offerExpiresAt: Date | null): Promise<void> {
  const details = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.child_id', 'p.first_name', 'u.name as unit_name', 'a.name as activity_name'])
    .where('b.id', '=', booking.id)
    .executeTakeFirstOrThrow();
  const tenant = await scope.tx.selectFrom('tenants').select(['name', 'time_zone']).where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const accounts = await scope.tx
    .selectFrom('accounts')
    .select(['email', 'display_name', 'locale'])
    .where('household_id', '=', booking.household_id)
    .where('status', '=', 'active')
    .execute();
  const { subject, body, page } = NEWS_MAIL[news];
  // The planning opens on the child and the month of the day, where an offered place is confirmed.
  const path = page === PAGES.planning ? `${page}?enfant=${details.child_id}&mois=${booking.day.slice(0, 7)}` : page;
  for (const account of accounts) {
    const mail = mailIn({ tenantName: tenant.name, baseUrl: scope.publicBase ?? '' }, account.locale);
    const params = {
      child: details.first_name,
      unit: details.unit_name,
      activity: details.activity_name,
      date: formatCalendarDate(booking.day),
      until: offerExpiresAt ? formatters(account.locale, tenant.time_zone).dateTime(offerExpiresAt) : '',
      link: `${mail.baseUrl}${path}`,
    };
    await queueEmail(scope, composeEmail(mail, { address: account.email, name: account.display_name }, subject, body, params));
  }
}

/**
 * After staff gave a pool more places (on a date, or from today on), the waiting lists move into
 * them as when a booking is cancelled, on the days from `from` to `to` (open-ended when left out)
 * where the pool has a free place and someone waits. The move is the activity's rule, not a hand
 * promotion by the staff member who changed the number: it runs as the system, so an activity that
 * offers places offers them, and one the service validates asks it.
 */
export async function fillFreePlaces(scope: Scope, activityId: string, poolId: string, from: string, to?: string): Promise<void> {
  const definition = await loadActivityDefinition(scope.tx, activityId);
  if (!definition || definition.activity.waitlist_mode === 'manual') return;
  const pool = definition.pools.find((candidate) => candidate.id === poolId);
  if (!pool || pool.unit_ids.length === 0) return;
  let days = scope.tx
    .selectFrom('capacity_days as d')
    .select('d.day')
    .where('d.pool_id', '=', poolId)
    .where('d.day', '>=', from)
    .whereRef('d.taken', '<', 'd.places')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('bookings as b')
          .select('b.id')
          .whereRef('b.day', '=', 'd.day')
          .where('b.unit_id', 'in', pool.unit_ids)
          .where('b.status', '=', 'waitlisted'),
      ),
    )
    .orderBy('d.day');
  if (to !== undefined) days = days.where('d.day', '<=', to);
  const system: Scope = { ...scope, actor: SYSTEM };
  for (const { day } of await days.execute()) await promoteNext(system, definition, [poolId], day);
}

/**
 * Offers not taken in time go back to the list's next child (run every minute by the offer-expiry
 * job, offer-expiry.ts). Safe when two runs overlap: each offer is locked by the run that takes it,
 * the other run skips it, and the move to 'cancelled' is guarded, so its place is passed on once.
 */
export async function expireOffers(scope: Scope, loadDefinition: (activityId: string) => Promise<ActivityDefinition | null>): Promise<number> {
  const overdue = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.status', '=', 'offered')
    .where('b.offer_expires_at', '<=', scope.now)
    .orderBy('b.id')
    .forUpdate(['b'])
    .skipLocked()
    .execute();
  let expired = 0;
  for (const booking of overdue) {
    const definition = await loadDefinition(booking.activity_id);
    if (!definition) continue;
    if (!(await moveBooking(scope, booking, 'cancelled', { reason: 'offer_expired' }))) continue;
    await tellFamily(scope, booking, 'offerExpired', null);
    await freePlaceOf(scope, definition, booking);
    expired += 1;
  }
  return expired;
}
