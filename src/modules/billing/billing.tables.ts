import type { ColumnType, Generated } from 'kysely';
import type { CalendarDate, Id, Timestamp } from '../../db/column-types.js';
import type { Lang } from '../../i18n/catalogue.js';

/** A bigint column: read as text by the drivers, written as a number. */
type Int8 = ColumnType<string, number | string, number | string>;

export interface RegiesTable {
  id: Id;
  tenant_id: string;
  name: string;
  invoice_prefix: string;
  payment_terms_days: Generated<number>;
  reminder_days: Generated<number[]>;
  bank_holder: string | null;
  iban: string | null;
  bic: string | null;
  payment_instructions: string | null;
  payfip_numcli: string | null;
  /** Families may pay part of an invoice online. */
  online_partial: Generated<boolean>;
  /** How long a prepayment basket holds its places unpaid, in minutes. */
  basket_hold_minutes: Generated<number>;
  created_at: Timestamp;
}

export type TariffKind = 'flat' | 'qf_brackets' | 'effort_rate';

export interface TariffsTable {
  id: Id;
  tenant_id: string;
  unit_id: string;
  effective_from: CalendarDate;
  kind: TariffKind;
  flat_cents: number | null;
  effort_rate_bps: number | null;
  effort_floor_cents: number | null;
  effort_ceiling_cents: number | null;
  meal_cents: Generated<number>;
  sibling_percents: Generated<number[]>;
  non_resident_extra_cents: Generated<number>;
  unbooked_cents: number | null;
  created_at: Timestamp;
  created_by: string | null;
}

export interface TariffBracketsTable {
  tariff_id: string;
  tenant_id: string;
  qf_min: number;
  care_cents: number;
}

export type QuotientSource = 'caf' | 'msa' | 'tax_notice' | 'staff' | 'family' | 'import';

export interface HouseholdQuotientsTable {
  id: Generated<Int8>;
  tenant_id: string;
  household_id: string;
  qf: number;
  dated: CalendarDate;
  source: QuotientSource | null;
  recorded_at: Timestamp;
}

export interface InvoiceRunsTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  period_from: CalendarDate;
  period_to: CalendarDate;
  issued_on: CalendarDate;
  invoices: number;
  total_cents: Int8;
  created_at: Timestamp;
  created_by: string | null;
}

export type InvoiceKind = 'invoice' | 'credit_note';

export interface InvoicesTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  run_id: string | null;
  kind: InvoiceKind;
  credit_of: string | null;
  number: string;
  year: number;
  seq: number;
  household_id: string;
  payer_person_id: string | null;
  payer_name: string;
  payer_address: string;
  issued_on: CalendarDate;
  due_on: CalendarDate;
  period_from: CalendarDate | null;
  period_to: CalendarDate | null;
  total_cents: number;
  reason: string | null;
  lang: Generated<Lang>;
  created_at: Timestamp;
  created_by: string | null;
}

export interface TreasuryTitlesTable {
  invoice_id: string;
  tenant_id: string;
  reference: string;
  handed_on: CalendarDate;
  created_at: Timestamp;
  created_by: string | null;
}

/** What a billed day is: attended, absent without excuse, cancelled too late, attended without a booking. */
export type BilledKind = 'attended' | 'absence' | 'late_cancellation' | 'unbooked_presence';
/** A day paid at booking, from a prepayment basket: billed once, when paid, and never by a run. */
export type PrepaidKind = 'prepaid';
export type LineKind = BilledKind | PrepaidKind | 'regularisation';

export interface InvoiceLinesTable {
  id: Id;
  tenant_id: string;
  invoice_id: string;
  position: number;
  child_id: string | null;
  child_name: string;
  unit_id: string | null;
  label: string;
  kind: LineKind;
  days: CalendarDate[];
  quantity: number;
  unit_price_cents: number;
  amount_cents: number;
  care_cents: number;
  meal_cents: number;
  penalty_cents: number;
}

export interface BilledUnitsTable {
  /** Internal (no page or API names a billed day): a number that only grows, cheap to index. */
  id: Generated<number>;
  tenant_id: string;
  invoice_line_id: string;
  booking_id: string;
  day: CalendarDate;
  kind: BilledKind | PrepaidKind;
  care_cents: number;
  meal_cents: number;
  penalty_cents: number;
  reverses: number | null;
  reversed_by: number | null;
}

export interface InvoicePdfsTable {
  invoice_id: string;
  tenant_id: string;
  lang: Lang;
  pdf: Buffer;
  created_at: Timestamp;
}

export interface InvoiceRemindersTable {
  invoice_id: string;
  tenant_id: string;
  step: number;
  sent_at: Timestamp;
}

export interface BillingTables {
  regies: RegiesTable;
  tariffs: TariffsTable;
  tariff_brackets: TariffBracketsTable;
  household_quotients: HouseholdQuotientsTable;
  invoice_runs: InvoiceRunsTable;
  invoices: InvoicesTable;
  treasury_titles: TreasuryTitlesTable;
  invoice_lines: InvoiceLinesTable;
  billed_units: BilledUnitsTable;
  invoice_pdfs: InvoicePdfsTable;
  invoice_reminders: InvoiceRemindersTable;
}
