import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../src/db/tenant-scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('tenant isolation', () => {
  let portal: TestPortal;
  let north: Tenant;
  let south: Tenant;

  before(async () => {
    portal = await startTestPortal();
    north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord', hosts: ['nord.example.test'], contact_phone: '01 11 11 11 11' });
    south = await portal.addTenant({ slug: 'sud', name: 'Commune du Sud', contact_phone: '02 22 22 22 22' });
    for (const tenant of [north, south]) {
      await portal.inTenant(tenant, ({ tx, tenantId }) =>
        tx
          .insertInto('sites')
          .values({ tenant_id: tenantId, name: `École de ${tenant.slug}`, kind: 'school' })
          .execute(),
      );
    }
  });
  after(() => portal.close());

  it('finds the tenant from its host name, or from the path prefix for local use', async () => {
    const byHost = await portal.app.inject({ url: '/mentions-legales', headers: { host: 'nord.example.test' } });
    assert.equal(byHost.statusCode, 200);
    assert.match(byHost.body, /Commune du Nord/);
    assert.doesNotMatch(byHost.body, /Commune du Sud/);

    const byPath = await portal.app.inject({ url: '/sud/mentions-legales' });
    assert.equal(byPath.statusCode, 200);
    assert.match(byPath.body, /Commune du Sud/);
    assert.match(byPath.body, /02 22 22 22 22/);
    assert.doesNotMatch(byPath.body, /Commune du Nord|01 11 11 11 11/);
  });

  it('answers 404 for an unknown tenant and lists tenants on the bare installation', async () => {
    assert.equal((await portal.app.inject({ url: '/ouest/mentions-legales' })).statusCode, 404);
    const list = await portal.app.inject({ url: '/' });
    assert.match(list.body, /href="\/nord\/"/);
    assert.match(list.body, /href="\/sud\/"/);
  });

  it('writes all of a piece of work or none of it, and binds only that transaction to its tenant', async () => {
    await assert.rejects(
      inTenant(portal.db, north.id, async (tx) => {
        await tx.insertInto('sites').values({ tenant_id: north.id, name: 'Annexe à moitié créée', kind: 'school' }).execute();
        throw new Error('the second half failed');
      }),
      /the second half failed/,
    );
    const sites = await inTenant(portal.db, north.id, (tx) => tx.selectFrom('sites').select('name').execute());
    assert.deepEqual(
      sites.map((site) => site.name),
      ['École de nord'],
      'the first half was undone',
    );
    // The connection goes back to the pool as the owner, bound to no tenant (the pool lends the
    // connection released last: the one the work just used).
    await inTenant(portal.db, south.id, (tx) => tx.selectFrom('sites').select('id').execute());
    const [settings] = (
      await portal.db.query<{ role: string; tenant: string | null }>(
        `select current_user as role, nullif(current_setting('app.tenant_id', true), '') as tenant`,
      )
    ).rows;
    assert.equal(settings?.tenant ?? null, null);
    assert.notEqual(settings?.role, 'portail_app');
  });

  it('shows a tenant only its own rows even when a query forgets to filter (row-level security)', async () => {
    const sites = await inTenant(portal.db, north.id, (tx) => tx.selectFrom('sites').select('name').execute());
    assert.deepEqual(
      sites.map((site) => site.name),
      ['École de nord'],
    );
    const tenants = await inTenant(portal.db, north.id, (tx) => tx.selectFrom('tenants').select('slug').execute());
    assert.deepEqual(
      tenants.map((tenant) => tenant.slug),
      ['nord'],
    );
  });

  it('refuses to write a row into another tenant', async () => {
    await assert.rejects(
      inTenant(portal.db, north.id, (tx) => tx.insertInto('sites').values({ tenant_id: south.id, name: 'Intrus', kind: 'school' }).execute()),
      /row-level security/,
    );
    const southSites = await inTenant(portal.db, south.id, (tx) => tx.selectFrom('sites').select('name').execute());
    assert.deepEqual(
      southSites.map((site) => site.name),
      ['École de sud'],
    );
  });

  it('cannot update or delete another tenant’s rows', async () => {
    const updated = await inTenant(portal.db, north.id, (tx) =>
      tx.updateTable('sites').set({ name: 'Piraté' }).where('tenant_id', '=', south.id).executeTakeFirst(),
    );
    assert.equal(Number(updated.numUpdatedRows), 0);
    const deleted = await inTenant(portal.db, north.id, (tx) => tx.deleteFrom('sites').executeTakeFirst());
    assert.equal(Number(deleted.numDeletedRows), 1);
    const southSites = await inTenant(portal.db, south.id, (tx) => tx.selectFrom('sites').select('name').execute());
    assert.deepEqual(
      southSites.map((site) => site.name),
      ['École de sud'],
    );
  });

  it('runs requests as a role that cannot lift the wall itself', async () => {
    const role = await inTenant(portal.db, north.id, async (tx) => (await sql<{ role: string }>`select current_user as role`.execute(tx)).rows[0]?.role);
    assert.equal(role, 'portail_app');
    await assert.rejects(inTenant(portal.db, north.id, (tx) => sql`alter table sites disable row level security`.execute(tx)));
  });
});
