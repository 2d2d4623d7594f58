import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { periodKey, countKey, type MessageKey } from '../../i18n/catalogue.js';
import { WAITLIST_MODES } from '../../modules/activities/activity-admin.js';
import { promoteWaiting, refuseWaiting } from '../../modules/bookings/booking-decisions.js';
import { tenantToday } from '../../modules/bookings/attendance.js';
import {
  activitiesForStaff,
  dayLists,
  MAX_REPORT_DAYS,
  occupancyReport,
  type DayLists,
  type DaySection,
  type ListedBooking,
  type OccupancyReport,
  type ReportGroup,
  type StaffCalendar,
} from '../../modules/bookings/occupancy-report.js';
import { addDays, formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { Scope } from '../../modules/scope.js';
import type { Services } from '../../services.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { DateInput } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { requireStaff } from '../guards.js';
import { Day, Form, formValues, Id, IdChoice, Text, UUID } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { BookingStatusBadge, LongDay, noonOf, parseDay } from './booking-components.js';
import { Table } from '../components/dsfr/table.js';
import { DecisionButton, splitAtColon } from './staff-input.js';
import { useCanChange } from './staff-access.js';
import { fullName } from '../../modules/person-name.js';

const PATH = '/gestion/places';
/** The "no group" of an activity in a URL. */
const NO_GROUP = 'aucun';

/** The table's address: the activity chosen, and the first and last days as staff typed them (checked as the page reads them). */
const OccupancyQuery = Type.Object({ activite: Type.Optional(Id), du: Type.Optional(Text), au: Type.Optional(Text) });
/** A day's lists: the activity and day, and one unit's list for a group (or the children in none) when a cell was followed. */
const DayParams = Type.Object({ activityId: Id, day: Day });
const DayQuery = Type.Object({
  unite: Type.Optional(IdChoice),
  groupe: Type.Optional(Type.Union([Id, Type.Literal(NO_GROUP), Type.Literal('')])),
});
/** A decision on a waiting child: "promote:<booking>" or "refuse:<booking>", with the refusal's reason (`reason.<booking>`). */
const DecisionForm = Type.Intersect([Type.Object({ act: DecisionButton(['promote', 'refuse'], [UUID]) }), Form]);

/**
 * Places per day, unit and group of an activity, and a day's waiting lists with the children
 * booked: every staff role reads; managers give a waiting child a place (never beyond the places)
 * or refuse it with a reason.
 */
export function staffBookingOccupancyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const calendarOf = (request: FastifyRequest, scope: Scope): Promise<StaffCalendar> => services.calendars.forTenant(scope.tx, request.tenant!);

  return async (app) => {
    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: OccupancyQuery } }, async (request, reply) => {
      const { query } = request;
      const result = await request.inScope(async (scope) => {
        const activities = await activitiesForStaff(scope);
        const today = await tenantToday(scope);
        const chosen =
          query.activite !== undefined
            ? activities.find((activity) => activity.id === query.activite)
            : (activities.find((activity) => activity.ends_on >= today) ?? activities[0]);
        if (query.activite !== undefined && !chosen) return null;
        const from = query.du === undefined || query.du === '' ? today : parseDay(query.du);
        const to = query.au === undefined || query.au === '' ? addDays(from ?? today, 13) : parseDay(query.au);
        const badRange = !from || !to || to < from;
        const report =
          chosen && !badRange ? await occupancyReport(scope, await calendarOf(request, scope), { activityId: chosen.id, from: from!, to: to! }) : null;
        return {
          activities,
          chosen,
          report,
          badRange,
          values: { du: String(query.du ?? from ?? ''), au: String(query.au ?? to ?? '') },
          asked: badRange ? null : { from: from!, to: to! },
        };
      });
      if (!result) return reply.callNotFound();
      return reply.page(request.t('occupancy.title'), <OccupancyPage {...result} chosenId={result.chosen?.id ?? ''} />, result.badRange ? 400 : 200);
    });

    app.get(`${PATH}/:activityId/:day`, { preHandler: requireStaff(), schema: { params: DayParams, querystring: DayQuery } }, async (request, reply) => {
      const input = dayInput(request.params, request.query);
      const lists = await request.inScope(async (scope) => dayLists(scope, await calendarOf(request, scope), input));
      if (!lists) return reply.callNotFound();
      return reply.page(dayTitle(request, lists), <DayPage lists={lists} filtered={input.unitId !== null || input.groupId !== undefined} />);
    });

    app.post(
      `${PATH}/:activityId/:day`,
      { preHandler: requireStaff('manager'), schema: { params: DayParams, querystring: DayQuery, body: DecisionForm } },
      async (request, reply) => {
        const input = dayInput(request.params, request.query);
        const [verb, bookingId] = splitAtColon(request.body.act);
        const reason = formValues(request.body)[`reason.${bookingId}`] ?? '';
        const outcome = await request.inScope(async (scope) => {
          const calendar = await calendarOf(request, scope);
          const before = await dayLists(scope, calendar, input);
          const waiting = before?.sections.flatMap((section) => section.waiting).find((booking) => booking.id === bookingId);
          if (!before || !waiting) return null;
          const result = verb === 'promote' ? await promoteWaiting(scope, bookingId) : await refuseWaiting(scope, bookingId, reason, mailContextOf(request));
          return { result, child: fullName(waiting.firstName, waiting.lastName), lists: (await dayLists(scope, calendar, input))! };
        });
        if (!outcome || outcome.result === 'not_found') return reply.callNotFound();
        const { result, child, lists } = outcome;
        const message: { kind: 'success' | 'error'; key: MessageKey; status: number } =
          result === 'promoted'
            ? { kind: 'success', key: 'daylist.promoted', status: 200 }
            : result === 'done'
              ? { kind: 'success', key: 'daylist.refused', status: 200 }
              : result === 'full'
                ? { kind: 'error', key: 'daylist.full', status: 409 }
                : result === 'reason_required'
                  ? { kind: 'error', key: 'daylist.reasonRequired', status: 400 }
                  : result === 'forbidden'
                    ? { kind: 'error', key: 'daylist.readOnly', status: 403 }
                    : { kind: 'error', key: 'daylist.notWaiting', status: 409 };
        return reply.page(
          dayTitle(request, lists),
          <DayPage
            lists={lists}
            filtered={input.unitId !== null || input.groupId !== undefined}
            message={{ kind: message.kind, text: request.t(message.key, { child }) }}
            errors={result === 'reason_required' ? { [`reason.${bookingId}`]: request.t('daylist.reasonRequired') } : {}}
          />,
          message.status,
        );
      },
    );
  };
}

function dayTitle(request: FastifyRequest, lists: DayLists): string {
  return request.t('daylist.title', { activity: lists.activity.name, date: formatCalendarDate(lists.day) });
}

/** The activity, day and optional unit and group of a day's page (a group: null for the children in none, undefined for all). */
function dayInput(
  params: Static<typeof DayParams>,
  query: Static<typeof DayQuery>,
): { activityId: string; day: string; unitId: string | null; groupId: string | null | undefined } {
  const group = query.groupe || undefined;
  return { activityId: params.activityId, day: params.day, unitId: query.unite || null, groupId: group === NO_GROUP ? null : group };
}

function dayPath(activityId: string, day: string, unitId?: string, group?: ReportGroup): string {
  const query = unitId ? `?unite=${unitId}&groupe=${group?.id ?? NO_GROUP}` : '';
  return `${PATH}/${activityId}/${day}${query}`;
}

// --- the occupancy table -------------------------------------------------------------------------

function OccupancyPage(props: {
  activities: Awaited<ReturnType<typeof activitiesForStaff>>;
  chosenId: string;
  report: OccupancyReport | null;
  badRange: boolean;
  values: { du: string; au: string };
  asked: { from: string; to: string } | null;
}) {
  const page = usePage();
  const { t } = page;
  if (props.activities.length === 0) {
    return (
      <>
        <h1>{t('occupancy.title')}</h1>
        <p>{t('occupancy.noActivity')}</p>
      </>
    );
  }
  const error = props.badRange ? t('occupancy.badRange') : undefined;
  const truncated = props.report && props.asked && props.report.to !== props.asked.to;
  return (
    <>
      <h1>{t('occupancy.title')}</h1>
      <p>{t('occupancy.intro')}</p>
      <form method="get" action={href(page, PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w fr-no-print">
        <div class="fr-col-12 fr-col-md-4">
          <Select
            name="activite"
            label={t('occupancy.activity')}
            value={props.chosenId}
            options={props.activities.map((activity) => ({ value: activity.id, label: activity.name }))}
          />
        </div>
        <div class="fr-col-6 fr-col-md-3">
          <DateInput name="du" label={t('occupancy.from')} value={props.values.du} error={error} hint={t('setup.dateHint')} />
        </div>
        <div class="fr-col-6 fr-col-md-3">
          <DateInput name="au" label={t('occupancy.to')} value={props.values.au} hint={t('setup.dateHint')} />
        </div>
        <div class="fr-col-12 fr-col-md-2">
          <Button variant="secondary" icon="fr-icon-search-line">
            {t('occupancy.show')}
          </Button>
        </div>
      </form>
      {truncated && (
        <Alert kind="info" small>
          {t('occupancy.rangeTooLong', { days: MAX_REPORT_DAYS, to: formatCalendarDate(props.report!.to) })}
        </Alert>
      )}
      {props.report && <OccupancyTable report={props.report} />}
    </>
  );
}

function OccupancyTable(props: { report: OccupancyReport }) {
  const page = usePage();
  const { t, fmt } = page;
  const { report } = props;
  if (report.days.length === 0) return <p>{t('occupancy.noDays')}</p>;
  const groupName = (group: ReportGroup) => group.name ?? t('occupancy.noGroup');
  const unitName = new Map(report.units.map((unit) => [unit.id, unit.name]));
  const caption = t(periodKey('occupancy.caption', report.from, report.to), {
    activity: report.activity.name,
    from: fmt.shortDate(noonOf(report.from)),
    to: fmt.shortDate(noonOf(report.to)),
  });
  return (
    <>
      <p class="fr-text--sm">{t('occupancy.legend')}</p>
      <Table caption={caption} class="pf-booking-table">
        <thead>
          <tr>
            <th scope="col">{t('occupancy.day')}</th>
            <th scope="col">{t('occupancy.unit')}</th>
            {report.groups.map((group) => (
              <th scope="col" key={group.id ?? NO_GROUP}>
                {groupName(group)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.days.map((day) => {
            if (day.closed) {
              const why = t(`booking.reason.${day.closed.reason}`) + (day.closed.detail ? ` (${day.closed.detail})` : '');
              return (
                <tr key={day.day}>
                  <th scope="row">
                    <LongDay day={day.day} />
                  </th>
                  <td colSpan={report.groups.length + 1} class="pf-cell-closed">
                    <span class="fr-icon-close-circle-line fr-icon--sm" aria-hidden="true"></span> {t('occupancy.closedWhy', { reason: why })}
                  </td>
                </tr>
              );
            }
            return report.units.map((unit, index) => (
              <tr key={`${day.day}-${unit.id}`}>
                {index === 0 && (
                  <th scope="row" rowSpan={report.units.length}>
                    <a href={href(page, dayPath(report.activity.id, day.day))}>
                      <LongDay day={day.day} />
                    </a>
                  </th>
                )}
                <th scope="row">{unitName.get(unit.id)}</th>
                {report.groups.map((group) => {
                  const cell = day.cells.find((candidate) => candidate.unitId === unit.id && candidate.groupId === group.id)!;
                  if (cell.closed) {
                    return (
                      <td key={group.id ?? NO_GROUP} class="pf-cell-closed">
                        <span class="fr-icon-close-circle-line fr-icon--sm" aria-hidden="true"></span> {t('occupancy.closed')}
                        <br />
                        <span class="fr-text--xs">{t(`booking.reason.${cell.closed}`)}</span>
                      </td>
                    );
                  }
                  return (
                    <td key={group.id ?? NO_GROUP}>
                      <a href={href(page, dayPath(report.activity.id, day.day, unit.id, group))}>
                        {cell.places === null
                          ? t(countKey('occupancy.cellUnlimited', cell.taken), { taken: cell.taken })
                          : t('occupancy.cell', { taken: cell.taken, places: cell.places })}
                        <span class="fr-sr-only">
                          {' '}
                          — {unit.name}, {groupName(group)}, {fmt.shortDate(noonOf(day.day))}
                        </span>
                      </a>
                      <br />
                      {cell.left === null ? (
                        <span class="fr-text--xs">{t('occupancy.unlimited')}</span>
                      ) : cell.left === 0 ? (
                        <p class="fr-badge fr-badge--sm fr-badge--warning">{t('occupancy.full')}</p>
                      ) : (
                        <span class="fr-text--xs">{t(countKey('occupancy.left', cell.left), { left: cell.left })}</span>
                      )}
                      {cell.waiting > 0 && (
                        <>
                          <br />
                          <span class="fr-text--xs">
                            <span class="fr-icon-time-line fr-icon--sm" aria-hidden="true"></span> {t('occupancy.waiting', { waiting: cell.waiting })}
                          </span>
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ));
          })}
        </tbody>
      </Table>
    </>
  );
}

// --- a day's lists -------------------------------------------------------------------------------

function DayPage(props: { lists: DayLists; filtered: boolean; message?: { kind: 'success' | 'error'; text: string }; errors?: Record<string, string> }) {
  const page = usePage();
  const { t } = page;
  const { lists } = props;
  const canDecide = useCanChange();
  // The module reads the mode as text; the rule saying what a freed place does is one of the known modes.
  const mode = WAITLIST_MODES.find((candidate) => candidate === lists.activity.waitlistMode);
  return (
    <>
      <h1>
        {lists.activity.name} — <LongDay day={lists.day} />
      </h1>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-no-print">
        <li>
          <ButtonLink variant="tertiary" icon="fr-icon-arrow-left-line" href={href(page, `${PATH}?activite=${lists.activity.id}&du=${lists.day}`)}>
            {t('daylist.back')}
          </ButtonLink>
        </li>
        {props.filtered && (
          <li>
            <ButtonLink variant="tertiary" href={href(page, dayPath(lists.activity.id, lists.day))}>
              {t('daylist.allLists')}
            </ButtonLink>
          </li>
        )}
      </ul>
      {props.message && (
        <Alert kind={props.message.kind} announce>
          {props.message.text}
        </Alert>
      )}
      {lists.closed && (
        <Alert kind="info" small>
          {t('occupancy.closedWhy', { reason: t(`booking.reason.${lists.closed.reason}`) + (lists.closed.detail ? ` (${lists.closed.detail})` : '') })}
        </Alert>
      )}
      {mode && <p>{t(`daylist.mode.${mode}`)}</p>}
      {!canDecide && (
        <Alert kind="info" small>
          {t('daylist.readOnly')}
        </Alert>
      )}
      {lists.sections.map((section) => (
        <Section key={`${section.unit.id}-${section.group.id ?? NO_GROUP}`} lists={lists} section={section} canDecide={canDecide} errors={props.errors ?? {}} />
      ))}
    </>
  );
}

function Section(props: { lists: DayLists; section: DaySection; canDecide: boolean; errors: Record<string, string> }) {
  const page = usePage();
  const { t, fmt } = page;
  const { section, lists } = props;
  const group = section.group.name ?? t('occupancy.noGroup');
  const action = href(page, page.path);
  return (
    <section class="fr-mb-6w" id={`u-${section.unit.id}-g-${section.group.id ?? NO_GROUP}`}>
      <h2>{t('daylist.section', { unit: section.unit.name, group })}</h2>
      <p>
        {section.places === null
          ? t(countKey('daylist.summaryUnlimited', section.taken), { taken: section.taken })
          : t(countKey('daylist.summary', section.taken), {
              places: section.places,
              taken: section.taken,
              left: t(countKey('occupancy.left', section.left ?? 0), { left: section.left ?? 0 }),
            })}
        {section.closed && <> — {t('occupancy.closedWhy', { reason: t(`booking.reason.${section.closed}`) })}</>}
      </p>
      <h3 class="fr-h5">{t('daylist.waiting', { count: section.waiting.length })}</h3>
      {section.waiting.length === 0 ? (
        <p>{t('daylist.noWaiting')}</p>
      ) : (
        <form method="post" action={action}>
          <CsrfField />
          <Table caption={`${t('daylist.waiting', { count: section.waiting.length })} — ${section.unit.name}, ${group}`} noCaption>
            <thead>
              <tr>
                <th scope="col">{t('daylist.rank')}</th>
                <th scope="col">{t('daylist.child')}</th>
                <th scope="col">{t('daylist.household')}</th>
                <th scope="col">{t('daylist.since')}</th>
                {props.canDecide && <th scope="col">{t('daylist.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {section.waiting.map((booking) => (
                <tr key={booking.id}>
                  <td>{booking.waitlistRank}</td>
                  <td>
                    <ChildName booking={booking} />
                  </td>
                  <td>
                    <a href={href(page, `/gestion/foyers/${booking.householdId}`)}>{booking.householdName}</a>
                  </td>
                  <td>{fmt.dateTime(booking.createdAt)}</td>
                  {props.canDecide && (
                    <td>
                      <Button name="act" value={`promote:${booking.id}`} icon="fr-icon-arrow-up-line" class="fr-btn--sm fr-mb-1w">
                        {t('daylist.promote')}
                        <span class="fr-sr-only">
                          {' '}
                          — {booking.firstName} {booking.lastName}
                        </span>
                      </Button>
                      <Textarea name={`reason.${booking.id}`} label={t('daylist.reason')} rows={2} error={props.errors[`reason.${booking.id}`]} />
                      <Button name="act" value={`refuse:${booking.id}`} variant="secondary" icon="fr-icon-close-line" class="fr-btn--sm">
                        {t('daylist.refuse')}
                        <span class="fr-sr-only">
                          {' '}
                          — {booking.firstName} {booking.lastName}
                        </span>
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </form>
      )}
      <h3 class="fr-h5">{t('daylist.booked', { count: section.booked.length })}</h3>
      {section.booked.length === 0 ? (
        <p>{t('daylist.noBooked')}</p>
      ) : (
        <Table caption={`${t('daylist.booked', { count: section.booked.length })} — ${section.unit.name}, ${group}`} noCaption>
          <thead>
            <tr>
              <th scope="col">{t('daylist.child')}</th>
              <th scope="col">{t('daylist.household')}</th>
              <th scope="col">{t('daylist.status')}</th>
            </tr>
          </thead>
          <tbody>
            {section.booked.map((booking) => (
              <tr key={booking.id}>
                <td>
                  <ChildName booking={booking} />
                </td>
                <td>
                  <a href={href(page, `/gestion/foyers/${booking.householdId}`)}>{booking.householdName}</a>
                </td>
                <td>
                  <BookingStatusBadge status={booking.status} />
                  {booking.status === 'offered' && booking.offerExpiresAt && (
                    <span class="fr-text--xs"> {t('daylist.offerUntil', { date: fmt.dateTime(booking.offerExpiresAt) })}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {lists.sections.length > 1 && <hr class="fr-mt-3w" />}
    </section>
  );
}

function ChildName(props: { booking: ListedBooking }) {
  return (
    <>
      {props.booking.lastName} {props.booking.firstName}
    </>
  );
}
