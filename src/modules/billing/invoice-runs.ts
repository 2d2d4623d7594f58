import { sql } from 'kysely';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { insertColumns } from '../../db/column-insert.js';
import { ENDED } from '../bookings/booking-states.js';
import { addDays, daysBetween } from '../calendar/calendar-dates.js';
import { tenantToday } from '../calendar/local-date.js';
import { lockAccount, useCredit } from '../ledger/allocation.js';
import { recordEntries } from '../ledger/ledger.js';
import { documentNumber, takeNumbers } from '../ledger/numbering.js';
import type { Scope } from '../scope.js';
import { calendarDate } from '../validation/fields.js';
import type { MailSender } from '../notifications/compose-email.js';
import { AWAITING_ATTENDANCE, BILLABLE_STATUSES, billedKindOf, chargeHolds } from './billable.js';
import { tellInvoicesIssued } from './invoice-notifications.js';
import type { BillingErrors } from './billing-forms.js';
import { type PlannedCharge, type PlannedInvoice, type PlannedReversal, planInvoices } from './invoice-plan.js';
import { billedParts, unitPrice } from './pricing.js';
import { DEFAULT_QF_VALIDITY_MONTHS, type QuotientHistory, quotientHistories, quotientOn } from './quotients.js';
import { tariffOn, tariffsOf } from './tariffs.js';
import { personFullName } from '../person-name.js';

/**
 * Invoice runs: staff choose a régie and a period (usually a month). The preview shows what would be
 * billed — households, lines, totals per activity and unit, and the anomalies to look at — and
 * writes nothing. Generating writes it all in one transaction: numbered invoices (gapless per
 * régie and year, even with two runs at once), their lines, each day billed (never twice), the
 * ledger entries, and the household's credit used. A run bills the period's billable days, and also
 * the earlier days of the régie's billed periods that became billable since (attendance taken late),
 * and reverses the days billed before whose charge no longer holds (an absence excused since).
 */

export type RunField = 'regieId' | 'from' | 'to';

export interface RunInput {
  regieId?: string;
  from?: string;
  to?: string;
}

export interface RunTotals {
  activityName: string;
  unitName: string;
  quantity: number;
  amountCents: number;
}

export interface RunAnomalies {
  /** Households billed by a QF tariff without a valid QF: they pay the highest price. */
  withoutQuotient: { householdId: string; name: string }[];
  /** Units billed on days no tariff covers: those days are not billed. */
  withoutTariff: { unitName: string; activityName: string; days: number }[];
  /** Past days of the period still booked: attendance not taken, not billed. */
  attendanceMissing: { unitName: string; activityName: string; day: string; count: number }[];
  /** Households with nothing to bill but bookings still waiting for the service. */
  onlyPending: { householdId: string; name: string; count: number }[];
}

export interface RunPlan {
  regie: { id: string; name: string; prefix: string; termsDays: number };
  from: string;
  to: string;
  issuedOn: string;
  dueOn: string;
  invoices: (PlannedInvoice & { householdName: string })[];
  totalCents: number;
  totals: RunTotals[];
  anomalies: RunAnomalies;
}

export type PlanResult = { kind: 'plan'; plan: RunPlan } | { kind: 'invalid'; errors: BillingErrors<RunField> } | { kind: 'forbidden' };
export type GenerateResult =
  | { kind: 'generated'; runId: string; invoices: number; totalCents: number; firstNumber: string | null; lastNumber: string | null }
  | PlanResult;

/** What a run would bill, written nowhere. */
export async function previewRun(scope: Scope, input: RunInput): Promise<PlanResult> {
  if (!may(scope, 'service.read')) return { kind: 'forbidden' };
  return planRun(scope, input);
}

/** Bills the period: writes the plan, in the caller's transaction, and tells the families that chose invoices by email. */
export async function generateRun(scope: Scope, input: RunInput, sender: MailSender): Promise<GenerateResult> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  if (input.regieId && /^[0-9a-f-]{36}$/i.test(input.regieId)) {
    // Two runs of the same régie at once: the second waits here, then sees the first one's period.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`invoice-run:${input.regieId}`}, 0))`.execute(scope.tx);
  }
  const planned = await planRun(scope, input);
  if (planned.kind !== 'plan') return planned;
  const written = await writeRun(scope, planned.plan);
  if (written.kind === 'generated' && written.runId) {
    const issued = await scope.tx.selectFrom('invoices').select('id').where('run_id', '=', written.runId).execute();
    await tellInvoicesIssued(
      scope,
      issued.map((row) => row.id),
      sender,
    );
  }
  return written;
}

async function planRun(scope: Scope, input: RunInput): Promise<PlanResult> {
  const errors: BillingErrors<RunField> = {};
  const today = await tenantToday(scope);
  const regie =
    input.regieId && /^[0-9a-f-]{36}$/i.test(input.regieId)
      ? await scope.tx.selectFrom('regies').select(['id', 'name', 'invoice_prefix', 'payment_terms_days']).where('id', '=', input.regieId).executeTakeFirst()
      : undefined;
  if (!regie) errors.regieId = 'required';
  const from = calendarDate(input.from);
  const to = calendarDate(input.to);
  if (!from.ok) errors.from = from.error;
  else if (!from.value) errors.from = 'required';
  if (!to.ok) errors.to = to.error;
  else if (!to.value) errors.to = 'required';
  else if (to.value > today) errors.to = 'periodInFuture';
  if (from.ok && to.ok && from.value && to.value && (to.value < from.value || daysBetween(from.value, to.value) > 366)) errors.to = 'periodOrder';
  if (regie && from.ok && to.ok && from.value && to.value && !errors.to) {
    const overlapping = await scope.tx
      .selectFrom('invoice_runs')
      .select('id')
      .where('regie_id', '=', regie.id)
      .where('period_from', '<=', to.value)
      .where('period_to', '>=', from.value)
      .executeTakeFirst();
    if (overlapping) errors.from = 'periodInvoiced';
  }
  if (Object.keys(errors).length > 0 || !regie || !from.ok || !to.ok || !from.value || !to.value) return { kind: 'invalid', errors };

  const period = { from: from.value, to: to.value };
  const settings = await tenantBillingSettings(scope);
  const units = await scope.tx
    .selectFrom('units as u')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['u.id', 'u.name', 'a.name as activity_name', 'u.position'])
    .where('a.regie_id', '=', regie.id)
    .execute();
  const unitIds = units.map((unit) => unit.id);
  const unitsById = new Map(units.map((unit) => [unit.id, unit]));
  // Days before the period are billed only within the régie's earlier runs: never history from before billing began.
  const firstRun = await scope.tx
    .selectFrom('invoice_runs')
    .select((eb) => eb.fn.min('period_from').as('first'))
    .where('regie_id', '=', regie.id)
    .executeTakeFirst();
  const since = ((firstRun?.first as string | null | undefined) ?? period.from) < period.from ? (firstRun!.first as string) : period.from;

  const booked = unitIds.length === 0 ? [] : await liveBookings(scope, unitIds, since, period.to);
  const billed = booked.length === 0 ? new Set<string>() : await billedBookings(scope, since, period.to);
  const unordered = booked.filter((row) => billedKindOf(row.status, row.unbooked) !== null && !billed.has(row.id));
  const toReverse = unitIds.length === 0 ? [] : await chargesThatNoLongerHold(scope, unitIds, period.to);
  const householdIds = [...new Set([...unordered.map((row) => row.household_id), ...toReverse.map((row) => row.household_id)])];
  const households = await householdFacts(scope, householdIds, settings.residentPostcodes);
  const quotients = await quotientHistories(scope, householdIds);
  const tariffs = await tariffsOf(scope, unitIds);
  const siblings = childrenBooked(booked, unordered);
  const children = await childrenEldestFirst(scope, siblings);
  const toBill = inInvoiceOrder(unordered, children, unitsById);
  const qfOn = quotientsByDay(quotients, settings.qfValidityMonths);

  const charges: PlannedCharge[] = [];
  const withoutQuotient = new Map<string, string>();
  const withoutTariff = new Map<string, number>();
  for (const row of toBill) {
    const kind = billedKindOf(row.status, row.unbooked)!;
    const tariff = tariffOn(tariffs, row.unit_id, row.day);
    const unit = unitsById.get(row.unit_id)!;
    if (!tariff) {
      withoutTariff.set(row.unit_id, (withoutTariff.get(row.unit_id) ?? 0) + 1);
      continue;
    }
    const household = households.get(row.household_id)!;
    const qf = qfOn(row.household_id, row.day);
    if (qf === null && tariff.kind !== 'flat') withoutQuotient.set(row.household_id, household.name);
    const price = unitPrice(tariff, { qf, rank: siblingRank(siblings, children, row), resident: household.resident });
    const parts = billedParts(kind, price, tariff);
    charges.push({
      bookingId: row.id,
      householdId: row.household_id,
      childId: row.child_id,
      childName: children.get(row.child_id)!.name,
      unitId: row.unit_id,
      unitName: unit.name,
      activityName: unit.activity_name,
      day: row.day,
      kind,
      ...parts,
    });
  }
  const reversals: PlannedReversal[] = toReverse.map((row) => {
    const unit = unitsById.get(row.unit_id)!;
    return {
      billedUnitId: row.id,
      invoiceId: row.invoice_id,
      householdId: row.household_id,
      childId: row.child_id,
      childName: personFullName(row),
      unitId: row.unit_id,
      unitName: unit.name,
      activityName: unit.activity_name,
      day: row.day,
      care: row.care_cents,
      meal: row.meal_cents,
      penalty: row.penalty_cents,
    };
  });
  // Households in alphabetical order: their invoices are numbered in that order.
  const invoices = planInvoices(charges, reversals)
    .map((invoice) => ({ ...invoice, householdName: households.get(invoice.householdId)!.name }))
    .sort((a, b) => a.householdName.localeCompare(b.householdName, 'fr') || a.householdId.localeCompare(b.householdId));

  const totals = new Map<string, RunTotals>();
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      const key = `${line.activityName}|${line.label}`;
      const total = totals.get(key) ?? { activityName: line.activityName, unitName: line.label, quantity: 0, amountCents: 0 };
      total.quantity += line.quantity;
      total.amountCents += line.amountCents;
      totals.set(key, total);
    }
  }
  const billedHouseholds = new Set(invoices.map((invoice) => invoice.householdId));
  const anomalies: RunAnomalies = {
    withoutQuotient: [...withoutQuotient].map(([householdId, name]) => ({ householdId, name })).sort((a, b) => a.name.localeCompare(b.name, 'fr')),
    withoutTariff: [...withoutTariff].map(([unitId, days]) => ({
      unitName: unitsById.get(unitId)!.name,
      activityName: unitsById.get(unitId)!.activity_name,
      days,
    })),
    attendanceMissing: unitIds.length === 0 ? [] : await attendanceMissing(scope, unitIds, period.from, period.to < today ? period.to : addDays(today, -1)),
    onlyPending:
      unitIds.length === 0 ? [] : (await pendingHouseholds(scope, unitIds, period.from, period.to)).filter((row) => !billedHouseholds.has(row.householdId)),
  };
  const issuedOn = today;
  return {
    kind: 'plan',
    plan: {
      regie: { id: regie.id, name: regie.name, prefix: regie.invoice_prefix, termsDays: regie.payment_terms_days },
      from: period.from,
      to: period.to,
      issuedOn,
      dueOn: addDays(issuedOn, regie.payment_terms_days),
      invoices,
      totalCents: invoices.reduce((sum, invoice) => sum + invoice.totalCents, 0),
      totals: [...totals.values()].sort((a, b) => a.activityName.localeCompare(b.activityName, 'fr') || a.unitName.localeCompare(b.unitName, 'fr')),
      anomalies,
    },
  };
}

export async function tenantBillingSettings(scope: Scope): Promise<{ qfValidityMonths: number; residentPostcodes: string[] }> {
  const tenant = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  return { qfValidityMonths: tenant.settings.qfValidityMonths ?? DEFAULT_QF_VALIDITY_MONTHS, residentPostcodes: tenant.settings.residentPostcodes ?? [] };
}

/**
 * The bookings of these units from `since` to `to` not ended: those in a billed state are what to
 * bill, all of them are whom the sibling reduction counts. Read once, in no order (inInvoiceOrder
 * sorts them), without names (childrenEldestFirst has them): a city's month is hundreds of
 * thousands of rows.
 */
async function liveBookings(scope: Scope, unitIds: string[], since: string, to: string) {
  return scope.tx
    .selectFrom('bookings')
    .select(['id', 'household_id', 'child_id', 'unit_id', 'day', 'status', 'unbooked'])
    .where('unit_id', 'in', unitIds)
    .where('day', '>=', since)
    .where('day', '<=', to)
    .where('status', 'not in', ENDED)
    .execute();
}

type LiveBooking = Awaited<ReturnType<typeof liveBookings>>[number];

/**
 * The bookings billed already (and not reversed) among these days. Read apart and left out of what
 * to bill by the caller: an anti-join planned on the statistics of a table a run just filled
 * (before they are gathered again) scanned it once per row.
 */
async function billedBookings(scope: Scope, since: string, to: string): Promise<Set<string>> {
  const billed = await scope.tx
    .selectFrom('billed_units')
    .select('booking_id')
    .where('day', '>=', since)
    .where('day', '<=', to)
    .where('reverses', 'is', null)
    .where('reversed_by', 'is', null)
    .execute();
  return new Set(billed.map((row) => row.booking_id));
}

/**
 * The order an invoice lists its days in: by household, children eldest first, units in their
 * order, then day. Sorted here rather than by the database: its sort of a city's month (by names,
 * in its collation) spilled to disk and took most of the preview.
 */
function inInvoiceOrder(rows: LiveBooking[], children: Map<string, Child>, units: Map<string, { position: number }>): LiveBooking[] {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort(
    (a, b) =>
      order(a.household_id, b.household_id) ||
      children.get(a.child_id)!.place - children.get(b.child_id)!.place ||
      units.get(a.unit_id)!.position - units.get(b.unit_id)!.position ||
      order(a.unit_id, b.unit_id) ||
      order(a.day, b.day),
  );
}

/** Charges in force whose booking is no longer billed as it was (an absence excused, a presence turned into an excused absence). */
async function chargesThatNoLongerHold(scope: Scope, unitIds: string[], to: string) {
  const rows = await scope.tx
    .selectFrom('billed_units as x')
    .innerJoin('bookings as b', 'b.id', 'x.booking_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('invoice_lines as l', 'l.id', 'x.invoice_line_id')
    .select([
      'x.id',
      'x.kind',
      'x.care_cents',
      'x.meal_cents',
      'x.penalty_cents',
      'x.day',
      'l.invoice_id',
      'b.household_id',
      'b.child_id',
      'b.unit_id',
      'b.status',
      'b.unbooked',
      'p.first_name',
      'p.last_name',
    ])
    .where('b.unit_id', 'in', unitIds)
    .where('x.day', '<=', to)
    .where('x.reverses', 'is', null)
    .where('x.reversed_by', 'is', null)
    .where(({ or, eb }) => or([eb('b.status', 'not in', BILLABLE_STATUSES), eb('b.unbooked', '=', true)]))
    .orderBy('b.household_id')
    .orderBy('p.birth_date')
    .orderBy('x.day')
    .execute();
  return rows.filter((row) => !chargeHolds(row.kind, row.status, row.unbooked));
}

/** Each household's name, its payer and address, and whether it lives in the authority. */
async function householdFacts(scope: Scope, householdIds: string[], residentPostcodes: string[]) {
  const facts = new Map<string, { name: string; resident: boolean }>();
  if (householdIds.length === 0) return facts;
  const rows = await scope.tx.selectFrom('households').select(['id', 'name', 'postcode']).where('id', 'in', householdIds).execute();
  for (const row of rows)
    facts.set(row.id, { name: row.name, resident: residentPostcodes.length === 0 || (row.postcode !== null && residentPostcodes.includes(row.postcode)) });
  return facts;
}

/** Children of a household booked on a day, by household then day. */
type Siblings = Map<string, Map<string, Set<string>>>;

/**
 * The children booked (not ended) on the days to bill of each household to bill: whom the sibling
 * reduction counts. Keyed by household then day: a city's month is hundreds of thousands of rows,
 * and a key made of both cost more than the rest of the pricing.
 */
function childrenBooked(booked: LiveBooking[], toBill: LiveBooking[]): Siblings {
  const siblings: Siblings = new Map();
  for (const row of toBill) if (!siblings.has(row.household_id)) siblings.set(row.household_id, new Map());
  const days = new Set(toBill.map((row) => row.day));
  for (const row of booked) {
    const household = siblings.get(row.household_id);
    if (!household || !days.has(row.day)) continue;
    const children = household.get(row.day);
    if (children) children.add(row.child_id);
    else household.set(row.day, new Set([row.child_id]));
  }
  return siblings;
}

interface Child {
  /** Its place in one order of all the children, eldest first (then by first name): the order of lines and of sibling ranks. */
  place: number;
  name: string;
}

async function childrenEldestFirst(scope: Scope, siblings: Siblings): Promise<Map<string, Child>> {
  const childIds = new Set<string>();
  for (const days of siblings.values()) for (const children of days.values()) for (const childId of children) childIds.add(childId);
  if (childIds.size === 0) return new Map();
  const rows = await scope.tx
    .selectFrom('persons')
    .select(['id', 'first_name', 'last_name'])
    .where(sql<boolean>`id = any(${[...childIds]}::uuid[])`)
    .orderBy('birth_date')
    .orderBy('first_name')
    .orderBy('id')
    .execute();
  return new Map(rows.map((row, place) => [row.id, { place, name: personFullName(row) }]));
}

/** A child's rank among its siblings booked the same day in the régie's activities, eldest first: what the sibling reduction applies to. */
function siblingRank(siblings: Siblings, children: Map<string, Child>, row: LiveBooking): number {
  const place = children.get(row.child_id)!.place;
  let rank = 1;
  for (const sibling of siblings.get(row.household_id)!.get(row.day)!) if (children.get(sibling)!.place < place) rank += 1;
  return rank;
}

/** The QF of a household on a day, worked out once per household and day rather than once per unit billed. */
function quotientsByDay(quotients: Map<string, QuotientHistory>, validityMonths: number): (householdId: string, day: string) => number | null {
  const known = new Map<string, Map<string, number | null>>();
  return (householdId, day) => {
    let days = known.get(householdId);
    if (!days) {
      days = new Map();
      known.set(householdId, days);
    }
    if (!days.has(day)) days.set(day, quotientOn(quotients.get(householdId), day, validityMonths));
    return days.get(day)!;
  };
}

async function attendanceMissing(scope: Scope, unitIds: string[], from: string, lastPastDay: string) {
  if (lastPastDay < from) return [];
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['u.name as unit_name', 'a.name as activity_name', 'b.day', sql<string>`count(*)`.as('count')])
    .where('b.unit_id', 'in', unitIds)
    .where('b.day', '>=', from)
    .where('b.day', '<=', lastPastDay)
    .where('b.status', 'in', AWAITING_ATTENDANCE)
    .groupBy(['u.name', 'a.name', 'b.day'])
    .orderBy('b.day')
    .orderBy('a.name')
    .orderBy('u.name')
    .execute();
  return rows.map((row) => ({ unitName: row.unit_name, activityName: row.activity_name, day: row.day, count: Number(row.count) }));
}

async function pendingHouseholds(scope: Scope, unitIds: string[], from: string, to: string) {
  const rows = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .select(['h.id', 'h.name', sql<string>`count(*)`.as('count')])
    .where('b.unit_id', 'in', unitIds)
    .where('b.day', '>=', from)
    .where('b.day', '<=', to)
    .where('b.status', 'in', ['requested', 'cancel_requested', 'waitlisted'])
    .groupBy(['h.id', 'h.name'])
    .orderBy('h.name')
    .execute();
  return rows.map((row) => ({ householdId: row.id, name: row.name, count: Number(row.count) }));
}

/** Writes a plan: numbers, invoices, lines, billed days, reversals, ledger, credit used, the run. */
async function writeRun(scope: Scope, plan: RunPlan): Promise<GenerateResult> {
  const { regie } = plan;
  const year = Number(plan.issuedOn.slice(0, 4));
  const run = await scope.tx
    .insertInto('invoice_runs')
    .values({
      tenant_id: scope.tenantId,
      regie_id: regie.id,
      period_from: plan.from,
      period_to: plan.to,
      issued_on: plan.issuedOn,
      invoices: plan.invoices.length,
      total_cents: plan.totalCents,
      created_at: scope.now,
      created_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (plan.invoices.length === 0) {
    await recordAudit(scope, {
      action: 'invoice_run.generated',
      objectType: 'invoice_run',
      objectId: run.id,
      details: { regieId: regie.id, from: plan.from, to: plan.to, invoices: 0 },
    });
    return { kind: 'generated', runId: run.id, invoices: 0, totalCents: 0, firstNumber: null, lastNumber: null };
  }
  const first = await takeNumbers(scope, regie.id, 'invoice', year, plan.invoices.length);
  const payers = await payersOf(
    scope,
    plan.invoices.map((invoice) => invoice.householdId),
  );
  const createdBy = accountIdOf(scope.actor);
  const rows = plan.invoices.map((invoice, index) => {
    const payer = payers.get(invoice.householdId)!;
    const seq = first + index;
    return {
      id: crypto.randomUUID(),
      kind: invoice.creditOf ? ('credit_note' as const) : ('invoice' as const),
      credit_of: invoice.creditOf,
      number: documentNumber(regie.prefix, year, seq),
      seq,
      household_id: invoice.householdId,
      payer,
      total_cents: invoice.totalCents,
    };
  });
  await insertColumns(
    scope.tx,
    'invoices',
    {
      tenant_id: scope.tenantId,
      regie_id: regie.id,
      run_id: run.id,
      year,
      issued_on: plan.issuedOn,
      due_on: plan.dueOn,
      period_from: plan.from,
      period_to: plan.to,
      created_at: scope.now,
      created_by: createdBy,
    },
    rows,
    [
      { name: 'id', type: 'uuid', read: (row) => row.id },
      { name: 'kind', type: 'text', read: (row) => row.kind },
      { name: 'credit_of', type: 'uuid', read: (row) => row.credit_of },
      { name: 'number', type: 'text', read: (row) => row.number },
      { name: 'seq', type: 'integer', read: (row) => row.seq },
      { name: 'household_id', type: 'uuid', read: (row) => row.household_id },
      { name: 'payer_person_id', type: 'uuid', read: (row) => row.payer.personId },
      { name: 'payer_name', type: 'text', read: (row) => row.payer.name },
      { name: 'payer_address', type: 'text', read: (row) => row.payer.address },
      { name: 'total_cents', type: 'integer', read: (row) => row.total_cents },
      { name: 'lang', type: 'text', read: (row) => row.payer.lang },
    ],
  );
  const lines = plan.invoices.flatMap((invoice, index) =>
    invoice.lines.map((line, position) => ({ id: crypto.randomUUID(), invoiceId: rows[index]!.id, position: position + 1, line })),
  );
  await insertColumns(scope.tx, 'invoice_lines', { tenant_id: scope.tenantId }, lines, [
    { name: 'id', type: 'uuid', read: (row) => row.id },
    { name: 'invoice_id', type: 'uuid', read: (row) => row.invoiceId },
    { name: 'position', type: 'integer', read: (row) => row.position },
    { name: 'child_id', type: 'uuid', read: ({ line }) => line.childId },
    { name: 'child_name', type: 'text', read: ({ line }) => line.childName },
    { name: 'unit_id', type: 'uuid', read: ({ line }) => line.unitId },
    { name: 'label', type: 'text', read: ({ line }) => line.label },
    { name: 'kind', type: 'text', read: ({ line }) => line.kind },
    { name: 'days', type: 'date[]', read: ({ line }) => line.days },
    { name: 'quantity', type: 'integer', read: ({ line }) => line.quantity },
    { name: 'unit_price_cents', type: 'integer', read: ({ line }) => line.unitPriceCents },
    { name: 'amount_cents', type: 'integer', read: ({ line }) => line.amountCents },
    { name: 'care_cents', type: 'integer', read: ({ line }) => line.careCents },
    { name: 'meal_cents', type: 'integer', read: ({ line }) => line.mealCents },
    { name: 'penalty_cents', type: 'integer', read: ({ line }) => line.penaltyCents },
  ]);
  // A billed day's line, by the day's place among the charges (a charge does not know its line).
  const lineIds = lines.flatMap(({ id, line }) => line.charges.map(() => id));
  await insertColumns(
    scope.tx,
    'billed_units',
    { tenant_id: scope.tenantId },
    lines.flatMap(({ line }) => line.charges),
    [
      { name: 'invoice_line_id', type: 'uuid', read: (_, index) => lineIds[index]! },
      { name: 'booking_id', type: 'uuid', read: (charge) => charge.bookingId },
      { name: 'day', type: 'date', read: (charge) => charge.day },
      { name: 'kind', type: 'text', read: (charge) => charge.kind },
      { name: 'care_cents', type: 'integer', read: (charge) => charge.care },
      { name: 'meal_cents', type: 'integer', read: (charge) => charge.meal },
      { name: 'penalty_cents', type: 'integer', read: (charge) => charge.penalty },
    ],
    { orderBy: 'booking_id' },
  );
  await reverseCharges(
    scope,
    lines.flatMap(({ id, line }) => line.reversals.map((reversal) => ({ lineId: id, reversal }))),
  );
  await recordEntries(
    scope,
    rows.map((invoice) => ({
      householdId: invoice.household_id,
      regieId: regie.id,
      on: plan.issuedOn,
      kind: invoice.kind,
      amountCents: invoice.total_cents,
      invoiceId: invoice.id,
    })),
  );
  // Credit notes pay what they refer to first; then any household credit pays its invoices.
  for (const invoice of rows.filter((row) => row.kind === 'credit_note')) {
    await sql`insert into allocations (tenant_id, invoice_id, credit_note_id, amount_cents, created_at)
      select ${scope.tenantId}, ${invoice.credit_of}, ${invoice.id}, least(${-invoice.total_cents}, i.total_cents - coalesce((select sum(a.amount_cents) from allocations a where a.invoice_id = i.id and (a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id))), 0)), ${scope.now}
      from invoices i where i.id = ${invoice.credit_of}
      and i.total_cents - coalesce((select sum(a.amount_cents) from allocations a where a.invoice_id = i.id and (a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id))), 0) > 0`.execute(
      scope.tx,
    );
  }
  for (const householdId of await householdsWithCredit(
    scope,
    regie.id,
    rows.map((row) => row.household_id),
  )) {
    await lockAccount(scope, householdId, regie.id);
    await useCredit(scope, householdId, regie.id);
  }
  await recordAudit(scope, {
    action: 'invoice_run.generated',
    objectType: 'invoice_run',
    objectId: run.id,
    details: {
      regieId: regie.id,
      from: plan.from,
      to: plan.to,
      invoices: rows.length,
      totalCents: plan.totalCents,
      first: rows[0]!.number,
      last: rows.at(-1)!.number,
    },
  });
  return {
    kind: 'generated',
    runId: run.id,
    invoices: rows.length,
    totalCents: plan.totalCents,
    firstNumber: rows[0]!.number,
    lastNumber: rows.at(-1)!.number,
  };
}

/** Each reversal is a negative billed unit pointing at the charge it reverses, which records it: the day may be billed again. */
async function reverseCharges(scope: Scope, reversals: { lineId: string; reversal: PlannedReversal }[]): Promise<void> {
  for (const { lineId, reversal } of reversals) {
    const original = await scope.tx.selectFrom('billed_units').select(['booking_id', 'kind']).where('id', '=', reversal.billedUnitId).executeTakeFirstOrThrow();
    const inserted = await scope.tx
      .insertInto('billed_units')
      .values({
        tenant_id: scope.tenantId,
        invoice_line_id: lineId,
        booking_id: original.booking_id,
        day: reversal.day,
        kind: original.kind,
        care_cents: -reversal.care,
        meal_cents: -reversal.meal,
        penalty_cents: -reversal.penalty,
        reverses: reversal.billedUnitId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await scope.tx.updateTable('billed_units').set({ reversed_by: inserted.id }).where('id', '=', reversal.billedUnitId).execute();
  }
}

/** Who pays each household's invoices: its first guardian (name, address, language of their account). */
export async function payersOf(scope: Scope, householdIds: string[]) {
  const payers = new Map<string, { personId: string | null; name: string; address: string; lang: 'fr' | 'en' }>();
  const households = await scope.tx
    .selectFrom('households')
    .select(['id', 'name', 'address_line1', 'address_line2', 'postcode', 'city'])
    .where('id', 'in', householdIds)
    .execute();
  const guardians = await scope.tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .leftJoin('accounts as a', (join) => join.onRef('a.person_id', '=', 'p.id').on('a.kind', '=', 'family'))
    .select(['m.household_id', 'p.id', 'p.first_name', 'p.last_name', 'a.locale'])
    .where('m.household_id', 'in', householdIds)
    .where('m.role', '=', 'guardian')
    .orderBy('m.household_id')
    .orderBy('p.created_at')
    .execute();
  // The first guardian of each household: the rows come by household, oldest guardian first.
  const firstGuardians = new Map<string, (typeof guardians)[number]>();
  for (const guardian of guardians) if (!firstGuardians.has(guardian.household_id)) firstGuardians.set(guardian.household_id, guardian);
  for (const household of households) {
    const guardian = firstGuardians.get(household.id);
    const address = [household.address_line1, household.address_line2, [household.postcode, household.city].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join('\n');
    payers.set(household.id, {
      personId: guardian?.id ?? null,
      name: guardian ? personFullName(guardian) : household.name,
      address,
      lang: guardian?.locale ?? 'fr',
    });
  }
  return payers;
}

/** The households among these with money not used yet at the régie (payments or credit notes): their credit pays the new invoices. */
async function householdsWithCredit(scope: Scope, regieId: string, householdIds: string[]): Promise<string[]> {
  if (householdIds.length === 0) return [];
  const rows = await scope.tx
    .selectFrom('ledger_entries')
    .select('household_id')
    .where('regie_id', '=', regieId)
    .where('household_id', 'in', [...new Set(householdIds)])
    .where('kind', 'in', ['payment', 'credit_note'])
    .distinct()
    .execute();
  return rows.map((row) => row.household_id);
}
