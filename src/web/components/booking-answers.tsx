import type { KeptResult } from '../../modules/bookings/booking-submissions.js';
import { dayLabel } from '../calendar-labels.js';
import { usePage } from '../page-context.js';
import { BookingStatusBadge, refusalText } from './booking-status.js';
import { Table } from './dsfr/table.js';

/** The answer to each choice of a booking form, as the engine gave it: the family's result page and the counter's. */
export function BookingAnswersTable(props: { results: KeptResult[]; names: Map<string, string>; units: Map<string, string> }) {
  const page = usePage();
  const { t } = page;
  return (
    <Table caption={t('bookings.answersCaption')} class="fr-mb-4w">
      <thead>
        <tr>
          <th scope="col">{t('bookings.children')}</th>
          <th scope="col">{t('bookings.day')}</th>
          <th scope="col">{t('bookings.units')}</th>
          <th scope="col">{t('requests.status')}</th>
        </tr>
      </thead>
      <tbody>
        {props.results.map((result) => {
          const { outcome } = result;
          return (
            <tr key={`${result.childId}${result.unitId}${result.day}`}>
              <td>{props.names.get(result.childId) ?? ''}</td>
              <td>{dayLabel(page.lang, result.day)}</td>
              <td>{props.units.get(result.unitId) ?? ''}</td>
              <td>
                {outcome.kind === 'reserved' && <BookingStatusBadge status="reserved" />}
                {outcome.kind === 'requested' && <BookingStatusBadge status="requested" />}
                {outcome.kind === 'awaiting_payment' && <BookingStatusBadge status="awaiting_payment" />}
                {outcome.kind === 'waitlisted' && <BookingStatusBadge status="waitlisted" rank={outcome.rank} />}
                {outcome.kind === 'already' && <BookingStatusBadge status={outcome.status} />}
                {outcome.kind === 'refused' && (
                  <>
                    <BookingStatusBadge status="refused" /> <span class="fr-text--sm">{refusalText(t, outcome.reason)}</span>
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
