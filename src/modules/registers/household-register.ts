import { sql, type Expression, type SqlBool } from 'kysely';
import { AWAITING_DECISION } from '../bookings/booking-states.js';
import { BALANCE_OF_H } from '../ledger/balance.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { activityMembers } from './activity-members.js';

/**
 * Every household of the authority, as staff list, sort, filter, print and export them: its
 * children counted, its balance, its requests waiting for the service (of every kind).
 */

export const HOUSEHOLD_SORTS = ['name', 'number', 'children', 'balance', 'pending'] as const;
export type HouseholdSort = (typeof HOUSEHOLD_SORTS)[number];

export interface HouseholdFilter {
  activityId?: string | undefined;
  groupId?: string | undefined;
  school?: string | undefined;
  /** Only households with a request waiting for the service. */
  pending?: boolean | undefined;
  sort?: HouseholdSort | undefined;
  descending?: boolean | undefined;
}

export interface HouseholdLine {
  id: string;
  familyNumber: string;
  name: string;
  children: number;
  balanceCents: number;
  pendingRequests: number;
}

export const HOUSEHOLDS_PER_PAGE = 50;

/** The requests of a household (aliased `h`) waiting for the service: record changes, enrollments, booking days, absences. */
const PENDING_OF_H = sql<number>`(
  (select count(*) from change_requests c where c.household_id = h.id and c.status = 'pending')
  + (select count(*) from enrollments e where e.household_id = h.id and e.status = 'pending')
  + (select count(*) from bookings b where b.household_id = h.id and b.status in (${sql.join(AWAITING_DECISION)}))
  + (select count(*) from absence_declarations a where a.household_id = h.id and a.status = 'pending')
)::int`;

const CHILDREN_OF_H = sql<number>`(select count(*) from household_members m where m.household_id = h.id and m.role = 'child')::int`;

const ORDER: Record<HouseholdSort, Expression<unknown>> = {
  name: sql`lower(h.name)`,
  number: sql`h.family_number`,
  children: CHILDREN_OF_H,
  balance: BALANCE_OF_H,
  pending: PENDING_OF_H,
};

function filtered(scope: Scope, filter: HouseholdFilter) {
  let query = scope.tx.selectFrom('households as h').where('h.tenant_id', '=', scope.tenantId);
  if (filter.activityId) {
    const members = scope.tx.selectFrom(activityMembers(scope.tx, filter.activityId).as('member'));
    const inGroup = filter.groupId ? members.where('member.group_id', '=', filter.groupId) : members;
    query = query.where('h.id', 'in', inGroup.select('member.household_id'));
  }
  if (filter.school) {
    const school = filter.school;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('household_members as m')
          .innerJoin('persons as p', 'p.id', 'm.person_id')
          .select('m.person_id')
          .whereRef('m.household_id', '=', 'h.id')
          .where('m.role', '=', 'child')
          .where(sql<SqlBool>`lower(trim(p.school)) = lower(trim(${school}))`),
      ),
    );
  }
  if (filter.pending) query = query.where(sql<SqlBool>`${PENDING_OF_H} > 0`);
  return query;
}

/** One page of the households that pass the filter, in the order asked, and how many pass it; null for anyone but staff. */
export async function listHouseholds(
  scope: Scope,
  filter: HouseholdFilter,
  page: { number: number; size: number } | 'all',
): Promise<{ lines: HouseholdLine[]; total: number } | null> {
  if (!may(scope, 'service.read')) return null;
  const direction = filter.descending ? 'desc' : 'asc';
  let query = filtered(scope, filter)
    .select(['h.id', 'h.family_number', 'h.name', CHILDREN_OF_H.as('children'), BALANCE_OF_H.as('balance'), PENDING_OF_H.as('pending')])
    .orderBy(ORDER[filter.sort ?? 'name'], direction)
    .orderBy(sql`lower(h.name)`)
    .orderBy('h.family_number');
  if (page !== 'all') query = query.limit(page.size).offset((page.number - 1) * page.size);
  const [rows, count] = await Promise.all([query.execute(), filtered(scope, filter).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()]);
  return {
    total: count.n,
    lines: rows.map((row) => ({
      id: row.id,
      familyNumber: row.family_number,
      name: row.name,
      children: row.children,
      balanceCents: Number(row.balance),
      pendingRequests: row.pending,
    })),
  };
}

export interface RegisterChoices {
  activities: { id: string; name: string; groups: { id: string; name: string }[] }[];
  schools: string[];
}

/** What the lists filter by: the activities and their groups, the schools the children's records name. */
export async function registerChoices(scope: Scope): Promise<RegisterChoices> {
  if (!may(scope, 'service.read')) return { activities: [], schools: [] };
  const [activities, groups, schools] = await Promise.all([
    scope.tx.selectFrom('activities').select(['id', 'name']).orderBy('starts_on', 'desc').orderBy('name').execute(),
    scope.tx.selectFrom('activity_groups').select(['id', 'activity_id', 'name']).orderBy('position').orderBy('name').execute(),
    scope.tx
      .selectFrom('persons as p')
      .innerJoin('household_members as m', 'm.person_id', 'p.id')
      .select(sql<string>`min(trim(p.school))`.as('school'))
      .where('m.role', '=', 'child')
      .where(sql<SqlBool>`coalesce(trim(p.school), '') <> ''`)
      .groupBy(sql`lower(trim(p.school))`)
      .orderBy(sql`lower(trim(p.school))`)
      .execute(),
  ]);
  return {
    activities: activities.map((activity) => ({
      ...activity,
      groups: groups.filter((group) => group.activity_id === activity.id).map(({ id, name }) => ({ id, name })),
    })),
    schools: schools.map((row) => row.school),
  };
}
