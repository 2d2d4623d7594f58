import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('staff find, read, change and create households', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let otherTenant: Tenant;
  let family: TestFamily;
  let foreign: TestFamily;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', settings: { maxChildAge: 12 } });
    otherTenant = await portal.addTenant({ slug: 'voisine', name: 'Ville Voisine' });
    family = await createFamily(portal, tenant, { email: 'nina.petit@example.test', firstName: 'Nina', lastName: 'PETIT', children: ['Léonie'] });
    foreign = await createFamily(portal, otherTenant, { email: 'leonie.autre@example.test', firstName: 'Léonie', lastName: 'PETITJEAN', children: ['Léonie'] });
    await portal.inTenant(tenant, ({ tx }) =>
      tx.updateTable('persons').set({ mobile_phone: '06 12 34 56 78' }).where('email', '=', 'nina.petit@example.test').execute(),
    );
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  async function familyNumber(householdId: string) {
    return portal.inTenant(
      tenant,
      async ({ tx }) => (await tx.selectFrom('households').select('family_number').where('id', '=', householdId).executeTakeFirstOrThrow()).family_number,
    );
  }

  it('finds a household by child name, email, phone in any spelling and family number, never another tenant’s', async () => {
    const staff = await signIn('agent@example.test');
    const number = await familyNumber(family.householdId);
    for (const query of ['léonie', 'Petit Léonie', 'NINA.PETIT@example.test', '+33 6 12 34 56 78', '06.12.34.56.78', number, String(Number(number))]) {
      const page = await staff.get(`/ville/gestion/foyers?q=${encodeURIComponent(query)}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`/ville/gestion/foyers/${family.householdId}`), `finds the family by "${query}"`);
      assert.ok(!page.body.includes(foreign.householdId), `never shows another tenant's household for "${query}"`);
    }
    const found = await staff.get('/ville/gestion/foyers?q=petit');
    assert.match(found.body, /<caption[^>]*>1 foyer pour « petit »<\/caption>/);
    assert.match(found.body, /Nina PETIT/);
    const none = await staff.get('/ville/gestion/foyers?q=leonie.autre%40example.test');
    assert.match(none.body, /Aucun foyer ne correspond/);
  });

  it('finds names whatever their case and accents, both ways', async () => {
    const rousseau = await createFamily(portal, tenant, {
      email: 'helene.rousseau@example.test',
      firstName: 'Hélène',
      lastName: 'ROUSSEAU',
      children: ['Eloise'],
    });
    const staff = await signIn('agent@example.test');
    const cases: [string, string][] = [
      ['leonie', family.householdId],
      ['LÉONIE', family.householdId],
      ['petit LEONIE', family.householdId],
      ['éloïse', rousseau.householdId],
      ['helene', rousseau.householdId],
      ['HÉLÈNE Rousseau', rousseau.householdId],
    ];
    for (const [query, householdId] of cases) {
      const page = await staff.get(`/ville/gestion/foyers?q=${encodeURIComponent(query)}`);
      assert.ok(page.body.includes(`/ville/gestion/foyers/${householdId}`), `finds the family by "${query}"`);
    }
    const none = await staff.get(`/ville/gestion/foyers?q=${encodeURIComponent('élodie')}`);
    assert.match(none.body, /Aucun foyer ne correspond/);
  });

  it('shows the whole household to staff, and answers 404 for another tenant’s, a malformed id, or a family account', async () => {
    const staff = await signIn('agent@example.test');
    const page = await staff.get(`/ville/gestion/foyers/${family.householdId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>PETIT Nina<\/h1>/);
    assert.match(page.body, /Léonie PETIT/);
    assert.match(page.body, /Responsable légal — Mère/);
    assert.match(page.body, /06 12 34 56 78/);
    assert.match(page.body, /Compte actif/);
    assert.match(page.body, /Foyer créé/, 'the history starts with the creation');

    assert.equal((await staff.get(`/ville/gestion/foyers/${foreign.householdId}`)).statusCode, 404);
    assert.equal((await staff.get(`/ville/gestion/foyers/${foreign.householdId}/address`)).statusCode, 404);
    assert.equal((await staff.get('/ville/gestion/foyers/pas-un-id')).statusCode, 404);
    const parent = await signIn(family.email);
    for (const path of [
      '/ville/gestion/foyers',
      `/ville/gestion/foyers/${family.householdId}`,
      '/ville/gestion/demandes',
      '/ville/gestion/foyers/nouveau',
      '/ville/gestion/actualites',
    ]) {
      assert.equal((await parent.get(path)).statusCode, 404, path);
    }
  });

  it('lets staff change a section at once, with errors next to the fields, and writes it to the history', async () => {
    const staff = await signIn('agent@example.test');
    const [childId] = family.childIds;
    const path = `/ville/gestion/foyers/${family.householdId}/personnes/${childId}/health`;
    const form = await staff.get(path);
    assert.equal(form.statusCode, 200);
    const bad = await staff.post(path, { 'child.allergies': 'Arachide', 'child.doctor_phone': '12 34', 'child.pai': 'true' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Saisissez un numéro de téléphone valide/);
    assert.ok(bad.body.includes('value="12 34"') && bad.body.includes('Arachide'), 'keeps what was typed');

    const saved = await staff.post(path, { 'child.allergies': 'Arachide', 'child.doctor_phone': '0240000000', 'child.pai': 'true' });
    assert.equal(
      saved.headers.location,
      `/ville/gestion/foyers/${family.householdId}?enregistre=direct#section-health-gestionfoyers${family.householdId.replaceAll('-', '')}personnes${childId!.replaceAll('-', '')}health`,
    );
    const child = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('persons').select(['allergies', 'doctor_phone', 'pai']).where('id', '=', childId!).executeTakeFirstOrThrow(),
    );
    assert.deepEqual(child, { allergies: 'Arachide', doctor_phone: '02 40 00 00 00', pai: true });
    const page = await staff.follow(saved);
    assert.match(page.body, /Les modifications sont enregistrées/);
    assert.match(page.body, /Fiche modifiée/);
    assert.match(page.body, /Allergies : <del>.*Non renseigné.*<\/del> → <ins>Arachide<\/ins>/);

    const reader = await signIn('lecture@example.test');
    assert.equal((await reader.get(path)).statusCode, 403);
    assert.equal((await reader.post(path, { 'child.allergies': 'Rien' })).statusCode, 403);
  });

  it('lets staff change a child’s contacts at once, with the families’ editor', async () => {
    const staff = await signIn('agent@example.test');
    const [childId] = family.childIds;
    const file = await staff.get(`/ville/gestion/foyers/${family.householdId}`);
    const path = `/ville/gestion/foyers/${family.householdId}/personnes/${childId}/contacts`;
    assert.ok(file.body.includes(`href="${path}"`), 'the household file links to the contacts editor');
    const form = await staff.get(path);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1>Personnes autorisées et contacts d’urgence — Léonie PETIT<\/h1>/);
    assert.ok(form.body.includes(`href="/ville/gestion/foyers/${family.householdId}"`), 'cancel goes back to the household file');

    const bad = await staff.post(path, { 'contact.0.nom': 'Mamie Jo', 'contact.0.telephone': '12' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Saisissez un numéro de téléphone valide/);
    assert.ok(bad.body.includes('value="Mamie Jo"'), 'keeps what was typed');

    const saved = await staff.post(path, {
      'contact.0.nom': 'Mamie Jo',
      'contact.0.lien': 'grand-mère',
      'contact.0.telephone': '06 11 22 33 44',
      'contact.0.peutRecuperer': 'true',
    });
    assert.equal(saved.headers.location, `/ville/gestion/foyers/${family.householdId}?enregistre=direct#child-${childId}`);
    const rows = await portal.inTenant(tenant, async ({ tx }) => ({
      contacts: await tx.selectFrom('child_contacts').select(['name', 'phone', 'can_pick_up', 'emergency']).where('child_id', '=', childId!).execute(),
      requests: await tx.selectFrom('change_requests').select('id').where('household_id', '=', family.householdId).where('kind', '=', 'contacts').execute(),
    }));
    assert.deepEqual(rows.contacts, [{ name: 'Mamie Jo', phone: '06 11 22 33 44', can_pick_up: true, emergency: false }]);
    assert.deepEqual(rows.requests, [], 'a staff change is no request');
    const page = await staff.follow(saved);
    assert.match(page.body, /Les modifications sont enregistrées/);
    assert.match(page.body, /Mamie Jo/);

    const reader = await signIn('lecture@example.test');
    assert.equal((await reader.get(path)).statusCode, 403);
    const parent = await signIn(family.email);
    assert.equal((await parent.get(path)).statusCode, 404);
    assert.equal((await staff.get(`/ville/gestion/foyers/${foreign.householdId}/personnes/${foreign.childIds[0]}/contacts`)).statusCode, 404);
  });

  it('checks the paper form, keeping what was typed', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/foyers/nouveau');
    const response = await staff.post('/ville/gestion/foyers/nouveau', {
      'household.address_line1': '3 rue des Lilas',
      'household.postcode': '4400',
      'household.city': 'Nantes',
      'guardian.adult.first_name': 'Samia',
      'guardian.adult.last_name': 'Benali',
      'guardian.adult.email': 'samia@example.test',
      'guardian.adult.mobile_phone': '06 12',
      'child0.child.first_name': 'Inès',
      'child0.child.last_name': 'Benali',
      'child0.child.birth_date': '01/01/2030',
      'child1.child.first_name': 'Adam',
      'child1.child.last_name': 'Benali',
      'child1.child.birth_date': '01/01/2001',
      action: 'create',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Saisissez un code postal de 5 chiffres/);
    assert.match(response.body, /Saisissez un numéro de téléphone valide/);
    assert.match(response.body, /Cette date ne peut pas être dans le futur/);
    assert.match(response.body, /dépasse l’âge maximal/);
    assert.match(response.body, /href="#field-child0\.child\.birth_date"/);
    for (const kept of ['value="4400"', 'value="06 12"', 'value="01/01/2030"', 'value="Inès"', 'value="samia@example.test"'])
      assert.ok(response.body.includes(kept), `keeps ${kept}`);
    const households = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('households').select('id').where('name', '=', 'BENALI Samia').execute());
    assert.equal(households.length, 0);

    const more = await staff.post('/ville/gestion/foyers/nouveau', { 'guardian.adult.first_name': 'Samia', action: 'addChild' });
    assert.equal(more.statusCode, 200);
    assert.match(more.body, /Enfant 4/);
    assert.ok(more.body.includes('value="Samia"'));
  });

  it('warns of a likely duplicate, creates on confirmation and invites the guardian', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/foyers/nouveau');
    const form = {
      'household.address_line1': '12 rue Haute',
      'household.postcode': '44000',
      'household.city': 'Nantes',
      'guardian.adult.civility': 'm',
      'guardian.adult.first_name': 'Karim',
      'guardian.adult.last_name': 'Petit',
      'guardian.adult.email': 'Karim.Petit@example.test',
      'guardian.adult.mobile_phone': '+33 6 12 34 56 78',
      'guardian.quality': 'father',
      'child0.child.first_name': 'Léonie',
      'child0.child.last_name': 'PETIT',
      'child0.child.birth_date': '01/03/2015',
      'child0.child.sex': 'f',
    };
    const warned = await staff.post('/ville/gestion/foyers/nouveau', { ...form, action: 'create' });
    assert.equal(warned.statusCode, 200);
    assert.match(warned.body, /Ce foyer existe peut-être déjà/);
    assert.ok(warned.body.includes(`/ville/gestion/foyers/${family.householdId}`));
    assert.match(warned.body, /même téléphone, même enfant \(nom et date de naissance\)/);
    assert.match(warned.body, /Créer quand même/);
    assert.equal((await emailsTo(portal, tenant, 'karim.petit@example.test')).length, 0, 'nothing created yet');
    // The same child typed without its accent and in other capitals is still the same child.
    const unaccented = await staff.post('/ville/gestion/foyers/nouveau', {
      ...form,
      'child0.child.first_name': 'LEONIE',
      'child0.child.last_name': 'petit',
      action: 'create',
    });
    assert.match(unaccented.body, /même enfant \(nom et date de naissance\)/);

    const created = await staff.post('/ville/gestion/foyers/nouveau', { ...form, confirm: '1' });
    assert.equal(created.statusCode, 302);
    const page = await staff.follow(created);
    assert.match(page.body, /<h1>PETIT Karim<\/h1>/);
    assert.match(page.body, /Le foyer est créé/);
    assert.match(page.body, /Invitation en attente/);
    assert.match(page.body, /Responsable légal — Père/);
    const [invitation] = await emailsTo(portal, tenant, 'karim.petit@example.test');
    assert.match(invitation!.subject, /Activez votre compte/);
    linkIn(invitation!.text_body, '/ville/invitation/');

    const householdId = /\/gestion\/foyers\/([0-9a-f-]{36})\/invitations\//.exec(page.body)![1]!;
    const accountId = /\/invitations\/([0-9a-f-]{36})/.exec(page.body)![1]!;
    portal.clock.advance(60_000);
    const resent = await staff.post(`/ville/gestion/foyers/${householdId}/invitations/${accountId}`, {});
    assert.match((await staff.follow(resent)).body, /L’invitation est renvoyée/);
    assert.equal((await emailsTo(portal, tenant, 'karim.petit@example.test')).length, 2);

    await staff.get('/ville/gestion/foyers/nouveau');
    const taken = await staff.post('/ville/gestion/foyers/nouveau', { ...form, 'guardian.adult.email': 'nina.petit@example.test', confirm: '1' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /déjà l’identifiant d’un compte/);
    assert.match(taken.body, /id="field-guardian\.adult\.email-error"/);
  });

  it('gives the partner with an email an account and the first access too, unless that email is taken', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/foyers/nouveau');
    const form = {
      'household.address_line1': '5 allée des Pins',
      'household.postcode': '44300',
      'household.city': 'Nantes',
      'guardian.adult.first_name': 'Lina',
      'guardian.adult.last_name': 'Garnier',
      'guardian.adult.email': 'lina.garnier@example.test',
      'guardian.quality': 'mother',
      'partner.adult.first_name': 'Hugo',
      'partner.adult.last_name': 'Garnier',
      'partner.adult.email': 'Hugo.Garnier@example.test',
      'partner.quality': 'father',
      'child0.child.first_name': 'Maël',
      'child0.child.last_name': 'Garnier',
      'child0.child.birth_date': '02/02/2019',
      confirm: '1',
    };
    const garniers = () => portal.inTenant(tenant, ({ tx }) => tx.selectFrom('households').select('id').where('name', '=', 'GARNIER Lina').execute());

    const taken = await staff.post('/ville/gestion/foyers/nouveau', { ...form, 'partner.adult.email': 'NINA.PETIT@example.test' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /id="field-partner\.adult\.email-error"[^>]*>[^<]*déjà l’identifiant d’un compte : ce responsable ne peut pas recevoir d’accès/);
    assert.doesNotMatch(taken.body, /id="field-guardian\.adult\.email-error"/);
    assert.ok(taken.body.includes('value="NINA.PETIT@example.test"'), 'keeps what was typed');
    const same = await staff.post('/ville/gestion/foyers/nouveau', { ...form, 'partner.adult.email': 'LINA.garnier@example.test' });
    assert.equal(same.statusCode, 400);
    assert.match(same.body, /id="field-partner\.adult\.email-error"[^>]*>[^<]*C’est l’adresse du premier responsable/);
    assert.deepEqual(await garniers(), [], 'nothing created');

    const created = await staff.post('/ville/gestion/foyers/nouveau', form);
    assert.equal(created.statusCode, 302);
    const page = await staff.follow(created);
    assert.match(page.body, /Lina GARNIER — lina\.garnier@example\.test/);
    assert.match(page.body, /Hugo GARNIER — hugo\.garnier@example\.test/);
    assert.equal([...page.body.matchAll(/Invitation en attente/g)].length, 2);
    const [householdId] = (await garniers()).map((row) => row.id);
    const accounts = await portal.inTenant(tenant, ({ tx }) =>
      tx
        .selectFrom('accounts as a')
        .innerJoin('persons as p', 'p.id', 'a.person_id')
        .select(['a.email', 'a.household_id', 'p.first_name'])
        .where('a.household_id', '=', householdId!)
        .orderBy('a.email')
        .execute(),
    );
    assert.deepEqual(accounts, [
      { email: 'hugo.garnier@example.test', household_id: householdId, first_name: 'Hugo' },
      { email: 'lina.garnier@example.test', household_id: householdId, first_name: 'Lina' },
    ]);
    for (const email of ['lina.garnier@example.test', 'hugo.garnier@example.test']) {
      const [invitation] = await emailsTo(portal, tenant, email);
      assert.match(invitation!.subject, /Activez votre compte/, email);
      linkIn(invitation!.text_body, '/ville/invitation/');
    }
  });

  it('keeps readers to reading', async () => {
    const reader = await signIn('lecture@example.test');
    assert.equal((await reader.get('/ville/gestion/foyers?q=petit')).statusCode, 200);
    assert.equal((await reader.get(`/ville/gestion/foyers/${family.householdId}`)).statusCode, 200);
    // A manager's file offers the edit links, a reader's the same file without any (they would answer 403).
    const base = `/ville/gestion/foyers/${family.householdId}`;
    // The counter is not an editor: readers see it too, without its forms (test/counter-bookings.test.ts).
    const editLink = new RegExp(`href="${base}/(?!enfants/[^/"]+/guichet")[^"#?]+"`);
    const managers = await (await signIn('agent@example.test')).get(base);
    assert.match(managers.body, editLink);
    assert.match(managers.body, />Modifier</);
    const readers = await reader.get(base);
    assert.doesNotMatch(readers.body, editLink, 'no link to an editor');
    assert.doesNotMatch(readers.body, />Modifier</);
    assert.doesNotMatch(readers.body, /<form method="post" action="\/ville\/gestion\//, 'no button that changes anything');
    assert.match(readers.body, /lecture seule/);
    const managerSearch = await (await signIn('agent@example.test')).get('/ville/gestion/foyers?q=petit');
    assert.ok(managerSearch.body.includes('/ville/gestion/foyers/nouveau'));
    assert.ok(!(await reader.get('/ville/gestion/foyers?q=petit')).body.includes('/ville/gestion/foyers/nouveau'), 'no button to create');
    assert.equal((await reader.get('/ville/gestion/foyers/nouveau')).statusCode, 403);
    assert.equal((await reader.post('/ville/gestion/foyers/nouveau', { 'guardian.adult.first_name': 'X' })).statusCode, 403);
  });
});
