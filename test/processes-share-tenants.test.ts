import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { asSystem } from '../src/db/tenant-scope.js';
import { createTenant } from '../src/modules/tenancy/tenants.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { freePort } from './support/free-port.js';
import { startPortalProcess } from './support/portal-process.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * Several processes on one PostgreSQL database keep the tenants in memory (issue #18, item 5): an
 * authority added, renamed or re-set by any of them, or by hand in SQL, is seen by the others as soon
 * as the change commits — also after a process lost its listening connection. Here the test's own
 * process makes the changes and two portal processes must follow.
 */
describe('tenants changed while several processes run', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let portal: TestPortal;
  let tenant: Tenant;
  const processes: ChildProcess[] = [];
  const origins: string[] = [];

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville de Départ' });
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      processes.push(await startPortalProcess({ DATABASE_URL: portal.databaseUrl!, SECRET: portal.config.secret, PORT: String(port) }));
      origins.push(`http://127.0.0.1:${port}`);
    }
  });
  after(async () => {
    for (const child of processes) child.kill('SIGKILL');
    await portal?.close();
  });

  /** What every process answers at the path, once they all answer as expected (or what they said after five seconds). */
  async function everyProcessSees(path: string, expected: (status: number, body: string) => boolean): Promise<boolean[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const seen = await Promise.all(
        origins.map(async (origin) => {
          const answer = await fetch(`${origin}${path}`);
          return expected(answer.status, await answer.text());
        }),
      );
      if (seen.every(Boolean) || Date.now() > deadline) return seen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('answers for an authority added in the database, without a restart', async () => {
    assert.deepEqual(await everyProcessSees('/bourg/connexion', (status) => status === 404), [true, true]);
    await asSystem(portal.services.db, (tx) => createTenant(tx, { slug: 'bourg', name: 'Commune du Bourg' }));
    assert.deepEqual(await everyProcessSees('/bourg/connexion', (status, body) => status === 200 && body.includes('Commune du Bourg')), [true, true]);
  });

  it('shows an authority’s new name and contact details on every process', async () => {
    await asSystem(portal.services.db, (tx) => tx.updateTable('tenants').set({ name: 'Ville Renommée' }).where('id', '=', tenant.id).execute());
    assert.deepEqual(await everyProcessSees('/ville/connexion', (_status, body) => body.includes('Ville Renommée')), [true, true]);
    await asSystem(portal.services.db, (tx) =>
      tx.updateTable('tenants').set({ contact_email: 'accueil@ville-renommee.example' }).where('id', '=', tenant.id).execute(),
    );
    assert.deepEqual(await everyProcessSees('/ville/connexion', (_status, body) => body.includes('accueil@ville-renommee.example')), [true, true]);
  });

  it('catches up with a change made while its listening connection was cut', async () => {
    const cut = await portal.services.db.query<{ cut: boolean }>(
      "select pg_terminate_backend(pid) as cut from pg_stat_activity where datname = current_database() and query ilike 'listen %'",
    );
    assert.equal(cut.rows.length, 2, 'one listening connection per portal process');
    await asSystem(portal.services.db, (tx) => tx.updateTable('tenants').set({ name: 'Ville Après Coupure' }).where('id', '=', tenant.id).execute());
    assert.deepEqual(await everyProcessSees('/ville/connexion', (_status, body) => body.includes('Ville Après Coupure')), [true, true]);
  });
});
