import { integer } from '../validation/fields.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { updateTenantSettings } from '../tenancy/tenant-settings.js';

/**
 * How long the authority keeps each kind of personal data, in months (RGPD: no longer than its
 * purpose needs). The ranges keep the authority within what its duties allow: connection traces
 * between 6 months and a year (CNIL's recommendation for logs), the audit log long enough to answer
 * a dispute, a closed family long enough to come back or contest an invoice.
 */
export interface RetentionPolicy {
  /** After staff closed a household: then its people, accounts, requests, messages and files are erased. */
  closedHouseholdMonths: number;
  /** After a thread's last message: then the thread, its messages and attachments are deleted. */
  messageMonths: number;
  /** After a file was sent with an absence (a medical certificate): then the file is deleted. */
  fileMonths: number;
  /** After an email was written: then the copy the portal kept is deleted. */
  emailMonths: number;
  /** Connection traces: logins in the audit log, network addresses, failed logins, ended sessions. */
  connectionMonths: number;
  /** The audit log's other entries; those about money are kept MONEY_AUDIT_YEARS whatever is set here. */
  auditMonths: number;
}

export type RetentionField = keyof RetentionPolicy;

export const RETENTION_LIMITS: Record<RetentionField, { fallback: number; min: number; max: number }> = {
  closedHouseholdMonths: { fallback: 36, min: 1, max: 120 },
  messageMonths: { fallback: 24, min: 3, max: 120 },
  fileMonths: { fallback: 24, min: 3, max: 120 },
  emailMonths: { fallback: 12, min: 1, max: 60 },
  connectionMonths: { fallback: 12, min: 6, max: 12 },
  auditMonths: { fallback: 60, min: 12, max: 120 },
};

export const RETENTION_FIELDS = Object.keys(RETENTION_LIMITS) as RetentionField[];

/**
 * The audit log of invoices, payments, refunds, tariffs and régies is part of the accounts: kept ten
 * years, as the public accountant keeps the accounting documents it explains.
 */
export const MONEY_AUDIT_YEARS = 10;
export const MONEY_AUDIT_PREFIXES = [
  'invoice.',
  'invoice_run.',
  'payment.',
  'refund.',
  'credit_note.',
  'tariff.',
  'regie.',
  'payment_channel.',
  'household.quotient_',
];

export function retentionPolicy(settings: TenantSettings): RetentionPolicy {
  const chosen = settings.retention ?? {};
  return Object.fromEntries(RETENTION_FIELDS.map((field) => [field, chosen[field] ?? RETENTION_LIMITS[field].fallback])) as unknown as RetentionPolicy;
}

/** The instant `months` calendar months before `now`: what is older is past its keeping time. */
export function monthsBefore(now: Date, months: number): Date {
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - months);
  return limit;
}

export type RetentionSaved = { kind: 'saved' } | { kind: 'forbidden' } | { kind: 'invalid'; errors: Partial<Record<RetentionField, 'integer'>> };

/** Administrators set the keeping times; each is a whole number of months within its range. */
export async function saveRetentionPolicy(scope: Scope, form: Partial<Record<RetentionField, string>>): Promise<RetentionSaved> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const errors: Partial<Record<RetentionField, 'integer'>> = {};
  const policy: Partial<RetentionPolicy> = {};
  for (const field of RETENTION_FIELDS) {
    const { min, max } = RETENTION_LIMITS[field];
    const checked = integer(form[field], min, max);
    if (!checked.ok || checked.value === null) errors[field] = 'integer';
    else policy[field] = checked.value;
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  await updateTenantSettings(scope, { retention: policy as RetentionPolicy });
  return { kind: 'saved' };
}
