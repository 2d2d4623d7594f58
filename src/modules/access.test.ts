import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedHouseholds, may, type Permission, refusal } from './access.js';
import { ANONYMOUS, SYSTEM, type Actor } from './actor.js';

const family: Actor = { kind: 'family', accountId: 'a1', householdId: 'h1', label: 'Claire' };
const reader: Actor = { kind: 'staff', accountId: 's1', role: 'reader', label: 'Agent' };
const manager: Actor = { kind: 'staff', accountId: 's2', role: 'manager', label: 'Gestion' };
const admin: Actor = { kind: 'staff', accountId: 's3', role: 'admin', label: 'Admin' };

describe('who may do what', () => {
  it('lets a family read and act on its own household only, and read nothing of the service', () => {
    assert.deepEqual([...allowedHouseholds({ actor: family }, 'household.read', ['h1', 'h2', 'h3'])], ['h1']);
    assert.deepEqual([...allowedHouseholds({ actor: family }, 'household.act', ['h2'])], []);
    assert.equal(may({ actor: family }, 'household.feed', 'h1'), true);
    for (const permission of ['service.read', 'service.manage', 'service.administer'] as const) assert.equal(may({ actor: family }, permission), false);
    assert.equal(refusal({ actor: family }), 'not_found');
  });

  it('ranks staff: read-only reads, managers run the service and act for families, administrators administer', () => {
    const table: [Actor, Permission[], Permission[]][] = [
      [reader, ['household.read', 'service.read'], ['household.act', 'service.manage', 'service.administer', 'household.feed']],
      [manager, ['household.read', 'household.act', 'service.read', 'service.manage'], ['service.administer', 'household.feed']],
      [admin, ['household.read', 'household.act', 'service.read', 'service.manage', 'service.administer'], ['household.feed']],
    ];
    for (const [actor, granted, denied] of table) {
      const holds = (permission: Permission) =>
        permission.startsWith('household.')
          ? allowedHouseholds({ actor }, permission as Exclude<Permission, `service.${string}`>, ['h1', 'h2']).size === 2
          : may({ actor }, permission as Extract<Permission, `service.${string}`>);
      for (const permission of granted)
        assert.equal(holds(permission), true, `${actor.kind}/${actor.kind === 'staff' ? actor.role : ''} should hold ${permission}`);
      for (const permission of denied)
        assert.equal(holds(permission), false, `${actor.kind}/${actor.kind === 'staff' ? actor.role : ''} should not hold ${permission}`);
    }
    assert.equal(refusal({ actor: reader }), 'forbidden', 'staff who can see are told their role forbids the change');
  });

  it('gives the anonymous nothing, and the portal’s own jobs everything but a family’s private feed', () => {
    assert.equal(may({ actor: ANONYMOUS }, 'household.read', 'h1'), false);
    assert.equal(may({ actor: ANONYMOUS }, 'service.read'), false);
    assert.equal(may({ actor: SYSTEM }, 'household.act', 'h1'), true);
    assert.equal(may({ actor: SYSTEM }, 'service.administer'), true);
    assert.equal(may({ actor: SYSTEM }, 'household.feed', 'h1'), false);
  });
});
