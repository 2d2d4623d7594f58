import type { ColumnType, Generated } from 'kysely';
import type { CalendarDate, Id, Timestamp } from '../../db/column-types.js';

/** How a payment was received. */
export const PAYMENT_METHODS = [
  'cash',
  'cheque',
  'cesu_paper',
  'cesu_electronic',
  'transfer',
  'card_counter',
  'direct_debit',
  'online_card',
  'online_debit',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The methods staff record at the counter (online payments are recorded by the payment providers). */
export const COUNTER_METHODS = [
  'cash',
  'cheque',
  'cesu_paper',
  'cesu_electronic',
  'transfer',
  'card_counter',
  'direct_debit',
] as const satisfies readonly PaymentMethod[];

export type LedgerKind = 'invoice' | 'credit_note' | 'payment' | 'payment_cancellation' | 'refund';
export type RefundMethod = 'transfer' | 'cheque' | 'cash';
export type NumberSeries = 'invoice' | 'receipt';

/** A bigint column: read as text by the drivers, written as a number. */
type Int8 = ColumnType<string, number | string, number | string>;

export interface DocumentNumbersTable {
  tenant_id: string;
  regie_id: string;
  series: NumberSeries;
  year: number;
  last: Generated<number>;
}

export interface PaymentsTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  household_id: string;
  number: string;
  method: PaymentMethod;
  amount_cents: number;
  received_on: CalendarDate;
  payer_name: string;
  cheque_number: string | null;
  bank_name: string | null;
  reference: string | null;
  note: string | null;
  /** The online payment attempt it settles (one payment per attempt at most). */
  attempt_id: string | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface PaymentCancellationsTable {
  payment_id: string;
  tenant_id: string;
  reason: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface RefundsTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  household_id: string;
  amount_cents: number;
  refunded_on: CalendarDate;
  method: RefundMethod;
  reason: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface AllocationsTable {
  id: Id;
  tenant_id: string;
  invoice_id: string;
  payment_id: string | null;
  credit_note_id: string | null;
  amount_cents: number;
  created_at: Timestamp;
}

export interface LedgerEntriesTable {
  id: Generated<Int8>;
  tenant_id: string;
  household_id: string;
  regie_id: string;
  entry_on: CalendarDate;
  kind: LedgerKind;
  amount_cents: number;
  invoice_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  created_at: Timestamp;
}

export interface LedgerTables {
  document_numbers: DocumentNumbersTable;
  payments: PaymentsTable;
  payment_cancellations: PaymentCancellationsTable;
  refunds: RefundsTable;
  allocations: AllocationsTable;
  ledger_entries: LedgerEntriesTable;
}
