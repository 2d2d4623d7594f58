import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../src/modules/identity/sessions.js';
import { queueEmail } from '../src/modules/notifications/outbox.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff } from './support/scenario.js';
import { solveAltcha } from './support/solve-altcha.js';
import { startTestSmtpServer, type TestSmtpServer } from './support/smtp-server.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

async function browserOf(portal: TestPortal, tenant: Tenant, accountId: string): Promise<TestBrowser> {
  const token = await portal.inTenant(tenant, ({ tx, tenantId, now }) => openSession(tx, tenantId, accountId, now, { ip: null, userAgent: null }));
  const browser = new TestBrowser(portal.app);
  browser.cookies.set('pf_session', token);
  return browser;
}

/** Asks for a reset link for `email` on the public form, as anybody can. */
async function askReset(portal: TestPortal, slug: string, email: string): Promise<void> {
  const visitor = new TestBrowser(portal.app);
  await visitor.get(`/${slug}/mot-de-passe-oublie`);
  const asked = await visitor.post(`/${slug}/mot-de-passe-oublie`, { email, altcha: await solveAltcha(portal.app, `/${slug}`) });
  assert.equal(asked.statusCode, 200);
}

describe('the outbox in the back office', () => {
  let portal: TestPortal;
  let north: Tenant;
  let south: Tenant;
  let northEmail: string;
  let southEmail: string;
  let northManager: TestBrowser;
  let northReader: TestBrowser;

  before(async () => {
    portal = await startTestPortal();
    north = await portal.addTenant({ slug: 'nord', name: 'Commune du Nord' });
    south = await portal.addTenant({ slug: 'sud', name: 'Commune du Sud' });
    northEmail = await portal.inTenant(north, (scope) =>
      queueEmail(scope, {
        to: 'alice@example.test',
        subject: 'Votre demande <b>',
        text: 'Bonjour Alice,\n\nVoyez vos demandes : https://nord.example.test/nord/mes-demandes.\nÀ bientôt.\n\n<script>alert(1)</script>',
      }),
    );
    southEmail = await portal.inTenant(south, (scope) => queueEmail(scope, { to: 'bob@example.test', subject: 'Secret du Sud', text: 'Texte du Sud' }));
    await portal.services.mail.deliverPending();
    northManager = await browserOf(portal, north, (await createStaff(portal, north, { email: 'gestion@nord.test', role: 'manager' })).accountId);
    northReader = await browserOf(portal, north, (await createStaff(portal, north, { email: 'agent@nord.test', role: 'reader' })).accountId);
  });
  after(() => portal.close());

  it('lists the tenant’s emails with their recipient, subject and status in words', async () => {
    const response = await northManager.get('/nord/gestion/courriels');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /alice@example\.test/);
    assert.match(response.body, /Votre demande &lt;b>/);
    assert.match(response.body, /fr-badge--info[^>]*>Conservé, non envoyé</);
    assert.match(response.body, new RegExp(`href="/nord/gestion/courriels/${northEmail}"`));
    assert.doesNotMatch(response.body, /bob@example\.test|Secret du Sud/);
  });

  it('shows an email’s text with its links clickable and everything else escaped', async () => {
    const response = await northManager.get(`/nord/gestion/courriels/${northEmail}`);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<a href="https:\/\/nord\.example\.test\/nord\/mes-demandes">https:\/\/nord\.example\.test\/nord\/mes-demandes<\/a>\./);
    assert.match(response.body, /Bonjour Alice,/);
    assert.match(response.body, /&lt;script>alert\(1\)&lt;\/script>/);
    assert.doesNotMatch(response.body, /<script>alert/);
  });

  it('is closed to read-only staff (403), who see no link to it', async () => {
    assert.equal((await northReader.get('/nord/gestion/courriels')).statusCode, 403);
    assert.equal((await northReader.get(`/nord/gestion/courriels/${northEmail}`)).statusCode, 403);
    assert.doesNotMatch((await northReader.get('/nord/gestion')).body, /gestion\/courriels/);
    assert.match((await northManager.get('/nord/gestion')).body, /gestion\/courriels/);
  });

  it('answers 404 for another tenant’s email and for ids that are not ids', async () => {
    assert.equal((await northManager.get(`/nord/gestion/courriels/${southEmail}`)).statusCode, 404);
    assert.equal((await northManager.get('/nord/gestion/courriels/not-an-id')).statusCode, 404);
    const southPage = await northManager.get(`/sud/gestion/courriels/${southEmail}`);
    assert.notEqual(southPage.statusCode, 200);
    assert.doesNotMatch(southPage.body, /Texte du Sud/);
  });

  it('is not shown to families nor to visitors who are not signed in', async () => {
    const family = await createFamily(portal, north, { email: 'alice@example.test' });
    const familyBrowser = await browserOf(portal, north, family.accountId);
    assert.equal((await familyBrowser.get('/nord/gestion/courriels')).statusCode, 404);
    assert.equal((await familyBrowser.get(`/nord/gestion/courriels/${northEmail}`)).statusCode, 404);

    const visitor = await new TestBrowser(portal.app).get('/nord/gestion/courriels');
    assert.equal(visitor.statusCode, 302);
    assert.match(String(visitor.headers.location), /^\/nord\/connexion/);
  });

  it('never shows a reset link nor stores it in clear: staff cannot take over an account through it', async () => {
    const admin = await createStaff(portal, north, { email: 'admin@nord.test', role: 'admin' });
    await askReset(portal, 'nord', admin.email);
    const list = await northManager.get('/nord/gestion/courriels');
    const id = /href="\/nord\/gestion\/courriels\/([0-9a-f-]{36})">Nouveau mot de passe/.exec(list.body)?.[1];
    assert.ok(id, 'the reset email is listed');
    const shown = await northManager.get(`/nord/gestion/courriels/${id}`);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /secret à usage unique, lisible par son seul destinataire/);
    assert.doesNotMatch(shown.body, /reinitialiser\//);

    const stored = await portal.inTenant(north, ({ tx }) =>
      tx.selectFrom('outbox_emails').select(['text_body', 'sealed_secrets']).where('id', '=', id).executeTakeFirstOrThrow(),
    );
    assert.doesNotMatch(stored.text_body, /reinitialiser\//);
    assert.ok(stored.sealed_secrets, 'the link is kept sealed for the sender');
    assert.doesNotMatch(stored.sealed_secrets, /reinitialiser/);
  });

  it('does not offer the demonstration mailbox on a real authority', async () => {
    assert.equal((await new TestBrowser(portal.app).get('/nord/courrier-demo')).statusCode, 404);
    assert.equal((await new TestBrowser(portal.app).get(`/nord/courrier-demo/${northEmail}`)).statusCode, 404);
    assert.equal((await northManager.get(`/nord/courrier-demo/${northEmail}`)).statusCode, 404);
  });
});

describe('single-use secrets through a mail server', () => {
  let smtp: TestSmtpServer;
  let portal: TestPortal;
  let tenant: Tenant;

  before(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ env: { SMTP_URL: smtp.url } });
    tenant = await portal.addTenant({ slug: 'ville' });
    await createFamily(portal, tenant, { email: 'carla@example.test' });
  });
  after(async () => {
    await portal.close();
    await smtp.close();
  });

  it('reach their recipient whole, and are forgotten by the outbox once sent', async () => {
    await askReset(portal, 'ville', 'carla@example.test');
    await portal.services.mail.deliverPending();
    assert.equal(smtp.received.length, 1);
    assert.match(smtp.received[0]!.raw.replace(/=\r?\n/g, ''), /\/ville\/reinitialiser\/[A-Za-z0-9_-]{40,}/);
    const row = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('outbox_emails').select(['status', 'text_body', 'sealed_secrets']).executeTakeFirstOrThrow(),
    );
    assert.equal(row.status, 'sent');
    assert.equal(row.sealed_secrets, null);
    assert.doesNotMatch(row.text_body, /reinitialiser\/[A-Za-z0-9_-]{20,}/);
  });
});

describe('the demonstration mailbox', () => {
  let portal: TestPortal;
  let demo: Tenant;

  before(async () => {
    portal = await startTestPortal();
    demo = await portal.addTenant({ slug: 'essai', name: 'Ville d’essai', is_demo: true });
    await createFamily(portal, demo, { email: 'nadia@example.org' });
    await createFamily(portal, demo, { email: 'vraie.personne@gmail.com' });
  });
  after(() => portal.close());

  it('lets a visitor follow a fictional person’s reset link, never a real address’s mail', async () => {
    await askReset(portal, 'essai', 'nadia@example.org');
    await askReset(portal, 'essai', 'vraie.personne@gmail.com');
    await portal.services.mail.deliverPending();
    const visitor = new TestBrowser(portal.app);
    const box = await visitor.get('/essai/courrier-demo');
    assert.equal(box.statusCode, 200);
    assert.match(box.body, /nadia@example\.org/);
    assert.doesNotMatch(box.body, /gmail/);
    const id = /href="\/essai\/courrier-demo\/([0-9a-f-]{36})"/.exec(box.body)?.[1];
    const mail = await visitor.get(`/essai/courrier-demo/${id}`);
    const link = /href="https?:\/\/[^"/]+(\/essai\/reinitialiser\/[A-Za-z0-9_-]+)"/.exec(mail.body)?.[1];
    assert.ok(link, 'the link is written whole');
    assert.equal((await visitor.get(link)).statusCode, 200);

    const realId = await portal.inTenant(demo, ({ tx }) =>
      tx.selectFrom('outbox_emails').select('id').where('to_address', '=', 'vraie.personne@gmail.com').executeTakeFirstOrThrow(),
    );
    assert.equal((await visitor.get(`/essai/courrier-demo/${realId.id}`)).statusCode, 404);
  });
});
