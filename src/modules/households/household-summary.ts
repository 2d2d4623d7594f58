import { fullName } from '../person-name.js';
import { sql, type Kysely } from 'kysely';
import { BatchedLookup } from '../../db/batched-lookup.js';
import type { DB } from '../../db/schema.js';
import { BALANCE_OF_H } from '../ledger/balance.js';

export interface HouseholdSummary {
  name: string;
  children: string[];
  amountDueCents: number;
  /** The service's messages the family has not opened (its bin left out), for the header and the home page. */
  unreadMessages: number;
  /** Days wait in a prepayment basket of the household: the menu leads to it. */
  openBasket: boolean;
}

/** These households' names, children's names and balances, by id, in one statement (any tenant: the caller checks). */
async function householdRows(db: Kysely<DB>, householdIds: string[]) {
  const rows = await db
    .selectFrom('households as h')
    .leftJoin('household_members as m', (join) => join.onRef('m.household_id', '=', 'h.id').on('m.role', '=', 'child'))
    .leftJoin('persons as p', 'p.id', 'm.person_id')
    .select([
      'h.id',
      'h.tenant_id',
      'h.name',
      sql<string[]>`coalesce(array_agg(p.first_name order by p.birth_date) filter (where p.id is not null), '{}')`.as('child_first_names'),
      sql<string[]>`coalesce(array_agg(p.last_name order by p.birth_date) filter (where p.id is not null), '{}')`.as('child_last_names'),
      BALANCE_OF_H.as('balance'),
      // Read here, in the summary's one statement, rather than by the messages module in a second
      // one per page: every family page shows it, and under a rush each statement counts.
      sql<string>`(select count(*) from messages m join message_threads th on th.id = m.thread_id
        where th.household_id = h.id and th.family_deleted_at is null and m.author = 'service' and m.read_at is null)`.as('unread_messages'),
      sql<boolean>`exists (select 1 from baskets b where b.household_id = h.id and b.state = 'open')`.as('open_basket'),
    ])
    // One array rather than a list of values: one statement text whatever the batch, prepared once (db/prepared-statements.ts).
    .where('h.id', '=', sql<string>`any(${householdIds}::uuid[])`)
    .groupBy(['h.id', 'h.tenant_id', 'h.name'])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

type HouseholdRow = Awaited<ReturnType<typeof householdRows>> extends Map<string, infer Row> ? Row : never;

/**
 * What the family space shows on every page: household name, children's names, amount still due.
 * Every family page asks it, so the look-ups of one turn of the event loop are read in one
 * statement (db/batched-lookup.ts) outside any transaction: `db` is the owner's connection (no
 * row-level security), and the tenant is checked here explicitly.
 */
export class HouseholdSummaryLookup {
  private readonly households: BatchedLookup<string, HouseholdRow>;

  constructor(db: Kysely<DB>) {
    this.households = new BatchedLookup((householdIds) => householdRows(db, householdIds));
  }

  async get(tenantId: string, householdId: string): Promise<HouseholdSummary | null> {
    const household = await this.households.get(householdId);
    if (!household || household.tenant_id !== tenantId) return null;
    return {
      name: household.name,
      children: household.child_first_names.map((first, index) => fullName(first, household.child_last_names[index]!)),
      amountDueCents: Number(household.balance),
      unreadMessages: Number(household.unread_messages),
      openBasket: household.open_basket,
    };
  }
}
