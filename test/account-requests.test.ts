import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD } from './support/scenario.js';
import { solveAltcha } from './support/solve-altcha.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('account requests and first access', () => {
  let portal: TestPortal;
  let tenant: Tenant;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test' });
    await createStaff(portal, tenant, { email: 'gestion@example.test', role: 'manager' });
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
  });
  after(() => portal.close());

  async function staffBrowser(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  async function submitRequest(fields: Record<string, string>) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/demande-de-compte');
    return browser.post('/ville/demande-de-compte', { ...fields, altcha: await solveAltcha(portal.app, '/ville') });
  }

  it('shows each bad field next to it, in the page language, keeping everything typed', async () => {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/demande-de-compte?lang=en');
    const response = await browser.post('/ville/demande-de-compte', {
      prenom: 'Élodie',
      nom: '',
      courriel: 'elodie@',
      telephone: '12 34',
      code_postal: '440',
      commune: 'Nantes',
      enfants: 'Jules, 12/03/2019',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /This field is required\./);
    assert.match(response.body, /Enter a valid email address/);
    assert.match(response.body, /Enter a valid phone number/);
    assert.match(response.body, /Enter a 5-digit postcode/);
    assert.match(response.body, /The anti-robot check did not complete/);
    for (const kept of ['value="Élodie"', 'value="elodie@"', 'value="12 34"', 'value="440"', 'value="Nantes"', 'Jules, 12/03/2019']) {
      assert.ok(response.body.includes(kept), `keeps ${kept}`);
    }
    assert.match(response.body, /id="error-summary"/);
    assert.match(response.body, /href="#field-courriel"/);
  });

  it('takes a request, lets staff accept it, and the invitation link opens the new account', async () => {
    const sent = await submitRequest({
      civilite: 'mme',
      prenom: 'Élodie',
      nom: 'Garnier',
      courriel: 'Elodie.Garnier@example.test',
      telephone: '0611223344',
      adresse: '4 rue Haute',
      code_postal: '44000',
      commune: 'Nantes',
      enfants: 'Jules, 12/03/2019\nAnna Garnier-Roux née le 02/09/2021',
    });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /Votre demande est envoyée/);
    assert.match((await emailsTo(portal, tenant, 'elodie.garnier@example.test'))[0]!.subject, /bien reçue/);

    const staff = await staffBrowser('gestion@example.test');
    const list = await staff.get('/ville/gestion/demandes-de-compte');
    assert.match(list.body, /Élodie GARNIER/);
    assert.match(list.body, /06 11 22 33 44/);
    const requestId = /demandes-de-compte\/([0-9a-f-]{36})\/decision/.exec(list.body)![1]!;
    portal.clock.advance(1000);
    const accepted = await staff.post(`/ville/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'accept' });
    assert.equal(accepted.statusCode, 200);
    assert.match(accepted.body, /est acceptée/);
    const again = await staff.post(`/ville/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'accept' });
    assert.match(again.body, /déjà été traitée/);

    const invitation = (await emailsTo(portal, tenant, 'elodie.garnier@example.test'))[0]!;
    assert.match(invitation.subject, /Activez votre compte/);
    const link = linkIn(invitation.text_body, '/ville/invitation/');
    const family = new TestBrowser(portal.app);
    const form = await family.get(link);
    assert.match(form.body, /Bienvenue Élodie GARNIER/);
    const activated = await family.post(link, { password: 'Prairie-Verte-3', confirm: 'Prairie-Verte-3' });
    assert.equal(activated.statusCode, 302);
    const home = await family.get('/ville/accueil');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /GARNIER Élodie/);
    assert.match(home.body, /Bonjour Élodie GARNIER/);
    // The children written in the request wait, as requests to add a child, for the service.
    assert.match(home.body, /Demandes en attente[\s\S]*?<strong class="fr-h4 fr-mb-0">2<\/strong>/);
    const requests = await family.get('/ville/mes-demandes');
    assert.match(requests.body, /Jules GARNIER/);
    assert.match(requests.body, /Anna GARNIER-ROUX/);
    const children = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('change_requests').select(['kind', 'status', 'payload']).where('kind', '=', 'add_member').orderBy('created_at').execute(),
    );
    assert.deepEqual(
      children.map((row) => [row.status, (row.payload as { fields: Record<string, string> }).fields]),
      [
        ['pending', { 'child.first_name': 'Jules', 'child.last_name': 'GARNIER', 'child.birth_date': '2019-03-12' }],
        ['pending', { 'child.first_name': 'Anna', 'child.last_name': 'GARNIER-ROUX', 'child.birth_date': '2021-09-02' }],
      ],
    );
    assert.equal((await family.get(link)).statusCode, 410, 'the invitation works once');

    const household = await portal.inTenant(tenant, ({ tx }) =>
      tx
        .selectFrom('households')
        .innerJoin('accounts', 'accounts.household_id', 'households.id')
        .select(['households.postcode', 'households.city', 'accounts.status'])
        .where('accounts.email', '=', 'elodie.garnier@example.test')
        .executeTakeFirstOrThrow(),
    );
    assert.deepEqual(household, { postcode: '44000', city: 'Nantes', status: 'active' });
  });

  it('refuses with a reason that is required and sent to the person', async () => {
    await submitRequest({ prenom: 'Hugo', nom: 'Blanc', courriel: 'hugo@example.test' });
    const staff = await staffBrowser('gestion@example.test');
    const list = await staff.get('/ville/gestion/demandes-de-compte');
    const requestId = /demandes-de-compte\/([0-9a-f-]{36})\/decision/.exec(list.body)![1]!;
    const noReason = await staff.post(`/ville/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'refuse', reason: ' ' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Indiquez la raison du refus/);
    portal.clock.advance(1000);
    await staff.post(`/ville/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'refuse', reason: 'Vous n’habitez pas la commune.' });
    const [mail] = await emailsTo(portal, tenant, 'hugo@example.test');
    assert.match(mail!.text_body, /Vous n’habitez pas la commune\./);
    const audit = await staff.get('/ville/gestion/journal');
    assert.match(audit.body, /Demande de compte refusée/);
  });

  it('does not let a read-only staff member decide', async () => {
    await submitRequest({ prenom: 'Iris', nom: 'Noir', courriel: 'iris@example.test' });
    const reader = await staffBrowser('lecture@example.test');
    const list = await reader.get('/ville/gestion/demandes-de-compte');
    assert.match(list.body, /Iris NOIR/);
    assert.doesNotMatch(list.body, /\/decision"/);
    const manager = await staffBrowser('gestion@example.test');
    const requestId = /demandes-de-compte\/([0-9a-f-]{36})\/decision/.exec((await manager.get('/ville/gestion/demandes-de-compte')).body)![1]!;
    const refused = await reader.post(`/ville/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'accept' });
    assert.equal(refused.statusCode, 403);
    const status = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('account_requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow(),
    );
    assert.equal(status.status, 'pending');
  });

  it('tells the owner of an existing account instead of creating a request', async () => {
    await createFamily(portal, tenant, { email: 'deja@example.test' });
    const sent = await submitRequest({ prenom: 'Déjà', nom: 'Là', courriel: 'deja@example.test' });
    assert.match(sent.body, /Votre demande est envoyée/);
    const [mail] = await emailsTo(portal, tenant, 'deja@example.test');
    assert.match(mail!.subject, /Vous avez déjà un compte/);
    const pending = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('account_requests').select('id').where('email', '=', 'deja@example.test').execute(),
    );
    assert.equal(pending.length, 0);
  });

  it('gives a temporary password by email when the tenant chose that first access', async () => {
    const other = await portal.addTenant({ slug: 'bourg', name: 'Bourg Test', settings: { firstAccess: 'temporary_password' } });
    await createStaff(portal, other, { email: 'gestion@example.test', role: 'admin' });
    const browser = new TestBrowser(portal.app);
    await browser.get('/bourg/demande-de-compte');
    await browser.post('/bourg/demande-de-compte', {
      prenom: 'Jade',
      nom: 'Vert',
      courriel: 'jade@example.test',
      altcha: await solveAltcha(portal.app, '/bourg'),
    });
    const staff = new TestBrowser(portal.app);
    await staff.get('/bourg/connexion');
    await staff.post('/bourg/connexion', { email: 'gestion@example.test', password: PASSWORD });
    const requestId = /demandes-de-compte\/([0-9a-f-]{36})\/decision/.exec((await staff.get('/bourg/gestion/demandes-de-compte')).body)![1]!;
    portal.clock.advance(1000);
    await staff.post(`/bourg/gestion/demandes-de-compte/${requestId}/decision`, { decision: 'accept' });
    const [mail] = await emailsTo(portal, other, 'jade@example.test');
    const password = /Mot de passe temporaire : (\S+)/.exec(mail!.text_body)![1]!;
    const family = new TestBrowser(portal.app);
    await family.get('/bourg/connexion');
    await family.post('/bourg/connexion', { email: 'jade@example.test', password });
    const home = await family.get('/bourg/accueil');
    assert.equal(home.headers.location, '/bourg/mot-de-passe');
  });
});
