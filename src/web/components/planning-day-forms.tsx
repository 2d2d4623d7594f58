import type { CancelOutcome } from '../../modules/bookings/cancellations.js';
import type { PlanningDayView } from '../../modules/bookings/planning-day.js';
import { untilWords } from '../calendar-labels.js';
import { usePage } from '../page-context.js';
import { BookingStatusBadge, closedText } from './booking-status.js';
import { Alert } from './dsfr/alert.js';
import { Button } from './dsfr/button.js';
import { CsrfField } from './dsfr/csrf-field.js';
import { StatusBadge } from './status-badge.js';

/**
 * The forms of a child's day — book what is open, confirm a cancellation — shared by the family's
 * day page and the counter, where staff act for the family and may choose to pass a deadline.
 */

/** Hidden fields a form sends back with the choices: name and value. */
export type HiddenFields = [string, string][];

/** The form's field by which staff choose to pass a deadline ("passer outre le délai"). */
export const PASS_DEADLINE_FIELD = 'hors_delai';

/** What cancelling a booking would do, found by the engine itself (planning-day.ts cancellationPreview). */
export interface CancelPreview {
  entry: PlanningDayView['planning']['entries'][number];
  outcome: CancelOutcome;
  /** At the counter, after the deadline: what cancelling would do if staff passed it. */
  passing?: CancelOutcome;
}

function Hidden(props: { fields: HiddenFields }) {
  return (
    <>
      {props.fields.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

/** Staff's explicit choice to pass a deadline, unticked by default. */
function PassDeadlineBox(props: { id: string }) {
  const { t } = usePage();
  return (
    <div class="fr-checkbox-group fr-mb-2w">
      <input type="checkbox" id={props.id} name={PASS_DEADLINE_FIELD} value="1" />
      <label class="fr-label" for={props.id}>
        {t('counter.passDeadline')}
        <span class="fr-hint-text">{t('counter.passDeadlineHint')}</span>
      </label>
    </div>
  );
}

/**
 * The units of an activity the child may tick that day, each with what to know first (full, places
 * left, until when). `passable`: at the counter, a unit closed only by its deadline may be ticked
 * too, booked if staff tick "passer outre le délai".
 */
export function DayBookingForm(props: {
  action: string;
  hidden: HiddenFields;
  childId: string;
  day: string;
  activity: PlanningDayView['activities'][number];
  passable?: boolean;
}) {
  const page = usePage();
  const { t } = page;
  const { activity } = props;
  const late = (state: (typeof activity.units)[number]['state']) => props.passable === true && state.kind === 'closed' && state.reason === 'deadline_passed';
  const tickable = activity.units.filter((item) => item.state.kind === 'open' || late(item.state));
  if (tickable.length === 0) return <ClosedUnits activities={[activity]} />;
  return (
    <form method="post" action={props.action} class="fr-mb-3w">
      <CsrfField />
      <Hidden fields={props.hidden} />
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">{activity.name}</legend>
        {activity.units.map(({ unit, state }) => (
          <div class="fr-fieldset__element" key={unit.id}>
            {state.kind === 'open' || late(state) ? (
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`unit-${unit.id}`} name="choix" value={`${props.childId}|${unit.id}|${props.day}`} />
                <label class="fr-label" for={`unit-${unit.id}`}>
                  {unit.name}
                  <span class="fr-hint-text">
                    {state.kind === 'open'
                      ? [
                          state.full ? t('bookings.fullNote') : null,
                          activity.showPlacesLeft && !state.full && state.placesLeft != null
                            ? state.placesLeft === 1
                              ? t('bookings.placesLeft.one')
                              : t('bookings.placesLeft.many', { count: state.placesLeft })
                            : null,
                          t('bookings.deadline', { until: untilWords(t, page.lang, state.deadline, page.tenant!.time_zone) }),
                        ]
                          .filter((part) => part !== null)
                          .join(' — ')
                      : t('counter.deadlinePassedUnit')}
                  </span>
                </label>
              </div>
            ) : state.kind === 'closed' ? (
              <p class="fr-text--sm fr-mb-0">
                <strong>{unit.name}</strong> —{' '}
                {closedText(
                  t,
                  state,
                  activity.units.map((item) => item.unit),
                )}
              </p>
            ) : null}
          </div>
        ))}
      </fieldset>
      {tickable.some((item) => late(item.state)) && <PassDeadlineBox id={`pass-deadline-${activity.id}`} />}
      <Button icon="fr-icon-send-plane-line">{t('planning.bookSubmit')}</Button>
    </form>
  );
}

/** Why nothing of these activities can be booked that day, unit by unit (booked units are listed above). */
export function ClosedUnits(props: { activities: PlanningDayView['activities'] }) {
  const { t } = usePage();
  const closed = props.activities.flatMap((activity) =>
    activity.units.flatMap(({ unit, state }) =>
      state.kind === 'closed'
        ? [
            {
              key: unit.id,
              text: `${activity.name} — ${unit.name}${t('punct.colon')}${closedText(
                t,
                state,
                activity.units.map((item) => item.unit),
              )}`,
            },
          ]
        : [],
    ),
  );
  if (closed.length === 0) return null;
  return (
    <ul class="pf-compact-list fr-text--sm">
      {closed.map((item) => (
        <li key={item.key}>{item.text}</li>
      ))}
    </ul>
  );
}

/**
 * Asks before cancelling: whether the day will be billed and which units go with it, as the engine
 * answers. At the counter, a cancellation refused by its deadline may still be confirmed with
 * "passer outre le délai", and the page says what that would do.
 */
export function CancelConfirmation(props: { action: string; hidden: HiddenFields; preview: CancelPreview; back: string }) {
  const page = usePage();
  const { t } = page;
  const { entry, outcome, passing } = props.preview;
  if (outcome.kind === 'not_found') return null;
  const passable = outcome.kind === 'refused' && passing !== undefined && (passing.kind === 'cancelled' || passing.kind === 'cancel_requested');
  if (outcome.kind === 'refused' && !passable)
    return (
      <Alert kind="error" small>
        {t('bookings.cancelRefused', { reason: t(`cancel.reason.${outcome.reason}`) })}
      </Alert>
    );
  const done = outcome.kind === 'refused' ? passing! : outcome;
  if (done.kind !== 'cancelled' && done.kind !== 'cancel_requested') return null;
  const along = done.dependents
    .filter((dependent) => !dependent.otherHousehold)
    .map((dependent) => dependent.unitName)
    .join(', ');
  const theirs = done.dependents
    .filter((dependent) => dependent.otherHousehold)
    .map((dependent) => dependent.unitName)
    .join(', ');
  return (
    <section class="fr-callout fr-mb-3w" aria-labelledby="cancel-title">
      <h2 class="fr-callout__title fr-h5" id="cancel-title">
        {t('planning.cancelTitle', { unit: `${entry.activityName} — ${entry.unitName}` })}
      </h2>
      {outcome.kind === 'refused' && (
        <p class="fr-callout__text">
          {t('bookings.cancelRefused', { reason: t(`cancel.reason.${outcome.reason}`) })} {t('counter.cancelPassable')}
        </p>
      )}
      <p class="fr-callout__text">
        {entry.status === 'waitlisted'
          ? t('planning.cancelWaitlist')
          : t(done.kind !== 'cancelled' ? 'planning.cancelAsked' : outcome.kind === 'refused' ? 'counter.cancelNotBilledLate' : 'planning.cancelNotBilled')}
        {along && ` ${t('planning.cancelAlong', { units: along })}`}
        {theirs && ` ${t('planning.cancelOtherHousehold', { units: theirs })}`}
      </p>
      <form method="post" action={props.action}>
        <CsrfField />
        <Hidden fields={props.hidden} />
        {outcome.kind === 'refused' && <PassDeadlineBox id="pass-deadline-cancel" />}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <Button>{t('planning.cancelConfirm')}</Button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={props.back}>
              {t('planning.keep')}
            </a>
          </li>
        </ul>
      </form>
    </section>
  );
}

/** What the day is beside its bookings, in words: school or public holiday, an absence awaiting an answer. */
export function DayBadges(props: { planning: PlanningDayView['planning'] }) {
  const { t } = usePage();
  const { planning } = props;
  return (
    <ul class="fr-badges-group fr-mb-2w">
      {planning.schoolHoliday && (
        <li>
          <span class="fr-badge fr-badge--info fr-badge--no-icon">{t('planning.schoolHoliday')}</span>
        </li>
      )}
      {planning.publicHoliday && (
        <li>
          <span class="fr-badge fr-badge--no-icon">{t('planning.publicHoliday')}</span>
        </li>
      )}
      {planning.absencePending && (
        <li>
          <StatusBadge tone="new" label="planning.absencePending" />
        </li>
      )}
    </ul>
  );
}

/**
 * The day's bookings with their state, each with its cancel link where `cancelHref` gives one, and
 * until when it may be cancelled or since when it no longer may (`closedKey` says it for the reader).
 */
export function BookedEntries(props: {
  entries: PlanningDayView['planning']['entries'];
  cancelHref: (entry: PlanningDayView['planning']['entries'][number]) => string | null;
  closedKey: 'bookings.cancelClosed' | 'counter.cancelLate';
}) {
  const page = usePage();
  const { t } = page;
  const timeZone = page.tenant!.time_zone;
  if (props.entries.length === 0) return <p>{t('planning.nothingBooked')}</p>;
  return (
    <ul class="pf-compact-list pf-planning-entries fr-mb-4w">
      {props.entries.map((entry) => {
        const cancel = props.cancelHref(entry);
        return (
          <li key={entry.bookingId}>
            <span>
              {entry.activityName} — <strong>{entry.unitName}</strong>
            </span>{' '}
            {entry.byService && <span class="fr-text--xs fr-mr-1v">{t('planning.byService')}</span>}
            {entry.closure === null ? <BookingStatusBadge status={entry.status} rank={entry.rank} /> : <StatusBadge tone="warning" label="bookings.closed" />}
            {cancel && (
              <>
                {' '}
                <a class="fr-btn fr-btn--tertiary fr-btn--sm fr-ml-1w" href={cancel}>
                  {t('bookings.cancel')}
                  <span class="fr-sr-only"> — {entry.unitName}</span>
                </a>
              </>
            )}
            {entry.cancellableUntil && entry.status !== 'waitlisted' && (
              <span class="fr-text--xs fr-ml-1v">{t('bookings.cancellable', { until: untilWords(t, page.lang, entry.cancellableUntil, timeZone) })}</span>
            )}
            {entry.cancelClosedAt && (
              <p class="fr-text--sm fr-mb-0">{t(props.closedKey, { until: untilWords(t, page.lang, entry.cancelClosedAt, timeZone) })}</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
