import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { householdBalanceCents } from '../billing/balance.js';

/**
 * What the family space shows on every page: household name, children's names, amount still due.
 * Every family page asks it, so it is one statement outside any transaction: `db` is the owner's
 * connection (no row-level security), and the tenant is filtered here explicitly.
 */
export async function householdSummary(db: Kysely<DB>, tenantId: string, householdId: string): Promise<{ name: string; children: string[]; amountDueCents: number } | null> {
  const household = await db
    .selectFrom('households as h')
    .leftJoin('household_members as m', (join) => join.onRef('m.household_id', '=', 'h.id').on('m.role', '=', 'child'))
    .leftJoin('persons as p', 'p.id', 'm.person_id')
    .select(['h.name', sql<string[]>`coalesce(array_agg(p.first_name || ' ' || p.last_name order by p.birth_date) filter (where p.id is not null), '{}')`.as('children')])
    .where('h.id', '=', householdId)
    .where('h.tenant_id', '=', tenantId)
    .groupBy('h.name')
    .executeTakeFirst();
  if (!household) return null;
  return { name: household.name, children: household.children, amountDueCents: await householdBalanceCents(db, householdId) };
}
