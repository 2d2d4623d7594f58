import type { FieldError } from '../validation/fields.js';
import { euros } from '../validation/fields.js';

/**
 * What the billing forms share: their error codes (each translated next to its field by the
 * pages) and the readers of amounts and percentages as staff type them.
 */
export type BillingFieldError =
  | FieldError
  /** An amount below zero. */
  | 'negative'
  /** An amount no unit of care costs (over 1,000 €): a typo. */
  | 'absurd'
  /** Another tariff of the unit starts that day. */
  | 'dateTaken'
  /** Days from that date were already invoiced at the previous price: a new price starts after them. */
  | 'alreadyBilled'
  /** Brackets must start at a QF of 0 and rise. */
  | 'bracketOrder'
  /** The floor is above the ceiling. */
  | 'floorAboveCeiling'
  /** The prefix is used by another régie. */
  | 'prefixTaken'
  /** Part of the period was already invoiced for this régie. */
  | 'periodInvoiced'
  /** The period ends before it starts, or lasts more than a year. */
  | 'periodOrder'
  /** The period ends after today. */
  | 'periodInFuture';

export type BillingErrors<F extends string> = Partial<Record<F, BillingFieldError>>;

/** The most a unit of care may cost: beyond, a typo (a price in cents typed as euros). */
export const MAX_UNIT_CENTS = 100_000;

/** A price in euros as staff type it, within what a unit of care may cost; '' is `null`. */
export function price(raw: string | undefined): { ok: true; value: number | null } | { ok: false; error: BillingFieldError } {
  if (/^\s*-/.test(raw ?? '')) return { ok: false, error: 'negative' };
  const checked = euros(raw);
  if (!checked.ok) return checked;
  if (checked.value !== null && checked.value > MAX_UNIT_CENTS) return { ok: false, error: 'absurd' };
  return checked;
}

/** A required price. */
export function requiredPrice(raw: string | undefined): { ok: true; value: number } | { ok: false; error: BillingFieldError } {
  const checked = price(raw);
  if (!checked.ok) return checked;
  return checked.value === null ? { ok: false, error: 'required' } : { ok: true, value: checked.value };
}

/** A percentage typed as "0,5" or "12", returned in basis points (hundredths of a percent). */
export function percentBps(raw: string | undefined, maxPercent: number): { ok: true; value: number | null } | { ok: false; error: BillingFieldError } {
  const value = (raw ?? '').replace(/[\s%]/g, '').replace(',', '.');
  if (value === '') return { ok: true, value: null };
  if (value.startsWith('-')) return { ok: false, error: 'negative' };
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(value)) return { ok: false, error: 'integer' };
  const bps = Math.round(Number(value) * 100);
  if (bps > maxPercent * 100) return { ok: false, error: 'absurd' };
  return { ok: true, value: bps };
}
