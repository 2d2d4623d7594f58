import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../src/modules/identity/accounts.js';
import { addExistingMember, createHousehold } from '../src/modules/households/households.js';
import { decideRequest, pendingRequests } from '../src/modules/households/change-requests.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('the family keeps its record: direct changes, requests, decisions', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let other: TestFamily;
  let staffId: string;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', settings: { maxChildAge: 17 } });
    family = await createFamily(portal, tenant, { email: 'nina@example.test', firstName: 'Nina', lastName: 'PETIT', children: ['Léo'] });
    other = await createFamily(portal, tenant, { email: 'omar@example.test', firstName: 'Omar', lastName: 'HADDAD', children: ['Sami'] });
    staffId = (await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' })).accountId;
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  function asStaff<T>(work: (scope: Scope) => Promise<T>) {
    return portal.inTenant(tenant, (scope) => work({ ...scope, actor: { kind: 'staff', accountId: staffId, role: 'manager', label: 'Agent' } }));
  }

  async function guardianId(f: TestFamily) {
    return portal.inTenant(
      tenant,
      async ({ tx }) => (await tx.selectFrom('accounts').select('person_id').where('id', '=', f.accountId).executeTakeFirstOrThrow()).person_id!,
    );
  }

  it('applies a phone change at once and sends an address change to the service as a request', async () => {
    const browser = await signIn(family.email);
    const personId = await guardianId(family);
    const form = await browser.get(`/ville/mon-compte/personnes/${personId}/contact`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /modifiable directement/);
    const saved = await browser.post(`/ville/mon-compte/personnes/${personId}/contact`, { 'adult.mobile_phone': '0611223344' });
    // Back at the section saved: the fragment is the id of that person's section heading.
    assert.equal(saved.headers.location, `/ville/mon-compte?enregistre=direct#section-contact-moncomptepersonnes${personId.replaceAll('-', '')}contact`);
    const phone = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('persons').select('mobile_phone').where('id', '=', personId).executeTakeFirstOrThrow(),
    );
    assert.equal(phone.mobile_phone, '06 11 22 33 44');

    await browser.get('/ville/mon-compte/foyer/address');
    const asked = await browser.post('/ville/mon-compte/foyer/address', {
      'household.address_line1': '9 rue Neuve',
      'household.postcode': '44100',
      'household.city': 'Nantes',
      'household.home_phone': '',
    });
    assert.equal(asked.headers.location, '/ville/mon-compte?enregistre=request#section-address-moncomptefoyeraddress');
    const page = await browser.follow(asked);
    assert.match(page.body, /id="section-address-moncomptefoyeraddress"/);
    assert.match(page.body, /Votre demande de modification est transmise au service/);
    assert.match(page.body, /Demande en attente/);
    assert.match(page.body, /9 rue Neuve/);
    const household = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('households').select('address_line1').where('id', '=', family.householdId).executeTakeFirstOrThrow(),
    );
    assert.equal(household.address_line1, null, 'nothing changes before the service decides');
    const history = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'household.record_changed').execute(),
    );
    assert.deepEqual((history[0]!.details as { changes: unknown }).changes, { 'adult.mobile_phone': { old: null, new: '06 11 22 33 44' } });
  });

  it('applies the accepted request in the same transaction and tells the family', async () => {
    const [request] = await asStaff((scope) => pendingRequests(scope));
    portal.clock.advance(1000);
    const result = await asStaff((scope) =>
      decideRequest(scope, request!.id, { accept: true }, { tenantName: 'Ville Test', baseUrl: 'http://localhost/ville' }),
    );
    assert.equal(result, 'done');
    const household = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('households').select(['address_line1', 'postcode', 'city']).where('id', '=', family.householdId).executeTakeFirstOrThrow(),
    );
    assert.deepEqual(household, { address_line1: '9 rue Neuve', postcode: '44100', city: 'Nantes' });
    const browser = await signIn(family.email);
    const requests = await browser.get('/ville/mes-demandes');
    assert.match(requests.body, /Acceptée/);
    assert.match(requests.body, /Adresse : 9 rue Neuve/);
    const [mail] = await emailsTo(portal, tenant, family.email);
    assert.match(mail!.subject, /Votre demande est acceptée/);
    assert.equal(
      await asStaff((scope) => decideRequest(scope, request!.id, { accept: false, reason: 'trop tard' }, { tenantName: 'x', baseUrl: 'x' })),
      'already_decided',
    );
  });

  it('shows a refusal and its reason in Mes demandes, filterable by type', async () => {
    const browser = await signIn(family.email);
    await browser.get('/ville/mon-compte/foyer/caf');
    await browser.post('/ville/mon-compte/foyer/caf', { 'household.regime': 'caf', 'household.allocataire_number': '1234567' });
    const [request] = await asStaff((scope) => pendingRequests(scope));
    assert.equal(
      await asStaff((scope) => decideRequest(scope, request!.id, { accept: false, reason: ' ' }, { tenantName: 'x', baseUrl: 'x' })),
      'reason_required',
    );
    await asStaff((scope) => decideRequest(scope, request!.id, { accept: false, reason: 'Joignez votre attestation CAF.' }, { tenantName: 'x', baseUrl: 'x' }));
    const list = await browser.get('/ville/mes-demandes?type=record');
    assert.match(list.body, /Refusée/);
    assert.match(list.body, /Joignez votre attestation CAF\./);
    const none = await browser.get('/ville/mes-demandes?type=contacts');
    assert.match(none.body, /Aucune demande\./);
  });

  it('explains each wrong value next to its field and keeps what was typed', async () => {
    const browser = await signIn(family.email);
    await browser.get('/ville/mon-compte/foyer/bank');
    const bank = await browser.post('/ville/mon-compte/foyer/bank', {
      'household.iban': 'FR76 3000 6000 0112 3456 7890 188',
      'household.bic': 'BNPAFRPP',
      'household.account_holder': 'Nina Petit',
    });
    assert.equal(bank.statusCode, 400);
    assert.match(bank.body, /la clé de contrôle ne correspond pas/);
    assert.match(bank.body, /value="FR76 3000 6000 0112 3456 7890 188"/);
    assert.match(bank.body, /value="Nina Petit"/);

    const childId = family.childIds[0]!;
    await browser.get(`/ville/mes-enfants/${childId}/child_identity`);
    const future = await browser.post(`/ville/mes-enfants/${childId}/child_identity`, {
      'child.first_name': 'Léo',
      'child.last_name': 'PETIT',
      'child.birth_date': '12/03/2031',
    });
    assert.match(future.body, /ne peut pas être dans le futur/);
    const old = await browser.post(`/ville/mes-enfants/${childId}/child_identity`, {
      'child.first_name': 'Léo',
      'child.last_name': 'PETIT',
      'child.birth_date': '12/03/2005',
    });
    assert.match(old.body, /dépasse l’âge maximal/);
    assert.match(old.body, /value="12\/03\/2005"/);

    await browser.get('/ville/mon-compte/foyer/address?lang=en');
    const address = await browser.post('/ville/mon-compte/foyer/address', {
      'household.address_line1': '',
      'household.postcode': '4410',
      'household.city': 'Nantes',
      'household.home_phone': '01 02',
    });
    assert.match(address.body, /This field is required\./);
    assert.match(address.body, /Enter a 5-digit postcode/);
    assert.match(address.body, /Enter a valid phone number/);
  });

  it('refuses every id of another household, whatever the URL or form', async () => {
    const browser = await signIn(family.email);
    const foreignAdult = await guardianId(other);
    const foreignChild = other.childIds[0]!;
    for (const url of [
      `/ville/mon-compte/personnes/${foreignAdult}/contact`,
      `/ville/mes-enfants/${foreignChild}/health`,
      `/ville/mes-enfants/${foreignChild}/contacts`,
      `/ville/mes-enfants/${family.childIds[0]}/identity`,
      '/ville/mon-compte/personnes/not-an-id/contact',
    ]) {
      assert.equal((await browser.get(url)).statusCode, 404, url);
    }
    const posted = await browser.post(`/ville/mes-enfants/${foreignChild}/health`, { 'child.allergies': 'arachide' });
    assert.equal(posted.statusCode, 404);
    const omar = await signIn(other.email);
    await omar.get('/ville/mon-compte/foyer/tax');
    await omar.post('/ville/mon-compte/foyer/tax', { 'household.tax_dependents': '2' });
    const [foreignRequest] = await asStaff((scope) => pendingRequests(scope));
    assert.equal((await browser.post(`/ville/mes-demandes/${foreignRequest!.id}/retirer`, {})).statusCode, 404);
    const stillPending = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('change_requests').select('status').where('id', '=', foreignRequest!.id).executeTakeFirstOrThrow(),
    );
    assert.equal(stillPending.status, 'pending');
    await omar.get('/ville/mes-demandes');
    assert.equal((await omar.post(`/ville/mes-demandes/${foreignRequest!.id}/retirer`, {})).statusCode, 302);
    assert.match((await omar.get('/ville/mes-demandes')).body, /Retirée/);
  });

  it('answers an address that names nothing with 404 and an odd query with 400, in words', async () => {
    const browser = await signIn(family.email);
    const childId = family.childIds[0]!;
    for (const url of [
      '/ville/mes-enfants/not-an-id/health',
      `/ville/mes-enfants/${childId}/bank`,
      '/ville/mon-compte/foyer/identity',
      '/ville/mon-compte/foyer/nope',
      '/ville/documents/42',
      '/ville/reservations/tirage/42',
      '/ville/agenda/short.ics',
    ]) {
      const response = await browser.get(url);
      assert.equal(response.statusCode, 404, url);
      assert.match(response.body, /Page introuvable/, url);
    }
    await browser.get('/ville/mes-demandes');
    assert.equal((await browser.post('/ville/mes-demandes/not-an-id/retirer', {})).statusCode, 404);
    assert.equal((await browser.post(`/ville/mes-enfants/${childId}/nope`, { 'child.allergies': 'arachide' })).statusCode, 404);
    for (const url of [
      '/ville/mes-demandes?type=unknown',
      '/ville/reservations?mois=2026-13',
      '/ville/reservations?enfant=not-an-id',
      '/ville/mon-compte?enregistre=peut-etre',
    ]) {
      const response = await browser.get(url);
      assert.equal(response.statusCode, 400, url);
      assert.match(response.body, /Demande incorrecte/, url);
    }
  });

  it('gives back a text too long for any field next to that field, with what was typed, never a bare error page', async () => {
    const browser = await signIn(family.email);
    const childId = family.childIds[0]!;
    const long = 'a'.repeat(20_001);
    await browser.get(`/ville/mes-enfants/${childId}/health`);
    const health = await browser.post(`/ville/mes-enfants/${childId}/health`, { 'child.allergies': long, 'child.doctor_name': 'Dr Martin' });
    assert.equal(health.statusCode, 400);
    assert.match(health.body, /Veuillez corriger les erreurs suivantes/);
    assert.match(health.body, /href="#[^"]*allergies[^"]*"[^>]*>[^<]*Ce texte est trop long\./);
    assert.match(health.body, /Dr Martin/);
    assert.ok(health.body.includes(long), 'what was typed is given back');
    await browser.get('/ville/inscriptions');
    const enrollment = await browser.post('/ville/inscriptions', { enfant: childId, activite: '', commentaire: long });
    assert.equal(enrollment.statusCode, 400);
    assert.match(enrollment.body, /Ce texte est trop long\./);
    assert.match(enrollment.body, /Ce champ est obligatoire\./);
    const unchanged = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('persons').select('allergies').where('id', '=', childId).executeTakeFirstOrThrow(),
    );
    assert.notEqual(unchanged.allergies, long);
  });

  it('adds a child on request: once accepted the child appears everywhere', async () => {
    const browser = await signIn(family.email);
    await browser.get('/ville/mes-enfants/nouveau');
    const sent = await browser.post('/ville/mes-enfants/nouveau', {
      'child.first_name': 'Mia',
      'child.last_name': 'PETIT',
      'child.birth_date': '2021-05-04',
      'child.sex': 'f',
      'child.pai': 'false',
      'child.allergies': 'Œufs',
    });
    assert.equal(sent.headers.location, '/ville/mes-demandes?envoyee=1');
    const [request] = await asStaff((scope) => pendingRequests(scope));
    assert.equal(request!.kind, 'add_member');
    await asStaff((scope) => decideRequest(scope, request!.id, { accept: true }, { tenantName: 'Ville Test', baseUrl: 'x' }));
    const children = await browser.get('/ville/mes-enfants');
    assert.match(children.body, /Mia PETIT/);
    assert.match(children.body, /Œufs/);
    assert.match(children.body, /Enfants : Léo PETIT, Mia PETIT/, 'the household summary names the new child');
    const partner = await browser.get('/ville/mes-enfants/nouveau?membre=conjoint');
    assert.match(partner.body, /votre conjoint apparaîtra/);
    assert.doesNotMatch(partner.body, /l’enfant/, 'the partner request page speaks of the partner');
  });

  it('lets both separated parents see their common child, each with only their own household', async () => {
    const sharedChild = other.childIds[0]!;
    await portal.inTenant(tenant, (scope) => addExistingMember(scope, family.householdId, sharedChild, 'child'));
    const nina = await signIn(family.email);
    const page = await nina.get('/ville/mes-enfants');
    assert.match(page.body, /Sami HADDAD/);
    assert.match(page.body, /Rattaché\(e\) aussi à un autre foyer/);
    assert.doesNotMatch((await nina.get('/ville/mon-compte')).body, /Omar/);
    await nina.get(`/ville/mes-enfants/${sharedChild}/contacts`);
    const contacts = await nina.post(`/ville/mes-enfants/${sharedChild}/contacts`, {
      'contact.0.nom': 'Mamie Petit',
      'contact.0.lien': 'Grand-mère',
      'contact.0.telephone': '06 99 88 77 66',
      'contact.0.peutRecuperer': 'true',
      'contact.1.nom': 'Voisin',
      'contact.1.telephone': '12',
    });
    assert.equal(contacts.statusCode, 400);
    assert.match(contacts.body, /Saisissez un numéro de téléphone valide/);
    const ok = await nina.post(`/ville/mes-enfants/${sharedChild}/contacts`, {
      'contact.0.nom': 'Mamie Petit',
      'contact.0.lien': 'Grand-mère',
      'contact.0.telephone': '06 99 88 77 66',
      'contact.0.peutRecuperer': 'true',
    });
    assert.equal(ok.headers.location, `/ville/mes-enfants?enregistre=request#child-${sharedChild}`);
    const request = (await asStaff((scope) => pendingRequests(scope))).find((row) => row.kind === 'contacts')!;
    await asStaff((scope) => decideRequest(scope, request.id, { accept: true }, { tenantName: 'x', baseUrl: 'x' }));
    const omar = await signIn(other.email);
    assert.match((await omar.get('/ville/mes-enfants')).body, /Mamie Petit/);
  });

  it('exports everything the record holds, without secrets', async () => {
    const browser = await signIn(family.email);
    const response = await browser.get('/ville/mon-compte/mes-donnees.json');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-disposition']), /attachment; filename="mes-donnees-\d+\.json"/);
    const data = response.json();
    assert.equal(data.household.address_line1, '9 rue Neuve');
    assert.deepEqual(data.members.map((m: { first_name: string }) => m.first_name).sort(), ['Léo', 'Mia', 'Nina', 'Sami']);
    assert.ok(data.requests.length >= 3);
    assert.ok(data.emails.some((mail: { subject: string }) => /acceptée/.test(mail.subject)));
    assert.ok(data.history.some((entry: { action: string }) => entry.action === 'household.record_changed'));
    assert.doesNotMatch(response.body, /argon2|password_hash|totp_secret/);
  });
  it('names each person’s sections after them, so no two regions of a page share a name (axe landmark-unique)', async () => {
    const martin = await portal.inTenant(tenant, async (scope) => {
      const household = await createHousehold(scope, {
        name: 'MARTIN Claire et Julien',
        members: [
          { role: 'guardian', quality: 'mother', person: { first_name: 'Claire', last_name: 'MARTIN', email: 'claire@example.test' } },
          { role: 'partner', quality: 'father', person: { first_name: 'Julien', last_name: 'MARTIN' } },
          { role: 'child', person: { first_name: 'Léa', last_name: 'MARTIN', birth_date: '2018-04-12' } },
          { role: 'child', person: { first_name: 'Hugo', last_name: 'MARTIN', birth_date: '2020-09-03' } },
        ],
      });
      await createAccount(scope, {
        kind: 'family',
        householdId: household.householdId,
        personId: household.personIds[0]!,
        email: 'claire@example.test',
        displayName: 'Claire MARTIN',
        password: PASSWORD,
      });
      return household;
    });
    const regions = (html: string) => {
      const ids = new Map([...html.matchAll(/id="([^"]+)"[^>]*>([^<]+)</g)].map((match) => [match[1]!, match[2]!.trim()]));
      return [...html.matchAll(/<section[^>]*?(?:aria-label="([^"]+)"|aria-labelledby="([^"]+)")/g)].map(
        (match) => match[1] ?? ids.get(match[2]!) ?? match[2]!,
      );
    };
    const parent = await signIn('claire@example.test');
    const account = regions((await parent.get('/ville/mon-compte')).body);
    assert.ok(account.includes('Identité — Claire MARTIN') && account.includes('Identité — Julien MARTIN'), account.join(' | '));
    assert.equal(new Set(account).size, account.length, `two regions share a name on Mon compte: ${account.join(' | ')}`);
    const children = regions((await parent.get('/ville/mes-enfants')).body);
    assert.ok(children.includes('Identité — Léa MARTIN') && children.includes('Identité — Hugo MARTIN'), children.join(' | '));
    assert.ok(children.includes('Personnes autorisées et contacts d’urgence — Hugo MARTIN'));
    assert.equal(new Set(children).size, children.length, `two regions share a name on Mes enfants: ${children.join(' | ')}`);

    const staff = new TestBrowser(portal.app);
    await staff.get('/ville/connexion');
    await staff.post('/ville/connexion', { email: 'agent@example.test', password: PASSWORD });
    const file = regions((await staff.get(`/ville/gestion/foyers/${martin.householdId}`)).body);
    assert.equal(new Set(file).size, file.length, `two regions share a name on the household file: ${file.join(' | ')}`);
  });
  it('writes "Login: …" in English and "Identifiant de connexion : …" in French', async () => {
    const mainText = (html: string) => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    const parent = await signIn('claire@example.test');
    await parent.get('/ville/mon-compte/foyer/address');
    await parent.post('/ville/mon-compte/foyer/address', {
      'household.address_line1': '9 rue Neuve',
      'household.postcode': '44100',
      'household.city': 'Nantes',
      'household.home_phone': '',
    });

    const french = mainText((await parent.get('/ville/mon-compte')).body);
    assert.match(french, /Identifiant de connexion : claire@example\.test/);
    assert.match(french, /Demande en attente : 9 rue Neuve/);

    const english = mainText((await parent.get('/ville/mon-compte?lang=en')).body);
    assert.match(english, /Login: claire@example\.test/);
    assert.match(english, /Pending request: 9 rue Neuve/);
    assert.doesNotMatch(english, / : /, 'French spacing on an English page');
    assert.doesNotMatch(mainText((await parent.get('/ville/mes-demandes')).body), / : /);
    const invalid = await parent.post('/ville/mon-compte/foyer/address', {
      'household.address_line1': '9 rue Neuve',
      'household.postcode': '441',
      'household.city': 'Nantes',
    });
    assert.equal(invalid.statusCode, 400);
    assert.match(mainText(invalid.body), /Postcode: /);
    assert.doesNotMatch(mainText(invalid.body), / : /);
  });
});
