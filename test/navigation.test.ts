import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** The main navigation as served: its menus (DSFR fr-nav__btn + fr-menu) and their links. */
function navigationOf(html: string) {
  const nav = /<nav class="fr-nav" id="navigation"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
  const items = [...nav.matchAll(/<li class="fr-nav__item">([\s\S]*?)<\/li>(?=<li class="fr-nav__item">|<\/ul><\/nav>)/g)].map((match) => match[1]!);
  return items.map((item) => {
    const button =
      /<button type="button" class="fr-nav__btn" data-menu="([^"]+)"( aria-current="true")?>([^<]+)<\/button><div class="fr-collapse fr-menu" id="([^"]+)"><ul class="fr-menu__list">/.exec(
        item,
      );
    const links = [...item.matchAll(/<a class="fr-nav__link" href="([^"]+)"(?: aria-current="([^"]+)")?>([^<]+)<\/a>/g)].map((link) => ({
      href: link[1]!,
      current: link[2] ?? null,
      label: link[3]!,
    }));
    if (button) assert.equal(button[1], button[4], 'the button controls its menu');
    return { menu: button ? button[3]! : null, menuCurrent: Boolean(button?.[2]), links };
  });
}

describe('main navigation: DSFR menus, the current page, links by role', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test' });
    family = await createFamily(portal, tenant, { email: 'parent@example.test' });
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
    await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin' });
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  it('shows the contact block only for an authority that gave a way to reach its service', async () => {
    const silent = await new TestBrowser(portal.app).get('/ville/connexion');
    assert.doesNotMatch(silent.body, /Contacter le service/, 'no heading over nothing');
    await portal.addTenant({ slug: 'bourg', name: 'Bourg Test', contact_phone: '02 33 44 55 66' });
    const reachable = await new TestBrowser(portal.app).get('/bourg/connexion');
    assert.match(reachable.body, /<h2 class="fr-h5" id="contact-title">Contacter le service<\/h2>/);
    assert.match(reachable.body, /<a href="tel:0233445566">02 33 44 55 66<\/a>/);
  });

  it('groups the back office’s pages in six entries, and marks the page and its menu as current', async () => {
    const staff = await signIn('agent@example.test');
    const page = await staff.get(`/ville/gestion/foyers/${family.householdId}`);
    assert.equal(page.statusCode, 200);
    const nav = navigationOf(page.body);
    assert.deepEqual(
      nav.map((item) => item.menu ?? item.links[0]!.label),
      ['Tableau de bord', 'Familles', 'Activités et réservations', 'Facturation', 'Communication', 'Administration'],
    );
    assert.deepEqual(
      nav[1]!.links.map((link) => link.label),
      ['Foyers', 'Enfants par activité', 'Demandes des familles', 'Demandes de compte'],
    );
    assert.deepEqual(
      nav[2]!.links.map((link) => link.label),
      ['Activités', 'Places et listes d’attente', 'Validations', 'Présences', 'Calendrier', 'Types de documents'],
    );
    assert.deepEqual(
      nav[3]!.links.map((link) => link.label),
      ['Vue d’ensemble', 'Factures', 'Paiements', 'Tarifs', 'Régies'],
    );
    assert.deepEqual(
      nav[4]!.links.map((link) => link.label),
      ['Messagerie', 'Modèles de réponse', 'Actualités', 'Documents publiés', 'Documents à vérifier', 'Courriels envoyés'],
    );
    // A household's file lies under Foyers: the link and its menu show where staff are.
    assert.deepEqual(
      nav.map((item) => item.menuCurrent),
      [false, true, false, false, false, false],
    );
    assert.deepEqual(
      nav[1]!.links.map((link) => link.current),
      ['true', null, null, null],
    );
    assert.equal(nav[0]!.links[0]!.current, null, 'the dashboard is current on its own page only');

    const list = navigationOf((await staff.get('/ville/gestion/foyers')).body);
    assert.equal(list[1]!.links[0]!.current, 'page');
    const requests = navigationOf((await staff.get('/ville/gestion/demandes-de-compte')).body);
    assert.deepEqual(
      requests[1]!.links.map((link) => link.current),
      [null, null, null, 'page'],
      'Demandes des familles is not a prefix of Demandes de compte',
    );
    const dashboard = navigationOf((await staff.get('/ville/gestion')).body);
    assert.equal(dashboard[0]!.links[0]!.current, 'page');
    assert.ok(dashboard.every((item) => !item.menuCurrent));
  });

  it('shows Équipe and Paramètres to administrators only, the only ones who may open them', async () => {
    const settingsLink = (html: string) => navigationOf(html)[5]!.links.map((link) => link.label);
    for (const email of ['agent@example.test', 'lecture@example.test']) {
      const staff = await signIn(email);
      assert.deepEqual(settingsLink((await staff.get('/ville/gestion')).body), ['Journal des actions', 'Sécurité du compte'], email);
      assert.equal((await staff.get('/ville/gestion/parametres/fiche')).statusCode, 403);
      assert.equal((await staff.get('/ville/gestion/equipe')).statusCode, 403);
      assert.equal((await staff.get('/ville/gestion/parametres/collectivite')).statusCode, 403);
    }
    const admin = await signIn('admin@example.test');
    const page = await admin.get('/ville/gestion/parametres/fiche');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(settingsLink(page.body), [
      'Collectivité',
      'Équipe',
      'Paramètres',
      'Sujets des messages',
      'Conservation des données',
      'Journal des actions',
      'Sécurité du compte',
    ]);
    assert.equal(navigationOf(page.body)[5]!.menuCurrent, true);
  });

  it('gives families their pages at the top, the booking pages under one Réservations menu and the money pages under another', async () => {
    const parent = await signIn('parent@example.test');
    const page = await parent.get('/ville/reservations/planning');
    assert.equal(page.statusCode, 200);
    const nav = navigationOf(page.body);
    assert.deepEqual(
      nav.map((item) => item.menu ?? item.links[0]!.label),
      ['Accueil', 'Mon compte', 'Mes enfants', 'Réservations', 'Mes demandes', 'Messagerie', 'Mes documents', 'Factures et paiements'],
    );
    assert.deepEqual(
      nav[3]!.links.map((link) => [link.href, link.label, link.current]),
      [
        ['/ville/inscriptions', 'Inscriptions', null],
        ['/ville/reservations', 'Réservations', null],
        ['/ville/reservations/planning', 'Planning du mois', 'page'],
        ['/ville/absences', 'Absences', null],
      ],
    );
    assert.equal(nav[3]!.menuCurrent, true);
    assert.deepEqual(
      nav[7]!.links.map((link) => [link.href, link.label]),
      [
        ['/ville/mes-factures', 'Mes factures'],
        ['/ville/releve', 'Relevé de compte'],
        ['/ville/mes-paiements', 'Mes paiements'],
        ['/ville/attestations', 'Attestations'],
      ],
    );
    assert.equal(nav[7]!.menuCurrent, false);
    const money = navigationOf((await parent.get('/ville/releve')).body);
    assert.equal(money[7]!.menuCurrent, true);
    assert.deepEqual(
      money[7]!.links.map((link) => link.current),
      [null, 'page', null, null],
    );

    const english = navigationOf((await parent.get('/ville/mon-compte?lang=en')).body);
    assert.deepEqual(
      english.map((item) => item.menu ?? item.links[0]!.label),
      ['Home', 'My account', 'My children', 'Bookings', 'My requests', 'Messages', 'My documents', 'Invoices and payments'],
    );
    assert.equal(english[1]!.links[0]!.current, 'page');
    assert.ok(english.every((item) => !item.menuCurrent));
  });
});
