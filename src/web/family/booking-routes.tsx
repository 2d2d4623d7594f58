import { periodKey } from '../../i18n/catalogue.js';
import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ComponentChild } from 'preact';
import type { BookingPeriod } from '../../modules/activities/activity-definitions.js';
import { formatCalendarDate, lastDayOfMonth } from '../../modules/calendar/calendar-dates.js';
import { localDate } from '../../modules/calendar/local-date.js';
import {
  bookableActivities,
  familyCalendar,
  periodsToChoose,
  type BookableActivity,
  type CellState,
  type ChildCalendar,
} from '../../modules/bookings/booking-calendar.js';
import { deadlinePlacement, type DeadlinePlacement } from '../../modules/bookings/calendar-deadlines.js';
import { unitRelationsOf } from '../../modules/activities/activity-definitions.js';
import type { BookingChoice } from '../../modules/bookings/booking-requests.js';
import { submissionAnswer, type KeptResult } from '../../modules/bookings/booking-submissions.js';
import { applicationKey, applyForLottery, lotteryCalendar, type LotteryCalendarView } from '../../modules/lottery/lottery-applications.js';
import { PAGES } from '../../modules/page-paths.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { BookingAnswersTable } from '../components/booking-answers.js';
import { BookingStatusBadge, closedText } from '../components/booking-status.js';
import { StatusBadge } from '../components/status-badge.js';
import { actorOfSession } from '../../modules/identity/accounts.js';
import { bookingContextOf } from '../booking-context.js';
import { BOOKING_RETRY_AFTER_SECONDS, placeInLine, submitBooking } from '../booking-gate.js';
import { bookingChoices } from '../line-tickets.js';
import { choiceLabels } from '../../modules/bookings/choice-labels.js';
import { DAY, formList, formOf, formValues, Id, IdChoice, Many, many, Month, Text, UUID } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { hiddenFieldsHtml, paragraphHtml } from '../render.js';
import { LotteryAnswersPage, LotteryNotice } from './lottery-routes.js';
import { dayLabel, momentWords, untilWords, weekdayName } from '../calendar-labels.js';
import { MonthNav } from '../components/month-nav.js';
import { childChoices } from '../../modules/households/household-overview.js';

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
  // The place kept for a booking turned away under a rush (web/line-tickets.ts); read before the schema.
  ticket: Type.Optional(Type.String({ maxLength: 200 })),
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

/** The calendar's address; with `selection`, its mass selection too, which goes on applying from month to month. */
function queryString(query: CalendarQuery, selection = false): string {
  const params = new URLSearchParams();
  for (const child of query.childIds) params.append('enfant', child);
  if (query.activityId) params.set('activite', query.activityId);
  if (query.periodId) params.set('periode', query.periodId);
  if (query.month) params.set('mois', query.month);
  if (selection) {
    for (const weekday of query.weekdays) params.append('jour', String(weekday));
    for (const unit of query.unitIds) params.append('prestation', unit);
  }
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
  const last = lastDayOfMonth(month);
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
        const today = localDate(scope.now, tenant.time_zone);
        const periods = periodsToChoose(activity?.periods ?? [], scope.now, today);
        // The only period open is the one the family comes for.
        if (!query.periodId && periods.open.length === 1) query.periodId = periods.open[0]!.id;
        const range = activity ? rangeOf(activity, query, today) : null;
        const context = await bookingContextOf(services, scope, tenant);
        const calendar =
          activity && range && query.childIds.length > 0
            ? await familyCalendar(scope, context, activity.definition, { householdId, childIds: query.childIds, from: range.from, to: range.to })
            : null;
        // A lottery period: the same calendar, whose boxes record applications for the draw.
        const lottery =
          range?.period?.allocation === 'lottery' ? await lotteryCalendar(scope, context, householdId, range.period.id, calendar?.children ?? []) : null;
        return { activities, children, activity, periods, range, calendar, lottery };
      });
      return reply.page(request.t('bookings.title'), <BookingPage query={query} {...data} />);
    });

    app.post(
      PAGES.bookings,
      { preHandler: requireFamily, schema: { body: BookingForm }, config: { bookingLine: { turnAway: answerBusy, choices: formChoices } } },
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
        const outcome = await submitBooking(
          app.bookingGate,
          tenant,
          { actor: actorOfSession(request.session), householdId, activityId, choices },
          request.bookingClick?.at,
        );
        if (outcome === 'shed') return answerBusy(request, reply);
        if (!outcome) return reply.callNotFound();
        // The answer is read back from its record: a refresh of the result shows it again, sending nothing.
        return reply.redirect(`${request.base}${PAGES.bookings}/resultat/${outcome.submissionId}?${new URLSearchParams({ retour: back })}`, 303);
      },
    );

    app.get(
      `${PAGES.bookings}/resultat/:id`,
      { preHandler: requireFamily, schema: { params: Type.Object({ id: Id }), querystring: Type.Object({ retour: BookingForm.properties.retour }) } },
      async (request, reply) => {
        const householdId = request.session!.account.householdId!;
        const answer = await request.inScope((scope) => submissionAnswer(scope, householdId, request.params.id));
        if (!answer) return reply.callNotFound();
        return reply.page(request.t('bookings.resultTitle'), <ResultPage {...answer} back={request.query.retour ?? ''} />);
      },
    );
  };
}

/** A ticked box as a choice: child|unit|day, as the calendar writes it (the form's schema checks its shape). */
function choiceOf(box: string): BookingChoice {
  const [childId = '', unitId = '', day = ''] = box.split('|');
  return { childId, unitId, day };
}

/** The choices a booking form sent, as its ticket is signed for (read before the form's schema). */
function formChoices(body: unknown): string {
  const form = formOf(body);
  return bookingChoices(formValues(form).activite ?? '', formList(form, 'choix'));
}

/**
 * Too many parents at this second: nothing was booked; the page says the family's place in line and
 * sends the same choices again by itself when its turn comes, with the ticket that keeps the place.
 * Cheap: a request turned away under a rush is answered before its form's schema, so the form is
 * read as sent and its values written back escaped.
 */
function answerBusy(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = formOf(request.body);
  const { activite = '', retour = '' } = formValues(form);
  const { ticket, place, waitMs, waitSeconds } = placeInLine(request, reply);
  const html =
    paragraphHtml(request.t('bookings.busyPlace', { place, seconds: waitSeconds }), { 'data-retry-in-ms': String(waitMs) }) +
    hiddenFieldsHtml([
      ['activite', activite],
      ['retour', retour],
      ['ticket', ticket],
      ...formList(form, 'choix').map((choice): [string, string] => ['choix', choice]),
    ]);
  return reply.framedPage(request.t('bookings.busyTitle'), (slot) => <BusyPage fields={slot} />, html, 503);
}

function BookingPage(props: {
  query: CalendarQuery;
  activities: BookableActivity[];
  children: { id: string; name: string }[];
  activity: BookableActivity | undefined;
  periods: ReturnType<typeof periodsToChoose>;
  range: ReturnType<typeof rangeOf>;
  calendar: Awaited<ReturnType<typeof familyCalendar>> | null;
  lottery: LotteryCalendarView | null;
}) {
  const page = usePage();
  const { t } = page;
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
  // A period over since the family chose it stays in the list, so the page says which it shows.
  const chosen = activity?.periods.find((period) => period.id === query.periodId);
  const listed = chosen && !props.periods.listed.includes(chosen) ? [chosen, ...props.periods.listed] : props.periods.listed;
  return (
    <>
      <h1>{t('bookings.title')}</h1>
      {query.empty && (
        <Alert kind="error" small announce>
          {t('bookings.noChoice')}
        </Alert>
      )}
      <p>{t('bookings.intro')}</p>
      <form method="get" action={href(page, '/reservations')} class="fr-mb-4w" data-calendar-choice="">
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
        {activity && listed.length > 0 && (
          <Select
            name="periode"
            label={t('bookings.period')}
            value={query.periodId}
            options={[{ value: '', label: '—' }, ...listed.map((period) => ({ value: period.id, label: periodLabel(period) }))]}
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
              {activity.weekdays.map((day) => (
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
              {activity.units.map((unit, index) => (
                <div class="fr-checkbox-group fr-checkbox-group--sm pf-inline-check" key={unit.id}>
                  <input type="checkbox" id={`unit-${index}`} name="prestation" value={unit.id} checked={query.unitIds.includes(unit.id)} />
                  <label class="fr-label" for={`unit-${index}`}>
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
      {activity && activity.periods.length > 0 && !chosen && <PeriodNotice {...props.periods} />}
      {props.range?.month && activity && (
        <MonthNav month={props.range.month} link={(month) => href(page, `/reservations?${queryString({ ...query, month }, true)}`)} />
      )}
      {props.lottery && <LotteryNotice view={props.lottery} />}
      {props.calendar?.unknownSchoolYears.map((year) => (
        <Alert kind="info" small key={year}>
          {t('bookings.schoolYearUnknown', { years: `${year}-${year + 1}` })}
        </Alert>
      ))}
      {props.calendar && activity && <CalendarForm {...props} calendar={props.calendar} activity={activity} />}
    </>
  );
}

/** "Mercredis janvier–février — du 06/01/2027 au 24/02/2027, ouvertes jusqu'au mardi 15/12 inclus". */
function periodLabel(period: BookingPeriod): string {
  const page = usePage();
  const { t, lang } = page;
  const timeZone = page.tenant!.time_zone;
  const dates = { name: period.name, from: formatCalendarDate(period.first_day), to: formatCalendarDate(period.last_day) };
  const label =
    page.now < period.opens_at
      ? t(periodKey('bookings.periodUpcoming', period.first_day, period.last_day), { ...dates, opens: momentWords(t, lang, period.opens_at, timeZone) })
      : page.now < period.closes_at
        ? t(periodKey('bookings.periodOpen', period.first_day, period.last_day), { ...dates, until: untilWords(t, lang, period.closes_at, timeZone) })
        : t(periodKey('bookings.periodClosed', period.first_day, period.last_day), dates);
  return period.allocation === 'lottery' ? `${label} (${t('bookings.periodLottery')})` : label;
}

/** No period chosen: which to choose, or, when none is open, when the next one opens. */
function PeriodNotice(props: ReturnType<typeof periodsToChoose>) {
  const page = usePage();
  const { t, lang } = page;
  if (props.open.length > 0)
    return (
      <Alert kind="info" small>
        {t('bookings.choosePeriod')}
      </Alert>
    );
  const { next } = props;
  return (
    <Alert kind="info" title={t('bookings.noOpenPeriod')}>
      <p>
        {next
          ? t(periodKey('bookings.nextPeriod', next.first_day, next.last_day), {
              name: next.name,
              from: formatCalendarDate(next.first_day),
              to: formatCalendarDate(next.last_day),
              opens: momentWords(t, lang, next.opens_at, page.tenant!.time_zone),
            })
          : t('bookings.noNextPeriod')}
      </p>
    </Alert>
  );
}

/**
 * The calendar to tick, one table per child. The script (assets/booking-calendar.ts) reads the
 * units' relations and the conflict sentence from the form to catch, before sending, the units the
 * server would refuse together; it also warns before leaving with boxes ticked and not sent.
 */
function CalendarForm(props: {
  query: CalendarQuery;
  activity: BookableActivity;
  calendar: NonNullable<Awaited<ReturnType<typeof familyCalendar>>>;
  lottery: LotteryCalendarView | null;
}) {
  const page = usePage();
  const { t, lang } = page;
  const { activity, calendar, lottery } = props;
  const placements = calendar.children.map((child) => deadlinePlacement(child.days));
  // One deadline for every box of every child: said once, above the tables.
  const first = placements[0];
  const once =
    first?.kind === 'table' && placements.every((placement) => placement.kind === 'table' && placement.deadline.getTime() === first.deadline.getTime());
  const relations = unitRelationsOf(calendar.definition).map((unit) => ({ ...unit, name: activity.units.find((candidate) => candidate.id === unit.id)!.name }));
  return (
    <form
      method="post"
      action={href(page, '/reservations')}
      data-booking-calendar=""
      data-units={JSON.stringify(relations)}
      data-conflict={t('bookings.conflict', { child: '{child}', day: '{day}', units: '{units}', reason: t('booking.reason.unit_conflict') })}
    >
      <CsrfField />
      <input type="hidden" name="activite" value={activity.id} />
      {lottery && <input type="hidden" name="periode" value={lottery.period.id} />}
      <input type="hidden" name="retour" value={queryString(props.query)} />
      {once && (
        <p class="fr-text--bold">
          {t(lottery ? 'lottery.applyUntilAll' : 'bookings.deadlineAll', { until: untilWords(t, lang, first.deadline, page.tenant!.time_zone) })}
        </p>
      )}
      <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" data-conflicts="" tabIndex={-1} hidden>
        <h2 class="fr-alert__title">{t('bookings.conflictTitle')}</h2>
        <p>{t('bookings.conflictHint')}</p>
        <ul></ul>
      </div>
      {calendar.children.map((child, index) => (
        <ChildTable
          key={child.childId}
          index={index}
          child={child}
          activity={activity}
          query={props.query}
          lottery={lottery}
          placement={once ? { kind: 'rows', byDay: new Map() } : placements[index]!}
        />
      ))}
      <Button icon="fr-icon-send-plane-line">{t(lottery ? 'lottery.submit' : 'bookings.submit')}</Button>
    </form>
  );
}

function ChildTable(props: {
  /** The child's place on the page, for the boxes' short ids. */
  index: number;
  child: ChildCalendar;
  activity: BookableActivity;
  query: CalendarQuery;
  lottery: LotteryCalendarView | null;
  placement: DeadlinePlacement;
}) {
  const page = usePage();
  const { t, lang } = page;
  const { child, placement } = props;
  const { units } = props.activity;
  const timeZone = page.tenant!.time_zone;
  const until = (deadline: Date) => t(props.lottery ? 'lottery.applyUntil' : 'bookings.deadline', { until: untilWords(t, lang, deadline, timeZone) });
  return (
    <>
      {placement.kind === 'table' && <p class="fr-text--sm fr-mb-1w">{until(placement.deadline)}</p>}
      <Table caption={child.name} class="fr-mb-4w pf-booking-table">
        <thead>
          <tr>
            <th scope="col">
              {t('bookings.day')}
              {/* Said once here; each day then says only until when. */}
              {placement.kind === 'rows' && placement.byDay.size > 0 && (
                <span class="fr-hint-text">{t(props.lottery ? 'lottery.applyHead' : 'bookings.deadlineHead')}</span>
              )}
            </th>
            {units.map((unit) => {
              const deadline = placement.kind === 'columns' ? placement.byUnit.get(unit.id) : undefined;
              return (
                <th scope="col" key={unit.id}>
                  {unit.name}
                  {deadline && <span class="fr-hint-text">{until(deadline)}</span>}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {child.days.map((day) => {
            const deadline = placement.kind === 'rows' ? placement.byDay.get(day.day) : undefined;
            // The units held that day, by their place in the form's data-units (short: the page is read on phones).
            const held = day.cells.flatMap((cell, unit) => (cell.state.kind === 'booked' && cell.state.status !== 'waitlisted' ? [unit] : []));
            const full = day.cells.some((cell) => cell.state.kind === 'open' && cell.state.full);
            return (
              <tr key={day.day} data-held={held.length > 0 ? held.join(' ') : undefined}>
                <th scope="row">
                  {dayLabel(lang, day.day)}
                  {deadline && <span class="fr-hint-text">{untilWords(t, lang, deadline, timeZone)}</span>}
                  {full && <span class="fr-hint-text pf-full">{t('bookings.fullNote')}</span>}
                </th>
                {sameClosure(day.cells) ? (
                  <ClosedCell state={day.cells[0]!.state as Extract<CellState, { kind: 'closed' }>} units={units} span={units.length} />
                ) : (
                  day.cells.map((cell) => (
                    <Cell
                      key={cell.unitId}
                      {...props}
                      unit={units.find((candidate) => candidate.id === cell.unitId)!}
                      day={day}
                      state={cell.state}
                      until={until}
                    />
                  ))
                )}
              </tr>
            );
          })}
        </tbody>
      </Table>
    </>
  );
}

/** Every unit of the day closed for one reason (a holiday, a closure): said once for the day. */
function sameClosure(cells: ChildCalendar['days'][number]['cells']): boolean {
  const [first] = cells;
  return (
    first?.state.kind === 'closed' &&
    cells.every((cell) => cell.state.kind === 'closed' && cell.state.reason === (first.state as { reason: string }).reason && !cell.state.conflictsWith?.length)
  );
}

function ClosedCell(props: { state: Extract<CellState, { kind: 'closed' }>; units: BookableActivity['units']; span?: number }) {
  const { t } = usePage();
  return (
    <td class="pf-cell-closed" colSpan={props.span}>
      <span class="fr-icon-close-circle-line fr-icon--sm" aria-hidden="true"></span> <span class="fr-text--xs">{closedText(t, props.state, props.units)}</span>
    </td>
  );
}

/** One unit on one day: its state when it cannot be ticked, else its box with what to know before ticking it. */
function Cell(props: {
  index: number;
  child: ChildCalendar;
  activity: BookableActivity;
  unit: BookableActivity['units'][number];
  day: { day: string; weekday: number };
  state: CellState;
  query: CalendarQuery;
  lottery: LotteryCalendarView | null;
  placement: DeadlinePlacement;
  until: (deadline: Date) => string;
}) {
  const page = usePage();
  const { t } = page;
  const { child, unit, day, state } = props;
  if (state.kind === 'booked')
    return (
      <td>
        <BookingStatusBadge status={state.status} rank={state.rank} />
      </td>
    );
  if (state.kind === 'closed') return <ClosedCell state={state} units={props.activity.units} />;
  if (props.lottery?.applied.has(applicationKey(child.childId, unit.id, day.day)))
    return (
      <td>
        <StatusBadge tone="new" label="lottery.applied" />
      </td>
    );
  const id = `c${props.index}-${props.activity.units.indexOf(unit)}-${day.day}`;
  const checked = props.query.weekdays.includes(day.weekday) && props.query.unitIds.includes(unit.id);
  const places = props.activity.showPlacesLeft && !state.full && state.placesLeft != null ? state.placesLeft : null;
  return (
    <td>
      <div class="fr-checkbox-group">
        <input type="checkbox" id={id} name="choix" value={`${child.childId}|${unit.id}|${day.day}`} checked={checked} />
        <label class="fr-label" for={id}>
          <span class="fr-sr-only">
            {child.name} — {unit.name} — {dayLabel(page.lang, day.day)}
          </span>
          {state.full && <span class="fr-hint-text pf-full">{t('bookings.full')}</span>}
          {places !== null && (
            <span class="fr-hint-text">{places === 1 ? t('bookings.placesLeft.one') : t('bookings.placesLeft.many', { count: places })}</span>
          )}
          {props.placement.kind === 'cells' && <span class="fr-hint-text">{props.until(state.deadline)}</span>}
        </label>
      </div>
    </td>
  );
}

function ResultPage(props: { results: KeptResult[]; names: Map<string, string>; units: Map<string, string>; back: string }) {
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
      <BookingAnswersTable results={props.results} names={props.names} units={props.units} />
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
