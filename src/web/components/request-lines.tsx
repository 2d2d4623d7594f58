import type { ComponentChildren } from 'preact';
import { periodKey, countKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import { householdAbsences } from '../../modules/bookings/absences.js';
import { householdEnrollments } from '../../modules/bookings/enrollments.js';
import { householdRequestHistory, type CancellationState, type DayAsked, type UnitDays } from '../../modules/bookings/request-history.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { householdRequests, type RequestPayload, type RequestRow } from '../../modules/households/change-requests.js';
import type { ChangeRequestKind } from '../../modules/households/households.tables.js';
import { inRecordOrder, recordField, type StoredValue } from '../../modules/households/record-fields.js';
import { householdLotteryRequests } from '../../modules/lottery/lottery-applications.js';
import { personFullName } from '../../modules/person-name.js';
import type { Scope } from '../../modules/scope.js';
import { href, usePage } from '../page-context.js';
import { BookingStatusBadge, bookingNoteText } from './booking-status.js';
import { Button } from './dsfr/button.js';
import { CsrfField } from './dsfr/csrf-field.js';
import { Table } from './dsfr/table.js';
import { fieldLabel, formatRecordValue } from './record-value.js';
import { StatusBadge, type BadgeTone } from './status-badge.js';

/**
 * Every request a household made, whatever its kind — record changes, new members, contacts,
 * enrollments, booked days, cancellations, absences, lottery applications — as one list, newest
 * first: "Mes demandes" for the family, the household's page for staff.
 */

export type RequestKind = ChangeRequestKind | 'enrollment' | 'booking' | 'cancellation' | 'absence' | 'lottery';
export const REQUEST_KINDS = [
  'record',
  'add_member',
  'contacts',
  'enrollment',
  'booking',
  'cancellation',
  'absence',
  'lottery',
] as const satisfies readonly RequestKind[];
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

/** One line of the list, whatever the request: a record change, an enrollment, a booking. */
export interface RequestLine {
  id: string;
  kind: RequestKind;
  about: string;
  change: (string | DaysItem)[];
  createdAt: Date;
  status: ComponentChildren;
  reason: string | null;
  decidedAt: Date | null;
  /** Waiting for the service's answer (or for its draw). */
  pending: boolean;
  /** Still pending, and a record request: its family may withdraw it. */
  withdrawable: boolean;
  /** A lottery application: its results are on the family's page of the draw. */
  lotteryPeriodId?: string;
  /** Asked or done by staff for the family (at the counter, on the phone). */
  byService?: boolean;
}

/**
 * The household's requests of one kind (all kinds without one), newest first; null when the
 * household may not be read. pendingOnly reads only what may still be waiting for the service.
 */
export async function householdRequestLines(
  scope: Scope,
  householdId: string,
  input: { kind: RequestKind | undefined; pendingOnly?: boolean; t: Translate; money: (cents: number) => string; timeZone: string },
): Promise<RequestLine[] | null> {
  const { kind, pendingOnly, t, money } = input;
  const recordKind = kind === undefined || kind === 'record' || kind === 'add_member' || kind === 'contacts';
  const records = recordKind ? await householdRequests(scope, householdId, { kind, pendingOnly }) : [];
  if (!records) return null;
  const enrollments = kind === undefined || kind === 'enrollment' ? await householdEnrollments(scope, householdId, { pendingOnly }) : [];
  const history =
    kind === undefined || kind === 'booking' || kind === 'cancellation'
      ? await householdRequestHistory(scope, householdId, { timeZone: input.timeZone, pendingOnly })
      : { bookings: [], cancellations: [] };
  const absences = kind === undefined || kind === 'absence' ? await householdAbsences(scope, householdId, { pendingOnly }) : [];
  const lotteries = kind === undefined || kind === 'lottery' ? await householdLotteryRequests(scope, householdId, { pendingOnly }) : [];
  const lines: RequestLine[] = [
    ...records.map(
      (row): RequestLine => ({
        id: row.id,
        kind: row.kind,
        about: row.target_name ?? t('requests.household'),
        change: describePayload(row.kind, row.payload, t, money),
        createdAt: row.created_at,
        status: <StatusBadge tone={STATUS_TONES[row.status]} label={`status.${row.status}`} />,
        reason: row.reason,
        decidedAt: row.status === 'withdrawn' ? null : row.decided_at,
        pending: row.status === 'pending',
        withdrawable: row.status === 'pending',
      }),
    ),
    ...enrollments.map(
      (row): RequestLine => ({
        id: row.id,
        kind: 'enrollment',
        about: personFullName(row),
        change: [row.group_name ? `${row.activity_name} — ${row.group_name}` : row.activity_name],
        createdAt: row.created_at,
        status: <StatusBadge tone={STATUS_TONES[row.status]} label={`enrollment.status.${row.status}`} />,
        reason: row.reason,
        decidedAt: row.decided_at,
        pending: row.status === 'pending',
        withdrawable: false,
        byService: row.by_service,
      }),
    ),
    ...(kind === 'cancellation' ? [] : history.bookings).map((row): RequestLine => {
      const rank = sharedRank(row.units);
      return {
        id: `booking:${row.key}`,
        kind: 'booking',
        about: row.childName,
        change: daysItems(row.activityName, row.units, rank === undefined),
        createdAt: row.askedAt,
        status: <BookingStatusBadge status={row.status} rank={rank} />,
        reason: bookingNoteText(t, row.note),
        decidedAt: row.answeredAt,
        pending: row.status === 'requested',
        withdrawable: false,
        byService: row.byService,
      };
    }),
    ...(kind === 'booking' ? [] : history.cancellations).map(
      (row): RequestLine => ({
        id: `cancellation:${row.key}`,
        kind: 'cancellation',
        about: row.childName,
        change: daysItems(row.activityName, row.units, false),
        createdAt: row.askedAt,
        status: <StatusBadge tone={CANCELLATION_TONES[row.state]} label={`cancellation.state.${row.state}`} />,
        reason: row.reason,
        decidedAt: row.answeredAt,
        pending: row.state === 'pending',
        withdrawable: false,
        byService: row.byService,
      }),
    ),
    ...absences.map(
      (row): RequestLine => ({
        id: row.id,
        kind: 'absence',
        about: personFullName(row),
        change: [
          t(periodKey('absences.period', row.first_day, row.last_day), { from: formatCalendarDate(row.first_day), to: formatCalendarDate(row.last_day) }),
          t(`absences.reason.${row.reason}`),
          ...(row.comment ? [row.comment] : []),
        ],
        createdAt: row.created_at,
        status: <StatusBadge tone={STATUS_TONES[row.status]} label={`absence.status.${row.status}`} />,
        reason: row.decision_reason,
        decidedAt: row.decided_at,
        pending: row.status === 'pending',
        withdrawable: false,
        byService: row.by_service,
      }),
    ),
    ...lotteries.map(
      (row): RequestLine => ({
        id: `${row.period_id}-${row.child_id}`,
        kind: 'lottery',
        about: personFullName(row),
        change: [t(countKey('lottery.request.line', row.applications), { activity: row.activity_name, period: row.period_name, count: row.applications })],
        createdAt: row.created_at,
        status: row.drawn_at ? <StatusBadge tone="success" label="lottery.staff.state.drawn" /> : <StatusBadge tone="new" label="lottery.pending" />,
        reason: row.drawn_at ? t('lottery.request.results', { places: row.places, waiting: row.waiting, refused: row.refused }) : null,
        decidedAt: row.drawn_at,
        pending: row.drawn_at === null,
        withdrawable: false,
        lotteryPeriodId: row.period_id,
      }),
    ),
  ];
  return (pendingOnly ? lines.filter((line) => line.pending) : lines).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
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

/**
 * The requests as a table that scrolls sideways in its own focusable frame. For the family
 * (`family`), a pending record request can be withdrawn and a lottery line leads to its draw.
 */
export function RequestLinesTable(props: { lines: RequestLine[]; caption: string; captionId: string; family: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <Table caption={props.caption} noCaption focusableId={props.captionId} class="pf-requests-table">
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
            <td>
              {t(`requests.kind.${row.kind}`)}
              {row.byService && <p class="fr-text--xs fr-mb-0">{t('requests.byService')}</p>}
            </td>
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
              {props.family && row.lotteryPeriodId && (
                <a class="fr-link fr-text--sm" href={href(page, `/reservations/tirage/${row.lotteryPeriodId}`)}>
                  {t('lottery.myApplications')}
                </a>
              )}
              {props.family && row.withdrawable && (
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
      {`${label} — ${t(countKey('requests.days', days.length), { count: days.length, from: formatCalendarDate(days[0]!.day), to: formatCalendarDate(days[days.length - 1]!.day) })}`}
      <details class="pf-days-asked">
        <summary class="fr-text--sm">{t(countKey('requests.showDays', days.length), { count: days.length })}</summary>
        <p class="fr-text--sm fr-mb-0">{days.map(dayText).join(', ')}</p>
      </details>
    </li>
  );
}
