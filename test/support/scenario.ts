import type { Actor } from '../../src/modules/actor.js';
import { createAccount } from '../../src/modules/identity/accounts.js';
import type { StaffRole } from '../../src/modules/identity/identity.tables.js';
import { createHousehold } from '../../src/modules/households/households.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import type { TestPortal } from './test-portal.js';

export const PASSWORD = 'Jardin-Vert-42';

export interface TestFamily {
  householdId: string;
  accountId: string;
  email: string;
  password: string;
  childIds: string[];
}

/** A household with one guardian who has an account, and children. */
export async function createFamily(
  portal: TestPortal,
  tenant: Tenant,
  options: { email: string; lastName?: string; firstName?: string; children?: string[]; password?: string | null; mustChangePassword?: boolean },
): Promise<TestFamily> {
  const lastName = options.lastName ?? 'DUPONT';
  const firstName = options.firstName ?? 'Alice';
  const password = options.password === undefined ? PASSWORD : options.password;
  return portal.inTenant(tenant, async (scope) => {
    const household = await createHousehold(scope, {
      name: `${lastName} ${firstName}`,
      members: [
        { role: 'guardian', quality: 'mother', person: { first_name: firstName, last_name: lastName, email: options.email } },
        ...(options.children ?? ['Zoé']).map((child, index) => ({
          role: 'child' as const,
          person: { first_name: child, last_name: lastName, birth_date: `201${5 + index}-03-0${1 + index}` },
        })),
      ],
    });
    const accountId = await createAccount(scope, {
      kind: 'family',
      householdId: household.householdId,
      personId: household.personIds[0]!,
      email: options.email,
      displayName: `${firstName} ${lastName}`,
      ...(password ? { password } : {}),
      mustChangePassword: options.mustChangePassword ?? false,
    });
    return { householdId: household.householdId, accountId, email: options.email, password: password ?? '', childIds: household.personIds.slice(1) };
  });
}

/** The family as the actor of its own requests. */
export function familyActor(family: TestFamily): Actor {
  return { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'famille' };
}

export async function createStaff(
  portal: TestPortal,
  tenant: Tenant,
  options: { email: string; role?: StaffRole; name?: string },
): Promise<{ accountId: string; email: string; password: string }> {
  const accountId = await portal.inTenant(tenant, (scope) =>
    createAccount(scope, {
      kind: 'staff',
      email: options.email,
      displayName: options.name ?? 'Agent Test',
      role: options.role ?? 'manager',
      password: PASSWORD,
    }),
  );
  return { accountId, email: options.email, password: PASSWORD };
}
