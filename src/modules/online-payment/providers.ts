import type { ChannelMode, OnlineMethod, ProviderKind } from './online-payment.tables.js';

/**
 * What the portal needs of an online payment provider (PAYMENTS.md), one adapter per provider:
 * where to send the family's browser to pay, and what a notification or a lookup says about an
 * attempt once it is verified. No provider's detail lives outside its adapter.
 */

/** A régie's provider as an adapter uses it; keys opened (only the adapters that sign have some). */
export interface Channel {
  id: string;
  provider: ProviderKind;
  mode: ChannelMode;
  merchantId: string;
  keys: { test?: string; production?: string } | null;
  endpoint: string;
}

/** An attempt as it leaves for the provider. */
export interface Departing {
  reference: string;
  amountCents: number;
  payerEmail: string;
  /** What is paid, in words the provider accepts (PayFiP: letters, digits and spaces). */
  label: string;
  createdAt: Date;
  /** The year of the attempt in the authority's time zone (PayFiP's and TIPI's `exer`). */
  year: number;
  /** The server-to-server notification's address, and the browser's way back. */
  notifyUrl: string;
  returnUrl: string;
}

/** Where the browser goes, in the same tab: a redirect (GET) or a form it posts. */
export type Departure =
  | { kind: 'redirect'; url: string; providerRef?: string }
  | { kind: 'form'; url: string; fields: Record<string, string>; providerRef?: string }
  | { kind: 'unavailable'; why: string };

/** The attempt a notification claims to be about, read before anything in it is trusted. */
export interface Claim {
  reference?: string;
  providerRef?: string;
}

/**
 * What a provider says about an attempt, once verified (signature or our own lookup). A result is
 * still matched against the attempt (reference, amount, merchant, mode) before it settles anything.
 */
export type ProviderAnswer =
  | {
      kind: 'result';
      reference: string;
      amountCents: number;
      merchantId: string;
      mode: ChannelMode;
      outcome: 'paid' | 'refused' | 'abandoned' | 'pending';
      method?: OnlineMethod;
      authorisation?: string;
      /** The provider's own fields (a lookup's answer), kept for the audit. */
      raw?: Record<string, string>;
    }
  /** The provider does not know the result yet (PayFiP's P5). */
  | { kind: 'unknown_yet' }
  /** The provider does not know the attempt (PayFiP's P1, after its nightly purge). */
  | { kind: 'unknown_attempt' }
  /** Not to be believed: bad or missing signature, malformed, sent to the wrong shop. */
  | { kind: 'rejected'; why: string }
  /** The provider could not be asked (fault, HTTP error, timeout). */
  | { kind: 'unavailable'; why: string };

export interface ProviderAdapter {
  /**
   * Whether what the provider says can be verified (a signature, our own lookup). TIPI's results are
   * signed by nothing: they are believed only for a pending attempt, once.
   */
  verifiable: boolean;
  depart(channel: Channel, attempt: Departing): Promise<Departure>;
  claimOf(fields: Record<string, string>): Claim | null;
  /** Reads a notification about `attempt` (null: no attempt matches its claim), verified. */
  verifyNotification(
    channel: Channel,
    fields: Record<string, string>,
    attempt: { reference: string; providerRef: string | null } | null,
  ): Promise<ProviderAnswer>;
  /** Asks the provider about an attempt; null when the provider offers no lookup. */
  lookup: ((channel: Channel, attempt: { reference: string; providerRef: string | null; createdAt: Date }) => Promise<ProviderAnswer>) | null;
}
