import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, scriptsReady, submitWith } from './support/account-steps.js';

// The main navigation in DSFR menus: one line at 1280 px, menus that open and close under the
// strict CSP, the phone's menu, and every menu shown open when JavaScript is off.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';
const MANAGER = 'gestion@example.org';
const CLAIRE = 'claire.martin@example.org';

const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Menu principal' });

/**
 * Opens a menu of the navigation with its button, as a person would, once DSFR's script runs; on a
 * busy machine the script may still be starting and miss the first click: click again.
 */
async function openMenu(page: Page, name: string, how: 'click' | 'tap' = 'click'): Promise<void> {
  await scriptsReady(page);
  const button = mainNav(page).getByRole('button', { name, exact: true });
  for (let attempt = 1; ; attempt += 1) {
    if ((await button.getAttribute('aria-expanded')) !== 'true') await (how === 'tap' ? button.tap() : button.click());
    try {
      await mainNav(page).locator('.fr-nav__btn[aria-expanded="true"]', { hasText: name }).waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** The height of the navigation's bar: one line of entries is about 56 px on a wide screen. */
async function navHeight(page: Page): Promise<number> {
  const box = await page.locator('#navigation > .fr-nav__list').boundingBox();
  assert.ok(box, 'the navigation is not shown');
  return box.height;
}

journey('staff navigation fits one line and opens its menus, on a desktop', async ({ baseUrl, open }) => {
  const page = await open();
  await logIn(page, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  await scriptsReady(page);
  assert.ok((await navHeight(page)) < 70, `the navigation wraps: ${await navHeight(page)} px high`);
  const nav = mainNav(page);
  assert.deepEqual(
    await nav.locator('.fr-nav__list > .fr-nav__item').evaluateAll((items) => items.map((item) => item.firstElementChild?.textContent?.trim())),
    ['Tableau de bord', 'Familles', 'Activités et réservations', 'Facturation', 'Communication', 'Administration'],
  );
  // The dashboard's tiles, as the family home's: the figure on its own line, then where the tile leads.
  for (const tile of await page.locator('main .fr-tile').all()) {
    const figure = await tile.locator('.fr-tile__desc strong').boundingBox();
    const detail = await tile.locator('.fr-tile__detail').boundingBox();
    assert.ok(figure && detail && detail.y >= figure.y + figure.height - 1, `a tile's figure and link text share a line: ${await tile.innerText()}`);
  }
  await screenshot(page, 'navigation-staff-desktop', { fullPage: false });
  await checkAccessibility(page, 'staff dashboard with its menus closed, desktop');

  const families = nav.getByRole('button', { name: 'Familles' });
  assert.equal(await families.getAttribute('aria-expanded'), 'false', 'with scripts the menus start closed, and say so');
  assert.equal(await nav.getByRole('link', { name: 'Foyers' }).count(), 0, 'a closed menu hides its links');
  await openMenu(page, 'Familles');
  assert.equal(await families.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('link', { name: 'Demandes de compte' }).waitFor();
  await screenshot(page, 'navigation-staff-menu-open-desktop', { fullPage: false });
  await checkAccessibility(page, 'staff menu open, desktop');
  // Another menu opened closes the first.
  await openMenu(page, 'Administration');
  await nav.getByRole('link', { name: 'Paramètres' }).waitFor();
  await nav.getByRole('link', { name: 'Foyers' }).waitFor({ state: 'hidden' });
  await page.keyboard.press('Escape');

  await followNav(page, 'Foyers');
  assert.equal(await page.locator('main h1').innerText(), 'Foyers');
  assert.equal(await nav.getByRole('link', { name: 'Foyers', includeHidden: true }).getAttribute('aria-current'), 'page');
  assert.equal(await nav.getByRole('button', { name: 'Familles' }).getAttribute('aria-current'), 'true');
  assert.equal(await nav.getByRole('button', { name: 'Administration' }).getAttribute('aria-current'), null);
});

journey('managers do not see Paramètres', async ({ baseUrl, open }) => {
  const page = await open();
  await logIn(page, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  const nav = mainNav(page);
  await openMenu(page, 'Administration');
  await nav.getByRole('link', { name: 'Journal des actions' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Paramètres', includeHidden: true }).count(), 0);
});

journey('on a 360 px phone the menu button opens the navigation and its menus', async ({ baseUrl, open }) => {
  const page = await open({ viewport: 'phone' });
  await logIn(page, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await scriptsReady(page);
  assert.ok((await scrollWidth(page)) <= 360, 'the dashboard scrolls sideways on a phone');
  const nav = mainNav(page);
  assert.equal(await nav.isVisible(), false, 'the navigation waits behind the menu button');
  await page.getByRole('button', { name: 'Menu' }).tap();
  await nav.waitFor();
  await openMenu(page, 'Activités et réservations', 'tap');
  await nav.getByRole('link', { name: 'Présences' }).waitFor();
  await screenshot(page, 'navigation-staff-menu-phone', { fullPage: false });
  await checkAccessibility(page, 'staff menu open, phone');
  await submitWith(nav.getByRole('link', { name: 'Présences' }), 'tap');
  assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/gestion/presences`);
  assert.ok((await scrollWidth(page)) <= 360, 'the attendance page scrolls sideways on a phone');
});

journey('without JavaScript every menu is shown open, on a desktop and on a phone', async ({ baseUrl, open }) => {
  const desktop = await open({ javaScript: false });
  await logIn(desktop, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  const nav = mainNav(desktop);
  for (const name of ['Foyers', 'Demandes de compte', 'Calendrier', 'Courriels envoyés', 'Paramètres', 'Sécurité du compte']) {
    assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(), `"${name}" is hidden without JavaScript`);
  }
  // The menus are open, and their buttons claim no closed state.
  const menuButtons = nav.locator('.fr-nav__btn');
  assert.ok((await menuButtons.count()) > 0);
  for (const state of await menuButtons.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-expanded')))) assert.equal(state, null);
  assert.ok((await scrollWidth(desktop)) <= 1280);
  await screenshot(desktop, 'navigation-staff-desktop-no-js', { fullPage: false });
  await checkAccessibility(desktop, 'staff navigation without JavaScript, desktop');
  await submitWith(nav.getByRole('link', { name: 'Actualités' }));
  assert.equal(desktop.url(), `${baseUrl}${DEMO_BASE}/gestion/actualites`);
  assert.equal(await nav.getByRole('link', { name: 'Actualités' }).getAttribute('aria-current'), 'page');

  const phone = await open({ viewport: 'phone', javaScript: false });
  await logIn(phone, baseUrl, CLAIRE, demoPassword(CLAIRE), '/accueil');
  const familyNav = mainNav(phone);
  for (const name of ['Accueil', 'Mes enfants', 'Inscriptions', 'Planning du mois', 'Absences', 'Mes demandes']) {
    assert.ok(await familyNav.getByRole('link', { name, exact: true }).isVisible(), `"${name}" is hidden without JavaScript on a phone`);
  }
  assert.ok((await scrollWidth(phone)) <= 360, 'the family home scrolls sideways on a phone without JavaScript');
  await screenshot(phone, 'navigation-family-phone-no-js');
  await checkAccessibility(phone, 'family navigation without JavaScript, phone');
  await submitWith(familyNav.getByRole('link', { name: 'Planning du mois' }), 'tap');
  assert.equal(phone.url(), `${baseUrl}${DEMO_BASE}/reservations/planning`);
});

journey('families find their booking pages under Réservations', async ({ baseUrl, open }) => {
  const page = await open();
  await logIn(page, baseUrl, CLAIRE, demoPassword(CLAIRE), '/accueil');
  await scriptsReady(page);
  assert.ok((await navHeight(page)) < 70, 'the family navigation wraps');
  const nav = mainNav(page);
  await openMenu(page, 'Réservations');
  await nav.getByRole('link', { name: 'Absences' }).waitFor();
  await screenshot(page, 'navigation-family-menu-open-desktop', { fullPage: false });
  await checkAccessibility(page, 'family menu open, desktop');
  await submitWith(nav.getByRole('link', { name: 'Planning du mois' }));
  assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/reservations/planning`);
  assert.equal(await nav.getByRole('button', { name: 'Réservations' }).getAttribute('aria-current'), 'true');
});
