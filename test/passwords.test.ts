import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../src/modules/identity/passwords.js';
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

  async function passwordOf(accountId: string) {
    return portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('accounts').select(['password_hash', 'must_change_password']).where('id', '=', accountId).executeTakeFirstOrThrow(),
    );
  }

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
    const kept = await browser.post('/ville/mot-de-passe', { current: temp.password, password: temp.password, confirm: temp.password });
    assert.equal(kept.statusCode, 400);
    assert.match(kept.body, /id="field-password-error">Le nouveau mot de passe doit être différent du mot de passe actuel\.</);
    assert.match(kept.body, /mot de passe temporaire/, 'the page is still the forced change');
    const row = await passwordOf(temp.accountId);
    assert.ok(await verifyPassword(row.password_hash, temp.password), 'the temporary password is unchanged');
    assert.equal(row.must_change_password, true);
    assert.equal((await browser.get('/ville/accueil')).headers.location, '/ville/mot-de-passe', 'still made to change it');
    await browser.get('/ville/mot-de-passe');
    const changed = await browser.post('/ville/mot-de-passe', { current: temp.password, password: 'Maison-Rouge-5', confirm: 'Maison-Rouge-5' });
    assert.equal(changed.headers.location, '/ville/accueil?motdepasse=1', 'goes on to the home page');
    const landed = await browser.follow(changed);
    assert.equal(landed.statusCode, 200);
    assert.match(landed.body, /Votre mot de passe a été changé/);
    assert.equal((await passwordOf(temp.accountId)).must_change_password, false);
  });

  it('refuses the current password as the new one on the change form, in the page’s language', async () => {
    const person = await createFamily(portal, tenant, { email: 'eli@example.test', firstName: 'Eli' });
    const { browser } = await login(person.email, person.password);
    await browser.get('/ville/mot-de-passe?lang=en');
    const same = await browser.post('/ville/mot-de-passe', { current: person.password, password: person.password, confirm: person.password });
    assert.equal(same.statusCode, 400);
    assert.match(same.body, /id="field-password-error">The new password must be different from the current one\.</);
    assert.ok(await verifyPassword((await passwordOf(person.accountId)).password_hash, person.password), 'the password is unchanged');
    const wrongCurrent = await browser.post('/ville/mot-de-passe', { current: 'Pas-Le-Bon-1', password: person.password, confirm: person.password });
    assert.doesNotMatch(wrongCurrent.body, /must be different/, 'without the right current password the new one is not compared with it');
    const changed = await browser.post('/ville/mot-de-passe', { current: person.password, password: 'Prairie-Douce-3', confirm: 'Prairie-Douce-3' });
    assert.equal(changed.statusCode, 200);
    assert.ok(await verifyPassword((await passwordOf(person.accountId)).password_hash, 'Prairie-Douce-3'));
  });

  it('refuses the current password as the new one through a reset link, and leaves the link usable', async () => {
    portal.clock.advance(1000);
    const person = await createFamily(portal, tenant, { email: 'fanny@example.test', firstName: 'Fanny' });
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/mot-de-passe-oublie');
    await browser.post('/ville/mot-de-passe-oublie', { email: person.email, altcha: await solveAltcha(portal.app, '/ville') });
    const link = linkIn((await emailsTo(portal, tenant, person.email))[0]!.text_body, '/ville/reinitialiser/');
    await browser.get(link);
    const same = await browser.post(link, { password: person.password, confirm: person.password });
    assert.equal(same.statusCode, 400);
    assert.match(same.body, /id="field-password-error">Le nouveau mot de passe doit être différent du mot de passe actuel\.</);
    const done = await browser.post(link, { password: 'Colline-Verte-8', confirm: 'Colline-Verte-8' });
    assert.equal(done.statusCode, 302);
    assert.ok(await verifyPassword((await passwordOf(person.accountId)).password_hash, 'Colline-Verte-8'));
  });
});
