import type { Translate } from '../i18n/catalogue.js';
import type { DependentCancellation } from '../modules/bookings/cancellations.js';

/**
 * What the family reads after a cancellation, on the planning page and in the API's answer: the
 * booking's outcome, then the units of the day that went with it because they needed it, those the
 * child's other household booked apart.
 */
export function cancellationMessage(
  t: Translate,
  kind: 'cancelled' | 'cancel_requested',
  dependents: Pick<DependentCancellation, 'unitName' | 'outcome' | 'otherHousehold'>[],
): string {
  const unitsOf = (outcome: DependentCancellation['outcome'], otherHousehold = false) =>
    dependents
      .filter((dependent) => dependent.outcome === outcome && dependent.otherHousehold === otherHousehold)
      .map((dependent) => dependent.unitName)
      .join(', ');
  const cancelled = unitsOf('cancelled');
  const requested = unitsOf('cancel_requested');
  // The other household's units are always cancelled outright: its bookings, not this family's request.
  const otherHousehold = unitsOf('cancelled', true);
  return [
    t(kind === 'cancelled' ? 'bookings.cancelled' : 'bookings.cancelRequested'),
    ...(cancelled ? [t('bookings.dependentsCancelled', { units: cancelled })] : []),
    ...(requested ? [t('bookings.dependentsCancelRequested', { units: requested })] : []),
    ...(otherHousehold ? [t('bookings.dependentsOtherHousehold', { units: otherHousehold })] : []),
  ].join(' ');
}
