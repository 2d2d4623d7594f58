import { may } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import { addDays } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import { calendarDate, integer } from '../validation/fields.js';
import type { BillingErrors } from './billing-forms.js';
import type { QuotientSource } from './billing.tables.js';

/**
 * The quotient familial (QF) billing prices a day with: the latest value dated on or before that
 * day, if not older than the authority's validity (12 months by default). Without one, the tariff's
 * highest price applies (pricing.ts) and staff see the household among those to update.
 */

export const QF_SOURCES: readonly QuotientSource[] = ['caf', 'msa', 'tax_notice', 'staff', 'family', 'import'];
export const DEFAULT_QF_VALIDITY_MONTHS = 12;

export interface QuotientHistory {
  /** Values by date, oldest first. */
  values: { qf: number; dated: string }[];
}

/** The households' QF histories. */
export async function quotientHistories(scope: Scope, householdIds: string[]): Promise<Map<string, QuotientHistory>> {
  const histories = new Map<string, QuotientHistory>(householdIds.map((id) => [id, { values: [] }]));
  if (householdIds.length === 0) return histories;
  const rows = await scope.tx
    .selectFrom('household_quotients')
    .select(['household_id', 'qf', 'dated'])
    .where('household_id', 'in', householdIds)
    .orderBy('dated')
    .orderBy('id')
    .execute();
  for (const row of rows) histories.get(row.household_id)?.values.push({ qf: row.qf, dated: row.dated });
  return histories;
}

/** The QF valid on a day, or null. */
export function quotientOn(history: QuotientHistory | undefined, day: string, validityMonths: number): number | null {
  let found: { qf: number; dated: string } | null = null;
  for (const value of history?.values ?? []) if (value.dated <= day) found = value;
  if (!found) return null;
  return addMonths(found.dated, validityMonths) > day ? found.qf : null;
}

function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const first = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
  const lastOfMonth = addDays(`${Math.floor((index + 1) / 12)}-${String(((index + 1) % 12) + 1).padStart(2, '0')}-01`, -1);
  return addDays(first, Math.min(date, Number(lastOfMonth.slice(8))) - 1);
}

export type QuotientField = 'qf' | 'dated' | 'source';

/** Staff record a household's QF with its date and source (a CAF certificate, a tax notice…). */
export async function setQuotient(
  scope: Scope,
  householdId: string,
  form: { qf?: string; dated?: string; source?: string },
  today: string,
): Promise<{ kind: 'saved' } | { kind: 'invalid'; errors: BillingErrors<QuotientField> } | { kind: 'forbidden' } | { kind: 'not_found' }> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const household = await scope.tx
    .selectFrom('households')
    .select(['id', 'quotient_familial', 'quotient_familial_date'])
    .where('id', '=', householdId)
    .executeTakeFirst();
  if (!household) return { kind: 'not_found' };
  const errors: BillingErrors<QuotientField> = {};
  const qf = integer(form.qf, 0, 100_000);
  if (!qf.ok) errors.qf = qf.error;
  else if (qf.value === null) errors.qf = 'required';
  const dated = calendarDate(form.dated, { notAfter: today });
  if (!dated.ok) errors.dated = dated.error;
  else if (!dated.value) errors.dated = 'required';
  const source = QF_SOURCES.find((candidate) => candidate === form.source);
  if (!source) errors.source = 'choice';
  if (!qf.ok || qf.value === null || !dated.ok || !dated.value || !source) return { kind: 'invalid', errors };
  await scope.tx
    .updateTable('households')
    .set({ quotient_familial: qf.value, quotient_familial_date: dated.value, quotient_familial_source: source, updated_at: scope.now })
    .where('id', '=', householdId)
    .execute();
  await recordAudit(scope, {
    action: 'household.quotient_set',
    objectType: 'household',
    objectId: householdId,
    details: { old: household.quotient_familial, new: qf.value, dated: dated.value, source },
  });
  return { kind: 'saved' };
}

export interface HouseholdWithoutQuotient {
  id: string;
  name: string;
  familyNumber: string;
  qf: number | null;
  dated: string | null;
}

/** Households with bookings in a régie's activities whose QF is missing or no longer valid today: they pay the highest price. */
export async function householdsWithoutValidQuotient(scope: Scope, today: string, validityMonths: number): Promise<HouseholdWithoutQuotient[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('households as h')
    .select(['h.id', 'h.name', 'h.family_number', 'h.quotient_familial', 'h.quotient_familial_date'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('bookings as b')
          .innerJoin('units as u', 'u.id', 'b.unit_id')
          .innerJoin('activities as a', 'a.id', 'u.activity_id')
          .select('b.id')
          .whereRef('b.household_id', '=', 'h.id')
          .where('a.regie_id', 'is not', null),
      ),
    )
    .orderBy('h.name')
    .execute();
  return rows
    .filter(
      (row) =>
        quotientOn(
          { values: row.quotient_familial !== null && row.quotient_familial_date ? [{ qf: row.quotient_familial, dated: row.quotient_familial_date }] : [] },
          today,
          validityMonths,
        ) === null,
    )
    .map((row) => ({ id: row.id, name: row.name, familyNumber: row.family_number, qf: row.quotient_familial, dated: row.quotient_familial_date }));
}
