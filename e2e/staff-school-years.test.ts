import assert from 'node:assert/strict';
import { DEMO_BASE, demoPassword, logIn, submitWith } from './support/account-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';

// A fresh install in December 2026: the shipped school holidays stop after the summer of 2026. The
// administrator reads it on the back office's home page, chooses to keep such days closed to the
// families' bookings until the ministry's calendar is imported, and finds the import from there.
const ADMIN = 'admin@example.org';
const { journey } = browserSuite({ now: '2026-12-06T09:00:00Z' });

journey('the administrator is told the school holidays are unknown, closes such days to bookings and finds the import', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  const warning = staff.locator('main .fr-alert--warning');
  assert.equal(await warning.locator('h2').innerText(), 'Vacances scolaires à importer');
  assert.match(await warning.innerText(), /vacances scolaires de 2026-2027 et 2027-2028 : chacun de leurs jours est pris pour un jour d’école/);
  await screenshot(staff, 'staff-school-years-dashboard-desktop');
  await checkAccessibility(staff, 'dashboard with unknown school years');

  await submitWith(warning.getByRole('link', { name: 'Choisir ce que les familles peuvent réserver en attendant' }));
  await staff.locator('label', { hasText: /^Réservations fermées/ }).click();
  await submitWith(staff.getByRole('button', { name: 'Enregistrer' }));
  assert.match(await staff.locator('main').innerText(), /Les informations de la collectivité sont enregistrées\./);

  await staff.goto(`${baseUrl}${DEMO_BASE}/gestion`);
  assert.match(await warning.innerText(), /les familles ne peuvent pas réserver les jours de ces années scolaires tant qu’elles ne sont pas importées/);
  await submitWith(warning.getByRole('link', { name: 'Importer le calendrier du ministère' }));
  assert.match(await staff.locator('main h1').innerText(), /Importer/);

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  assert.ok((await scrollWidth(phone)) <= 360, 'the warning fits a phone');
  await screenshot(phone, 'staff-school-years-dashboard-phone');
});
