import type { Generated } from 'kysely';
import type { Id, Json, NullableTimestamp, Timestamp } from '../../db/column-types.js';

export const PROVIDERS = ['payfip', 'tipi', 'systempay', 'payzen'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];
export type ChannelMode = 'test' | 'production';
export type AttemptState = 'pending' | 'paid' | 'refused' | 'abandoned' | 'expired';
export type OnlineMethod = 'online_card' | 'online_debit';
export type PaymentEventKind = 'notification' | 'return' | 'lookup';

export interface PaymentChannelsTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  provider: ProviderKind;
  mode: ChannelMode;
  merchant_id: string;
  /** The provider's keys, sealed (security/sealed-box.ts); null for providers without keys (PayFiP, TIPI). */
  sealed_keys: string | null;
  endpoint: string;
  enabled: Generated<boolean>;
  created_at: Timestamp;
}

export interface PaymentAttemptsTable {
  id: Id;
  tenant_id: string;
  regie_id: string;
  household_id: string;
  channel_id: string;
  reference: string;
  provider_ref: string | null;
  amount_cents: number;
  mode: ChannelMode;
  payer_email: string;
  payer_name: string;
  state: Generated<AttemptState>;
  method: OnlineMethod | null;
  authorisation: string | null;
  created_at: Timestamp;
  created_by: string | null;
  settled_at: NullableTimestamp;
  /** The prepayment basket it pays (otherwise the invoices of payment_attempt_invoices). */
  basket_id: Generated<string | null>;
}

export interface PaymentAttemptInvoicesTable {
  attempt_id: string;
  invoice_id: string;
  tenant_id: string;
  amount_cents: number;
}

export interface PaymentEventsTable {
  id: Id;
  tenant_id: string;
  channel_id: string;
  attempt_id: string | null;
  kind: PaymentEventKind;
  raw: Json<Record<string, string>>;
  verdict: string;
  created_at: Timestamp;
}

export interface OnlinePaymentTables {
  payment_channels: PaymentChannelsTable;
  payment_attempts: PaymentAttemptsTable;
  payment_attempt_invoices: PaymentAttemptInvoicesTable;
  payment_events: PaymentEventsTable;
}
