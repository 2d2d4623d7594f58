import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import type { CalendarClosedReason } from '../../modules/bookings/booking-calendar.js';
import type { BookingStatus } from '../../modules/bookings/bookings.tables.js';
import type { BookingNote } from '../../modules/bookings/request-history.js';
import { usePage } from '../page-context.js';
import { StatusBadge, type BadgeTone } from './status-badge.js';

/** Each booking state with its own icon and word (the DSFR badge draws the icon of its tone). */
export const BOOKING_TONES: Record<BookingStatus, BadgeTone> = {
  requested: 'new',
  reserved: 'success',
  refused: 'error',
  waitlisted: 'warning',
  offered: 'info',
  cancel_requested: 'new',
  cancelled: 'info',
  present: 'success',
  absent_excused: 'info',
  absent_billed: 'warning',
  late_cancelled: 'error',
  awaiting_payment: 'new',
};

export function BookingStatusBadge(props: { status: BookingStatus; rank?: number | null }) {
  const { t } = usePage();
  return (
    <>
      <StatusBadge tone={BOOKING_TONES[props.status]} label={`booking.status.${props.status}`} />
      {props.status === 'waitlisted' && props.rank ? <span class="fr-text--xs fr-ml-1v">{t('booking.rank', { rank: props.rank })}</span> : null}
    </>
  );
}

export function refusalText(t: (key: MessageKey) => string, reason: CalendarClosedReason | 'full' | 'offer_expired' | 'closure'): string {
  return t(`booking.reason.${reason}`);
}

/** Why a booking ended as it did, in words. */
export function bookingNoteText(t: Translate, note: BookingNote | null): string | null {
  if (note === null) return null;
  if (note.kind === 'words') return note.text;
  return refusalText(t, note.kind === 'rule' ? note.reason : note.kind);
}

/** Why a calendar box cannot be ticked, naming the units held that day that bar it, if that is why. */
export function closedText(t: Translate, state: { reason: CalendarClosedReason; conflictsWith?: string[] }, units: { id: string; name: string }[]): string {
  if (!state.conflictsWith?.length) return refusalText(t, state.reason);
  const names = state.conflictsWith.map((unitId) => units.find((unit) => unit.id === unitId)?.name ?? '');
  return t('booking.reason.conflicts_with_named', { units: names.join(', ') });
}
