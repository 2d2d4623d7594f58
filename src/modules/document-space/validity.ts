import { addDays, addMonths, schoolYearOf } from '../calendar/calendar-dates.js';
import type { SubmissionStatus, Validity } from './document-space.tables.js';

/**
 * How long a document asked for stays valid, and where a household stands for one kind. Days are
 * the authority's: the caller gives "today" and the day the document was sent in its time zone.
 */

/**
 * The first day a document sent on `sentOn` is no longer valid: the 1st of September after the
 * school year it was sent in, or the same day some months later; null when it stays valid.
 */
export function expiryOf(kind: { validity: Validity; validity_months: number | null }, sentOn: string): string | null {
  switch (kind.validity) {
    case 'none':
      return null;
    case 'school_year':
      return `${schoolYearOf(sentOn) + 1}-09-01`;
    case 'months':
      return addMonths(sentOn, kind.validity_months ?? 12);
  }
}

/** What a household must do, or has done, for a kind asked for. */
export type RequirementState =
  | { kind: 'missing' }
  | { kind: 'pending'; sentAt: Date }
  | { kind: 'refused'; reason: string }
  | { kind: 'valid'; validUntil: string | null }
  | { kind: 'expired'; expiredOn: string };

/** The household's last document of the kind decides: none sent, waiting for staff, refused, valid, or expired. */
export function requirementState(
  latest: { status: SubmissionStatus; reason: string | null; expires_on: string | null; sent_at: Date } | undefined,
  today: string,
): RequirementState {
  if (!latest) return { kind: 'missing' };
  if (latest.status === 'pending') return { kind: 'pending', sentAt: latest.sent_at };
  if (latest.status === 'refused') return { kind: 'refused', reason: latest.reason ?? '' };
  if (latest.expires_on !== null && latest.expires_on <= today) return { kind: 'expired', expiredOn: latest.expires_on };
  return { kind: 'valid', validUntil: latest.expires_on === null ? null : addDays(latest.expires_on, -1) };
}

/** The states that ask something of the family: send a document, or another one. */
export const TO_PROVIDE: readonly RequirementState['kind'][] = ['missing', 'refused', 'expired'];
