import type { BilledKind, LineKind } from './billing.tables.js';

/**
 * An invoice run's plan, before anything is written: the days to bill and the charges to reverse,
 * grouped into one invoice per household — lines per child, unit, kind and price, days listed.
 * Pure: the run (invoice-runs.ts) loads the days and writes the plan; the preview shows it.
 */

/** A day to bill, priced. */
export interface PlannedCharge {
  bookingId: string;
  householdId: string;
  childId: string;
  childName: string;
  unitId: string;
  unitName: string;
  activityName: string;
  day: string;
  kind: BilledKind;
  care: number;
  meal: number;
  penalty: number;
}

/** A day billed before whose charge no longer holds (an absence excused since, a late mark): reversed on this run. */
export interface PlannedReversal {
  billedUnitId: number;
  /** The invoice the reversed charge was on (a credit note refers to it when nothing else is billed). */
  invoiceId: string;
  householdId: string;
  childId: string;
  childName: string;
  unitId: string;
  unitName: string;
  activityName: string;
  day: string;
  care: number;
  meal: number;
  penalty: number;
}

export interface PlannedLine {
  childId: string;
  childName: string;
  unitId: string;
  label: string;
  activityName: string;
  kind: LineKind;
  days: string[];
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  careCents: number;
  mealCents: number;
  penaltyCents: number;
  charges: PlannedCharge[];
  reversals: PlannedReversal[];
}

export interface PlannedInvoice {
  householdId: string;
  lines: PlannedLine[];
  totalCents: number;
  /** Reversals alone, more than what is billed: a credit note referring to the reversed charge's invoice. */
  creditOf: string | null;
}

/** Groups the charges and reversals into invoices: households in the order given, lines by child (eldest first as given), unit, kind and price. */
export function planInvoices(charges: PlannedCharge[], reversals: PlannedReversal[]): PlannedInvoice[] {
  const byHousehold = new Map<string, { charges: PlannedCharge[]; reversals: PlannedReversal[] }>();
  const slot = (householdId: string) => {
    if (!byHousehold.has(householdId)) byHousehold.set(householdId, { charges: [], reversals: [] });
    return byHousehold.get(householdId)!;
  };
  for (const charge of charges) slot(charge.householdId).charges.push(charge);
  for (const reversal of reversals) slot(reversal.householdId).reversals.push(reversal);
  const invoices: PlannedInvoice[] = [];
  for (const [householdId, items] of byHousehold) {
    const lines = [...chargeLines(items.charges), ...reversalLines(items.reversals)];
    if (lines.length === 0) continue;
    const totalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
    invoices.push({ householdId, lines, totalCents, creditOf: totalCents < 0 ? items.reversals[0]!.invoiceId : null });
  }
  return invoices;
}

function chargeLines(charges: PlannedCharge[]): PlannedLine[] {
  const lines = new Map<string, PlannedLine>();
  for (const charge of charges) {
    const unitPrice = charge.care + charge.meal + charge.penalty;
    const key = `${charge.childId}|${charge.unitId}|${charge.kind}|${charge.care}|${charge.meal}|${charge.penalty}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        childId: charge.childId,
        childName: charge.childName,
        unitId: charge.unitId,
        label: charge.unitName,
        activityName: charge.activityName,
        kind: charge.kind,
        days: [],
        quantity: 0,
        unitPriceCents: unitPrice,
        amountCents: 0,
        careCents: 0,
        mealCents: 0,
        penaltyCents: 0,
        charges: [],
        reversals: [],
      };
      lines.set(key, line);
    }
    line.charges.push(charge);
    line.days.push(charge.day);
    line.quantity += 1;
    line.amountCents += unitPrice;
    line.careCents += charge.care;
    line.mealCents += charge.meal;
    line.penaltyCents += charge.penalty;
  }
  return withSortedDays([...lines.values()]);
}

/** Reversals, one line per child, unit and price: a negative quantity at the price once billed. */
function reversalLines(reversals: PlannedReversal[]): PlannedLine[] {
  const lines = new Map<string, PlannedLine>();
  for (const reversal of reversals) {
    const unitPrice = reversal.care + reversal.meal + reversal.penalty;
    const key = `${reversal.childId}|${reversal.unitId}|${reversal.care}|${reversal.meal}|${reversal.penalty}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        childId: reversal.childId,
        childName: reversal.childName,
        unitId: reversal.unitId,
        label: reversal.unitName,
        activityName: reversal.activityName,
        kind: 'regularisation',
        days: [],
        quantity: 0,
        unitPriceCents: unitPrice,
        amountCents: 0,
        careCents: 0,
        mealCents: 0,
        penaltyCents: 0,
        charges: [],
        reversals: [],
      };
      lines.set(key, line);
    }
    line.reversals.push(reversal);
    line.days.push(reversal.day);
    line.quantity -= 1;
    line.amountCents -= unitPrice;
    line.careCents -= reversal.care;
    line.mealCents -= reversal.meal;
    line.penaltyCents -= reversal.penalty;
  }
  return withSortedDays([...lines.values()]);
}

/** Lines keep the order their first charge came in (children eldest first, units in order); their days are sorted. */
function withSortedDays(lines: PlannedLine[]): PlannedLine[] {
  for (const line of lines) line.days.sort();
  return lines;
}
