import { localDate } from '../calendar/local-date.js';
import { personFullName } from '../person-name.js';
import type { Scope } from '../scope.js';
import { CLOSURE_REASON } from './closure-cancellations.js';
import type { BookingStatus } from './bookings.tables.js';
import { may } from '../access.js';
import { ANSWERS, isIn } from './booking-states.js';
import type { RefusalReason } from './booking-requests.js';
import { refusedOnTheSpot } from './booking-submissions.js';

/**
 * What a household asked about its bookings, for "Mes demandes": the days it booked and the
 * cancellations it made or asked. Each line is one child's days in one activity that share one
 * state: a submission of forty days makes a few lines (reserved, waiting, refused…), never forty,
 * and no day asked is left out. Bookings are grouped by submission (one submission books all its
 * days at the same instant), cancellations — asked one booking at a time — by the day they were asked.
 */

export interface DayAsked {
  day: string;
  /** Rank on the waiting list, for a day waiting for a place. */
  rank: number | null;
}

export interface UnitDays {
  unitName: string;
  days: DayAsked[];
}

/**
 * Why a booking ended as it did: the service's words (a refusal), an offer not confirmed in time,
 * a closure, or the rule that refused the day as soon as it was asked.
 */
export type BookingNote = { kind: 'words'; text: string } | { kind: 'offer_expired' } | { kind: 'closure' } | { kind: 'rule'; reason: RefusalReason };

interface HistoryLine {
  /** Stable within one reading: the group's identity. */
  key: string;
  childName: string;
  activityName: string;
  units: UnitDays[];
  askedAt: Date;
  /** When the service answered, if it did later than the asking. */
  answeredAt: Date | null;
  /** Asked by staff for the family (at the counter, on the phone). */
  byService: boolean;
}

export interface BookingRequestLine extends HistoryLine {
  status: BookingStatus;
  note: BookingNote | null;
}

export type CancellationState = 'pending' | 'done' | 'late' | 'refused';

export interface CancellationLine extends HistoryLine {
  state: CancellationState;
  /** The service's reason, for a cancellation it refused. */
  reason: string | null;
}

/**
 * A line waits for the service only while its days are asked, or asked to be cancelled: with
 * pendingOnly (the home page's count) only those days are read, not the household's whole history.
 */
const PENDING_STATUSES = ['requested', 'cancel_requested'] as const satisfies readonly BookingStatus[];

export async function householdRequestHistory(
  scope: Scope,
  householdId: string,
  options: { timeZone: string; pendingOnly?: boolean },
): Promise<{ bookings: BookingRequestLine[]; cancellations: CancellationLine[] }> {
  if (!may(scope, 'household.read', householdId)) return { bookings: [], cancellations: [] };
  const bookings = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .select([
      'b.id',
      'b.child_id',
      'b.day',
      'b.status',
      'b.waitlist_rank',
      'b.reason',
      'b.created_at',
      'b.created_by',
      'u.id as unit_id',
      'u.name as unit_name',
      'u.position as unit_position',
      'a.id as activity_id',
      'a.name as activity_name',
      'p.first_name',
      'p.last_name',
    ])
    .where('b.household_id', '=', householdId)
    .$if(options.pendingOnly === true, (query) => query.where('b.status', 'in', PENDING_STATUSES))
    .orderBy('b.day')
    .orderBy('u.position')
    .execute();
  const events = await scope.tx
    .selectFrom('booking_events')
    .select(['booking_id', 'from_status', 'to_status', 'reason', 'actor_account_id', 'at'])
    .where('household_id', '=', householdId)
    .$if(options.pendingOnly === true, (query) =>
      query.where('booking_id', 'in', (sub) =>
        sub
          .selectFrom('bookings as pending')
          .select('pending.id')
          .where('pending.household_id', '=', householdId)
          .where('pending.status', 'in', PENDING_STATUSES),
      ),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();
  const staff = await staffAmong(scope, [...bookings.map((booking) => booking.created_by), ...events.map((event) => event.actor_account_id)]);
  const eventsOf = new Map<string, typeof events>();
  for (const event of events) {
    const list = eventsOf.get(event.booking_id);
    if (list) list.push(event);
    else eventsOf.set(event.booking_id, [event]);
  }

  const bookingLines = new Lines<Omit<BookingRequestLine, 'key' | 'units'>>();
  const cancellationLines = new Lines<Omit<CancellationLine, 'key' | 'units'>>();
  for (const booking of bookings) {
    const history = eventsOf.get(booking.id) ?? [];
    const about = { childName: personFullName(booking), activityName: booking.activity_name };
    const unit = { id: booking.unit_id, name: booking.unit_name, position: booking.unit_position };

    // Days a lottery draw gave are listed too: the draw's notice sends the family here for its ranks.
    const note = noteOf(booking.status, booking.reason);
    // The move into its state, not a refused cancellation putting it back there.
    const answer = isIn(ANSWERS, booking.status)
      ? history.findLast((event) => event.to_status === booking.status && event.from_status !== 'cancel_requested')
      : undefined;
    const answeredAt = answer && answer.at > booking.created_at ? answer.at : null;
    const byService = booking.created_by !== null && staff.has(booking.created_by);
    bookingLines.add(
      [booking.created_at.getTime(), booking.child_id, booking.activity_id, booking.status, JSON.stringify(note), byService].join('|'),
      { ...about, status: booking.status, note, askedAt: booking.created_at, answeredAt, byService },
      unit,
      { day: booking.day, rank: booking.status === 'waitlisted' ? booking.waitlist_rank : null },
    );

    for (const { askedBy, ...cancellation } of cancellationsIn(history)) {
      const byService = askedBy !== null && staff.has(askedBy);
      cancellationLines.add(
        [
          localDate(cancellation.askedAt, options.timeZone),
          booking.child_id,
          booking.activity_id,
          cancellation.state,
          cancellation.reason ?? '',
          byService,
        ].join('|'),
        { ...about, ...cancellation, byService },
        unit,
        { day: booking.day, rank: null },
      );
    }
  }
  // Days refused as soon as they were asked leave no booking: the forms kept say which and why.
  for (const refused of options.pendingOnly ? [] : await refusedOnTheSpot(scope, householdId)) {
    const note: BookingNote = { kind: 'rule', reason: refused.reason };
    bookingLines.add(
      [refused.askedAt.getTime(), refused.childId, refused.activityId, 'refused', JSON.stringify(note)].join('|'),
      {
        childName: personFullName({ first_name: refused.firstName, last_name: refused.lastName }),
        activityName: refused.activityName,
        status: 'refused',
        note,
        askedAt: refused.askedAt,
        answeredAt: null,
        byService: refused.askedBy !== null && staff.has(refused.askedBy),
      },
      { id: refused.unitId, name: refused.unitName, position: refused.unitPosition },
      { day: refused.day, rank: null },
    );
  }
  return { bookings: bookingLines.sorted(), cancellations: cancellationLines.sorted() };
}

function noteOf(status: BookingStatus, reason: string | null): BookingNote | null {
  if (status === 'refused' && reason) return { kind: 'words', text: reason };
  if (status === 'cancelled' && reason === 'offer_expired') return { kind: 'offer_expired' };
  if (status === 'cancelled' && reason === CLOSURE_REASON) return { kind: 'closure' };
  return null;
}

interface CancellationAsked {
  state: CancellationState;
  /** The account that asked or made it. */
  askedBy: string | null;
  reason: string | null;
  askedAt: Date;
  answeredAt: Date | null;
}

/**
 * The cancellations in a booking's events: each one asked (and then decided by the service), or
 * done at once by the family or an agent. A cancellation nobody asked (an offer left to expire,
 * moved by the system) is not one.
 */
export function cancellationsIn(
  events: { from_status: BookingStatus | null; to_status: BookingStatus; reason: string | null; actor_account_id: string | null; at: Date }[],
): CancellationAsked[] {
  const found: CancellationAsked[] = [];
  let asked: CancellationAsked | null = null;
  for (const event of events) {
    if (event.to_status === 'cancel_requested') {
      asked = { state: 'pending', askedBy: event.actor_account_id, reason: null, askedAt: event.at, answeredAt: null };
      found.push(asked);
    } else if (event.from_status === 'cancel_requested') {
      if (asked) {
        asked.state = event.to_status === 'reserved' ? 'refused' : event.to_status === 'late_cancelled' ? 'late' : 'done';
        asked.reason = event.to_status === 'reserved' ? event.reason : null;
        asked.answeredAt = event.at;
      }
      asked = null;
    } else if ((event.to_status === 'cancelled' || event.to_status === 'late_cancelled') && event.actor_account_id !== null) {
      found.push({
        state: event.to_status === 'cancelled' ? 'done' : 'late',
        askedBy: event.actor_account_id,
        reason: null,
        askedAt: event.at,
        answeredAt: null,
      });
    }
  }
  return found;
}

/** Of these accounts, the staff's: what they asked, they asked for the family. */
async function staffAmong(scope: Scope, accountIds: (string | null)[]): Promise<Set<string>> {
  const ids = [...new Set(accountIds.filter((id) => id !== null))];
  if (ids.length === 0) return new Set();
  const rows = await scope.tx.selectFrom('accounts').select('id').where('id', 'in', ids).where('kind', '=', 'staff').execute();
  return new Set(rows.map((row) => row.id));
}

/** Lines built by adding one day at a time to the group its key names; days come in date order. */
class Lines<Line extends Omit<HistoryLine, 'key' | 'units'>> {
  private readonly byKey = new Map<string, { line: Line; units: Map<string, UnitDays & { position: number }> }>();

  add(key: string, line: Line, unit: { id: string; name: string; position: number }, day: DayAsked): void {
    let group = this.byKey.get(key);
    if (!group) {
      group = { line: { ...line }, units: new Map() };
      this.byKey.set(key, group);
    }
    // One submission has one instant; a day of cancellations shows its latest, and its latest answer.
    const kept = group.line;
    if (line.askedAt > kept.askedAt) kept.askedAt = line.askedAt;
    if (line.answeredAt && (!kept.answeredAt || line.answeredAt > kept.answeredAt)) kept.answeredAt = line.answeredAt;
    let unitDays = group.units.get(unit.id);
    if (!unitDays) {
      unitDays = { unitName: unit.name, days: [], position: unit.position };
      group.units.set(unit.id, unitDays);
    }
    unitDays.days.push(day);
  }

  /** The newest first; within one instant, by child, activity and first day, so the page reads in order and does not reshuffle. */
  sorted(): (Line & { key: string; units: UnitDays[] })[] {
    const firstDay = (units: UnitDays[]) => units.map((unit) => unit.days[0]!.day).sort()[0]!;
    return [...this.byKey]
      .map(([key, { line, units }]) => ({
        ...line,
        key,
        units: [...units.values()].sort((a, b) => a.position - b.position).map(({ unitName, days }) => ({ unitName, days })),
      }))
      .sort(
        (a, b) =>
          b.askedAt.getTime() - a.askedAt.getTime() ||
          a.childName.localeCompare(b.childName) ||
          a.activityName.localeCompare(b.activityName) ||
          firstDay(a.units).localeCompare(firstDay(b.units)) ||
          a.key.localeCompare(b.key),
      );
  }
}
