import { sql } from 'kysely';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { ENDED } from '../bookings/booking-states.js';
import { tenantToday } from '../calendar/local-date.js';
import { recordEntries } from '../ledger/ledger.js';
import { documentNumber, takeNumbers } from '../ledger/numbering.js';
import type { Scope } from '../scope.js';
import { payersOf, tenantBillingSettings } from './invoice-runs.js';
import { unitPrice } from './pricing.js';
import { quotientHistories, quotientOn } from './quotients.js';
import { tariffOn, tariffsOf } from './tariffs.js';
import { personFullName } from '../person-name.js';

/**
 * Days paid at booking (the prepayment basket): priced by the same tariffs and rules as the monthly
 * run (quotient familial, sibling rank, residence, care and meal), and billed once, when paid, on
 * an invoice of their own whose days are billed units of kind 'prepaid' — so that no run bills
 * them again (invoice-runs.ts skips billed days, and reverses a prepaid day only when it is
 * cancelled in time or excused: the family then gets its price back as a credit).
 */

export interface DayToPrice {
  bookingId: string;
  childId: string;
  unitId: string;
  day: string;
}

export interface DayPrice {
  care: number;
  meal: number;
  /** No tariff covers the unit that day: priced nothing (staff see the day on the prepaid invoice at 0). */
  noTariff: boolean;
}

/** Each day's price for the household, in cents. */
export async function priceDays(scope: Scope, householdId: string, regieId: string, days: DayToPrice[]): Promise<Map<string, DayPrice>> {
  const prices = new Map<string, DayPrice>();
  if (days.length === 0) return prices;
  const settings = await tenantBillingSettings(scope);
  const household = await scope.tx.selectFrom('households').select('postcode').where('id', '=', householdId).executeTakeFirstOrThrow();
  const resident = settings.residentPostcodes.length === 0 || (household.postcode !== null && settings.residentPostcodes.includes(household.postcode));
  const history = (await quotientHistories(scope, [householdId])).get(householdId);
  const tariffs = await tariffsOf(scope, [...new Set(days.map((day) => day.unitId))]);
  const ranks = await siblingRanks(scope, householdId, regieId, days);
  for (const day of days) {
    const tariff = tariffOn(tariffs, day.unitId, day.day);
    if (!tariff) {
      prices.set(day.bookingId, { care: 0, meal: 0, noTariff: true });
      continue;
    }
    const qf = quotientOn(history, day.day, settings.qfValidityMonths);
    const price = unitPrice(tariff, { qf, rank: ranks.get(`${day.day}|${day.childId}`) ?? 1, resident });
    prices.set(day.bookingId, { care: price.care, meal: price.meal, noTariff: false });
  }
  return prices;
}

/** Each child's rank, eldest first, among the household's children booked (or held) each day at the régie — as the run counts them. */
async function siblingRanks(scope: Scope, householdId: string, regieId: string, days: DayToPrice[]): Promise<Map<string, number>> {
  const dates = [...new Set(days.map((day) => day.day))];
  const booked = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .select(['b.day', 'b.child_id', 'p.birth_date', 'p.first_name'])
    .distinct()
    .where('b.household_id', '=', householdId)
    .where('a.regie_id', '=', regieId)
    .where('b.day', 'in', dates)
    .where('b.status', 'not in', ENDED)
    .execute();
  const byDay = new Map<string, typeof booked>();
  for (const row of booked) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  const ranks = new Map<string, number>();
  for (const [day, children] of byDay) {
    const eldestFirst = children.sort(
      (a, b) =>
        String(a.birth_date ?? '').localeCompare(String(b.birth_date ?? '')) ||
        a.first_name.localeCompare(b.first_name) ||
        a.child_id.localeCompare(b.child_id),
    );
    for (const [index, child] of eldestFirst.entries()) ranks.set(`${day}|${child.child_id}`, index + 1);
  }
  return ranks;
}

export interface PrepaidDay extends DayToPrice {
  care: number;
  meal: number;
}

/**
 * Issues the invoice of days paid at booking, due at once: numbered in the régie's series, one line
 * per child, unit and price with its days, each day a billed unit of kind 'prepaid', and its
 * ledger entry. The caller holds the account's lock and then records what pays it.
 */
export async function issuePrepaidInvoice(
  scope: Scope,
  input: { householdId: string; regieId: string; basketId: string; days: PrepaidDay[] },
): Promise<{ invoiceId: string; number: string; totalCents: number }> {
  const today = await tenantToday(scope);
  const year = Number(today.slice(0, 4));
  const regie = await scope.tx.selectFrom('regies').select(['id', 'invoice_prefix']).where('id', '=', input.regieId).executeTakeFirstOrThrow();
  const names = await scope.tx
    .selectFrom('persons')
    .select(['id', 'first_name', 'last_name', 'birth_date'])
    .where('id', 'in', [...new Set(input.days.map((day) => day.childId))])
    .execute();
  const units = await scope.tx
    .selectFrom('units')
    .select(['id', 'name', 'position'])
    .where('id', 'in', [...new Set(input.days.map((day) => day.unitId))])
    .execute();
  const childOf = new Map(names.map((row) => [row.id, row]));
  const unitOf = new Map(units.map((row) => [row.id, row]));
  const lines = new Map<string, { childId: string; unitId: string; care: number; meal: number; days: PrepaidDay[] }>();
  const ordered = [...input.days].sort(
    (a, b) =>
      String(childOf.get(a.childId)!.birth_date ?? '').localeCompare(String(childOf.get(b.childId)!.birth_date ?? '')) ||
      a.childId.localeCompare(b.childId) ||
      unitOf.get(a.unitId)!.position - unitOf.get(b.unitId)!.position ||
      a.unitId.localeCompare(b.unitId) ||
      a.day.localeCompare(b.day),
  );
  for (const day of ordered) {
    const key = `${day.childId}|${day.unitId}|${day.care}|${day.meal}`;
    if (!lines.has(key)) lines.set(key, { childId: day.childId, unitId: day.unitId, care: day.care, meal: day.meal, days: [] });
    lines.get(key)!.days.push(day);
  }
  const totalCents = input.days.reduce((sum, day) => sum + day.care + day.meal, 0);
  const seq = await takeNumbers(scope, regie.id, 'invoice', year, 1);
  const number = documentNumber(regie.invoice_prefix, year, seq);
  const payer = (await payersOf(scope, [input.householdId])).get(input.householdId)!;
  const dates = input.days.map((day) => day.day).sort();
  const invoiceId = crypto.randomUUID();
  await scope.tx
    .insertInto('invoices')
    .values({
      id: invoiceId,
      tenant_id: scope.tenantId,
      regie_id: regie.id,
      run_id: null,
      kind: 'invoice',
      credit_of: null,
      number,
      year,
      seq,
      household_id: input.householdId,
      payer_person_id: payer.personId,
      payer_name: payer.name,
      payer_address: payer.address,
      issued_on: today,
      due_on: today,
      period_from: dates[0]!,
      period_to: dates.at(-1)!,
      total_cents: totalCents,
      reason: null,
      lang: payer.lang,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .execute();
  let position = 0;
  for (const line of lines.values()) {
    position += 1;
    const child = childOf.get(line.childId)!;
    const lineId = crypto.randomUUID();
    const quantity = line.days.length;
    await scope.tx
      .insertInto('invoice_lines')
      .values({
        id: lineId,
        tenant_id: scope.tenantId,
        invoice_id: invoiceId,
        position,
        child_id: line.childId,
        child_name: personFullName(child),
        unit_id: line.unitId,
        label: unitOf.get(line.unitId)!.name,
        kind: 'prepaid',
        days: line.days.map((day) => day.day),
        quantity,
        unit_price_cents: line.care + line.meal,
        amount_cents: quantity * (line.care + line.meal),
        care_cents: quantity * line.care,
        meal_cents: quantity * line.meal,
        penalty_cents: 0,
      })
      .execute();
    await scope.tx
      .insertInto('billed_units')
      .values(
        line.days.map((day) => ({
          tenant_id: scope.tenantId,
          invoice_line_id: lineId,
          booking_id: day.bookingId,
          day: day.day,
          kind: 'prepaid' as const,
          care_cents: line.care,
          meal_cents: line.meal,
          penalty_cents: 0,
        })),
      )
      .execute();
  }
  await recordEntries(scope, [{ householdId: input.householdId, regieId: regie.id, on: today, kind: 'invoice', amountCents: totalCents, invoiceId }]);
  await recordAudit(scope, {
    action: 'invoice.prepaid',
    objectType: 'invoice',
    objectId: invoiceId,
    details: { number, basketId: input.basketId, days: input.days.length, totalCents },
  });
  return { invoiceId, number, totalCents };
}

/** Whether these bookings are billed already (not reversed): a prepaid day is never billed twice. */
export async function billedAlready(scope: Scope, bookingIds: string[]): Promise<Set<string>> {
  if (bookingIds.length === 0) return new Set();
  const rows = await scope.tx
    .selectFrom('billed_units')
    .select('booking_id')
    .where(sql<boolean>`booking_id = any(${bookingIds}::uuid[])`)
    .where('reverses', 'is', null)
    .where('reversed_by', 'is', null)
    .execute();
  return new Set(rows.map((row) => row.booking_id));
}
