import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../scope.js';
import { may } from '../access.js';

/**
 * The journal staff read: the audit log and the life of every booking (booking_events) as one list,
 * newest first, each entry with who did it and the name of what it was done to, filtered by person,
 * object, kind and dates, page by page. Logins are a kind apart: they would drown the rest.
 */

export const JOURNAL_KINDS = ['bookings', 'households', 'accounts', 'activities', 'billing', 'messages', 'settings', 'logins'] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

/** The actions of each kind, by the first words of their name. */
const KIND_PREFIXES: Record<JournalKind, string[]> = {
  bookings: ['booking.', 'enrollment.', 'absence.', 'attendance.', 'lottery.'],
  households: ['household.record', 'household.created', 'household.closed', 'household.reopened', 'household.erased', 'change_request.', 'child.'],
  accounts: ['account.', 'account_request.'],
  activities: ['activity.', 'site.', 'closure.', 'school_holiday'],
  billing: ['invoice', 'payment', 'refund.', 'credit_note.', 'tariff.', 'regie.', 'household.quotient'],
  messages: ['message', 'news.', 'answer_template.'],
  settings: ['tenant.', 'retention.'],
  logins: ['account.login', 'account.second_factor_failed'],
};
const LOGIN_ACTIONS = ['account.login', 'account.second_factor_failed'];

export const JOURNAL_PAGE_SIZE = 50;

/** Who: a staff member's account, any family, or the portal itself. */
export type JournalActor = { kind: 'account'; accountId: string } | { kind: 'families' } | { kind: 'system' };

export interface JournalFilter {
  actor?: JournalActor;
  kind?: JournalKind;
  /** An object's id: entries about it, and for a household every entry about its people, requests and bookings. */
  objectId?: string;
  /** Calendar dates in the authority's time zone, both included. */
  from?: string;
  to?: string;
  /** From 0. */
  page: number;
}

export interface JournalEntry {
  at: Date;
  source: 'audit' | 'booking';
  actorLabel: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  /** The object's name as people know it (a household, an account, an activity, an invoice's number, a child's day). */
  objectName: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export async function readJournal(scope: Scope, filter: JournalFilter): Promise<{ entries: JournalEntry[]; hasMore: boolean } | null> {
  if (!may(scope, 'service.read') || scope.actor.kind !== 'staff') return null;
  const tenant = await scope.tx.selectFrom('tenants').select('time_zone').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const bookingEvents = filter.kind === undefined || filter.kind === 'bookings';
  const audit = auditPart(scope, filter, tenant.time_zone);
  const journal = bookingEvents ? audit.unionAll(bookingPart(scope, filter, tenant.time_zone)) : audit;
  const rows = await scope.tx
    .selectFrom(journal.as('j'))
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(JOURNAL_PAGE_SIZE + 1)
    .offset(filter.page * JOURNAL_PAGE_SIZE)
    .execute();
  const entries = rows.slice(0, JOURNAL_PAGE_SIZE).map((row) => ({
    at: new Date(row.at),
    source: row.source as JournalEntry['source'],
    actorLabel: row.actor_label,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    objectName: row.object_name,
    details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) ?? {},
    ip: row.ip,
  }));
  return { entries, hasMore: rows.length > JOURNAL_PAGE_SIZE };
}

/** The staff accounts that may be chosen as "who" (every one, disabled included: the journal outlives them). */
export async function journalStaff(scope: Scope): Promise<{ id: string; name: string }[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx.selectFrom('accounts').select(['id', 'display_name']).where('kind', '=', 'staff').orderBy('display_name').execute();
  return rows.map((row) => ({ id: row.id, name: row.display_name }));
}

function auditPart(scope: Scope, filter: JournalFilter, timeZone: string) {
  let query = scope.tx
    .selectFrom('audit_log as a')
    .leftJoin('accounts as who', 'who.id', 'a.actor_account_id')
    .select([
      'a.at',
      'a.id as seq',
      sql<string>`'audit'`.as('source'),
      'a.actor_label',
      'a.action',
      'a.object_type',
      'a.object_id',
      sql<string | null>`case a.object_type
        when 'household' then (select o.name from households o where o.id::text = a.object_id)
        when 'account' then (select o.display_name from accounts o where o.id::text = a.object_id)
        when 'person' then (select o.first_name || ' ' || o.last_name from persons o where o.id::text = a.object_id)
        when 'activity' then (select o.name from activities o where o.id::text = a.object_id)
        when 'site' then (select o.name from sites o where o.id::text = a.object_id)
        when 'regie' then (select o.name from regies o where o.id::text = a.object_id)
        when 'invoice' then (select o.number from invoices o where o.id::text = a.object_id)
        when 'news' then (select o.title from news o where o.id::text = a.object_id)
        when 'message_thread' then (select o.title from message_threads o where o.id::text = a.object_id)
        when 'answer_template' then (select o.name from answer_templates o where o.id::text = a.object_id)
        when 'unit' then (select o.name from units o where o.id::text = a.object_id)
        when 'booking_period' then (select o.name from booking_periods o where o.id::text = a.object_id)
        when 'enrollment' then (select p.first_name || ' ' || p.last_name || ' — ' || act.name from enrollments o
          join persons p on p.id = o.child_id join activities act on act.id = o.activity_id where o.id::text = a.object_id)
        when 'booking' then (select p.first_name || ' ' || p.last_name || ' — ' || u.name || ' — ' || to_char(o.day, 'DD/MM/YYYY') from bookings o
          join persons p on p.id = o.child_id join units u on u.id = o.unit_id where o.id::text = a.object_id)
        when 'absence' then (select p.first_name || ' ' || p.last_name || ' — ' || to_char(o.first_day, 'DD/MM/YYYY') from absence_declarations o
          join persons p on p.id = o.child_id where o.id::text = a.object_id)
        when 'change_request' then (select h.name from change_requests o join households h on h.id = o.household_id where o.id::text = a.object_id)
        end`.as('object_name'),
      sql<unknown>`a.details`.as('details'),
      'a.ip',
    ]);
  for (const condition of whoAndWhen(filter, timeZone, 'a')) query = query.where(condition);
  query = query.where((eb) => {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.kind === 'logins') conditions.push(eb('a.action', 'in', LOGIN_ACTIONS));
    else {
      conditions.push(eb('a.action', 'not in', LOGIN_ACTIONS));
      if (filter.kind) conditions.push(eb.or(KIND_PREFIXES[filter.kind].map((prefix) => eb('a.action', 'like', `${prefix}%`))));
    }
    if (filter.objectId) {
      const id = filter.objectId;
      conditions.push(
        eb.or([
          eb('a.object_id', '=', id),
          eb(eb.ref('a.details', '->>').key('householdId'), '=', id),
          eb(eb.ref('a.details', '->>').key('childId'), '=', id),
          // A household's people, requests and accounts.
          eb(
            'a.object_id',
            'in',
            sql<string>`(select m.person_id::text from household_members m where m.household_id::text = ${id}
            union all select r.id::text from change_requests r where r.household_id::text = ${id}
            union all select c.id::text from accounts c where c.household_id::text = ${id})`,
          ),
        ]),
      );
    }
    return eb.and(conditions);
  });
  return query;
}

/** Each change of a booking's state, as the journal says it: the child, the unit and the day are its object. */
function bookingPart(scope: Scope, filter: JournalFilter, timeZone: string) {
  let query = scope.tx
    .selectFrom('booking_events as e')
    .innerJoin('bookings as b', 'b.id', 'e.booking_id')
    .innerJoin('persons as p', 'p.id', 'b.child_id')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .leftJoin('accounts as who', 'who.id', 'e.actor_account_id')
    .select([
      'e.at',
      'e.id as seq',
      sql<string>`'booking'`.as('source'),
      sql<string>`coalesce(who.display_name, 'système')`.as('actor_label'),
      sql<string>`'booking.' || e.to_status`.as('action'),
      sql<string | null>`'booking'`.as('object_type'),
      sql<string | null>`e.booking_id::text`.as('object_id'),
      sql<string | null>`p.first_name || ' ' || p.last_name || ' — ' || u.name || ' — ' || to_char(b.day, 'DD/MM/YYYY')`.as('object_name'),
      sql<unknown>`jsonb_build_object('from', e.from_status, 'to', e.to_status, 'reason', e.reason)`.as('details'),
      sql<string | null>`null`.as('ip'),
    ]);
  for (const condition of whoAndWhen(filter, timeZone, 'e')) query = query.where(condition);
  if (filter.objectId) {
    const id = filter.objectId;
    query = query.where((eb) =>
      eb.or([eb(sql<string>`e.booking_id::text`, '=', id), eb(sql<string>`e.household_id::text`, '=', id), eb(sql<string>`b.child_id::text`, '=', id)]),
    );
  }
  return query;
}

/**
 * The filter's who and dates, the same for both parts: `part` is the alias of the part's table (its
 * `actor_account_id` and `at`), each joined to the actor's account as `who`.
 */
function whoAndWhen(filter: JournalFilter, timeZone: string, part: 'a' | 'e'): RawBuilder<SqlBool>[] {
  const actor = sql.ref(`${part}.actor_account_id`);
  const at = sql.ref(`${part}.at`);
  const conditions: RawBuilder<SqlBool>[] = [];
  if (filter.actor?.kind === 'account') conditions.push(sql<SqlBool>`${actor} = ${filter.actor.accountId}`);
  if (filter.actor?.kind === 'families') conditions.push(sql<SqlBool>`who.kind = 'family'`);
  if (filter.actor?.kind === 'system') conditions.push(sql<SqlBool>`${actor} is null`);
  if (filter.from) conditions.push(sql<SqlBool>`(${at} at time zone ${timeZone})::date >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql<SqlBool>`(${at} at time zone ${timeZone})::date <= ${filter.to}::date`);
  return conditions;
}
