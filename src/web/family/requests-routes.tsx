import { Table } from '../components/dsfr/table.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ComponentChildren } from 'preact';
import { formatters } from '../../i18n/catalogue.js';
import { householdAbsences } from '../../modules/bookings/absences.js';
import { householdEnrollments } from '../../modules/bookings/enrollments.js';
import { householdRequestHistory, type CancellationState, type DayAsked, type UnitDays } from '../../modules/bookings/request-history.js';
import { householdLotteryRequests } from '../../modules/lottery/lottery-applications.js';
import { BookingStatusBadge, refusalText } from '../components/booking-status.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { householdRequests, withdrawRequest, type RequestPayload, type RequestRow } from '../../modules/households/change-requests.js';
import type { ChangeRequestKind } from '../../modules/households/households.tables.js';
import { inRecordOrder, recordField, type StoredValue } from '../../modules/households/record-fields.js';
import { PAGES } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { fieldLabel, formatRecordValue } from '../components/record-value.js';
import { StatusBadge, type BadgeTone } from '../components/status-badge.js';
import { Form, Id, Text } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';

type RequestKind = ChangeRequestKind | 'enrollment' | 'booking' | 'cancellation' | 'absence' | 'lottery';
const KINDS = ['record', 'add_member', 'contacts', 'enrollment', 'booking', 'cancellation', 'absence', 'lottery'] as const satisfies readonly RequestKind[];
const STATUS_TONES: Record<RequestRow['status'], BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error', withdrawn: 'info' };
const CANCELLATION_TONES: Record<CancellationState, BadgeTone> = { pending: 'new', done: 'success', late: 'warning', refused: 'error' };
/** Up to this many days are written out on the line; more are summed up, the full list one click away. */
const DAYS_SHOWN = 5;

/** Some days of one unit, as a booking or a cancellation asks them. */
interface DaysItem {
  label: string;
  days: DayAsked[];
  /** Each day's waiting-list rank beside it (when the days of the line do not share one). */
  ranks: boolean;
}

/** One line of "Mes demandes", whatever the request: a record change, an enrollment, a booking. */
interface RequestLine {
  id: string;
  kind: RequestKind;
  about: string;
  change: (string | DaysItem)[];
  createdAt: Date;
  status: ComponentChildren;
  reason: string | null;
  decidedAt: Date | null;
  withdrawable: boolean;
  /** Where the request is followed (a lottery's own page). */
  link?: string;
}

/**
 * The list's address: the kind of request shown ('' for all), and the notice of a request just
 * sent (`envoyee`) or withdrawn (`retiree`).
 */
const RequestsQuery = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal(''), ...KINDS.map((kind) => Type.Literal(kind))])),
  envoyee: Type.Optional(Text),
  retiree: Type.Optional(Text),
});

/** Mes demandes: every request the household made, its state and the service's answer. */
export function familyRequestsRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PAGES.requests, { preHandler: requireFamily, schema: { querystring: RequestsQuery } }, async (request, reply) => {
      const { query } = request;
      const kind = query.type || undefined;
      const householdId = request.session!.account.householdId!;
      const recordKind = kind === undefined || kind === 'record' || kind === 'add_member' || kind === 'contacts';
      const sources = await request.inScope(async (scope) => ({
        records: recordKind ? await householdRequests(scope, householdId, kind) : [],
        enrollments: kind === undefined || kind === 'enrollment' ? await householdEnrollments(scope, householdId) : [],
        history:
          kind === undefined || kind === 'booking' || kind === 'cancellation'
            ? await householdRequestHistory(scope, householdId, request.tenant!.time_zone)
            : { bookings: [], cancellations: [] },
        absences: kind === undefined || kind === 'absence' ? await householdAbsences(scope, householdId) : [],
        lotteries: kind === undefined || kind === 'lottery' ? await householdLotteryRequests(scope, householdId) : [],
      }));
      if (!sources.records) return reply.callNotFound();
      const t = request.t;
      const money = formatters(request.lang, request.tenant!.time_zone).money;
      const lines: RequestLine[] = [
        ...sources.records.map(
          (row): RequestLine => ({
            id: row.id,
            kind: row.kind,
            about: row.target_name ?? t('requests.household'),
            change: describePayload(row.kind, row.payload, t, money),
            createdAt: row.created_at,
            status: <StatusBadge tone={STATUS_TONES[row.status]} label={`status.${row.status}`} />,
            reason: row.reason,
            decidedAt: row.status === 'withdrawn' ? null : row.decided_at,
            withdrawable: row.status === 'pending',
          }),
        ),
        ...sources.enrollments.map(
          (row): RequestLine => ({
            id: row.id,
            kind: 'enrollment',
            about: row.first_name,
            change: [row.group_name ? `${row.activity_name} — ${row.group_name}` : row.activity_name],
            createdAt: row.created_at,
            status: <StatusBadge tone={STATUS_TONES[row.status]} label={`enrollment.status.${row.status}`} />,
            reason: row.reason,
            decidedAt: row.decided_at,
            withdrawable: false,
          }),
        ),
        ...(kind === 'cancellation' ? [] : sources.history.bookings).map((row): RequestLine => {
          const rank = sharedRank(row.units);
          return {
            id: `booking:${row.key}`,
            kind: 'booking',
            about: row.childName,
            change: daysItems(row.activityName, row.units, rank === undefined),
            createdAt: row.askedAt,
            status: <BookingStatusBadge status={row.status} rank={rank} />,
            reason: row.note === null ? null : row.note.kind === 'words' ? row.note.text : refusalText(t, row.note.kind),
            decidedAt: row.answeredAt,
            withdrawable: false,
          };
        }),
        ...(kind === 'booking' ? [] : sources.history.cancellations).map(
          (row): RequestLine => ({
            id: `cancellation:${row.key}`,
            kind: 'cancellation',
            about: row.childName,
            change: daysItems(row.activityName, row.units, false),
            createdAt: row.askedAt,
            status: <StatusBadge tone={CANCELLATION_TONES[row.state]} label={`cancellation.state.${row.state}`} />,
            reason: row.reason,
            decidedAt: row.answeredAt,
            withdrawable: false,
          }),
        ),
        ...sources.absences.map(
          (row): RequestLine => ({
            id: row.id,
            kind: 'absence',
            about: `${row.first_name} ${row.last_name}`,
            change: [
              t('absences.period', { from: formatCalendarDate(row.first_day), to: formatCalendarDate(row.last_day) }),
              t(`absences.reason.${row.reason}`),
              ...(row.comment ? [row.comment] : []),
            ],
            createdAt: row.created_at,
            status: <StatusBadge tone={STATUS_TONES[row.status]} label={`absence.status.${row.status}`} />,
            reason: row.decision_reason,
            decidedAt: row.decided_at,
            withdrawable: false,
          }),
        ),
        ...sources.lotteries.map(
          (row): RequestLine => ({
            id: `${row.period_id}-${row.child_id}`,
            kind: 'lottery',
            about: `${row.first_name} ${row.last_name}`,
            change: [t('lottery.request.line', { activity: row.activity_name, period: row.period_name, count: row.applications })],
            createdAt: row.created_at,
            status: row.drawn_at ? <StatusBadge tone="success" label="lottery.staff.state.drawn" /> : <StatusBadge tone="new" label="lottery.pending" />,
            reason: row.drawn_at ? t('lottery.request.results', { places: row.places, waiting: row.waiting, refused: row.refused }) : null,
            decidedAt: row.drawn_at,
            withdrawable: false,
            link: `/reservations/tirage/${row.period_id}`,
          }),
        ),
      ].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      const notice: MessageKey | undefined = query.envoyee ? 'children.newSent' : query.retiree ? 'requests.withdrawn' : undefined;
      return reply.page(request.t('requests.title'), <RequestsPage lines={lines} kind={kind} notice={notice} />);
    });

    app.post(
      `${PAGES.requests}/:id/retirer`,
      { preHandler: requireFamily, schema: { params: Type.Object({ id: Id }), body: Form } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await request.inScope((scope) => withdrawRequest(scope, id));
        if (result === 'not_found') return reply.callNotFound();
        return reply.redirect(`${request.base}${PAGES.requests}?retiree=1`);
      },
    );
  };
}

/** The rank all the days of a waiting line share (shown on its badge); undefined when they differ. */
function sharedRank(units: UnitDays[]): number | null | undefined {
  const ranks = new Set(units.flatMap((unit) => unit.days.map((day) => day.rank)));
  return ranks.size === 1 ? [...ranks][0] : undefined;
}

/** "Activity — Unit — days" for one unit; the activity once, then a line per unit, for several. */
function daysItems(activityName: string, units: UnitDays[], ranks: boolean): (string | DaysItem)[] {
  if (units.length === 1) return [{ label: `${activityName} — ${units[0]!.unitName}`, days: units[0]!.days, ranks }];
  return [activityName, ...units.map((unit) => ({ label: unit.unitName, days: unit.days, ranks }))];
}

/** The change a request asks for, as a short sentence per field. */
export function describePayload(
  kind: ChangeRequestKind,
  payload: RequestPayload,
  t: (key: MessageKey, params?: Record<string, string>) => string,
  money: (cents: number) => string,
): string[] {
  const show = (key: string, value: StoredValue) => {
    const def = recordField(key);
    return def ? `${fieldLabel(t, key)}${t('punct.colon')}${formatRecordValue(def, value, t, money)}` : key;
  };
  if (kind === 'record' && 'fields' in payload && !('role' in payload)) return inRecordOrder(payload.fields).map(([key, change]) => show(key, change.new));
  if (kind === 'add_member' && 'role' in payload) {
    const name =
      `${payload.fields['child.first_name'] ?? payload.fields['adult.first_name'] ?? ''} ${payload.fields['child.last_name'] ?? payload.fields['adult.last_name'] ?? ''}`.trim();
    return [t('requests.newMember', { name })];
  }
  if (kind === 'contacts' && 'new' in payload) return payload.new.map((contact) => `${contact.name} — ${contact.phone}`);
  return [];
}

function RequestsPage(props: { lines: RequestLine[]; kind: RequestKind | undefined; notice: MessageKey | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('requests.title')}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      <p>{t('requests.intro')}</p>
      <form method="get" action={href(page, PAGES.requests)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-6">
          <Select
            name="type"
            label={t('requests.filter')}
            value={props.kind ?? ''}
            options={[{ value: '', label: t('requests.filterAll') }, ...KINDS.map((kind) => ({ value: kind, label: t(`requests.kind.${kind}`) }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary" icon="fr-icon-filter-line">
            {t('requests.filterApply')}
          </Button>
        </div>
      </form>
      {props.lines.length === 0 ? (
        <p>{t('requests.none')}</p>
      ) : (
        <Table caption={t('requests.title')} noCaption focusableId="requests-caption" class="pf-requests-table">
          <thead>
            <tr>
              <th scope="col">{t('requests.type')}</th>
              <th scope="col">{t('requests.about')}</th>
              <th scope="col">{t('requests.change')}</th>
              <th scope="col">{t('requests.date')}</th>
              <th scope="col">{t('requests.status')}</th>
              <th scope="col">{t('requests.answer')}</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((row) => (
              <tr key={row.id}>
                <td>{t(`requests.kind.${row.kind}`)}</td>
                <td>{row.about}</td>
                {/* The change and the answer (a refusal's reason) are free text: they wrap, DSFR keeps other cells on one line. */}
                <td class="fr-cell--multiline">
                  <ul class="pf-compact-list">
                    {row.change.map((item) => (typeof item === 'string' ? <li key={item}>{item}</li> : <DaysAskedItem key={item.label} item={item} />))}
                  </ul>
                </td>
                <td>{fmt.dateTime(row.createdAt)}</td>
                <td>{row.status}</td>
                <td class="fr-cell--multiline">
                  {row.reason && <p class="fr-text--sm fr-mb-1v">{row.reason}</p>}
                  {row.decidedAt && <p class="fr-text--xs fr-mb-1v">{t('requests.answeredOn', { date: fmt.dateTime(row.decidedAt) })}</p>}
                  {row.link && (
                    <a class="fr-link fr-text--sm" href={href(page, row.link)}>
                      {t('lottery.myApplications')}
                    </a>
                  )}
                  {row.withdrawable && (
                    <form method="post" action={href(page, `/mes-demandes/${row.id}/retirer`)}>
                      <CsrfField />
                      <Button variant="tertiary" class="fr-btn--sm">
                        {t('requests.withdraw')}
                      </Button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

/** "Accueil — Journée — 02/12/2026, 09/12/2026"; a long list is summed up and unfolds on demand. */
function DaysAskedItem(props: { item: DaysItem }) {
  const { t } = usePage();
  const { label, days, ranks } = props.item;
  const dayText = (day: DayAsked) =>
    ranks && day.rank !== null ? `${formatCalendarDate(day.day)} (${t('booking.rank', { rank: day.rank })})` : formatCalendarDate(day.day);
  if (days.length <= DAYS_SHOWN) return <li>{`${label} — ${days.map(dayText).join(', ')}`}</li>;
  return (
    <li>
      {`${label} — ${t('requests.days', { count: days.length, from: formatCalendarDate(days[0]!.day), to: formatCalendarDate(days[days.length - 1]!.day) })}`}
      <details class="pf-days-asked">
        <summary class="fr-text--sm">{t('requests.showDays', { count: days.length })}</summary>
        <p class="fr-text--sm fr-mb-0">{days.map(dayText).join(', ')}</p>
      </details>
    </li>
  );
}
