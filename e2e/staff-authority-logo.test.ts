import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { pngImage } from '../test/support/png-image.js';
import { checkAccessibility, browserSuite, screenshot, scrollWidth } from './support/browser.js';
import { demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// The authority's logo (issue #15): the administrator sends it on Administration → Collectivité,
// and every page's header shows it beside the authority's name, on a phone as on a computer.
const { journey } = browserSuite();

/** A tricolour emblem with a navy frame, larger than the header shows it: drawn here, not kept as a binary file. */
const EMBLEM = pngImage(600, 300, (x, y) => {
  if (x < 12 || x >= 588 || y < 12 || y >= 288) return [0, 0, 145];
  return x < 200 ? [0, 0, 145] : x < 400 ? [255, 255, 255] : [225, 0, 15];
});

/**
 * Whether the header's logo is there, its image really loaded (the CSP and its type let it
 * through), and shown within the DSFR's bounds for an operator's logo (145 × 72 px).
 */
async function headerLogoShown(page: Page): Promise<boolean> {
  const logo = page.locator('.fr-header__operator img');
  if ((await logo.count()) === 0) return false;
  const shown = await logo.evaluate((image: HTMLImageElement) => ({
    loaded: image.complete && image.naturalWidth === 600,
    box: image.getBoundingClientRect(),
  }));
  assert.ok(shown.box.width <= 145 && shown.box.height <= 72, `the logo is shown at ${shown.box.width} × ${shown.box.height} px`);
  return shown.loaded;
}

journey('an administrator sets the logo, every header shows it, and takes it off again', async ({ baseUrl, open }) => {
  const admin = await open();
  await logIn(admin, baseUrl, 'admin@example.org', demoPassword('admin@example.org'), '/gestion');
  await followNav(admin, 'Collectivité');
  assert.match(await admin.locator('main').innerText(), /Aucun logo/);
  const field = admin.getByLabel(/^Logo de la collectivité/);

  await field.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><p>pas une image</p>') });
  await submitWith(admin.getByRole('button', { name: 'Envoyer le logo' }));
  assert.equal(await admin.locator('#field-logo-error').innerText(), 'Choisissez une image PNG, JPEG ou WebP.');
  assert.match(await admin.locator('#error-summary').innerText(), /Logo de la collectivité/);
  await checkAccessibility(admin, 'authority page with a refused logo, desktop');

  await field.setInputFiles({ name: 'blason.png', mimeType: 'image/png', buffer: EMBLEM });
  await submitWith(admin.getByRole('button', { name: 'Envoyer le logo' }));
  assert.match(await admin.locator('main').innerText(), /Le logo est enregistré/);
  assert.ok(await headerLogoShown(admin), 'the staff header shows the logo');
  await screenshot(admin, 'authority-logo-staff-desktop');
  await checkAccessibility(admin, 'authority page with its logo, desktop');

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, 'claire.martin@example.org', demoPassword('claire.martin@example.org'), '/accueil');
  assert.ok(await headerLogoShown(phone), 'the family header shows the logo on a phone');
  assert.ok((await scrollWidth(phone)) <= 360, 'the header with its logo fits a phone screen');
  await screenshot(phone, 'authority-logo-family-phone', { fullPage: false });
  await checkAccessibility(phone, 'family home with the logo, phone');

  const family = await open();
  await logIn(family, baseUrl, 'claire.martin@example.org', demoPassword('claire.martin@example.org'), '/accueil');
  assert.ok(await headerLogoShown(family), 'the family header shows the logo on a computer');
  await screenshot(family, 'authority-logo-family-desktop', { fullPage: false });

  await submitWith(admin.getByRole('link', { name: 'Retirer le logo' }));
  assert.match(await admin.locator('main').innerText(), /Le logo ne sera plus affiché en tête des pages/);
  await checkAccessibility(admin, 'logo removal confirmation, desktop');
  await submitWith(admin.getByRole('button', { name: 'Supprimer définitivement' }));
  assert.match(await admin.locator('main').innerText(), /Le logo est retiré\./);
  assert.equal(await headerLogoShown(admin), false);
});
