import type { Selectable } from 'kysely';
import type { Scope } from '../scope.js';
import type { ChildContactsTable, HouseholdsTable, MemberRole, PersonsTable } from './households.tables.js';
import type { RecordField, StoredValue } from './record-fields.js';
import { may } from '../access.js';

export type Household = Selectable<HouseholdsTable>;
export type Person = Selectable<PersonsTable>;
export type ChildContact = Selectable<ChildContactsTable>;

export interface HouseholdMember {
  person: Person;
  role: MemberRole;
  quality: string | null;
  /** The other households this person also belongs to (a child of separated parents). */
  alsoIn: number;
}

export interface HouseholdRecord {
  household: Household;
  adults: HouseholdMember[];
  children: HouseholdMember[];
  contacts: Map<string, ChildContact[]>;
}

/** The whole record of a household, or null if it does not exist or is not the actor's. */
export async function getHouseholdRecord(scope: Scope, householdId: string): Promise<HouseholdRecord | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const household = await scope.tx.selectFrom('households').selectAll().where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  const rows = await scope.tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .selectAll('p')
    .select(['m.role', 'm.quality'])
    .select((eb) =>
      eb
        .selectFrom('household_members as other')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('other.person_id', '=', 'm.person_id')
        .where('other.household_id', '!=', householdId)
        .as('also_in'),
    )
    .where('m.household_id', '=', householdId)
    .orderBy('p.birth_date')
    .execute();
  const members = rows.map(({ role, quality, also_in, ...person }) => ({ person: person as Person, role, quality, alsoIn: Number(also_in ?? 0) }));
  const children = members.filter((member) => member.role === 'child');
  const contacts = new Map<string, ChildContact[]>();
  if (children.length > 0) {
    const contactRows = await scope.tx
      .selectFrom('child_contacts')
      .selectAll()
      .where(
        'child_id',
        'in',
        children.map((child) => child.person.id),
      )
      .orderBy('position')
      .execute();
    for (const contact of contactRows) contacts.set(contact.child_id, [...(contacts.get(contact.child_id) ?? []), contact]);
  }
  return {
    household,
    adults: members.filter((member) => member.role === 'guardian' || member.role === 'partner'),
    children,
    contacts,
  };
}

/** The member of the household with this id and a role fitting the field target, or undefined. */
export function memberFor(record: HouseholdRecord, personId: string, target: 'adult' | 'child'): HouseholdMember | undefined {
  return (target === 'adult' ? record.adults : record.children).find((member) => member.person.id === personId);
}

/** The value a field holds in the record, as stored. */
export function currentValue(record: HouseholdRecord, def: RecordField, personId: string | null): StoredValue {
  if (def.target === 'household') return (record.household as unknown as Record<string, StoredValue>)[def.column] ?? null;
  const member = personId ? memberFor(record, personId, def.target) : undefined;
  return member ? ((member.person as unknown as Record<string, StoredValue>)[def.column] ?? null) : null;
}

/** Writes checked values to the household or to one person, and keeps the login email in step. */
export async function applyFieldValues(scope: Scope, householdId: string, personId: string | null, values: [RecordField, StoredValue][]): Promise<void> {
  if (values.length === 0) return;
  const columns = Object.fromEntries(values.map(([def, value]) => [def.column, value]));
  if (personId === null) {
    await scope.tx
      .updateTable('households')
      .set({ ...columns, updated_at: scope.now })
      .where('id', '=', householdId)
      .execute();
    return;
  }
  await scope.tx
    .updateTable('persons')
    .set({ ...columns, updated_at: scope.now })
    .where('id', '=', personId)
    .execute();
  const newEmail = values.find(([def]) => def.key === 'adult.email')?.[1];
  if (typeof newEmail === 'string') {
    await scope.tx.updateTable('accounts').set({ email: newEmail }).where('person_id', '=', personId).execute();
  }
}
