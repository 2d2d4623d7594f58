import { randomBytes } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.js';
import { addDays } from '../calendar/calendar-dates.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { IN_CALENDAR_FEED } from './booking-states.js';

/**
 * A private iCalendar address per child and household: calendar applications read the child's
 * booked days there without logging in, so the address is a long random secret, and a new one
 * can replace it (the old one stops working).
 */

export async function feedToken(scope: Scope, householdId: string, childId: string, renew = false): Promise<string | null> {
  if (!may(scope, 'household.feed', householdId)) return null;
  const member = await scope.tx
    .selectFrom('household_members')
    .select('person_id')
    .where('household_id', '=', householdId)
    .where('person_id', '=', childId)
    .where('role', '=', 'child')
    .executeTakeFirst();
  if (!member) return null;
  const existing = await scope.tx
    .selectFrom('calendar_feeds')
    .select('token')
    .where('household_id', '=', householdId)
    .where('child_id', '=', childId)
    .executeTakeFirst();
  if (existing && !renew) return existing.token;
  const token = randomBytes(24).toString('base64url');
  await scope.tx.deleteFrom('calendar_feeds').where('household_id', '=', householdId).where('child_id', '=', childId).execute();
  await scope.tx
    .insertInto('calendar_feeds')
    .values({ token, tenant_id: scope.tenantId, household_id: householdId, child_id: childId, created_at: scope.now })
    .execute();
  return token;
}

/** The feed's text: one all-day event per booked day, from three months ago on. */
export async function feedCalendar(tx: Tx, token: string, now: Date, calendarName: string): Promise<string | null> {
  const feed = await tx.selectFrom('calendar_feeds').select(['household_id', 'child_id']).where('token', '=', token).executeTakeFirst();
  if (!feed) return null;
  const child = await tx.selectFrom('persons').select(['first_name']).where('id', '=', feed.child_id).executeTakeFirstOrThrow();
  const since = addDays(now.toISOString().slice(0, 10), -92);
  const bookings = await tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['b.id', 'b.day', 'b.status', 'b.updated_at', 'u.name as unit_name', 'a.name as activity_name'])
    .where('b.child_id', '=', feed.child_id)
    .where('b.household_id', '=', feed.household_id)
    .where('b.day', '>=', since)
    .where('b.status', 'in', IN_CALENDAR_FEED)
    .orderBy('b.day')
    .execute();
  const stamp = icsInstant(now);
  const events = bookings.flatMap((booking) => [
    'BEGIN:VEVENT',
    `UID:${booking.id}@portail-famille`,
    `DTSTAMP:${stamp}`,
    `LAST-MODIFIED:${icsInstant(booking.updated_at)}`,
    `DTSTART;VALUE=DATE:${booking.day.replaceAll('-', '')}`,
    `DTEND;VALUE=DATE:${addDays(booking.day, 1).replaceAll('-', '')}`,
    `SUMMARY:${icsText(`${child.first_name} — ${booking.activity_name} — ${booking.unit_name}`)}`,
    `STATUS:${booking.status === 'reserved' || booking.status === 'present' ? 'CONFIRMED' : 'TENTATIVE'}`,
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
  ]);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Portail Famille//FR',
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${icsText(`${child.first_name} — ${calendarName}`)}`,
    ...events,
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

function icsInstant(instant: Date): string {
  return `${instant.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** RFC 5545 text: commas, semicolons, backslashes and new lines escaped. */
function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

/** Lines longer than 75 octets are folded, as RFC 5545 asks. */
function fold(line: string): string {
  const bytes = Buffer.from(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + (start === 0 ? 75 : 74), bytes.length);
    // Never cut inside a multi-byte character.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    parts.push(bytes.subarray(start, end).toString());
    start = end;
  }
  return parts.join('\r\n ');
}

/** The child's current feed address token, if the family asked for one. */
export async function currentFeedToken(scope: Scope, householdId: string, childId: string): Promise<string | null> {
  if (!may(scope, 'household.feed', householdId)) return null;
  const row = await scope.tx
    .selectFrom('calendar_feeds')
    .select('token')
    .where('household_id', '=', householdId)
    .where('child_id', '=', childId)
    .executeTakeFirst();
  return row?.token ?? null;
}
