import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, logIn } from './support/account-steps.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';

// The language switch inside the family space: navigation, household summary and contact block
// in English, remembered from page to page, and back to French.
const { journey } = browserSuite();

const CLAIRE = 'claire.martin@example.org';

const WORDS = {
  fr: {
    nav: 'Menu principal',
    links: ['Accueil', 'Mon compte', 'Mes enfants', 'Mes demandes'],
    household: 'Votre foyer',
    children: 'Enfants : Léa MARTIN, Hugo MARTIN',
    due: (euros: string) => `Restant dû : ${euros.replace('.', ',')} €`,
    contact: 'Contacter le service',
    contactLabels: ['Adresse', 'Téléphone', 'Courriel', 'Horaires'],
    welcome: 'Bonjour Claire MARTIN !',
    logout: 'Se déconnecter',
  },
  en: {
    nav: 'Main menu',
    links: ['Home', 'My account', 'My children', 'My requests'],
    household: 'Your household',
    children: 'Children: Léa MARTIN, Hugo MARTIN',
    due: (euros: string) => `Amount due: €${euros}`,
    contact: 'Contact the service',
    contactLabels: ['Address', 'Phone', 'Email', 'Opening hours'],
    welcome: 'Hello Claire MARTIN!',
    logout: 'Log out',
  },
};

/** The family space's frame in one language: navigation, household summary, contact block. */
/** `dueCents`: what the household owes, from its ledger (the demo's invoices). */
async function assertFrameIn(page: Page, lang: 'fr' | 'en', dueCents: number): Promise<void> {
  const words = WORDS[lang];
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  const nav = page.getByRole('navigation', { name: words.nav });
  for (const link of words.links) assert.equal(await nav.getByRole('link', { name: link, exact: true }).count(), 1, `the menu has no "${link}" (${lang})`);
  const household = page.getByRole('complementary', { name: words.household });
  const summary = (await household.innerText()).replace(/\s+/g, ' ');
  assert.match(summary, /MARTIN Claire et Julien/);
  assert.ok(summary.includes(words.children), `household summary in ${lang}: ${summary}`);
  assert.ok(summary.replace(/\u202f|\u00a0/g, ' ').includes(words.due((dueCents / 100).toFixed(2))), `amount due in ${lang}: ${summary}`);
  const contact = page.getByRole('region', { name: words.contact });
  const contactText = await contact.innerText();
  for (const label of words.contactLabels) assert.match(contactText, new RegExp(`^${label}$`, 'm'), `the contact block has no "${label}" (${lang})`);
  assert.equal(await page.getByRole('button', { name: words.logout }).filter({ visible: true }).count(), 1);
}

journey('the family space switches to English, stays in English from page to page, and back to French', async ({ baseUrl, open, portal, demo }) => {
  const claire = await portal.inTenant(demo, ({ tx }) =>
    tx.selectFrom('accounts').select('household_id').where('email', '=', CLAIRE).executeTakeFirstOrThrow(),
  );
  const due = await portal.inTenant(demo, ({ tx, tenantId }) => householdBalanceCents(tx, tenantId, claire.household_id!));
  const page = await open();
  await logIn(page, baseUrl, CLAIRE, demoPassword(CLAIRE), '/accueil');
  assert.equal(await page.locator('main h1').innerText(), WORDS.fr.welcome);
  await assertFrameIn(page, 'fr', due);

  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil?lang=en`);
  assert.equal(await page.locator('main h1').innerText(), WORDS.en.welcome);
  assert.match(await page.locator('main').innerText(), /Today is Monday, 23 November 2026\./);
  await assertFrameIn(page, 'en', due);
  await screenshot(page, 'accounts-family-home-desktop-en');
  await checkAccessibility(page, 'family home in English, desktop');

  // Remembered: the next page, reached through the menu, is in English too.
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'My account' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mon-compte`);
  assert.equal(await page.locator('main h1').innerText(), 'My account');
  await assertFrameIn(page, 'en', due);
  assert.equal(await page.getByRole('link', { name: 'Change password' }).count(), 1);
  await screenshot(page, 'accounts-family-account-desktop-en');
  await checkAccessibility(page, 'my account in English, desktop');

  await page.getByRole('link', { name: 'Français' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mon-compte?lang=fr`);
  assert.equal(await page.locator('main h1').innerText(), 'Mon compte');
  await assertFrameIn(page, 'fr', due);
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Accueil' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
  assert.equal(await page.locator('main h1').innerText(), WORDS.fr.welcome);
  await assertFrameIn(page, 'fr', due);
});

journey('on a 360 px phone the family space switches language from the menu', async ({ baseUrl, open }) => {
  const page = await open({ viewport: 'phone' });
  await logIn(page, baseUrl, CLAIRE, demoPassword(CLAIRE), '/accueil');
  assert.ok((await scrollWidth(page)) <= 360, 'the family home scrolls sideways on a phone');
  await screenshot(page, 'accounts-family-home-phone');
  await checkAccessibility(page, 'family home, phone');

  await page.locator('html[data-fr-js]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Menu' }).tap();
  const menu = page.getByRole('dialog', { name: 'Menu' });
  await menu.waitFor();
  // The menu holds the family navigation and the tool links.
  for (const link of WORDS.fr.links) assert.equal(await menu.getByRole('link', { name: link, exact: true }).count(), 1, `the phone menu has no "${link}"`);
  await screenshot(page, 'accounts-family-menu-phone', { fullPage: false });
  await checkAccessibility(page, 'family menu open, phone');
  await menu.getByRole('link', { name: 'English' }).tap();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil?lang=en`);
  assert.equal(await page.locator('main h1').innerText(), WORDS.en.welcome);
  assert.ok((await scrollWidth(page)) <= 360);
  await screenshot(page, 'accounts-family-home-phone-en');
  await checkAccessibility(page, 'family home in English, phone');
});
