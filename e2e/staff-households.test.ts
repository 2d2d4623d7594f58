import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// Staff at their desk: find a household, create one from the paper form (warned of a duplicate
// first), accept a family's address change from the inbox, publish a news item, and set which
// fields families change directly. Every page is screenshot and checked with axe.
const { journey } = browserSuite();

const MANAGER = 'gestion@example.org';
const ADMIN = 'admin@example.org';
const PARENT = 'claire.martin@example.org';

journey('staff find and create households, and decide a family’s request', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Foyers');
  await staff.getByLabel(/^Rechercher un foyer/).fill('léa');
  await submitWith(staff.getByRole('button', { name: 'Rechercher' }));
  const hits = staff.locator('main table');
  assert.match(await hits.locator('caption').innerText(), /1 foyer pour « léa »/);
  await screenshot(staff, 'staff-households-search-desktop');
  await checkAccessibility(staff, 'household search, desktop');

  await submitWith(hits.getByRole('link', { name: 'MARTIN Claire et Julien' }));
  assert.equal(await staff.locator('main h1').innerText(), 'MARTIN Claire et Julien');
  assert.match(await staff.locator('main').innerText(), /Léa MARTIN/);
  await screenshot(staff, 'staff-household-page-desktop');
  await checkAccessibility(staff, 'household page, desktop');

  // The paper form of a family already known: the service is warned before creating it twice.
  await staff.goto(`${baseUrl}${DEMO_BASE}/gestion/foyers/nouveau`);
  const form = staff.locator('main form');
  await form.getByLabel(/^Adresse \*/).fill('8 rue des Tilleuls');
  await form.getByLabel(/^Code postal/).fill('00000');
  await form.getByLabel(/^Commune/).fill('Bellerive-sur-Loire');
  const guardian = form.getByRole('group', { name: 'Premier responsable' });
  await guardian.getByLabel(/^Prénom/).fill('Julien');
  await guardian.getByLabel(/^Nom \*/).fill('Martin');
  await guardian.getByLabel(/^Adresse électronique/).fill('julien.martin@example.test');
  await guardian.getByLabel(/^Téléphone portable/).fill('06 98 76 54 32');
  await guardian.getByLabel('Qualité').selectOption('father');
  const child = form.getByRole('group', { name: 'Enfant 1' });
  await child.getByLabel(/^Prénom/).fill('Léa');
  await child.getByLabel(/^Nom \*/).fill('MARTIN');
  await child.getByLabel(/^Date de naissance/).fill('12/04/2018');
  await screenshot(staff, 'staff-household-paper-form-desktop');
  await checkAccessibility(staff, 'paper form, desktop');
  await submitWith(form.getByRole('button', { name: 'Créer le foyer' }));
  const warning = staff.locator('main .fr-alert--warning');
  assert.match(await warning.innerText(), /Ce foyer existe peut-être déjà/);
  assert.match(await warning.innerText(), /MARTIN Claire et Julien .* même téléphone, même enfant/);
  await screenshot(staff, 'staff-household-duplicate-desktop');
  await checkAccessibility(staff, 'duplicate warning, desktop');
  await submitWith(staff.getByRole('button', { name: 'Créer quand même' }));
  assert.equal(await staff.locator('main h1').innerText(), 'MARTIN Julien');
  assert.match(await staff.locator('main').innerText(), /Invitation en attente/i);

  // A parent asks for a new address; staff accept it from the inbox.
  const parent = await open();
  await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await parent.goto(`${baseUrl}${DEMO_BASE}/mon-compte/foyer/address`);
  await parent
    .locator('main form')
    .getByLabel(/^Adresse \*/)
    .fill('14 avenue de la Gare');
  await submitWith(parent.getByRole('button', { name: 'Enregistrer' }));

  await followNav(staff, 'Demandes des familles');
  const row = staff.locator('main tbody tr', { hasText: 'MARTIN Claire et Julien' });
  assert.match(await row.innerText(), /8 rue des Tilleuls\s*→\s*14 avenue de la Gare/);
  await screenshot(staff, 'staff-requests-inbox-desktop');
  await checkAccessibility(staff, 'requests inbox, desktop');
  await submitWith(row.getByRole('button', { name: 'Accepter' }));
  assert.match(await staff.locator('main .fr-alert--success').innerText(), /MARTIN Claire et Julien — Modification de la fiche : acceptée/);

  await parent.goto(`${baseUrl}${DEMO_BASE}/mes-demandes`);
  assert.match(await parent.locator('main').innerText(), /Acceptée/i);

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/demandes`);
  assert.ok((await scrollWidth(phone)) <= 360, 'the inbox fits a phone screen');
  await screenshot(phone, 'staff-requests-inbox-phone');
  await checkAccessibility(phone, 'requests inbox, phone');
});

/** A day some weeks after today, as staff type it (the demo runs on the real clock). */
function weeksAhead(weeks: number): string {
  const day = new Date(Date.now() + weeks * 7 * 24 * 3600 * 1000);
  return `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
}

journey('staff publish news, families see them, and the admin sets which fields families change directly', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  await followNav(staff, 'Actualités');
  const form = staff.locator('main form').first();
  await form.getByLabel(/^Titre/).fill('Inscriptions aux vacances d’hiver');
  await form.getByLabel(/^Texte/).fill('Les inscriptions sont ouvertes.\nPensez à mettre à jour le dossier.');
  await form.getByLabel(/^Date de fin/).fill(weeksAhead(4));
  await form.getByText(/^Tout le monde/).click();
  await submitWith(form.getByRole('button', { name: 'Publier' }));
  assert.match(await staff.locator('main').innerText(), /L’actualité est publiée/);
  await screenshot(staff, 'staff-news-desktop');
  await checkAccessibility(staff, 'news, desktop');

  // A parent finds it on the home page; anyone on the public news page of the footer.
  const parent = await open({ viewport: 'phone' });
  await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  const news = parent.getByRole('region', { name: 'Actualités du service' });
  assert.match(await news.innerText(), /Inscriptions aux vacances d’hiver[\s\S]*Pensez à mettre à jour le dossier/);
  await screenshot(parent, 'family-home-news-phone');
  await checkAccessibility(parent, 'family home with news, phone');
  const visitor = await open();
  await visitor.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  await visitor.getByRole('contentinfo').getByRole('link', { name: 'Actualités' }).click();
  await visitor.waitForURL(`${baseUrl}${DEMO_BASE}/actualites`);
  assert.match(await visitor.locator('main').innerText(), /Inscriptions aux vacances d’hiver/);
  await screenshot(visitor, 'public-news-desktop');
  await checkAccessibility(visitor, 'public news, desktop');

  await followNav(staff, 'Paramètres');
  await staff.getByRole('group', { name: 'Profession', exact: true }).getByText('Soumis à validation').click();
  await screenshot(staff, 'staff-record-settings-desktop');
  await checkAccessibility(staff, 'record settings, desktop');
  await submitWith(staff.getByRole('button', { name: 'Enregistrer' }));
  assert.match(await staff.locator('main').innerText(), /Les paramètres sont enregistrés/);
});
