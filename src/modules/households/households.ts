import type { Scope } from '../scope.js';
import { recordAudit } from '../audit/audit-log.js';
import { nextNumber } from '../tenancy/counters.js';
import type { GuardianQuality, MemberRole, PersonsTable } from './households.tables.js';
import type { Insertable } from 'kysely';

export type NewPerson = Omit<Insertable<PersonsTable>, 'id' | 'tenant_id' | 'created_at' | 'updated_at'>;

export interface NewMember {
  person: NewPerson;
  role: MemberRole;
  quality?: GuardianQuality;
}

export interface NewHousehold {
  name: string;
  addressLine1?: string | null;
  addressLine2?: string | null;
  postcode?: string | null;
  city?: string | null;
  homePhone?: string | null;
  isDemo?: boolean;
  members: NewMember[];
}

/** Creates a household, its people and their roles; the family number is the tenant's next one. */
export async function createHousehold(scope: Scope, input: NewHousehold): Promise<{ householdId: string; familyNumber: string; personIds: string[] }> {
  const { tx, tenantId } = scope;
  const familyNumber = String(await nextNumber(tx, tenantId, 'family_number')).padStart(5, '0');
  const household = await tx
    .insertInto('households')
    .values({
      tenant_id: tenantId,
      family_number: familyNumber,
      name: input.name,
      address_line1: input.addressLine1 ?? null,
      address_line2: input.addressLine2 ?? null,
      postcode: input.postcode ?? null,
      city: input.city ?? null,
      home_phone: input.homePhone ?? null,
      is_demo: input.isDemo ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const personIds: string[] = [];
  for (const member of input.members) {
    const person = await tx
      .insertInto('persons')
      .values({ ...member.person, tenant_id: tenantId })
      .returning('id')
      .executeTakeFirstOrThrow();
    personIds.push(person.id);
    await tx
      .insertInto('household_members')
      .values({ tenant_id: tenantId, household_id: household.id, person_id: person.id, role: member.role, quality: member.quality ?? null })
      .execute();
  }
  await recordAudit(scope, { action: 'household.created', objectType: 'household', objectId: household.id, details: { familyNumber, name: input.name } });
  return { householdId: household.id, familyNumber, personIds };
}

/** Adds an existing person to another household (a child of separated parents). */
export async function addExistingMember(scope: Scope, householdId: string, personId: string, role: MemberRole): Promise<void> {
  await scope.tx
    .insertInto('household_members')
    .values({ tenant_id: scope.tenantId, household_id: householdId, person_id: personId, role, quality: null })
    .execute();
}
