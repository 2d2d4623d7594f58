import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, type TestFamily } from './support/scenario.js';
import { solveAltcha } from './support/solve-altcha.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('forgotten password, password change and temporary passwords', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal({ env: { PUBLIC_URL: 'https://portail.example.test' } });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test' });
    family = await createFamily(portal, tenant, { email: 'carla@example.test', firstName: 'Carla', lastName: 'ROSSI' });
  });
  after(() => portal.close());

  async function login(email: string, password: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    return { browser, response: await browser.post('/ville/connexion', { email, password }) };
  }

  it('sends a single-use reset link, lets the person choose a new password, then refuses the link', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/mot-de-passe-oublie');
    const asked = await browser.post('/ville/mot-de-passe-oublie', { email: 'CARLA@example.test', altcha: await solveAltcha(portal.app, '/ville') });
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /Si un compte correspond à cette adresse/);
    const [mail] = await emailsTo(portal, tenant, 'carla@example.test');
    assert.match(mail!.subject, /Nouveau mot de passe — Ville Test/);
    const link = linkIn(mail!.text_body, '/ville/reinitialiser/');
    assert.ok(mail!.text_body.includes(`https://portail.example.test${link}`), 'links in emails use PUBLIC_URL, never the Host header');

    const form = await browser.get(link);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /data-password-rules/);
    const weak = await browser.post(link, { password: 'soleil', confirm: 'soleil' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /au moins 8 caractères/);
    const common = await browser.post(link, { password: 'Azerty2024!', confirm: 'Azerty2024!' });
    assert.match(common.body, /trop courant/);
    const mismatch = await browser.post(link, { password: 'Riviere-Bleue-7', confirm: 'Riviere-Bleue-8' });
    assert.match(mismatch.body, /ne sont pas identiques/);
    const done = await browser.post(link, { password: 'Riviere-Bleue-7', confirm: 'Riviere-Bleue-7' });
    assert.equal(done.statusCode, 302);
    assert.equal(done.headers.location, '/ville/connexion?motdepasse=1');

    const reused = await browser.get(link);
    assert.equal(reused.statusCode, 410);
    assert.match(reused.body, /n’est plus valable/);
    assert.equal((await login(family.email, family.password)).response.statusCode, 200, 'the old password no longer works');
    assert.equal((await login(family.email, 'Riviere-Bleue-7')).response.statusCode, 302);
    family.password = 'Riviere-Bleue-7';
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/mot-de-passe-oublie');
    const asked = await browser.post('/ville/mot-de-passe-oublie', { email: 'inconnu@example.test', altcha: await solveAltcha(portal.app, '/ville') });
    assert.match(asked.body, /Si un compte correspond à cette adresse/);
    assert.equal((await emailsTo(portal, tenant, 'inconnu@example.test')).length, 0);
  });

  it('requires the anti-robot check and a valid email, keeping what was typed', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/mot-de-passe-oublie');
    const response = await browser.post('/ville/mot-de-passe-oublie', { email: 'carla@' });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Saisissez une adresse électronique valide/);
    assert.match(response.body, /value="carla@"/);
    assert.match(response.body, /fr-input-group--error/);
  });

  it('lets a reset link expire after an hour', async () => {
    portal.clock.advance(1000);
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/mot-de-passe-oublie');
    await browser.post('/ville/mot-de-passe-oublie', { email: family.email, altcha: await solveAltcha(portal.app, '/ville') });
    const link = linkIn((await emailsTo(portal, tenant, family.email))[0]!.text_body, '/ville/reinitialiser/');
    portal.clock.advance(61 * 60_000);
    assert.equal((await browser.get(link)).statusCode, 410);
  });

  it('changes the password with the current one, closes the other sessions and tells the owner', async () => {
    portal.clock.advance(1000);
    const here = await login(family.email, family.password);
    const elsewhere = await login(family.email, family.password);
    await here.browser.get('/ville/mot-de-passe');
    const wrong = await here.browser.post('/ville/mot-de-passe', { current: 'pas-le-bon', password: 'Chemin-Creux-9', confirm: 'Chemin-Creux-9' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Le mot de passe actuel est incorrect/);
    const ok = await here.browser.post('/ville/mot-de-passe', { current: family.password, password: 'Chemin-Creux-9', confirm: 'Chemin-Creux-9' });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Votre mot de passe a été changé/);
    assert.equal((await here.browser.get('/ville/accueil')).statusCode, 200, 'this session stays open');
    assert.equal((await elsewhere.browser.get('/ville/accueil')).statusCode, 302, 'other sessions are closed');
    const [mail] = await emailsTo(portal, tenant, family.email);
    assert.match(mail!.subject, /Votre mot de passe a été changé/);
  });

  it('makes a person with a temporary password choose their own before anything else', async () => {
    const temp = await createFamily(portal, tenant, { email: 'dan@example.test', firstName: 'Dan', password: 'Temporaire-Abc-1', mustChangePassword: true });
    const { browser, response } = await login(temp.email, temp.password);
    const home = await browser.follow(response);
    assert.equal(home.statusCode, 302);
    assert.equal(home.headers.location, '/ville/mot-de-passe');
    const page = await browser.follow(home);
    assert.match(page.body, /mot de passe temporaire/);
    await browser.post('/ville/mot-de-passe', { current: temp.password, password: 'Maison-Rouge-5', confirm: 'Maison-Rouge-5' });
    assert.equal((await browser.get('/ville/accueil')).statusCode, 200);
  });
});
