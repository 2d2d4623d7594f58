import { householdBalanceCents } from '../ledger/balance.js';
import type { Scope } from '../scope.js';
import { may } from '../access.js';
import { fullName } from '../person-name.js';

export interface HouseholdChild {
  id: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  school: string | null;
  classLevel: string | null;
}

export interface HouseholdOverview {
  id: string;
  name: string;
  familyNumber: string;
  children: HouseholdChild[];
  amountDueCents: number;
}

/** The household, its children (eldest first) and what it still owes; null for anyone else's household. */
export async function householdOverview(scope: Scope, householdId: string): Promise<HouseholdOverview | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const household = await scope.tx.selectFrom('households').select(['id', 'name', 'family_number']).where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  return {
    id: household.id,
    name: household.name,
    familyNumber: household.family_number,
    children: await householdChildren(scope, householdId),
    amountDueCents: await householdBalanceCents(scope.tx, scope.tenantId, householdId),
  };
}

/** The children of a household, eldest first; none for anyone who may not read the household. */
export async function householdChildren(scope: Scope, householdId: string): Promise<HouseholdChild[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const rows = await scope.tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'p.birth_date', 'p.school', 'p.class_level'])
    .where('m.household_id', '=', householdId)
    .where('m.role', '=', 'child')
    .orderBy('p.birth_date')
    .orderBy('p.first_name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    school: row.school,
    classLevel: row.class_level,
  }));
}

/** The household's children as a form offers them, eldest first: id and full name. */
export async function childChoices(scope: Scope, householdId: string): Promise<{ id: string; name: string }[]> {
  return (await householdChildren(scope, householdId)).map((child) => ({ id: child.id, name: fullName(child.firstName, child.lastName) }));
}

/** A household's name, for a page about it; null for anyone who may not read it. */
export async function householdName(scope: Scope, householdId: string): Promise<string | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const row = await scope.tx.selectFrom('households').select('name').where('id', '=', householdId).executeTakeFirst();
  return row?.name ?? null;
}
