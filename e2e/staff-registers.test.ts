import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';

// A manager at the desk: opens the Martins' file (bookings, requests, invoices), pages through
// every household with a filter, exports the children of an activity with their health notes and
// opens the printable list; the same pages on a phone. Each page is screenshot and checked by axe.
const { journey } = browserSuite();

const MANAGER = 'gestion@example.org';

journey('a manager pages through the households, filters them and reads a household’s whole file', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Foyers');
  const list = staff.getByRole('region', { name: /^Foyers, page 1 sur/ });
  assert.match(await staff.locator('main').innerText(), /\d+ foyers/);
  await screenshot(staff, 'staff-households-list-desktop');
  await checkAccessibility(staff, 'households list, desktop');

  // Sorted by balance, those who owe the most first; then only those with a request waiting.
  await submitWith(list.getByRole('link', { name: /^Solde/ }));
  await submitWith(staff.getByRole('region', { name: /triés par solde/ }).getByRole('link', { name: /^Solde/ }));
  assert.match(await staff.locator('main th[aria-sort="descending"]').innerText(), /^Solde/);
  await staff.getByText('Seulement les foyers qui ont une demande en attente').click();
  await submitWith(staff.getByRole('button', { name: 'Filtrer' }));
  assert.match(staff.url(), /attente=1/);
  assert.match(staff.url(), /tri=balance/);
  await screenshot(staff, 'staff-households-filtered-desktop');
  await checkAccessibility(staff, 'households list filtered, desktop');

  await staff.goto(`${baseUrl}${DEMO_BASE}/gestion/foyers`);
  await submitWith(staff.getByRole('region', { name: /^Foyers, page 1 sur/ }).getByRole('link', { name: 'MARTIN Claire et Julien' }));
  const main = staff.locator('main');
  assert.match(await main.getByRole('region', { name: 'En bref' }).innerText(), /2 enfants/);
  await submitWith(main.getByRole('link', { name: 'Mois précédent' }));
  const bookings = await main.getByRole('region', { name: /^Réservations de Léa MARTIN/ }).innerText();
  assert.match(bookings, /présent|absent/i);
  assert.match(await main.locator('#requests ~ div.fr-table').first().innerText(), /inscription|réservation/i);
  assert.match(await main.innerText(), /Factures et avoirs/);
  await screenshot(staff, 'staff-household-file-desktop', { fullPage: true });
  await checkAccessibility(staff, 'household file, desktop');
});

// The children of the canteen with their health notes: as a spreadsheet, then on paper.
journey('a manager exports the children of an activity with their health notes and prints the list', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  const main = staff.locator('main');
  await followNav(staff, 'Enfants par activité');
  await staff.getByLabel(/^Activité/).selectOption({ index: 1 });
  await submitWith(staff.getByRole('button', { name: 'Afficher' }));
  assert.match(await main.innerText(), /\d+ enfants?/);
  await screenshot(staff, 'staff-children-list-desktop');
  await checkAccessibility(staff, 'children list, desktop');
  const [download] = await Promise.all([staff.waitForEvent('download'), main.getByRole('link', { name: 'Télécharger la liste (CSV)' }).click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  assert.ok(csv.startsWith('\uFEFFActivité;Groupe;Nom;Prénom;'), 'a spreadsheet with its French headers');
  assert.match(download.suggestedFilename(), /\.csv$/);
  await submitWith(main.getByRole('link', { name: 'Version imprimable' }));
  assert.equal(await staff.locator('main form').count(), 0, 'no filter form on paper');
  await staff.emulateMedia({ media: 'print' });
  assert.equal(await staff.locator('.fr-header__menu').isVisible(), false, 'no navigation on paper');
  await screenshot(staff, 'staff-children-list-print', { fullPage: true });
  await staff.emulateMedia({ media: 'screen' });
  await checkAccessibility(staff, 'children list printable');
});

// On a phone: the wide tables scroll inside their own frame, the page does not.
journey('the households, the children of an activity and a household’s file fit a phone screen', async ({ baseUrl, open }) => {
  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/listes/enfants`);
  await phone.getByLabel(/^Activité/).selectOption({ index: 1 });
  await submitWith(phone.getByRole('button', { name: 'Afficher' }));
  const childrenList = new URL(phone.url());
  for (const [path, name] of [
    ['/gestion/foyers', 'staff-households-list-phone'],
    [childrenList.pathname.replace(DEMO_BASE, '') + childrenList.search, 'staff-children-list-phone'],
  ] as const) {
    await phone.goto(`${baseUrl}${DEMO_BASE}${path}`);
    assert.ok((await scrollWidth(phone)) <= 360, `${path} fits a phone screen`);
    await screenshot(phone, name);
    await checkAccessibility(phone, `${name}`);
  }
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/foyers`);
  await phone.getByRole('link', { name: 'MARTIN Claire et Julien' }).click();
  await phone.waitForLoadState();
  assert.ok((await scrollWidth(phone)) <= 360, 'the household file fits a phone screen');
  await screenshot(phone, 'staff-household-file-phone', { fullPage: true });
  await checkAccessibility(phone, 'household file, phone');
});
