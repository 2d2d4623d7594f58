import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeRecordSection, checkContext } from '../src/modules/households/change-requests.js';
import { currentNews, publishNews } from '../src/modules/news/news.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { emailsTo } from './support/outbox.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

describe('staff decide the families’ requests, set the record’s rules and publish news', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let nina: TestFamily;
  let omar: TestFamily;
  let staffId: string;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test' });
    nina = await createFamily(portal, tenant, { email: 'nina@example.test', firstName: 'Nina', lastName: 'PETIT', children: ['Léo'] });
    omar = await createFamily(portal, tenant, { email: 'omar@example.test', firstName: 'Omar', lastName: 'HADDAD', children: ['Sami'] });
    staffId = (await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' })).accountId;
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin' });
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  /** The family asks, as it would from Mon compte, for a new address. */
  async function askNewAddress(family: TestFamily, line: string) {
    portal.clock.advance(1000);
    const outcome = await portal.inTenant(tenant, (scope: Scope) =>
      changeRecordSection(
        { ...scope, actor: { kind: 'family', accountId: family.accountId, householdId: family.householdId, label: 'Famille' } },
        tenant.settings,
        checkContext(tenant.settings, '2026-11-23'),
        {
          householdId: family.householdId,
          personId: null,
          section: 'address',
          form: { 'household.address_line1': line, 'household.postcode': '44000', 'household.city': 'Nantes' },
        },
      ),
    );
    assert.ok(outcome.kind === 'saved' && outcome.requested.includes('household.address_line1'));
  }

  const addressOf = (family: TestFamily) =>
    portal.inTenant(
      tenant,
      async ({ tx }) =>
        (await tx.selectFrom('households').select('address_line1').where('id', '=', family.householdId).executeTakeFirstOrThrow()).address_line1,
    );
  const requestIds = (html: string) => [...html.matchAll(/name="ids" value="([0-9a-f-]{36})"/g)].map((match) => match[1]!);

  it('shows each pending request with its old and new values, and counts them on the dashboard', async () => {
    await askNewAddress(nina, '1 rue Neuve');
    const staff = await signIn('agent@example.test');
    const inbox = await staff.get('/ville/gestion/demandes');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /<caption[^>]*>Demandes en attente \(1\)<\/caption>/);
    assert.ok(inbox.body.includes(`/ville/gestion/foyers/${nina.householdId}`));
    assert.match(inbox.body, /Adresse : <del>.*Non renseigné.*<\/del> → <ins>1 rue Neuve<\/ins>/);
    assert.match(inbox.body, /Code postal : <del>/);
    assert.match(
      (await staff.get('/ville/gestion')).body,
      /<p class="fr-tile__desc"><strong class="fr-h4 fr-mb-0">1<\/strong><\/p><p class="fr-tile__detail">Traiter les demandes<\/p>/,
    );
    assert.match((await staff.get('/ville/gestion/demandes?type=add_member')).body, /Aucune demande en attente/);
  });

  it('refuses a refusal without a reason, and keeps a reader from deciding', async () => {
    const staff = await signIn('agent@example.test');
    const [id] = requestIds((await staff.get('/ville/gestion/demandes')).body);
    const refused = await staff.post('/ville/gestion/demandes', { act: `refuse:${id}`, [`reason.${id}`]: '  ' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Indiquez la raison du refus/);
    assert.match(refused.body, new RegExp(`id="field-reason\\.${id}-error"`));

    const reader = await signIn('lecture@example.test');
    const page = await reader.get('/ville/gestion/demandes');
    assert.match(page.body, /lecture seule/);
    assert.doesNotMatch(page.body, /name="act"/);
    const forbidden = await reader.post('/ville/gestion/demandes', { act: `accept:${id}` });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(await addressOf(nina), null);
    const status = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('change_requests').select('status').where('id', '=', id!).executeTakeFirstOrThrow());
    assert.equal(status.status, 'pending');
  });

  it('applies an accepted request and emails the family', async () => {
    const staff = await signIn('agent@example.test');
    const [id] = requestIds((await staff.get('/ville/gestion/demandes')).body);
    portal.clock.advance(1000);
    const accepted = await staff.post('/ville/gestion/demandes', { act: `accept:${id}` });
    assert.equal(accepted.statusCode, 200);
    assert.match(accepted.body, /PETIT Nina — Modification de la fiche : acceptée, la famille est prévenue/);
    assert.equal(await addressOf(nina), '1 rue Neuve');
    const [mail] = await emailsTo(portal, tenant, nina.email);
    assert.match(mail!.subject, /Votre demande est acceptée/);
    const household = await staff.get(`/ville/gestion/foyers/${nina.householdId}`);
    assert.match(household.body, /Demande acceptée/);
  });

  it('accepts a selection of requests in one go, and refuses a selection with one reason', async () => {
    await askNewAddress(nina, '2 rue Neuve');
    await askNewAddress(omar, '3 rue Neuve');
    const staff = await signIn('agent@example.test');
    const ids = requestIds((await staff.get('/ville/gestion/demandes')).body);
    assert.equal(ids.length, 2);
    const none = await staff.post('/ville/gestion/demandes', { act: 'accept:selection' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Cochez au moins une demande/);

    const bulk = await staff.post('/ville/gestion/demandes', { act: 'accept:selection', ids });
    assert.equal(bulk.statusCode, 200);
    assert.equal((bulk.body.match(/acceptée, la famille est prévenue/g) ?? []).length, 2);
    assert.equal(await addressOf(nina), '2 rue Neuve');
    assert.equal(await addressOf(omar), '3 rue Neuve');

    await askNewAddress(nina, '4 rue Neuve');
    await askNewAddress(omar, '5 rue Neuve');
    const next = requestIds((await staff.get('/ville/gestion/demandes')).body);
    const noReason = await staff.post('/ville/gestion/demandes', { act: 'refuse:selection', ids: next, reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /id="field-reason-error"/);
    assert.equal(requestIds(noReason.body).length, 2, 'nothing decided');
    assert.equal((noReason.body.match(/name="ids" value="[0-9a-f-]{36}" checked/g) ?? []).length, 2, 'the ticks are kept');
    const refused = await staff.post('/ville/gestion/demandes', { act: 'refuse:selection', ids: next, reason: 'Justificatif de domicile manquant' });
    assert.equal((refused.body.match(/refusée, la famille est prévenue/g) ?? []).length, 2);
    assert.equal(await addressOf(omar), '3 rue Neuve');
    const [mail] = await emailsTo(portal, tenant, omar.email);
    assert.match(mail!.text_body, /Justificatif de domicile manquant/);
  });

  it('tells staff when an accepted email change would take another account’s login', async () => {
    const ninaGuardian = await portal.inTenant(
      tenant,
      async ({ tx }) => (await tx.selectFrom('accounts').select('person_id').where('id', '=', nina.accountId).executeTakeFirstOrThrow()).person_id!,
    );
    await portal.inTenant(tenant, (scope) =>
      changeRecordSection(
        { ...scope, actor: { kind: 'family', accountId: nina.accountId, householdId: nina.householdId, label: 'Famille' } },
        tenant.settings,
        checkContext(tenant.settings, '2026-11-23'),
        { householdId: nina.householdId, personId: ninaGuardian, section: 'contact', form: { 'adult.email': omar.email } },
      ),
    );
    const staff = await signIn('agent@example.test');
    const [id] = requestIds((await staff.get('/ville/gestion/demandes')).body);
    const answer = await staff.post('/ville/gestion/demandes', { act: `accept:${id}` });
    assert.match(answer.body, /la nouvelle adresse électronique est déjà utilisée par un autre compte/);
    assert.equal(requestIds(answer.body).length, 1, 'the request stays pending');
  });

  it('lets the admin decide which fields families change directly, and families follow it', async () => {
    const manager = await signIn('agent@example.test');
    assert.equal((await manager.get('/ville/gestion/parametres/fiche')).statusCode, 403);
    const admin = await signIn('admin@example.test');
    const page = await admin.get('/ville/gestion/parametres/fiche');
    assert.match(page.body, /Modifiable directement par la famille/);
    assert.doesNotMatch(page.body, /name="adult.email"/, 'the login email is always checked by the service');
    const current = Object.fromEntries(
      [...page.body.matchAll(/name="([a-z0-9_.]+)" value="(direct|request)" checked/g)].map((match) => [match[1]!, match[2]!]),
    );
    const bad = await admin.post('/ville/gestion/parametres/fiche', { ...current, maxChildAge: 'douze' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Saisissez un nombre entier/);

    const family = await signIn(nina.email);
    const personId = await portal.inTenant(
      tenant,
      async ({ tx }) => (await tx.selectFrom('accounts').select('person_id').where('id', '=', nina.accountId).executeTakeFirstOrThrow()).person_id!,
    );
    await family.get(`/ville/mon-compte/personnes/${personId}/work`);
    const before = await family.post(`/ville/mon-compte/personnes/${personId}/work`, { 'adult.profession': 'Infirmière', 'adult.employer': '' });
    assert.match(String(before.headers.location), /enregistre=direct/);

    const saved = await admin.post('/ville/gestion/parametres/fiche', { ...current, 'adult.profession': 'request', maxChildAge: '14' });
    assert.equal(saved.headers.location, '/ville/gestion/parametres/fiche?fait=1');
    assert.match((await admin.follow(saved)).body, /Les paramètres sont enregistrés/);
    await family.get(`/ville/mon-compte/personnes/${personId}/work`);
    const after = await family.post(`/ville/mon-compte/personnes/${personId}/work`, { 'adult.profession': 'Médecin', 'adult.employer': '' });
    assert.match(String(after.headers.location), /enregistre=request/);
    const settings = await portal.inTenant(tenant, async ({ tx }) => (await tx.selectFrom('tenants').select('settings').executeTakeFirstOrThrow()).settings);
    assert.equal(settings.maxChildAge, 14);
    assert.equal(settings.fieldPolicies?.['adult.profession'], 'request');
    const audit = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select('details').where('action', '=', 'tenant.settings_changed').execute(),
    );
    assert.equal(audit.length, 1);
  });

  it('publishes news shown to families until their end date, and deletes them', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/actualites');
    const bad = await staff.post('/ville/gestion/actualites', { title: 'Inscriptions', body: '', expiresOn: '31/02/2026' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Ce champ est obligatoire/);
    assert.match(bad.body, /Saisissez une date valide/);
    assert.ok(bad.body.includes('value="Inscriptions"'));
    const published = await staff.post('/ville/gestion/actualites', {
      title: 'Inscriptions ouvertes',
      body: 'Pour les vacances de Noël.',
      expiresOn: '30/11/2026',
    });
    assert.equal(published.headers.location, '/ville/gestion/actualites?fait=publiee');
    const list = await staff.follow(published);
    assert.match(list.body, /Inscriptions ouvertes/);
    assert.match(list.body, /30\/11\/2026/);

    const asStaff = (scope: Scope): Scope => ({ ...scope, actor: { kind: 'staff', accountId: staffId, role: 'manager', label: 'Agent' } });
    portal.clock.advance(1000);
    await portal.inTenant(tenant, (scope) => publishNews(asStaff(scope), { title: 'Toujours là', body: 'Sans fin.' }, '2026-11-23'));
    const titles = (today: string) => portal.inTenant(tenant, async (scope) => (await currentNews(scope, today)).map((item) => item.title));
    assert.deepEqual(await titles('2026-11-30'), ['Toujours là', 'Inscriptions ouvertes']);
    assert.deepEqual(await titles('2026-12-01'), ['Toujours là']);

    const id = /actualites\/([0-9a-f-]{36})\/suppression/.exec(list.body)![1]!;
    const reader = await signIn('lecture@example.test');
    assert.equal((await reader.post(`/ville/gestion/actualites/${id}/suppression`, {})).statusCode, 403);
    const deleted = await staff.post(`/ville/gestion/actualites/${id}/suppression`, {});
    assert.equal(deleted.headers.location, '/ville/gestion/actualites?fait=supprimee');
    assert.deepEqual(await titles('2026-11-30'), ['Toujours là']);
  });

  it('shows news to families on their home page within their dates, and those open to everyone on the public page', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/actualites');
    const backwards = await staff.post('/ville/gestion/actualites', { title: 'Menu', body: 'Le menu.', startsOn: '10/12/2026', expiresOn: '01/12/2026' });
    assert.equal(backwards.statusCode, 400);
    assert.match(backwards.body, /La date de fin ne peut pas précéder la date de début/);
    assert.ok(backwards.body.includes('value="10/12/2026"'), 'what was typed is kept');
    const past = await staff.post('/ville/gestion/actualites', { title: 'Menu', body: 'Le menu.', expiresOn: '01/11/2026' });
    assert.match(past.body, /Cette date de fin est déjà passée/);
    const publish = (form: Record<string, string>) => {
      portal.clock.advance(1000);
      return staff.post('/ville/gestion/actualites', form);
    };
    assert.equal(
      (await publish({ title: 'Menu de décembre', body: 'Lundi : soupe.\nMardi : gratin.', startsOn: '01/12/2026', expiresOn: '31/12/2026', public: '1' }))
        .statusCode,
      302,
    );
    assert.equal((await publish({ title: 'Réunion des parents <script>alert(1)</script>', body: 'Jeudi à 18 h.' })).statusCode, 302);
    assert.match((await staff.get('/ville/gestion/actualites')).body, /Programmée/);

    const family = await signIn('nina@example.test');
    const anyone = new TestBrowser(portal.app);
    const home = await family.get('/ville/accueil');
    assert.match(home.body, /Actualités du service/);
    assert.ok(home.body.includes('Réunion des parents &lt;script>alert(1)&lt;/script>'), 'a title is shown as text');
    assert.doesNotMatch(home.body, /Menu de décembre/, 'not before its first day');
    assert.match((await anyone.get('/ville/actualites')).body, /Aucune actualité pour le moment/);

    portal.clock.advance(9 * 24 * 3600 * 1000);
    // Nine days on, the family signs in again (its session has ended).
    const later = (await (await signIn('nina@example.test')).get('/ville/accueil')).body;
    assert.ok(later.indexOf('Réunion des parents') < later.indexOf('Menu de décembre'), 'newest first, both shown');
    const publicPage = await anyone.get('/ville/actualites');
    assert.equal(publicPage.statusCode, 200);
    assert.match(publicPage.body, /Menu de décembre/);
    assert.match(publicPage.body, /Lundi : soupe/);
    assert.doesNotMatch(publicPage.body, /Réunion des parents/, 'news for families stay behind the login');
    assert.match((await anyone.get('/ville/actualites?lang=en')).body, /News — Ville Test/);
  });
});
