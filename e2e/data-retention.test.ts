import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// Data retention (RGPD): the administrator sets how long personal data is kept; a manager sees what
// closing a family's file does before confirming.
const { journey } = browserSuite();

journey('an administrator sets the keeping times, and a manager reads what closing a file does', async ({ baseUrl, open }) => {
  const admin = await open();
  await logIn(admin, baseUrl, 'admin@example.org', demoPassword('admin@example.org'), '/gestion');
  await followNav(admin, 'Conservation des données');
  assert.equal(await admin.locator('main h1').innerText(), 'Conservation des données');
  const connections = admin.getByLabel(/^Traces de connexion/);
  assert.equal(await connections.inputValue(), '12');
  await connections.fill('24');
  await admin.getByLabel(/^Messages/).fill('18');
  await submitWith(admin.getByRole('button', { name: 'Enregistrer les durées' }));
  assert.match(await admin.locator('#field-connectionMonths-error').innerText(), /entre 6 et 12/);
  assert.equal(await admin.getByLabel(/^Messages/).inputValue(), '18', 'what was typed is kept');
  await screenshot(admin, 'retention-error-desktop');
  await checkAccessibility(admin, 'retention settings with an error, desktop');
  await connections.fill('6');
  await submitWith(admin.getByRole('button', { name: 'Enregistrer les durées' }));
  assert.match(await admin.locator('main').innerText(), /Les durées de conservation sont enregistrées/);
  assert.equal(await admin.getByLabel(/^Messages/).inputValue(), '18');

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, 'gestion@example.org', demoPassword('gestion@example.org'), '/gestion');
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/foyers?q=martin`);
  await submitWith(phone.getByRole('link', { name: 'MARTIN Claire et Julien' }));
  await submitWith(phone.getByRole('link', { name: 'Clôturer le dossier' }));
  assert.match(await phone.locator('main').innerText(), /Ses comptes sur le portail sont désactivés[\s\S]*seront effacées le/);
  assert.ok((await scrollWidth(phone)) <= 360, 'the closing page fits a phone screen');
  await screenshot(phone, 'household-closure-phone');
  await checkAccessibility(phone, 'household closure, phone');
});
