import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Translate } from '../../i18n/catalogue.js';
import { lastDayOfMonth } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { cancelBooking, cancelledAlong } from '../../modules/bookings/cancellations.js';
import { BOOKING_STATUSES, type BookingStatus } from '../../modules/bookings/booking-states.js';
import { currentFeedToken } from '../../modules/bookings/calendar-feed.js';
import { childPlanning, confirmOffer, type PlanningDay } from '../../modules/bookings/planning.js';
import type { Services } from '../../services.js';
import { PAGES } from '../../modules/page-paths.js';
import { cancellationMessage } from '../cancellation-message.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { BookingStatusBadge } from '../components/booking-status.js';
import { StatusBadge } from '../components/status-badge.js';
import { Day, Form, type FormInput, formValues, Id, Month, Text, UUID } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { bookingContextOf } from '../booking-context.js';
import { dayLabel, untilWords } from '../calendar-labels.js';
import { MonthNav } from '../components/month-nav.js';
import { absenceLimitsOf, absenceRefusalText } from './absence-routes.js';
import { ABSENCE_LATE_DAYS } from '../../modules/bookings/absences.js';
import { cancellationPreview, planningDay, type PlanningDayView } from '../../modules/bookings/planning-day.js';
import { BookedEntries, CancelConfirmation, ClosedUnits, DayBadges, DayBookingForm, type CancelPreview } from '../components/planning-day-forms.js';
import { childChoices } from '../../modules/households/household-overview.js';

/** Statuses the legend explains (the cancelled ones are not shown on the planning). */
const LEGEND: BookingStatus[] = BOOKING_STATUSES.filter((status) => status !== 'cancelled');

type Notice = { kind: 'success' | 'error'; text: string };

/** The planning's address: the child and month shown, and the answer to a cancellation just made. */
const PlanningQuery = Type.Object({
  enfant: Type.Optional(Id),
  mois: Type.Optional(Month),
  resultat: Type.Optional(Text),
  /** The bookings cancelled along with the one the family cancelled, comma-separated ids (20 at most). */
  aussi: Type.Optional(Type.String({ pattern: `^(${UUID}(,${UUID}){0,19})?$` })),
});

const BookingParams = Type.Object({ id: Id });

/**
 * A day of the planning: the child, the day, the booking whose cancellation is to confirm
 * (`annuler`), and the answer to a cancellation just made (`resultat`, `aussi`).
 */
const DayQuery = Type.Object({
  enfant: Id,
  jour: Day,
  annuler: Type.Optional(Id),
  resultat: PlanningQuery.properties.resultat,
  aussi: PlanningQuery.properties.aussi,
});

/** The day page's address, where the month planning's "Choisir" leads. */
function dayPath(childId: string, day: string, extra = ''): string {
  return `${PAGES.planning}/jour?enfant=${childId}&jour=${day}${extra}`;
}

/** The month planning of a child, across activities, with cancellation and offered places. */
export function familyPlanningRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.planning, { preHandler: requireFamily, schema: { querystring: PlanningQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const tenant = request.tenant!;
      const query = request.query;
      const data = await request.inScope(async (scope) => {
        const children = await childChoices(scope, householdId);
        const childId = query.enfant ?? children[0]?.id;
        const month = query.mois ?? localDate(scope.now, tenant.time_zone).slice(0, 7);
        const days = childId
          ? await childPlanning(scope, await bookingContextOf(services, scope, tenant), {
              householdId,
              childId,
              from: `${month}-01`,
              to: lastDayOfMonth(month),
            })
          : [];
        const feed = childId ? await currentFeedToken(scope, householdId, childId) : null;
        const notice = noticeOf(request.t, query, await cancelledAlong(scope, householdId, idsOf(query.aussi)));
        return { notice, children, childId, month, days, feedUrl: feed ? `${request.publicBase}/agenda/${feed}.ics` : null };
      });
      if (data.days === null) return reply.callNotFound();
      return reply.page(request.t('bookings.planning'), <PlanningPage {...data} days={data.days} />);
    });

    app.get(`${PAGES.planning}/jour`, { preHandler: requireFamily, schema: { querystring: DayQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const tenant = request.tenant!;
      const query = request.query;
      const data = await request.inScope(async (scope) => {
        const context = await bookingContextOf(services, scope, tenant);
        const view = await planningDay(scope, context, {
          householdId,
          childId: query.enfant,
          day: query.jour,
          limits: absenceLimitsOf(tenant, scope.now),
        });
        const child = (await childChoices(scope, householdId)).find((candidate) => candidate.id === query.enfant);
        // The cancellation to confirm, as the engine would answer it now (run, then undone): a link
        // followed after the deadline gets the refusal and its reason.
        const entry = view?.planning.entries.find((candidate) => candidate.bookingId === query.annuler);
        const preview = entry ? { entry, outcome: await cancellationPreview(scope, context, { householdId, bookingId: entry.bookingId }) } : null;
        const notice = noticeOf(request.t, query, await cancelledAlong(scope, householdId, idsOf(query.aussi)));
        return { view, child, preview, notice };
      });
      if (!data.view || !data.child) return reply.callNotFound();
      return reply.page(
        request.t('planning.dayTitle', { child: data.child.name, day: dayLabel(request.lang, query.jour, 'long') }),
        <DayPage childId={query.enfant} childName={data.child.name} view={data.view} preview={data.preview} notice={data.notice} />,
      );
    });

    app.post('/reservations/:id/annuler', { preHandler: requireFamily, schema: { params: BookingParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const householdId = request.session!.account.householdId!;
      const tenant = request.tenant!;
      const outcome = await request.inScope(async (scope) =>
        cancelBooking(scope, await bookingContextOf(services, scope, tenant), { householdId, bookingId: id }),
      );
      if (outcome.kind === 'not_found') return reply.callNotFound();
      const result = outcome.kind === 'refused' ? `refus-${outcome.reason}` : outcome.kind;
      // The units cancelled with it are named on the page, read again from the household's bookings.
      const along = outcome.kind === 'refused' ? [] : outcome.dependents.map((dependent) => dependent.bookingId).slice(0, 20);
      const answer = `&resultat=${result}${along.length > 0 ? `&aussi=${along.join(',')}` : ''}`;
      // Cancelled from a day's page: back to that day, which shows the answer.
      const { enfant, jour } = formValues(request.body);
      if (enfant && jour && /^\d{4}-\d{2}-\d{2}$/.test(jour)) return reply.redirect(`${request.base}${dayPath(enfant, jour, answer)}`);
      return reply.redirect(`${request.base}${PAGES.planning}?${backQuery(request.body)}${answer}`);
    });

    app.post('/reservations/:id/confirmer', { preHandler: requireFamily, schema: { params: BookingParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const householdId = request.session!.account.householdId!;
      const outcome = await request.inScope((scope) => confirmOffer(scope, { householdId, bookingId: id }));
      if (outcome === 'not_found') return reply.callNotFound();
      return reply.redirect(`${request.base}${PAGES.planning}?${backQuery(request.body)}&resultat=${outcome}`);
    });
  };
}

/** Keeps the child and month the family was looking at after a cancellation (the planning checks them again). */
function backQuery(body: FormInput): string {
  const { enfant, mois } = formValues(body);
  const params = new URLSearchParams();
  if (enfant) params.set('enfant', enfant);
  if (mois) params.set('mois', mois);
  return params.toString();
}

/** The booking ids a cancellation took with it (`aussi`), as the redirect wrote them. */
function idsOf(raw: string | undefined): string[] {
  return raw ? raw.split(',') : [];
}

function noticeOf(t: Translate, query: { resultat?: string }, along: Parameters<typeof cancellationMessage>[2]): Notice | undefined {
  switch (query.resultat) {
    case undefined:
      return undefined;
    case 'cancelled':
    case 'cancel_requested':
      return { kind: 'success', text: cancellationMessage(t, query.resultat, along) };
    case 'confirmed':
      return { kind: 'success', text: t('booking.status.reserved') };
    case 'expired':
      return { kind: 'error', text: t('booking.reason.offer_expired') };
    case 'refus-deadline_passed':
      return { kind: 'error', text: t('bookings.cancelRefused', { reason: t('cancel.reason.deadline_passed') }) };
    case 'refus-dependent_deadline_passed':
      return { kind: 'error', text: t('bookings.cancelRefused', { reason: t('cancel.reason.dependent_deadline_passed') }) };
    default:
      return { kind: 'error', text: t('bookings.cancelRefused', { reason: t('cancel.reason.not_cancellable') }) };
  }
}

function PlanningPage(props: {
  children: { id: string; name: string }[];
  childId: string | undefined;
  month: string;
  days: PlanningDay[];
  notice: Notice | undefined;
  feedUrl: string | null;
}) {
  const page = usePage();
  const { t } = page;
  const child = props.children.find((candidate) => candidate.id === props.childId);
  const monthLink = (month: string) => href(page, `/reservations/planning?enfant=${props.childId ?? ''}&mois=${month}`);
  const booked = props.days.some((day) => day.entries.length > 0);
  return (
    <>
      <h1>
        {t('bookings.planning')}
        {child ? ` — ${child.name}` : ''}
      </h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <form method="get" action={href(page, '/reservations/planning')} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-2w pf-no-print">
        <div class="fr-col-12 fr-col-md-6">
          <Select
            name="enfant"
            label={t('enrollments.child')}
            value={props.childId}
            options={props.children.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
          />
        </div>
        <input type="hidden" name="mois" value={props.month} />
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary">{t('bookings.showCalendar')}</Button>
        </div>
      </form>
      <MonthNav month={props.month} link={monthLink}>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-printer-line fr-btn--icon-left pf-print-button" data-print hidden>
          {t('bookings.print')}
        </button>
      </MonthNav>
      <section class="pf-legend fr-mb-3w" aria-labelledby="legend-title">
        <h2 class="fr-h6" id="legend-title">
          {t('bookings.legend')}
        </h2>
        <ul class="pf-legend__list">
          {LEGEND.map((status) => (
            <li key={status}>
              <BookingStatusBadge status={status} />
            </li>
          ))}
          <li>
            <span class="fr-badge fr-badge--sm fr-badge--no-icon">{t('bookings.closed')}</span> {t('booking.reason.public_holiday')}
          </li>
          <li>
            <StatusBadge tone="warning" label="bookings.closed" /> {t('bookings.closedCancelled')}
          </li>
          <li>
            <span class="fr-badge fr-badge--sm fr-badge--no-icon">{t('bookings.holiday')}</span> {t('booking.reason.school_holiday')}
          </li>
        </ul>
      </section>
      {!booked && <p>{t('bookings.nothing')}</p>}
      <Table caption={t('bookings.planning')} noCaption class="fr-table--multiline">
        <thead>
          <tr>
            <th scope="col">{t('bookings.day')}</th>
            <th scope="col">{t('bookings.units')}</th>
          </tr>
        </thead>
        <tbody>
          {props.days.map((day) => (
            <tr key={day.day} class={day.weekday >= 6 ? 'pf-weekend' : undefined}>
              <th scope="row">
                {dayLabel(page.lang, day.day)}
                {day.publicHoliday && (
                  <>
                    {' '}
                    <span class="fr-badge fr-badge--sm fr-badge--no-icon">{t('bookings.closed')}</span>
                  </>
                )}
                {day.schoolHoliday && (
                  <>
                    {' '}
                    <span class="fr-badge fr-badge--sm fr-badge--no-icon">{t('bookings.holiday')}</span>
                  </>
                )}
                {props.childId && (
                  <>
                    {/* A plain link to the day's page: keyboard, touch and no-script alike open the day's choices. */}
                    <br />
                    <a class="fr-link fr-link--sm pf-no-print" href={href(page, dayPath(props.childId, day.day))}>
                      {t('planning.dayChoices')}
                      <span class="fr-sr-only"> — {t('planning.dayChoicesFor', { day: dayLabel(page.lang, day.day, 'long') })}</span>
                    </a>
                  </>
                )}
              </th>
              <td>
                {day.absencePending && <StatusBadge tone="new" label="planning.absencePending" />}
                <ul class="pf-compact-list pf-planning-entries">
                  {day.entries.map((entry) => (
                    <li key={entry.bookingId}>
                      <span>
                        {entry.activityName} — <strong>{entry.unitName}</strong>
                      </span>{' '}
                      {entry.byService && <span class="fr-text--xs fr-mr-1v">{t('planning.byService')}</span>}
                      {entry.closure === null ? (
                        <BookingStatusBadge status={entry.status} rank={entry.rank} />
                      ) : (
                        <>
                          <StatusBadge tone="warning" label="bookings.closed" />
                          <span class="fr-text--xs fr-ml-1v">
                            {t('bookings.closedCancelled')}
                            {entry.closure && ` — ${entry.closure}`}
                          </span>
                        </>
                      )}
                      {entry.status === 'offered' && (
                        <form method="post" action={href(page, `/reservations/${entry.bookingId}/confirmer`)} class="pf-inline-form fr-ml-1w">
                          <CsrfField />
                          <input type="hidden" name="enfant" value={props.childId ?? ''} />
                          <input type="hidden" name="mois" value={props.month} />
                          <Button variant="secondary" class="fr-btn--sm">
                            {t('booking.status.reserved')}
                          </Button>
                        </form>
                      )}
                      {entry.cancellableUntil && props.childId && (
                        // Cancelling is confirmed on the day's page, which says whether the day will be billed.
                        <span class="pf-no-print">
                          <a
                            class="fr-btn fr-btn--tertiary fr-btn--sm fr-ml-1w"
                            href={href(page, dayPath(props.childId, day.day, `&annuler=${entry.bookingId}`))}
                          >
                            {t('bookings.cancel')}
                            <span class="fr-sr-only">
                              {' '}
                              — {entry.unitName} {dayLabel(page.lang, day.day)}
                            </span>
                          </a>
                          {entry.status !== 'waitlisted' && (
                            <span class="fr-text--xs fr-ml-1v">
                              {t('bookings.cancellable', { until: untilWords(t, page.lang, entry.cancellableUntil, page.tenant!.time_zone) })}
                            </span>
                          )}
                        </span>
                      )}
                      {entry.cancelClosedAt && (
                        <span class="fr-text--xs fr-ml-1v">
                          {t('bookings.cancelClosed', { until: untilWords(t, page.lang, entry.cancelClosedAt, page.tenant!.time_zone) })}
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {child && <CalendarFeed childId={child.id} childName={child.name} feedUrl={props.feedUrl} />}
    </>
  );
}

/** The private iCalendar address of the child, for the family's phone. */
function CalendarFeed(props: { childId: string; childName: string; feedUrl: string | null }) {
  const page = usePage();
  const { t } = page;
  return (
    <section class="fr-mt-6w pf-no-print" aria-labelledby="feed-title">
      <h2 class="fr-h5" id="feed-title">
        {t('feed.title')}
      </h2>
      <p>{t('feed.intro', { child: props.childName })}</p>
      {props.feedUrl && (
        <div class="fr-input-group">
          <label class="fr-label" for="feed-url">
            {t('feed.address')}
          </label>
          <input class="fr-input" id="feed-url" type="text" readOnly value={props.feedUrl} />
        </div>
      )}
      <form method="post" action={href(page, '/reservations/agenda')}>
        <CsrfField />
        <input type="hidden" name="enfant" value={props.childId} />
        {props.feedUrl && <input type="hidden" name="renouveler" value="1" />}
        <Button variant="secondary" icon="fr-icon-calendar-line">
          {t(props.feedUrl ? 'feed.renew' : 'feed.show')}
        </Button>
      </form>
    </section>
  );
}

/**
 * One day of the child's planning with its three choices — book what is open, cancel what is
 * booked (after a confirmation that says whether the day is billed), declare an absence — each
 * state said in words: holidays, a pending absence, why a box or a cancellation is closed.
 */
function DayPage(props: { childId: string; childName: string; view: PlanningDayView; preview: CancelPreview | null; notice: Notice | undefined }) {
  const page = usePage();
  const { t } = page;
  const { planning, activities } = props.view;
  const day = planning.day;
  const _timeZone = page.tenant!.time_zone;
  const back = href(page, `${PAGES.planning}?enfant=${props.childId}&mois=${day.slice(0, 7)}`);
  const openUnits = activities.flatMap((activity) => activity.units.filter((item) => item.state.kind === 'open'));
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={back}>
          {t('planning.back')}
        </a>
      </p>
      <h1>{t('planning.dayTitle', { child: props.childName, day: dayLabel(page.lang, day, 'long') })}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      {props.preview && (
        <CancelConfirmation
          action={href(page, `/reservations/${props.preview.entry.bookingId}/annuler`)}
          hidden={[
            ['enfant', props.childId],
            ['jour', day],
          ]}
          preview={props.preview}
          back={href(page, dayPath(props.childId, day))}
        />
      )}
      <DayBadges planning={planning} />

      <h2 class="fr-h4">{t('planning.booked')}</h2>
      <BookedEntries
        entries={planning.entries}
        cancelHref={(entry) => (entry.cancellableUntil ? href(page, dayPath(props.childId, day, `&annuler=${entry.bookingId}`)) : null)}
        closedKey="bookings.cancelClosed"
      />

      <h2 class="fr-h4">{t('planning.book')}</h2>
      {activities.length === 0 ? (
        <p>{t('planning.notBookable')}</p>
      ) : openUnits.length === 0 ? (
        <>
          <p>{t('planning.nothingToBook')}</p>
          <ClosedUnits activities={activities} />
        </>
      ) : (
        <>
          <p>{t('planning.bookIntro')}</p>
          {activities.map((activity) => (
            <DayBookingForm
              key={activity.id}
              action={href(page, PAGES.bookings)}
              hidden={[
                ['activite', activity.id],
                ['retour', new URLSearchParams({ enfant: props.childId, activite: activity.id, mois: day.slice(0, 7) }).toString()],
              ]}
              childId={props.childId}
              day={day}
              activity={activity}
            />
          ))}
        </>
      )}

      <h2 class="fr-h4 fr-mt-4w">{t('planning.absence')}</h2>
      {props.view.absenceRefusal ? (
        <p>{absenceRefusalText(t, props.view.absenceRefusal, page.tenant!.settings.absenceLateDays ?? ABSENCE_LATE_DAYS)}</p>
      ) : (
        <a class="fr-btn fr-btn--secondary fr-icon-calendar-event-line fr-btn--icon-left" href={href(page, `/absences?enfant=${props.childId}&du=${day}`)}>
          {t('planning.declareAbsence')}
        </a>
      )}
    </>
  );
}
