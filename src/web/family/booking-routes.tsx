import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ComponentChild } from 'preact';
import type { BookingPeriod } from '../../modules/activities/activity-definitions.js';
import { addDays, formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { bookableActivities, familyCalendar, type BookableActivity, type ChildCalendar } from '../../modules/bookings/booking-calendar.js';
import type { BookingChoice, ChoiceResult } from '../../modules/bookings/booking-requests.js';
import { applicationKey, applyForLottery, lotteryCalendar, type LotteryCalendarView } from '../../modules/lottery/lottery-applications.js';
import { PAGES } from '../../modules/page-paths.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { BookingStatusBadge, closedText, refusalText } from '../components/booking-status.js';
import { StatusBadge } from '../components/status-badge.js';
import { actorOfSession } from '../../modules/identity/accounts.js';
import { bookingContextOf } from '../booking-context.js';
import { BOOKING_RETRY_AFTER_SECONDS, submitBooking } from '../booking-gate.js';
import { choiceLabels } from '../../modules/bookings/choice-labels.js';
import { DAY, formList, formOf, formValues, Id, IdChoice, Many, many, Month, Text, UUID } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { hiddenFieldsHtml } from '../render.js';
import { LotteryAnswersPage, LotteryNotice } from './lottery-routes.js';
import { dayLabel, monthName, shiftMonth, weekdayName } from './calendar-labels.js';
import { childChoices } from '../../modules/households/household-overview.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * The calendar's address: the children, the activity, its booking period or month, and the days
 * and units to tick at once (`jour`, `prestation`, until `reinitialiser`). The selects send '' for
 * "—". `vide`: the family sent the calendar without ticking anything.
 */
const BookingQuery = Type.Object({
  enfant: Type.Optional(Many(Id)),
  activite: Type.Optional(IdChoice),
  periode: Type.Optional(IdChoice),
  mois: Type.Optional(Month),
  jour: Type.Optional(Many(Type.String({ pattern: '^[1-7]$' }))),
  prestation: Type.Optional(Many(Id)),
  reinitialiser: Type.Optional(Text),
  vide: Type.Optional(Text),
});

/**
 * The calendar's form: the activity, its lottery period if any, each ticked box (child|unit|day)
 * and the calendar's address to go back to (a query string as queryString() writes it).
 */
const BookingForm = Type.Object({
  activite: Id,
  periode: Type.Optional(Id),
  choix: Type.Optional(Many(Type.String({ pattern: `^${UUID}\\|${UUID}\\|${DAY}$` }))),
  retour: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9=&%._*+-]*$', maxLength: 4000 })),
});

interface CalendarQuery {
  childIds: string[];
  activityId: string | undefined;
  periodId: string | undefined;
  month: string | undefined;
  weekdays: number[];
  unitIds: string[];
  /** The family sent the calendar without ticking anything. */
  empty: boolean;
}

function readQuery(query: Static<typeof BookingQuery>): CalendarQuery {
  const reset = query.reinitialiser !== undefined;
  return {
    childIds: many(query.enfant),
    activityId: query.activite || undefined,
    periodId: query.periode || undefined,
    month: query.mois,
    weekdays: reset ? [] : many(query.jour).map(Number),
    unitIds: reset ? [] : many(query.prestation),
    empty: query.vide !== undefined,
  };
}

function queryString(query: CalendarQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const child of query.childIds) params.append('enfant', child);
  if (query.activityId) params.set('activite', query.activityId);
  if (query.periodId) params.set('periode', query.periodId);
  if (query.month) params.set('mois', query.month);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** The days the calendar shows: the chosen booking period, or the chosen month within the activity. */
function rangeOf(activity: BookableActivity, query: CalendarQuery, today: string): { from: string; to: string; period?: BookingPeriod; month?: string } | null {
  if (activity.periods.length > 0) {
    const period = activity.periods.find((candidate) => candidate.id === query.periodId);
    return period ? { from: period.first_day, to: period.last_day, period } : null;
  }
  const month = query.month ?? (today > activity.startsOn ? today : activity.startsOn).slice(0, 7);
  const first = `${month}-01`;
  const last = addDays(`${shiftMonth(month, 1)}-01`, -1);
  const from = first < activity.startsOn ? activity.startsOn : first;
  const to = last > activity.endsOn ? activity.endsOn : last;
  return from <= to ? { from, to, month } : null;
}

/** Réservations: choose children, activity and period; tick days on the calendar; see each day's answer. */
export function familyBookingRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.bookings, { preHandler: requireFamily, schema: { querystring: BookingQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const tenant = request.tenant!;
      const query = readQuery(request.query);
      const data = await request.inScope(async (scope) => {
        const activities = await bookableActivities(scope, householdId);
        const children = await childChoices(scope, householdId);
        const activity = activities.find((candidate) => candidate.id === query.activityId);
        const range = activity ? rangeOf(activity, query, localDate(scope.now, tenant.time_zone)) : null;
        const context = await bookingContextOf(services, scope, tenant);
        const calendar =
          activity && range && query.childIds.length > 0
            ? await familyCalendar(scope, context, { householdId, activityId: activity.id, childIds: query.childIds, from: range.from, to: range.to })
            : null;
        // A lottery period: the same calendar, whose boxes record applications for the draw.
        const lottery =
          range?.period?.allocation === 'lottery' ? await lotteryCalendar(scope, context, householdId, range.period.id, calendar?.children ?? []) : null;
        return { activities, children, activity, range, calendar, lottery };
      });
      return reply.page(request.t('bookings.title'), <BookingPage query={query} {...data} />);
    });

    app.post(
      PAGES.bookings,
      { preHandler: requireFamily, schema: { body: BookingForm }, config: { bookingLine: { turnAway: answerBusy } } },
      async (request, reply) => {
        const householdId = request.session!.account.householdId!;
        const tenant = request.tenant!;
        const { activite: activityId, periode: periodId, retour: back = '' } = request.body;
        const choices = many(request.body.choix).map(choiceOf);
        if (choices.length === 0) {
          return reply.redirect(`${request.base}${PAGES.bookings}?${back}${back ? '&' : ''}vide=1`);
        }
        if (periodId) {
          const applied = await request.inScope(async (scope) => {
            const result = await applyForLottery(scope, await bookingContextOf(services, scope, tenant), { householdId, activityId, periodId, choices });
            if (result.kind !== 'done') return result;
            return { ...result, ...(await choiceLabels(scope, [activityId], choices)) };
          });
          if (applied.kind === 'not_found') return reply.callNotFound();
          if (applied.kind === 'done') return reply.page(request.t('lottery.answer.title'), <LotteryAnswersPage {...applied} back={back} />);
        }
        const outcome = await submitBooking(app.bookingGate, tenant, { actor: actorOfSession(request.session), householdId, activityId, choices });
        if (outcome === 'shed') return answerBusy(request, reply);
        if (!outcome) return reply.callNotFound();
        return reply.page(request.t('bookings.resultTitle'), <ResultPage results={outcome.results} {...outcome.labels} back={back} />);
      },
    );
  };
}

/** A ticked box as a choice: child|unit|day, as the calendar writes it (the form's schema checks its shape). */
function choiceOf(box: string): BookingChoice {
  const [childId = '', unitId = '', day = ''] = box.split('|');
  return { childId, unitId, day };
}

/**
 * Too many parents at this second: nothing was booked; the page sends the same choices again by
 * itself. Cheap: a request turned away under a rush is answered before its form's schema, so the
 * form is read as sent and its values written back escaped.
 */
function answerBusy(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = formOf(request.body);
  const { activite = '', retour = '' } = formValues(form);
  const fields = hiddenFieldsHtml([
    ['activite', activite],
    ['retour', retour],
    ...formList(form, 'choix').map((choice): [string, string] => ['choix', choice]),
  ]);
  return reply
    .header('retry-after', String(BOOKING_RETRY_AFTER_SECONDS))
    .framedPage(request.t('bookings.busyTitle'), (slot) => <BusyPage fields={slot} />, fields, 503);
}

function BookingPage(props: {
  query: CalendarQuery;
  activities: BookableActivity[];
  children: { id: string; name: string }[];
  activity: BookableActivity | undefined;
  range: ReturnType<typeof rangeOf>;
  calendar: Awaited<ReturnType<typeof familyCalendar>> | null;
  lottery: LotteryCalendarView | null;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { query, activity } = props;
  if (props.activities.length === 0) {
    return (
      <>
        <h1>{t('bookings.title')}</h1>
        <Alert kind="info">{t('bookings.noActivity')}</Alert>
        <a class="fr-btn" href={href(page, '/inscriptions')}>
          {t('enrollments.title')}
        </a>
      </>
    );
  }
  const periodLabel = (period: BookingPeriod) =>
    `${period.name} — ${t('bookings.periodLabel', {
      from: formatCalendarDate(period.first_day),
      to: formatCalendarDate(period.last_day),
      opens: fmt.dateTime(period.opens_at),
      closes: fmt.dateTime(period.closes_at),
    })}${period.allocation === 'lottery' ? ` (${t('bookings.periodLottery')})` : ''}`;
  return (
    <>
      <h1>{t('bookings.title')}</h1>
      {query.empty && (
        <Alert kind="error" small announce>
          {t('bookings.noChoice')}
        </Alert>
      )}
      <p>{t('bookings.intro')}</p>
      <form method="get" action={href(page, '/reservations')} class="fr-mb-4w">
        <fieldset class="fr-fieldset" aria-labelledby="children-legend">
          <legend class="fr-fieldset__legend" id="children-legend">
            {t('bookings.children')}
          </legend>
          {props.children.map((child) => (
            <div class="fr-fieldset__element fr-fieldset__element--inline" key={child.id}>
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`child-${child.id}`} name="enfant" value={child.id} checked={query.childIds.includes(child.id)} />
                <label class="fr-label" for={`child-${child.id}`}>
                  {child.name}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <Select
          name="activite"
          label={t('bookings.activity')}
          value={query.activityId}
          options={[{ value: '', label: '—' }, ...props.activities.map((candidate) => ({ value: candidate.id, label: candidate.name }))]}
        />
        {activity && activity.periods.length > 0 && (
          <Select
            name="periode"
            label={t('bookings.period')}
            value={query.periodId}
            options={[{ value: '', label: '—' }, ...activity.periods.map((period) => ({ value: period.id, label: periodLabel(period) }))]}
          />
        )}
        {activity && activity.periods.length === 0 && props.range?.month && <input type="hidden" name="mois" value={props.range.month} />}
        {activity && (
          <fieldset class="fr-fieldset pf-mass" aria-labelledby="mass-legend">
            <legend class="fr-fieldset__legend" id="mass-legend">
              {t('bookings.massTitle')}
              <span class="fr-hint-text">{t('bookings.massHint')}</span>
            </legend>
            <div class="fr-fieldset__element">
              <p class="fr-text--bold fr-mb-1v">{t('bookings.weekdays')}</p>
              {WEEKDAYS.map((day) => (
                <div class="fr-checkbox-group fr-checkbox-group--sm pf-inline-check" key={day}>
                  <input type="checkbox" id={`weekday-${day}`} name="jour" value={String(day)} checked={query.weekdays.includes(day)} />
                  <label class="fr-label" for={`weekday-${day}`}>
                    {weekdayName(page.lang, day)}
                  </label>
                </div>
              ))}
            </div>
            <div class="fr-fieldset__element">
              <p class="fr-text--bold fr-mb-1v">{t('bookings.units')}</p>
              {activity.units.map((unit) => (
                <div class="fr-checkbox-group fr-checkbox-group--sm pf-inline-check" key={unit.id}>
                  <input type="checkbox" id={`unit-${unit.id}`} name="prestation" value={unit.id} checked={query.unitIds.includes(unit.id)} />
                  <label class="fr-label" for={`unit-${unit.id}`}>
                    {unit.name}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        )}
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button icon="fr-icon-calendar-line" name="afficher" value="1">
              {t('bookings.showCalendar')}
            </Button>
          </li>
          {activity && (
            <li>
              <Button variant="secondary" icon="fr-icon-check-line" name="appliquer" value="1">
                {t('bookings.apply')}
              </Button>
            </li>
          )}
          {activity && (
            <li>
              <Button variant="tertiary" icon="fr-icon-refresh-line" name="reinitialiser" value="1">
                {t('bookings.reset')}
              </Button>
            </li>
          )}
        </ul>
      </form>
      {query.activityId && query.childIds.length === 0 && (
        <Alert kind="info" small>
          {t('bookings.chooseChild')}
        </Alert>
      )}
      {props.range?.month && activity && (
        <nav class="pf-month-nav fr-mb-2w" aria-label={t('bookings.month')}>
          <a
            class="fr-link fr-icon-arrow-left-line fr-link--icon-left"
            href={href(page, `/reservations?${queryString({ ...query, month: shiftMonth(props.range.month, -1) })}`)}
          >
            {t('bookings.previousMonth')}
          </a>
          <strong class="fr-mx-2w">{monthName(page.lang, props.range.month)}</strong>
          <a
            class="fr-link fr-icon-arrow-right-line fr-link--icon-right"
            href={href(page, `/reservations?${queryString({ ...query, month: shiftMonth(props.range.month, 1) })}`)}
          >
            {t('bookings.nextMonth')}
          </a>
        </nav>
      )}
      {props.lottery && <LotteryNotice view={props.lottery} />}
      {props.calendar && activity && (
        <form method="post" action={href(page, '/reservations')}>
          <CsrfField />
          <input type="hidden" name="activite" value={activity.id} />
          {props.lottery && <input type="hidden" name="periode" value={props.lottery.period.id} />}
          <input type="hidden" name="retour" value={queryString(query)} />
          {props.calendar.children.map((child) => (
            <ChildTable key={child.childId} child={child} units={activity.units} query={query} lottery={props.lottery} />
          ))}
          <Button icon="fr-icon-send-plane-line">{t(props.lottery ? 'lottery.submit' : 'bookings.submit')}</Button>
        </form>
      )}
    </>
  );
}

function ChildTable(props: { child: ChildCalendar; units: BookableActivity['units']; query: CalendarQuery; lottery?: LotteryCalendarView | null }) {
  const page = usePage();
  const { t, fmt } = page;
  const { child } = props;
  return (
    <Table caption={child.name} class="fr-mb-4w pf-booking-table">
      <thead>
        <tr>
          <th scope="col">{t('bookings.day')}</th>
          {props.units.map((unit) => (
            <th scope="col" key={unit.id}>
              {unit.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {child.days.map((day) => (
          <tr key={day.day}>
            <th scope="row">{dayLabel(page.lang, day.day)}</th>
            {day.cells.map((cell) => {
              const unit = props.units.find((candidate) => candidate.id === cell.unitId)!;
              const id = `c-${child.childId}-${unit.id}-${day.day}`;
              const { state } = cell;
              if (state.kind === 'booked')
                return (
                  <td key={cell.unitId}>
                    <BookingStatusBadge status={state.status} rank={state.rank} />
                  </td>
                );
              if (state.kind === 'closed') {
                return (
                  <td key={cell.unitId} class="pf-cell-closed">
                    <span class="fr-icon-close-circle-line fr-icon--sm" aria-hidden="true"></span>{' '}
                    <span class="fr-text--xs">{closedText(t, state, props.units)}</span>
                  </td>
                );
              }
              if (props.lottery?.applied.has(applicationKey(child.childId, unit.id, day.day)))
                return (
                  <td key={cell.unitId}>
                    <StatusBadge tone="new" label="lottery.applied" />
                  </td>
                );
              const checked = props.query.weekdays.includes(day.weekday) && props.query.unitIds.includes(unit.id);
              return (
                <td key={cell.unitId}>
                  <div class="fr-checkbox-group fr-checkbox-group--sm">
                    <input
                      type="checkbox"
                      id={id}
                      name="choix"
                      value={`${child.childId}|${unit.id}|${day.day}`}
                      checked={checked}
                      aria-describedby={`${id}-hint`}
                    />
                    <label class="fr-label" for={id}>
                      <span class="fr-sr-only">
                        {child.name} — {unit.name} — {dayLabel(page.lang, day.day)}
                      </span>
                      <span class="fr-hint-text" id={`${id}-hint`}>
                        {state.full ? <StatusBadge tone="warning" label="bookings.full" /> : null}
                        {t(props.lottery ? 'lottery.applyUntil' : 'bookings.deadline', { date: fmt.dateTime(state.deadline) })}
                      </span>
                    </label>
                  </div>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function ResultPage(props: { results: ChoiceResult[]; names: Map<string, string>; units: Map<string, string>; back: string }) {
  const page = usePage();
  const { t } = page;
  const held = props.results.some(
    (result) => result.outcome.kind === 'awaiting_payment' || (result.outcome.kind === 'already' && result.outcome.status === 'awaiting_payment'),
  );
  return (
    <>
      <h1>{t('bookings.resultTitle')}</h1>
      <p>{t('bookings.resultIntro')}</p>
      {held && (
        <Alert kind="warning" title={t('basket.resultNote')}>
          <p>
            <a class="fr-link fr-icon-shopping-cart-2-line fr-link--icon-left" href={href(page, PAGES.basket)}>
              {t('basket.resultLink')}
            </a>
          </p>
        </Alert>
      )}
      <Table caption={t('bookings.resultTitle')} class="fr-mb-4w">
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
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <a class="fr-btn fr-btn--secondary" href={href(page, `/reservations?${props.back}`)}>
            {t('bookings.backToCalendar')}
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href={href(page, '/reservations/planning')}>
            {t('bookings.planning')}
          </a>
        </li>
      </ul>
    </>
  );
}

/** The choices sent again, by the page itself after a few seconds (or by the parent's click). */
function BusyPage(props: { fields: ComponentChild }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('bookings.busyTitle')}</h1>
      <Alert kind="warning" announce>
        {t('bookings.busyText')}
      </Alert>
      <form method="post" action={href(page, '/reservations')} data-auto-retry={String(BOOKING_RETRY_AFTER_SECONDS)}>
        <CsrfField />
        {props.fields}
        <Button icon="fr-icon-refresh-line">{t('bookings.busyRetry')}</Button>
      </form>
    </>
  );
}
