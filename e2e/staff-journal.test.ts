import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// The journal answers "who did this": a manager filters it by kind and follows one object's history.
const { journey } = browserSuite();

journey('a manager reads the journal of bookings and follows one booking’s history', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, 'gestion@example.org', demoPassword('gestion@example.org'), '/gestion');
  await followNav(staff, 'Journal des actions');
  assert.equal(await staff.locator('main h1').innerText(), 'Journal des actions');
  await staff.getByLabel('Type').selectOption('bookings');
  await submitWith(staff.getByRole('button', { name: 'Filtrer' }));
  const rows = staff.locator('main tbody tr');
  assert.ok((await rows.count()) > 0, 'the demo’s bookings are in the journal');
  assert.match(await rows.first().innerText(), /Réservation : |Inscription|Absence|Présences/);
  await screenshot(staff, 'staff-journal-desktop');
  await checkAccessibility(staff, 'journal, desktop');

  await submitWith(rows.first().getByRole('link', { name: 'Voir son historique' }));
  assert.match(await staff.locator('main').innerText(), /Seulement ce qui concerne/);
  assert.ok((await rows.count()) > 0);

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, 'gestion@example.org', demoPassword('gestion@example.org'), '/gestion');
  await phone.goto(`${baseUrl}/demo/gestion/journal?type=bookings`);
  assert.ok((await scrollWidth(phone)) <= 360, 'the journal fits a phone screen; its table scrolls inside');
  await screenshot(phone, 'staff-journal-phone');
  await checkAccessibility(phone, 'journal, phone');
});
