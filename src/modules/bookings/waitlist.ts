import { formatCalendarDate } from '../calendar/calendar-dates.js';
import { poolsFor, type ActivityDefinition } from '../activities/activity-definitions.js';
import { formatters } from '../../i18n/catalogue.js';
import { composeEmail, mailIn } from '../notifications/compose-email.js';
import { queueEmail } from '../notifications/outbox.js';
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

/** After a booking left its place (or its rank): give the place back and move the waiting list. */
export async function freePlaceOf(scope: Scope, definition: ActivityDefinition, booking: HeldBooking): Promise<void> {
  if (booking.status === 'waitlisted') {
    await renumberWaitlist(scope.tx, booking.unit_id, booking.day, booking.group_id, booking.waitlist_rank ?? 0);
    return;
  }
  if (booking.holds_pools.length === 0) return;
  await releasePlace(scope.tx, booking.holds_pools, booking.day);
  if (definition.activity.waitlist_mode !== 'manual') await promoteNext(scope, definition, booking.holds_pools, booking.day);
}

/** The first waiting booking, in rank order, that the freed pools could now take. */
async function nextWaiting(scope: Scope, definition: ActivityDefinition, poolIds: string[], day: string) {
  const unitIds = definition.pools.filter((pool) => poolIds.includes(pool.id)).flatMap((pool) => pool.unit_ids);
  if (unitIds.length === 0) return undefined;
  return scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'status', 'day', 'unit_id', 'group_id', 'holds_pools', 'waitlist_rank', 'child_id'])
    .where('unit_id', 'in', unitIds)
    .where('day', '=', day)
    .where('status', '=', 'waitlisted')
    .orderBy('waitlist_rank')
    .orderBy('created_at')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Gives freed places to the next waiting bookings while places remain. */
export async function promoteNext(scope: Scope, definition: ActivityDefinition, poolIds: string[], day: string): Promise<void> {
  for (;;) {
    const next = await nextWaiting(scope, definition, poolIds, day);
    if (!next) return;
    const pools = poolsFor(definition, next.unit_id, next.group_id);
    if (!(await takePlace(scope.tx, scope.tenantId, pools, day))) return;
    await promote(scope, definition, next, pools.map((pool) => pool.id));
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
  await tellPromotion(scope, booking, to, offerExpiresAt);
}

async function tellPromotion(scope: Scope, booking: HeldBooking, status: BookingStatus, offerExpiresAt: Date | null): Promise<void> {
  const details = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['p.first_name', 'u.name as unit_name', 'a.name as activity_name'])
    .where('b.id', '=', booking.id)
    .executeTakeFirstOrThrow();
  const tenant = await scope.tx.selectFrom('tenants').select(['name', 'time_zone']).where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const accounts = await scope.tx
    .selectFrom('accounts')
    .select(['email', 'display_name', 'locale'])
    .where('household_id', '=', booking.household_id)
    .where('status', '=', 'active')
    .execute();
  for (const account of accounts) {
    const mail = mailIn({ tenantName: tenant.name, baseUrl: '' }, account.locale);
    const params = {
      child: details.first_name, unit: details.unit_name, activity: details.activity_name,
      date: formatCalendarDate(booking.day),
      until: offerExpiresAt ? formatters(account.locale, tenant.time_zone).dateTime(offerExpiresAt) : '',
    };
    const [subject, body] = status === 'offered'
      ? (['mail.waitlist.offered.subject', 'mail.waitlist.offered.body'] as const)
      : (['mail.waitlist.promoted.subject', 'mail.waitlist.promoted.body'] as const);
    await queueEmail(scope, composeEmail(mail, { address: account.email, name: account.display_name }, subject, body, params));
  }
}

/** Offers not taken in time go back to the list's next child (run by a job, and before reading). */
export async function expireOffers(scope: Scope, loadDefinition: (activityId: string) => Promise<ActivityDefinition | null>): Promise<number> {
  const expired = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'b.unit_id', 'b.group_id', 'b.holds_pools', 'b.waitlist_rank', 'u.activity_id'])
    .where('b.status', '=', 'offered')
    .where('b.offer_expires_at', '<=', scope.now)
    .forUpdate(['b'])
    .execute();
  for (const booking of expired) {
    const definition = await loadDefinition(booking.activity_id);
    if (!definition) continue;
    await moveBooking(scope, booking, 'cancelled', { reason: 'offer_expired' });
    await freePlaceOf(scope, definition, booking);
  }
  return expired.length;
}

