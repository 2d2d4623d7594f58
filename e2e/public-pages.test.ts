import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSuite, checkAccessibility, scrollWidth, screenshot } from './support/browser.js';

// The demo authority's public pages: legal notice and accessibility statement, with the contact
// block and footer of every page, the language switch, a phone's width, and no JavaScript.
const { journey } = browserSuite();

const PAGES = [
  { path: '/demo/mentions-legales', name: 'legal-notice', fr: 'Mentions légales', en: 'Legal notice' },
  { path: '/demo/accessibilite', name: 'accessibility', fr: 'Déclaration d’accessibilité', en: 'Accessibility statement' },
];

async function heading(page: Page): Promise<string> {
  return (await page.locator('main h1').innerText()).trim();
}

/** The contact block and footer every page of a tenant carries, in French. */
async function assertContactAndFooter(page: Page): Promise<void> {
  const contact = page.getByRole('region', { name: 'Contacter le service' });
  await contact.waitFor();
  const text = await contact.innerText();
  assert.match(text, /Service Enfance-Jeunesse — Relais des enfants/);
  assert.match(text, /1 place de la Mairie, 00000 Bellerive-sur-Loire/);
  assert.match(text, /Lundi au vendredi/);
  assert.equal(await contact.getByRole('link', { name: '01 23 45 67 89' }).getAttribute('href'), 'tel:0123456789');
  assert.equal(await contact.getByRole('link', { name: 'enfance@example.org' }).getAttribute('href'), 'mailto:enfance@example.org');

  const footer = page.getByRole('contentinfo');
  assert.match(await footer.innerText(), /Démonstration : toutes les personnes et données de cette collectivité sont fictives/);
  assert.equal(await footer.getByRole('link', { name: 'Mentions légales' }).getAttribute('href'), '/demo/mentions-legales');
  assert.equal(await footer.getByRole('link', { name: 'Accessibilité : partiellement conforme' }).getAttribute('href'), '/demo/accessibilite');
  assert.equal(await footer.getByRole('link', { name: 'Site de la collectivité' }).getAttribute('href'), 'https://example.org/bellerive');
}

journey('legal notice and accessibility statement show their content, the contact block and the footer links', async ({ baseUrl, open }) => {
  const page = await open();
  await page.goto(`${baseUrl}/demo/mentions-legales`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await heading(page), 'Mentions légales');
  assert.match(await page.title(), /^Mentions légales — Ville de Bellerive-sur-Loire \(démonstration\)$/);
  assert.match(await page.locator('main').innerText(), /Ce service est édité par Ville de Bellerive-sur-Loire|Ville de Bellerive-sur-Loire/);
  assert.equal(await page.getByRole('heading', { level: 2, name: 'Éditeur du service' }).count(), 1);
  await assertContactAndFooter(page);
  await screenshot(page, 'legal-notice-desktop');
  await checkAccessibility(page, 'legal notice, desktop');

  // The footer link leads to the accessibility statement.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
  await page.waitForURL(`${baseUrl}/demo/accessibilite`);
  assert.equal(await heading(page), 'Déclaration d’accessibilité');
  assert.equal(await page.getByRole('heading', { level: 2, name: 'État de conformité' }).count(), 1);
  await assertContactAndFooter(page);
  await screenshot(page, 'accessibility-desktop');
  await checkAccessibility(page, 'accessibility statement, desktop');

  // Skip links are the first thing a keyboard reaches, and move the focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Aller au contenu');
  await screenshot(page, 'skip-links-desktop', { fullPage: false });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'content');
});

journey('the English link switches the page to English, the choice is remembered, ?lang=fr switches back', async ({ baseUrl, open }) => {
  const page = await open();
  await page.goto(`${baseUrl}/demo/mentions-legales`);
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(`${baseUrl}/demo/mentions-legales?lang=en`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await heading(page), 'Legal notice');
  assert.equal(await page.getByRole('region', { name: 'Contact the service' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Français' }).getAttribute('hreflang'), 'fr');
  await screenshot(page, 'legal-notice-desktop-en');
  await checkAccessibility(page, 'legal notice in English, desktop');

  // Remembered on the next page, reached without ?lang.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Accessibility: partially compliant' }).click();
  await page.waitForURL(`${baseUrl}/demo/accessibilite`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await heading(page), 'Accessibility statement');

  await page.goto(`${baseUrl}/demo/accessibilite?lang=fr`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await heading(page), 'Déclaration d’accessibilité');
  await page.goto(`${baseUrl}/demo/mentions-legales`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await heading(page), 'Mentions légales');
});

/** A link exists once, is visible and fits inside a 360 px screen. */
async function assertReachable(page: Page, name: string, where: string): Promise<void> {
  const link = page.getByRole('link', { name, exact: true }).filter({ visible: true });
  assert.equal(await link.count(), 1, `the link "${name}" should be visible once on a phone (${where})`);
  const box = await link.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the link "${name}" is outside the screen (${where}: ${JSON.stringify(box)})`);
}

journey('on a 360 px wide phone the pages do not scroll sideways and their links are usable', async ({ baseUrl, open }) => {
  const page = await open({ viewport: 'phone' });
  for (const target of PAGES) {
    await page.goto(`${baseUrl}${target.path}`);
    assert.equal(await heading(page), target.fr);
    const width = await scrollWidth(page);
    assert.ok(width <= 360, `${target.path} is ${width} px wide on a 360 px phone`);
    for (const name of ['Mentions légales', 'Accessibilité : partiellement conforme', '01 23 45 67 89', 'enfance@example.org']) {
      await assertReachable(page, name, target.path);
    }
    await screenshot(page, `${target.name}-phone`);
    await checkAccessibility(page, `${target.name}, phone`);
  }

  // On a phone the tool links (language, log in) are in the menu, as DSFR lays them out.
  // DSFR marks a menu button with data-fr-opened (not aria-expanded) and the open menu as a dialog.
  await page.locator('html[data-fr-js]').waitFor({ state: 'attached' });
  const menu = page.getByRole('button', { name: 'Menu' });
  assert.equal(await menu.getAttribute('data-fr-opened'), 'false');
  await menu.tap();
  const dialog = page.getByRole('dialog', { name: 'Menu' });
  await dialog.waitFor();
  assert.equal(await menu.getAttribute('data-fr-opened'), 'true');
  await assertReachable(page, 'English', 'menu open');
  await screenshot(page, 'accessibility-phone-menu', { fullPage: false });
  await checkAccessibility(page, 'accessibility statement, phone, menu open');
  await dialog.getByRole('link', { name: 'English' }).tap();
  await page.waitForURL(/\?lang=en$/);
  assert.equal(await heading(page), 'Accessibility statement');
  assert.ok((await scrollWidth(page)) <= 360);
  await screenshot(page, 'accessibility-phone-en');
  await checkAccessibility(page, 'accessibility statement in English, phone');
});

journey('the pages work with JavaScript disabled', async ({ baseUrl, open }) => {
  for (const viewport of ['desktop', 'phone'] as const) {
    const page = await open({ viewport, javaScript: false });
    await page.goto(`${baseUrl}/demo/mentions-legales`);
    assert.equal(await heading(page), 'Mentions légales');
    await assertContactAndFooter(page);
    await screenshot(page, `legal-notice-${viewport}-nojs`);
    await checkAccessibility(page, `legal notice, ${viewport}, no JavaScript`);

    await page.getByRole('contentinfo').getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
    await page.waitForURL(`${baseUrl}/demo/accessibilite`);
    assert.equal(await heading(page), 'Déclaration d’accessibilité');
    // Without JavaScript the menu cannot open: its links are shown inline, reachable on a phone too.
    if (viewport === 'phone') await assertReachable(page, 'English', 'phone without JavaScript');
    await page.getByRole('link', { name: 'English' }).filter({ visible: true }).click();
    await page.waitForURL(`${baseUrl}/demo/accessibilite?lang=en`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await heading(page), 'Accessibility statement');
    if (viewport === 'phone') assert.ok((await scrollWidth(page)) <= 360);
    await screenshot(page, `accessibility-${viewport}-nojs-en`);
    await checkAccessibility(page, `accessibility statement in English, ${viewport}, no JavaScript`);
  }
});
