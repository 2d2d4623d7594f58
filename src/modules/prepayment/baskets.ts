import { may } from '../access.js';
import { SYSTEM } from '../actor.js';
import { issuePrepaidInvoice, priceDays, type PrepaidDay } from '../billing/prepaid-invoices.js';
import type { BookingContext } from '../bookings/booking-requests.js';
import { bookExpiredDays, bookHeldDays, closeBasket, freezeBasket, heldDaysOf, lockBasket, type LateBooking } from '../bookings/baskets.js';
import { cancelBooking } from '../bookings/cancellations.js';
import { availableCredits, lockAccount, useCredit } from '../ledger/allocation.js';
import type { Scope } from '../scope.js';
import { tellLatePayment } from './late-payment-notice.js';

/**
 * The prepayment basket (issue #13, seed 004), for the activities a régie collects at booking: the
 * days a family books wait in a basket with their prices (from the tariffs), holding their places
 * (bookings/baskets.ts); the household's credit pays first, the rest is paid online (online-payment,
 * which calls `prepareBasketPayment` before leaving for the provider and `settleBasket` once the
 * provider's word is verified). A basket whose credit covers all is confirmed at once.
 */

/** Online payment takes no less than a euro (PayFiP's floor): a smaller rest is paid as a euro, the difference kept as credit. */
export const MIN_ONLINE_CENTS = 100;

export interface BasketLine {
  bookingId: string;
  childName: string;
  day: string;
  unitName: string;
  activityName: string;
  priceCents: number;
  noTariff: boolean;
}

export interface BasketView {
  id: string;
  regieId: string;
  regieName: string;
  expiresAt: Date;
  frozen: boolean;
  lines: BasketLine[];
  totalCents: number;
  creditCents: number;
  /** What is left to pay once the credit is used; paid online as at least MIN_ONLINE_CENTS. */
  restCents: number;
}

/** The household's open baskets with their days, priced, the credit they would use and the rest to pay; empty baskets left out. */
export async function openBaskets(scope: Scope, householdId: string): Promise<BasketView[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const baskets = await scope.tx
    .selectFrom('baskets as k')
    .innerJoin('regies as r', 'r.id', 'k.regie_id')
    .select(['k.id', 'k.regie_id', 'r.name as regie_name', 'k.expires_at', 'k.frozen_at'])
    .where('k.household_id', '=', householdId)
    .where('k.state', '=', 'open')
    .orderBy('k.created_at')
    .execute();
  const views: BasketView[] = [];
  const creditOf = new Map<string, number>();
  for (const basket of baskets) {
    const lines = await pricedLines(scope, householdId, basket.regie_id, basket.id);
    if (lines.length === 0) continue;
    if (!creditOf.has(basket.regie_id)) creditOf.set(basket.regie_id, await creditCents(scope, householdId, basket.regie_id));
    const totalCents = lines.reduce((sum, line) => sum + line.priceCents, 0);
    // Two baskets of a régie (one being paid, one filled meanwhile) share the credit: the first uses it first.
    const creditCentsUsed = Math.min(totalCents, creditOf.get(basket.regie_id)!);
    creditOf.set(basket.regie_id, creditOf.get(basket.regie_id)! - creditCentsUsed);
    views.push({
      id: basket.id,
      regieId: basket.regie_id,
      regieName: basket.regie_name,
      expiresAt: basket.expires_at,
      frozen: basket.frozen_at !== null,
      lines,
      totalCents,
      creditCents: creditCentsUsed,
      restCents: totalCents - creditCentsUsed,
    });
  }
  return views;
}

async function creditCents(scope: Scope, householdId: string, regieId: string): Promise<number> {
  return (await availableCredits(scope, householdId, regieId)).reduce((sum, credit) => sum + credit.leftCents, 0);
}

/**
 * A basket's held days with their prices: the prices fixed when its payment started, if it did
 * (basket_lines), otherwise from the tariffs now.
 */
async function pricedLines(scope: Scope, householdId: string, regieId: string, basketId: string): Promise<BasketLine[]> {
  const days = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .leftJoin('basket_lines as l', 'l.booking_id', 'b.id')
    .select(['b.id', 'b.child_id', 'b.unit_id', 'b.day', 'u.name as unit_name', 'a.name as activity_name', 'p.first_name', 'l.care_cents', 'l.meal_cents'])
    .where('b.basket_id', '=', basketId)
    .where('b.status', '=', 'awaiting_payment')
    .orderBy('b.day')
    .orderBy('p.birth_date')
    .orderBy('u.position')
    .execute();
  const prices = await priceDays(
    scope,
    householdId,
    regieId,
    days.filter((day) => day.care_cents === null).map((day) => ({ bookingId: day.id, childId: day.child_id, unitId: day.unit_id, day: day.day })),
  );
  return days.map((day) => {
    const price = day.care_cents === null ? prices.get(day.id)! : { care: day.care_cents, meal: day.meal_cents!, noTariff: false };
    return {
      bookingId: day.id,
      childName: day.first_name,
      day: day.day,
      unitName: day.unit_name,
      activityName: day.activity_name,
      priceCents: price.care + price.meal,
      noTariff: price.noTariff,
    };
  });
}

export type RemoveOutcome = 'removed' | 'frozen' | 'not_found';

/**
 * Takes a held day out of the family's basket: cancelled without charge whatever the cancellation
 * deadline (nothing was paid), its place freed for the waiting list, with the units of the day that
 * need it (bookings/cancellations.ts). Refused while the basket's payment is under way.
 */
export async function removeFromBasket(scope: Scope, context: BookingContext, householdId: string, bookingId: string): Promise<RemoveOutcome> {
  if (!may(scope, 'household.act', householdId)) return 'not_found';
  const held = await scope.tx
    .selectFrom('bookings')
    .select(['basket_id', 'status'])
    .where('id', '=', bookingId)
    .where('household_id', '=', householdId)
    .executeTakeFirst();
  if (!held?.basket_id || held.status !== 'awaiting_payment') return 'not_found';
  const basket = await lockBasket(scope, held.basket_id);
  if (basket?.state !== 'open') return 'not_found';
  if (basket.frozen_at) return 'frozen';
  const outcome = await cancelBooking(scope, context, { householdId, bookingId });
  if (outcome.kind !== 'cancelled') return outcome.kind === 'not_found' ? 'not_found' : 'frozen';
  if ((await heldDaysOf(scope, basket.id)).length === 0) await closeBasket(scope, basket.id, 'cancelled');
  return 'removed';
}

export type PrepareOutcome =
  | { kind: 'to_pay'; basketId: string; regieId: string; amountCents: number; label: string }
  | { kind: 'confirmed'; invoiceId: string }
  | { kind: 'gone' }
  | { kind: 'changed' };

/**
 * Before a basket's payment: its days priced and their prices fixed (basket_lines), the credit
 * counted, and the basket frozen (its days no longer change) — in the transaction that writes the
 * payment attempt. A basket the credit pays whole is confirmed at once instead. `expectedCents`
 * is the rest the family saw: a basket changed since is shown again rather than paid.
 */
export async function prepareBasketPayment(scope: Scope, householdId: string, basketId: string, expectedCents?: number): Promise<PrepareOutcome> {
  if (!may(scope, 'household.act', householdId)) return { kind: 'gone' };
  const owner = await scope.tx.selectFrom('baskets').select('regie_id').where('id', '=', basketId).where('household_id', '=', householdId).executeTakeFirst();
  if (!owner) return { kind: 'gone' };
  await lockAccount(scope, householdId, owner.regie_id);
  const basket = await lockBasket(scope, basketId);
  if (basket?.state !== 'open' || basket.expires_at <= scope.now) return { kind: 'gone' };
  const held = await heldDaysOf(scope, basket.id);
  if (held.length === 0) return { kind: 'gone' };
  // A payment already under way fixed the prices: paying again (the family left the provider's page
  // without an answer) asks the same; what may be paid twice stays as a credit.
  const fixed = basket.frozen_at
    ? new Map(
        (await scope.tx.selectFrom('basket_lines').select(['booking_id', 'care_cents', 'meal_cents']).where('basket_id', '=', basket.id).execute()).map(
          (row) => [row.booking_id, { care: row.care_cents, meal: row.meal_cents, noTariff: false }],
        ),
      )
    : null;
  const prices =
    fixed ??
    (await priceDays(
      scope,
      householdId,
      basket.regie_id,
      held.map((day) => ({ bookingId: day.id, childId: day.child_id, unitId: day.unit_id, day: day.day })),
    ));
  const total = held.reduce((sum, day) => sum + (prices.get(day.id)?.care ?? 0) + (prices.get(day.id)?.meal ?? 0), 0);
  const rest = Math.max(0, total - (await creditCents(scope, householdId, basket.regie_id)));
  if (expectedCents !== undefined && expectedCents !== rest) return { kind: 'changed' };
  if (!fixed) {
    await scope.tx.deleteFrom('basket_lines').where('basket_id', '=', basket.id).execute();
    await scope.tx
      .insertInto('basket_lines')
      .values(
        held.map((day) => ({
          booking_id: day.id,
          tenant_id: scope.tenantId,
          basket_id: basket.id,
          care_cents: prices.get(day.id)!.care,
          meal_cents: prices.get(day.id)!.meal,
        })),
      )
      .execute();
  }
  if (rest === 0) {
    const settled = await settleBasket(scope, basket.id);
    await useCredit(scope, householdId, basket.regie_id);
    return { kind: 'confirmed', invoiceId: settled.invoiceId! };
  }
  await freezeBasket(scope, basket.id, true);
  return { kind: 'to_pay', basketId: basket.id, regieId: basket.regie_id, amountCents: Math.max(rest, MIN_ONLINE_CENTS), label: 'Reservations prepayees' };
}

/** A payment of the basket failed (refused, abandoned, expired): its days may change again until it expires. */
export async function thawBasket(scope: Scope, basketId: string): Promise<void> {
  await freezeBasket(scope, basketId, false);
}

export interface BasketSettlement {
  /** The prepaid invoice of the days booked, null when none was (a basket paid twice, or nothing left). */
  invoiceId: string | null;
  totalCents: number;
  /** Set when the basket had expired: what was booked again and what was lost. */
  late: LateBooking[] | null;
}

/**
 * The basket is paid (a verified payment, or the credit): under its lock, its held days are booked
 * and invoiced as prepaid, once. A basket that expired meanwhile gets back the days whose places
 * are still free (bookExpiredDays); one already paid gets nothing (the money stays as a credit).
 * The caller holds the account's lock, then records the payment against the invoice.
 */
export async function settleBasket(scope: Scope, basketId: string): Promise<BasketSettlement> {
  const basket = await lockBasket(scope, basketId);
  if (!basket) return { invoiceId: null, totalCents: 0, late: null };
  const fixed = new Map(
    (await scope.tx.selectFrom('basket_lines').select(['booking_id', 'care_cents', 'meal_cents']).where('basket_id', '=', basketId).execute()).map((row) => [
      row.booking_id,
      row,
    ]),
  );
  const bookings = async (ids: string[]) =>
    ids.length === 0 ? [] : scope.tx.selectFrom('bookings').select(['id', 'child_id', 'unit_id', 'day']).where('id', 'in', ids).execute();
  let days: PrepaidDay[] = [];
  let late: LateBooking[] | null = null;
  if (basket.state === 'open') {
    const booked = await bookings(await bookHeldDays(scope, basketId));
    days = await withPrices(scope, basket, booked, fixed);
    await closeBasket(scope, basketId, 'paid');
  } else if (basket.state === 'expired') {
    late = await bookExpiredDays(scope, basketId);
    const priceOf = new Map(late.flatMap((row) => (row.bookedId && fixed.has(row.expiredId) ? [[row.bookedId, fixed.get(row.expiredId)!]] : [])));
    days = await withPrices(scope, basket, await bookings(late.flatMap((row) => (row.bookedId ? [row.bookedId] : []))), priceOf);
  }
  if (days.length === 0) return { invoiceId: null, totalCents: 0, late };
  const invoice = await issuePrepaidInvoice(scope, { householdId: basket.household_id, regieId: basket.regie_id, basketId, days });
  if (basket.state === 'open') await scope.tx.updateTable('baskets').set({ invoice_id: invoice.invoiceId }).where('id', '=', basketId).execute();
  return { invoiceId: invoice.invoiceId, totalCents: invoice.totalCents, late };
}

async function withPrices(
  scope: Scope,
  basket: { household_id: string; regie_id: string },
  booked: { id: string; child_id: string; unit_id: string; day: string }[],
  fixed: Map<string, { care_cents: number; meal_cents: number }>,
): Promise<PrepaidDay[]> {
  const unpriced = booked.filter((row) => !fixed.has(row.id));
  const prices = await priceDays(
    scope,
    basket.household_id,
    basket.regie_id,
    unpriced.map((row) => ({ bookingId: row.id, childId: row.child_id, unitId: row.unit_id, day: row.day })),
  );
  return booked.map((row) => {
    const line = fixed.get(row.id);
    const price = line ? { care: line.care_cents, meal: line.meal_cents } : prices.get(row.id)!;
    return { bookingId: row.id, childId: row.child_id, unitId: row.unit_id, day: row.day, care: price.care, meal: price.meal };
  });
}

/** After a late payment was entered: the family is told what was booked, what was not, and the credit left. */
export async function tellLateBasketPayment(
  scope: Scope,
  input: { householdId: string; regieId: string; accountId: string | null; amountCents: number; late: LateBooking[]; publicBase: string },
): Promise<void> {
  const creditLeft = await creditCents({ ...scope, actor: SYSTEM }, input.householdId, input.regieId);
  await tellLatePayment(scope, { ...input, creditCents: creditLeft });
}

export type { LateBooking };
