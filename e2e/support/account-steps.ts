import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { DEMO_LOGINS } from '../../src/demo/demo-authority.js';
import { PAGE_LOAD_MS } from './browser.js';

/**
 * Steps shared by the journeys of getting in (e2e/accounts-*.test.ts, e2e/staff-two-factor.test.ts):
 * what a person does on the login page, and what staff do to read a mail kept in the outbox.
 * Every step goes through the page as a person would: labels, buttons and links by their names.
 */

/** The demo authority lives under this path prefix when reached by address (127.0.0.1). */
export const DEMO_BASE = '/demo';
export const TENANT_NAME = 'Ville de Bellerive-sur-Loire (démonstration)';

export function demoPassword(email: string): string {
  const login = DEMO_LOGINS.find((entry) => entry.email === email);
  assert.ok(login, `no demo login for ${email}`);
  return login.password;
}

/** The login form's fields, by their French or English labels. */
export function loginFields(page: Page): { email: Locator; password: Locator; submit: Locator } {
  const form = page.locator('main form');
  return {
    email: form.getByLabel(/^(Adresse électronique|Email address)/),
    password: form.getByLabel(/^(Mot de passe|Password) \*$/),
    submit: form.getByRole('button', { name: /^(Se connecter|Log in)$/ }),
  };
}

/**
 * Clicks (or taps) a form's button and waits for the page the server answers with, even when it is
 * at the same address (a form sent back with errors). A form with the anti-robot widget is sent by
 * the widget once it has solved its challenge: the wait covers that too.
 */
export async function submitWith(button: Locator, how: 'click' | 'tap' = 'click'): Promise<void> {
  const page = button.page();
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: PAGE_LOAD_MS });
  await (how === 'tap' ? button.tap() : button.click());
  await navigated;
  await page.waitForLoadState();
}

/** Types the email and password into the open login page and sends it; waits for the next page. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  const fields = loginFields(page);
  await fields.email.fill(email);
  await fields.password.fill(password);
  await submitWith(fields.submit);
}

/**
 * Follows a link of the main navigation as a person would: on a phone the menu button first, then
 * the menu that holds the link (Familles, Réservations…) when it is closed; waits for the new page.
 * Without JavaScript every menu is shown open and the link is simply followed.
 */
export async function followNav(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: /^(Menu principal|Main menu)$/ });
  const link = nav.getByRole('link', { name, exact: true, includeHidden: true }).first();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await revealNavLink(page, link, name);
      // Counted from before the click, which may itself wait up to 5 s for a menu still moving.
      const started = navigationStarted(page, 15_000);
      await link.click({ timeout: 5_000 }).catch((error: unknown) => {
        started.catch(() => undefined);
        throw error;
      });
      // A slow answer is waited for; only a click that started no navigation is tried again.
      await started;
      await page.waitForLoadState('load', { timeout: PAGE_LOAD_MS });
      return;
    } catch (error) {
      // On a busy machine DSFR's script may still be settling and fold the menu under the click.
      const missed = error instanceof Error && error.name === 'TimeoutError';
      if (attempt >= 3 || !missed) throw error;
    }
  }
}

/** Opens the menu button (on a phone) and the menu holding the link, until the link shows. */
async function revealNavLink(page: Page, link: Locator, name: string): Promise<void> {
  if (await link.isVisible()) return;
  // The buttons open through DSFR's script: a click before it has started does nothing.
  await scriptsReady(page);
  const opener = page.locator('#button-menu');
  // A menu left open by an attempt that timed out covers its own button: clicking it again would wait in vain.
  if ((await opener.isVisible()) && (await opener.getAttribute('data-fr-opened')) !== 'true') await opener.click();
  if (!(await link.isVisible())) {
    const nav = page.getByRole('navigation', { name: /^(Menu principal|Main menu)$/ });
    await nav
      .locator('.fr-nav__item')
      .filter({ has: page.getByRole('link', { name, exact: true, includeHidden: true }) })
      .locator('.fr-nav__btn')
      .click();
  }
  await link.waitFor({ state: 'visible', timeout: 3_000 });
}

/** Resolves when the main frame starts loading a new document (the request is sent). */
function navigationStarted(page: Page, timeout: number): Promise<unknown> {
  return page.waitForEvent('request', { predicate: (request) => request.isNavigationRequest() && request.frame() === page.mainFrame(), timeout });
}

/** Opens the login page and logs in; `landing` is the path (under /demo) expected afterwards. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string, landing: string): Promise<void> {
  await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  await submitLogin(page, email, password);
  await page.waitForURL(`${baseUrl}${DEMO_BASE}${landing}`);
}

/** The login page's error message, announced to screen readers (role=alert). */
export function loginAlert(page: Page): Locator {
  return page.locator('main').getByRole('alert');
}

/** Logs out with the header's button (the one visible at this width). */
export async function logOut(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /^(Se déconnecter|Log out)$/ })
    .filter({ visible: true })
    .first()
    .click();
}

/**
 * Staff open the outbox from the back office's navigation and the newest mail to `to` with this
 * subject: it says a single-use link was sent, and holds no link to `pathPart`.
 */
export async function maskedInOutbox(
  staff: Page,
  baseUrl: string,
  options: { to: string; subject: string; pathPart: string; screenshotAs?: (page: Page) => Promise<void> },
): Promise<void> {
  await followNav(staff, 'Courriels envoyés');
  await staff.waitForURL(`${baseUrl}${DEMO_BASE}/gestion/courriels`);
  await openMail(staff, options.to, options.subject, /\/gestion\/courriels\/[0-9a-f-]{36}$/);
  await options.screenshotAs?.(staff);
  const text = staff.locator('main .fr-highlight');
  assert.match(await text.innerText(), /secret à usage unique, lisible par son seul destinataire/);
  assert.equal(await text.getByRole('link').filter({ hasText: options.pathPart }).count(), 0, `the outbox shows a link to ${options.pathPart}`);
}

/**
 * Anybody opens the demonstration's mailbox from the footer, opens the newest mail to `to` with this
 * subject, and returns the address of the link inside it that leads to `pathPart`.
 */
export async function linkFromDemoMailbox(
  page: Page,
  baseUrl: string,
  options: { to: string; subject: string; pathPart: string; screenshotAs?: (page: Page) => Promise<void> },
): Promise<string> {
  await page.getByRole('contentinfo').getByRole('link', { name: 'Courrier de la démonstration' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/courrier-demo`);
  await openMail(page, options.to, options.subject, new RegExp(`${DEMO_BASE}/courrier-demo/[0-9a-f-]{36}$`));
  await options.screenshotAs?.(page);
  const link = page.locator('main .fr-highlight').getByRole('link').filter({ hasText: options.pathPart });
  assert.equal(await link.count(), 1, `the mail should hold one link to ${options.pathPart}`);
  const address = await link.getAttribute('href');
  assert.ok(address, 'the link has no address');
  // The link shown is the address itself, and leads to this portal (PUBLIC_URL is the test's address).
  assert.equal((await link.innerText()).trim(), address);
  assert.ok(address.startsWith(`${baseUrl}${DEMO_BASE}${options.pathPart}`), `unexpected link ${address}`);
  return address;
}

/** In a list of mail, opens the newest one to `to` with this subject. */
async function openMail(page: Page, to: string, subject: string, lands: RegExp): Promise<void> {
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
  await row.getByRole('link', { name: subject, exact: true }).click();
  await page.waitForURL(lands);
  assert.equal(await page.locator('main h1').innerText(), subject);
  assert.match(await page.locator('main dl').innerText(), new RegExp(to.replace(/[.]/g, '\\.')));
}

/** The live password rules under a new-password field: each rule's name and whether it shows as met. */
export async function passwordRuleStates(page: Page): Promise<Record<string, boolean>> {
  return page.locator('#password-rules [data-rule]').evaluateAll((elements) =>
    Object.fromEntries(
      elements.map((element) => {
        const met = element.classList.contains('fr-message--valid');
        const spoken = element.querySelector('[data-rule-state]')?.textContent ?? '';
        // What a screen reader hears agrees with what the eye sees.
        const saysUnmet = /non respecté|not met/.test(spoken);
        if (spoken === '' || met === saysUnmet)
          throw new Error(`rule ${element.getAttribute('data-rule')} looks ${met ? 'met' : 'unmet'} but says "${spoken}"`);
        return [element.getAttribute('data-rule') ?? '?', met];
      }),
    ),
  );
}

/** Waits until the rules show exactly `expected` (the script updates them on each key). */
export async function expectRules(page: Page, expected: Record<string, boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  let seen: Record<string, boolean> = {};
  while (Date.now() < deadline) {
    seen = await passwordRuleStates(page);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await page.waitForTimeout(50);
  }
  assert.deepEqual(seen, expected, 'the password rules do not show what was typed');
}

/** Waits for the page's scripts to have run (DSFR marks <html>; the password rules and ALTCHA load after). */
export async function scriptsReady(page: Page): Promise<void> {
  await page.locator('html[data-fr-js]').waitFor({ state: 'attached' });
}
