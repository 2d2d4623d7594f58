import type { Tx } from '../../db/tenant-scope.js';
import { householdBalanceCents } from '../billing/balance.js';

/** What the family space shows on every page: household name, children's first names, amount still due. */
export async function householdSummary(tx: Tx, householdId: string): Promise<{ name: string; children: string[]; amountDueCents: number } | null> {
  const household = await tx.selectFrom('households').select(['name']).where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  const children = await tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .select(['p.first_name', 'p.last_name'])
    .where('m.household_id', '=', householdId)
    .where('m.role', '=', 'child')
    .orderBy('p.birth_date')
    .execute();
  return {
    name: household.name,
    children: children.map((child) => `${child.first_name} ${child.last_name}`),
    amountDueCents: await householdBalanceCents(tx, householdId),
  };
}
