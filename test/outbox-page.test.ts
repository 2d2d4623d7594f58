import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../src/modules/identity/sessions.js';
import { queueEmail } from '../src/modules/notifications/outbox.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('the outbox in the back office', () => {
  let portal: TestPortal;
  let north: Tenant;
  let south: Tenant;
  let northEmail: string;
  let southEmail: string;
  let northStaff: TestBrowser;

  async function browserOf(tenant: Tenant, accountId: string): Promise<TestBrowser> {
    const token = await portal.inTenant(tenant, ({ tx, tenantId, now }) => openSession(tx, tenantId, accountId, now, { ip: null, userAgent: null }));
    const browser = new TestBrowser(portal.app);
    browser.cookies.set('pf_session', token);
    return browser;
  }

  before(async () => {
    portal = await startTestPortal();
    north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord' });
    south = await portal.addTenant({ slug: 'sud', name: 'Commune du Sud' });
    northEmail = await portal.inTenant(north, (scope) =>
      queueEmail(scope, {
        to: 'alice@example.test',
        subject: 'Choisissez votre mot de passe <b>',
        text: 'Bonjour Alice,\n\nSuivez ce lien : https://nord.example.test/nord/invitation/abc123.\nIl expire dans 72 heures.\n\n<script>alert(1)</script>',
      }),
    );
    southEmail = await portal.inTenant(south, (scope) => queueEmail(scope, { to: 'bob@example.test', subject: 'Secret du Sud', text: 'Texte du Sud' }));
    await portal.services.mail.deliverPending();
    const staff = await createStaff(portal, north, { email: 'agent@nord.test', role: 'reader' });
    northStaff = await browserOf(north, staff.accountId);
  });
  after(() => portal.close());

  it('lists the tenant’s emails with their recipient, subject and status in words', async () => {
    const response = await northStaff.get('/nord/gestion/courriels');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /alice@example\.test/);
    assert.match(response.body, /Choisissez votre mot de passe &lt;b>/);
    assert.match(response.body, /fr-badge--info[^>]*>Conservé, non envoyé</);
    assert.match(response.body, new RegExp(`href="/nord/gestion/courriels/${northEmail}"`));
    assert.doesNotMatch(response.body, /bob@example\.test|Secret du Sud/);
  });

  it('shows an email’s full text with its links clickable and everything else escaped', async () => {
    const response = await northStaff.get(`/nord/gestion/courriels/${northEmail}`);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<a href="https:\/\/nord\.example\.test\/nord\/invitation\/abc123">https:\/\/nord\.example\.test\/nord\/invitation\/abc123<\/a>\./);
    assert.match(response.body, /Bonjour Alice,/);
    assert.match(response.body, /&lt;script>alert\(1\)&lt;\/script>/);
    assert.doesNotMatch(response.body, /<script>alert/);
  });

  it('answers 404 for another tenant’s email and for ids that are not ids', async () => {
    assert.equal((await northStaff.get(`/nord/gestion/courriels/${southEmail}`)).statusCode, 404);
    assert.equal((await northStaff.get('/nord/gestion/courriels/not-an-id')).statusCode, 404);
    const southPage = await northStaff.get(`/sud/gestion/courriels/${southEmail}`);
    assert.notEqual(southPage.statusCode, 200);
    assert.doesNotMatch(southPage.body, /Texte du Sud/);
  });

  it('is not shown to families nor to visitors who are not signed in', async () => {
    const family = await createFamily(portal, north, { email: 'alice@example.test' });
    const familyBrowser = await browserOf(north, family.accountId);
    assert.equal((await familyBrowser.get('/nord/gestion/courriels')).statusCode, 404);
    assert.equal((await familyBrowser.get(`/nord/gestion/courriels/${northEmail}`)).statusCode, 404);

    const visitor = await new TestBrowser(portal.app).get('/nord/gestion/courriels');
    assert.equal(visitor.statusCode, 302);
    assert.match(String(visitor.headers.location), /^\/nord\/connexion/);
  });
});
