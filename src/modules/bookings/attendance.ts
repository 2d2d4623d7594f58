import { formatCalendarDate } from '../calendar/calendar-dates.js';
import type { Translate } from '../../i18n/catalogue.js';
import { recordAudit } from '../audit/audit-log.js';
import { tenantToday } from '../calendar/local-date.js';
import type { Scope } from '../scope.js';
import { moveBooking } from './booking-transitions.js';
import type { BookingStatus } from './bookings.tables.js';
import { may, refusal } from '../access.js';
import { EXPECTED, isIn, ON_ATTENDANCE_LIST } from './booking-states.js';

/**
 * The day's attendance lists, per site, activity, unit and group: the children expected (booked,
 * or whose request still waits for the service) and those already marked. Staff mark each child
 * present or absent, an absence excused (not billed) or not (billed), once the day has come; each
 * mark is a move of the booking, with its event, and the list's submission is audited.
 */

export type AttendanceMark = 'present' | 'absent_excused' | 'absent_billed';
export const ATTENDANCE_MARKS: readonly AttendanceMark[] = ['present', 'absent_excused', 'absent_billed'];

/** A site of the authority, or the activities that have none ('none'). */
export type SiteChoice = string | 'none';

export interface AttendanceRow {
  bookingId: string;
  status: BookingStatus;
  /** Came without a booking (unbooked-presence.ts): billed at the unbooked price. */
  unbooked: boolean;
  childId: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  householdName: string;
  familyNumber: string;
  allergies: string | null;
  pai: boolean;
  diet: string | null;
}

export interface AttendanceList {
  activityId: string;
  activityName: string;
  unitId: string;
  unitName: string;
  groupId: string | null;
  groupName: string | null;
  rows: AttendanceRow[];
}

/** The sites lists can be printed for; `withoutSite` when some activities have no site. */
export async function attendanceSites(scope: Scope) {
  if (!may(scope, 'service.read')) return { sites: [], withoutSite: false };
  const sites = await scope.tx.selectFrom('sites').select(['id', 'name']).orderBy('name').execute();
  const orphan = await scope.tx.selectFrom('activities').select('id').where('site_id', 'is', null).limit(1).executeTakeFirst();
  return { sites, withoutSite: orphan !== undefined };
}

export { tenantToday };

/** The day's lists of a site, one per activity, unit and group that has children; null when the site does not exist. */
export async function attendanceLists(scope: Scope, input: { site: SiteChoice; day: string }): Promise<AttendanceList[] | null> {
  if (!may(scope, 'service.read')) return null;
  if (input.site !== 'none') {
    const site = await scope.tx.selectFrom('sites').select('id').where('id', '=', input.site).executeTakeFirst();
    if (!site) return null;
  }
  let query = scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .leftJoin('activity_groups as g', 'g.id', 'b.group_id')
    .select([
      'b.id',
      'b.status',
      'b.unbooked',
      'b.child_id',
      'b.group_id',
      'u.id as unit_id',
      'u.name as unit_name',
      'a.id as activity_id',
      'a.name as activity_name',
      'g.name as group_name',
      'p.first_name',
      'p.last_name',
      'p.birth_date',
      'p.allergies',
      'p.pai',
      'p.diet',
      'h.name as household_name',
      'h.family_number',
    ])
    .where('b.day', '=', input.day)
    .where('b.status', 'in', ON_ATTENDANCE_LIST);
  query = input.site === 'none' ? query.where('a.site_id', 'is', null) : query.where('a.site_id', '=', input.site);
  const rows = await query
    .orderBy('a.name')
    .orderBy('u.position')
    .orderBy('u.name')
    .orderBy('g.position')
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();
  const lists: AttendanceList[] = [];
  for (const row of rows) {
    let list = lists.at(-1);
    if (!list || list.unitId !== row.unit_id || list.groupId !== row.group_id) {
      list = {
        activityId: row.activity_id,
        activityName: row.activity_name,
        unitId: row.unit_id,
        unitName: row.unit_name,
        groupId: row.group_id,
        groupName: row.group_name,
        rows: [],
      };
      lists.push(list);
    }
    list.rows.push({
      bookingId: row.id,
      status: row.status,
      unbooked: row.unbooked,
      childId: row.child_id,
      firstName: row.first_name,
      lastName: row.last_name,
      birthDate: row.birth_date,
      householdName: row.household_name,
      familyNumber: row.family_number,
      allergies: row.allergies,
      pai: row.pai,
      diet: row.diet,
    });
  }
  return lists;
}

export type MarkResult = { kind: 'done'; changed: number } | { kind: 'future_day' } | { kind: 'forbidden' } | { kind: 'not_found' };

/**
 * Marks the children of a day's lists, all or nothing: every booking must be on that day's list
 * of that site, and the day must not be in the future. A request still waiting for the service is
 * first accepted (the child came, or was expected and did not), then marked.
 */
export async function markAttendance(
  scope: Scope,
  input: { site: SiteChoice; day: string; marks: { bookingId: string; mark: AttendanceMark }[] },
): Promise<MarkResult> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  if (input.day > (await tenantToday(scope))) return { kind: 'future_day' };
  if (input.marks.length === 0) return { kind: 'done', changed: 0 };
  const ids = [...new Set(input.marks.map((mark) => mark.bookingId))];
  const bookings = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.id', 'b.household_id', 'b.status', 'b.day', 'a.site_id'])
    .where('b.id', 'in', ids)
    .orderBy('b.id')
    .forUpdate(['b'])
    .execute();
  const byId = new Map(bookings.map((booking) => [booking.id, booking]));
  const belongs = (id: string) => {
    const booking = byId.get(id);
    return (
      booking !== undefined &&
      booking.day === input.day &&
      (input.site === 'none' ? booking.site_id === null : booking.site_id === input.site) &&
      isIn(ON_ATTENDANCE_LIST, booking.status)
    );
  };
  if (!ids.every(belongs)) return { kind: 'not_found' };

  const counts: Record<AttendanceMark, number> = { present: 0, absent_excused: 0, absent_billed: 0 };
  let changed = 0;
  for (const { bookingId, mark } of input.marks) {
    const booking = byId.get(bookingId)!;
    if (booking.status === mark) continue;
    if (booking.status === 'requested') {
      await moveBooking(scope, booking, 'reserved');
      booking.status = 'reserved';
    }
    if (await moveBooking(scope, booking, mark)) {
      booking.status = mark;
      counts[mark] += 1;
      changed += 1;
    }
  }
  if (changed > 0)
    await recordAudit(scope, {
      action: 'attendance.marked',
      objectType: 'site',
      objectId: input.site === 'none' ? undefined : input.site,
      details: { day: input.day, ...counts },
    });
  return { kind: 'done', changed };
}

/** How many children are expected on a day, all sites together. */
export async function expectedChildren(scope: Scope, day: string): Promise<number> {
  if (!may(scope, 'service.read')) return 0;
  const row = await scope.tx
    .selectFrom('bookings')
    .select((eb) => eb.fn.count<string>('child_id').distinct().as('n'))
    .where('day', '=', day)
    .where('status', 'in', EXPECTED)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- the spreadsheet -----------------------------------------------------------------------------

/** A cell as Excel reads it: quoted when needed, and never taken for a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** UTF-8 with a byte-order mark, semicolons and CRLF: what Excel opens as is in France. */
export function toCsv(rows: string[][]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/** The day's lists of a site as a spreadsheet, one line per child and unit, headers in the reader's language. */
export function attendanceCsv(t: Translate, input: { day: string; siteName: string; lists: AttendanceList[] }): string {
  const date = formatCalendarDate(input.day);
  const header = [
    t('attendance.csv.date'),
    t('attendance.csv.site'),
    t('attendance.csv.activity'),
    t('attendance.csv.unit'),
    t('attendance.csv.group'),
    t('attendance.csv.lastName'),
    t('attendance.csv.firstName'),
    t('attendance.csv.birthDate'),
    t('attendance.csv.household'),
    t('attendance.csv.familyNumber'),
    t('attendance.csv.allergies'),
    t('attendance.csv.pai'),
    t('attendance.csv.diet'),
    t('attendance.csv.status'),
  ];
  const lines = input.lists.flatMap((list) =>
    list.rows.map((row) => [
      date,
      input.siteName,
      list.activityName,
      list.unitName,
      list.groupName ?? '',
      row.lastName,
      row.firstName,
      row.birthDate ? formatCalendarDate(row.birthDate) : '',
      row.householdName,
      row.familyNumber,
      row.allergies ?? '',
      row.pai ? t('value.yes') : t('value.no'),
      row.diet ?? '',
      t(`booking.status.${row.status}`),
    ]),
  );
  return toCsv([header, ...lines]);
}
