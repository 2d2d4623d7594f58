import type { Translate } from '../i18n/catalogue.js';
import type { DependentCancellation } from '../modules/bookings/cancellations.js';

/**
 * What the family reads after a cancellation, on the planning page and in the API's answer: the
 * booking's outcome, then the units of the day that went with it because they needed it.
 */
export function cancellationMessage(
  t: Translate,
  kind: 'cancelled' | 'cancel_requested',
  dependents: Pick<DependentCancellation, 'unitName' | 'outcome'>[],
): string {
  const unitsOf = (outcome: DependentCancellation['outcome']) =>
    dependents
      .filter((dependent) => dependent.outcome === outcome)
      .map((dependent) => dependent.unitName)
      .join(', ');
  const cancelled = unitsOf('cancelled');
  const requested = unitsOf('cancel_requested');
  return [
    t(kind === 'cancelled' ? 'bookings.cancelled' : 'bookings.cancelRequested'),
    ...(cancelled ? [t('bookings.dependentsCancelled', { units: cancelled })] : []),
    ...(requested ? [t('bookings.dependentsCancelRequested', { units: requested })] : []),
  ].join(' ');
}
