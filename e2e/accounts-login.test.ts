import assert from 'node:assert/strict';
import { createFamily, PASSWORD } from '../test/support/scenario.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, loginAlert, loginFields, scriptsReady, submitLogin, submitWith } from './support/account-steps.js';

// The login page: the wrong-password message in both languages, the anti-robot check after three
// failures, the refusal of this browser's address after five and its end once the wait is over, on a
// desktop and a phone.
const { journey } = browserSuite();

journey(
  'a wrong password is announced in French, then in English after switching language, keeping the email typed',
  async ({ baseUrl, open, portal, demo }) => {
    const family = await createFamily(portal, demo, { email: 'alice.dupont@example.test' });
    const page = await open();
    await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    assert.equal(await page.locator('main h1').innerText(), 'Connexion');
    const fields = loginFields(page);
    await fields.email.pressSequentially(family.email);
    await fields.password.pressSequentially('Jardin-Bleu-41');
    await submitWith(fields.submit);

    const alert = loginAlert(page);
    assert.equal((await alert.innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
    // The message takes the focus, so a screen reader reads it at once.
    await page.waitForFunction(() => document.activeElement?.id === 'login-error');
    assert.equal(await fields.email.inputValue(), family.email);
    assert.equal(await fields.password.inputValue(), '', 'the password is never sent back');
    assert.equal(await page.getByText('Vérification anti-robot').count(), 0, 'one failure does not ask for the anti-robot check');
    await screenshot(page, 'accounts-login-wrong-password-desktop');
    await checkAccessibility(page, 'login with a wrong password, desktop');

    // The language switch keeps the person on the login page, now in English.
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/connexion?lang=en`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('main h1').innerText(), 'Log in');
    await fields.email.pressSequentially(family.email);
    await fields.password.pressSequentially('Jardin-Bleu-40');
    await submitWith(fields.submit);
    assert.equal((await alert.innerText()).trim(), 'Wrong email address or password.');
    assert.equal(await fields.email.inputValue(), family.email);
    await screenshot(page, 'accounts-login-wrong-password-desktop-en');
    await checkAccessibility(page, 'login with a wrong password in English, desktop');

    // An unknown address gets the very same answer: nothing tells whether an account exists.
    await fields.email.fill('nobody@example.test');
    await fields.password.fill('Jardin-Bleu-40');
    await submitWith(fields.submit);
    assert.equal((await alert.innerText()).trim(), 'Wrong email address or password.');
    assert.equal(await fields.email.inputValue(), 'nobody@example.test');

    // On a 360 px phone: the same message, nothing wider than the screen.
    const phone = await open({ viewport: 'phone' });
    await phone.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    assert.ok((await scrollWidth(phone)) <= 360, 'the login page scrolls sideways on a phone');
    await screenshot(phone, 'accounts-login-phone');
    await checkAccessibility(phone, 'login, phone');
    const phoneFields = loginFields(phone);
    await phoneFields.email.tap();
    await phoneFields.email.pressSequentially(family.email);
    await phoneFields.password.pressSequentially('Jardin-Bleu-39');
    await submitWith(phoneFields.submit, 'tap');
    assert.equal((await loginAlert(phone).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
    assert.equal(await phoneFields.email.inputValue(), family.email);
    assert.ok((await scrollWidth(phone)) <= 360);
    await screenshot(phone, 'accounts-login-wrong-password-phone');
    await checkAccessibility(phone, 'login with a wrong password, phone');
  },
);

journey(
  'three failures bring the anti-robot check, five refuse this address for a minute; once it is over the right password opens the family space',
  async ({ baseUrl, open, portal, demo }) => {
    const family = await createFamily(portal, demo, { email: 'bruno.petit@example.test', lastName: 'PETIT', firstName: 'Bruno', children: ['Lina'] });
    const page = await open();
    await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    const fields = loginFields(page);
    const robotCheck = page.getByRole('group', { name: /^Vérification anti-robot/ });
    const tryPassword = async (password: string) => {
      await fields.password.fill(password);
      await submitWith(fields.submit);
      await scriptsReady(page);
    };
    await fields.email.fill(family.email);

    for (const attempt of [1, 2]) {
      await tryPassword(`Mauvais-Essai-${attempt}`);
      assert.equal((await loginAlert(page).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
      assert.equal(await robotCheck.count(), 0, `no anti-robot check after ${attempt} failure(s)`);
    }
    await tryPassword('Mauvais-Essai-3');
    assert.equal((await loginAlert(page).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
    await robotCheck.waitFor();
    assert.equal(await robotCheck.locator('altcha-widget').getAttribute('auto'), 'onsubmit');
    await screenshot(page, 'accounts-login-altcha-desktop');
    await checkAccessibility(page, 'login with the anti-robot check, desktop');

    // The 4th try: the widget solves its challenge on submit, so the answer is about the password,
    // not "the anti-robot check did not complete".
    await tryPassword('Mauvais-Essai-4');
    assert.equal((await loginAlert(page).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
    assert.equal(await page.getByText('La vérification anti-robot n’a pas abouti').count(), 0);

    // The 5th failure refuses this address on the account, and says for how long.
    await tryPassword('Mauvais-Essai-5');
    const locked =
      'Trop de tentatives infructueuses depuis cet appareil ou ce réseau. Par sécurité, la connexion y est suspendue : réessayez dans 60 secondes.';
    assert.equal((await loginAlert(page).innerText()).trim(), locked);
    assert.equal(await fields.email.inputValue(), family.email);
    await screenshot(page, 'accounts-login-locked-desktop');
    await checkAccessibility(page, 'login locked, desktop');

    // Even the right password is refused from here while the wait lasts.
    portal.clock.advance(30_000);
    await tryPassword(family.password);
    assert.match((await loginAlert(page).innerText()).trim(), /suspendue : réessayez dans 30 secondes\.$/);

    // A minute after the 5th failure, the right password opens the family space; the widget solves itself on submit.
    portal.clock.advance(31_000);
    await robotCheck.waitFor();
    await fields.password.fill(PASSWORD);
    await fields.submit.click();
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
    assert.equal(await page.locator('main h1').innerText(), 'Bonjour Bruno PETIT !');
    assert.match(await page.getByRole('complementary', { name: 'Votre foyer' }).innerText(), /PETIT Bruno[\s\S]*Lina/);
    await screenshot(page, 'accounts-login-after-lock-family-home-desktop');
    await checkAccessibility(page, 'family home after the lock, desktop');
  },
);

journey(
  'logging out leads to the authority’s website; going back or reopening the family space asks to log in again',
  async ({ baseUrl, open, portal, demo }) => {
    const family = await createFamily(portal, demo, { email: 'chloe.roux@example.test', lastName: 'ROUX', firstName: 'Chloé' });
    const page = await open();
    // No network in tests: the authority's website is answered by the browser itself.
    await page.context().route('https://example.org/bellerive**', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="fr"><head><title>Ville de Bellerive-sur-Loire</title></head><body><main><h1>Site de la ville de Bellerive-sur-Loire</h1></main></body></html>',
      }),
    );
    await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    await submitLogin(page, family.email, family.password);
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mon compte' }).click();
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/mon-compte`);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL('https://example.org/bellerive');
    assert.equal(await page.locator('h1').innerText(), 'Site de la ville de Bellerive-sur-Loire');
    await screenshot(page, 'accounts-logout-website-desktop');

    // The back button shows no page of the family space: the page is asked for again, and the
    // server, whose session is closed, sends the login page.
    await page.goBack();
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/connexion?retour=%2Fmon-compte`);
    assert.equal(await page.locator('main h1').innerText(), 'Connexion');
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0);
    await screenshot(page, 'accounts-logout-back-button-desktop');
    await checkAccessibility(page, 'login page after going back, desktop');

    await page.goto(`${baseUrl}${DEMO_BASE}/accueil`);
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/connexion?retour=%2Faccueil`);
    assert.equal(await page.locator('main h1').innerText(), 'Connexion');

    // Logging in from there leads back to the page that was asked for.
    await submitLogin(page, family.email, family.password);
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
  },
);
