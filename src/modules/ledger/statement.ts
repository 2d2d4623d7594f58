import { sql } from 'kysely';
import { may } from '../access.js';
import type { Scope } from '../scope.js';
import type { LedgerKind } from './ledger.tables.js';

/**
 * The account statement of a household (seed 001's "Relevé de compte"): per régie and school year
 * (1 September – 31 August), the balance carried from before, every operation with its document
 * number, what it added (debit) or took off (credit), and the balance — all summed from the ledger.
 */

export interface StatementOperation {
  on: string;
  kind: LedgerKind;
  /** The invoice, credit note or receipt number. */
  number: string;
  /** For an invoice: its period; for a payment: its method. */
  detail: string | null;
  debitCents: number;
  creditCents: number;
  invoiceId: string | null;
  paymentId: string | null;
}

export interface RegieStatement {
  regieId: string;
  regieName: string;
  openingCents: number;
  operations: StatementOperation[];
  debitCents: number;
  creditCents: number;
  closingCents: number;
}

export async function accountStatement(scope: Scope, householdId: string, schoolYear: number): Promise<RegieStatement[] | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const from = `${schoolYear}-09-01`;
  const to = `${schoolYear + 1}-08-31`;
  const rows = await scope.tx
    .selectFrom('ledger_entries as l')
    .innerJoin('regies as r', 'r.id', 'l.regie_id')
    .leftJoin('invoices as i', 'i.id', 'l.invoice_id')
    .leftJoin('payments as p', 'p.id', 'l.payment_id')
    .select([
      'l.regie_id',
      'r.name as regie_name',
      'l.entry_on',
      'l.kind',
      'l.amount_cents',
      'l.invoice_id',
      'l.payment_id',
      'l.id',
      sql<string>`coalesce(i.number, p.number, '')`.as('number'),
      sql<
        string | null
      >`case when i.id is not null and i.period_from is not null then i.period_from::text || '|' || i.period_to::text when p.id is not null then p.method else null end`.as(
        'detail',
      ),
    ])
    .where('l.household_id', '=', householdId)
    .where('l.entry_on', '<=', to)
    .orderBy('r.name')
    .orderBy('l.entry_on')
    .orderBy('l.id')
    .execute();
  const byRegie = new Map<string, RegieStatement>();
  for (const row of rows) {
    const statement = byRegie.get(row.regie_id) ?? {
      regieId: row.regie_id,
      regieName: row.regie_name,
      openingCents: 0,
      operations: [],
      debitCents: 0,
      creditCents: 0,
      closingCents: 0,
    };
    byRegie.set(row.regie_id, statement);
    if (row.entry_on < from) {
      statement.openingCents += row.amount_cents;
      continue;
    }
    const debit = Math.max(0, row.amount_cents);
    const credit = Math.max(0, -row.amount_cents);
    statement.operations.push({
      on: row.entry_on,
      kind: row.kind,
      number: row.number,
      detail: row.detail,
      debitCents: debit,
      creditCents: credit,
      invoiceId: row.invoice_id,
      paymentId: row.payment_id,
    });
    statement.debitCents += debit;
    statement.creditCents += credit;
  }
  for (const statement of byRegie.values()) statement.closingCents = statement.openingCents + statement.debitCents - statement.creditCents;
  return [...byRegie.values()].filter((statement) => statement.operations.length > 0 || statement.openingCents !== 0);
}

/** The school years a household has operations in, newest first (the statement's year picker). */
export async function statementYears(scope: Scope, householdId: string): Promise<number[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const rows = await scope.tx
    .selectFrom('ledger_entries')
    .select(
      sql<number>`distinct case when extract(month from entry_on) >= 9 then extract(year from entry_on) else extract(year from entry_on) - 1 end`.as('year'),
    )
    .where('household_id', '=', householdId)
    .execute();
  return rows.map((row) => Number(row.year)).sort((a, b) => b - a);
}
