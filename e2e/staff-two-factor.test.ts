import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, logOut, scriptsReady, submitLogin, submitWith } from './support/account-steps.js';

// Staff two-factor authentication: enabled from the security page with the key it shows (what an
// authenticator app would read), then asked at the next login, where a wrong code is refused.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';

journey(
  'an administrator enables TOTP, and the next login asks for the code: a wrong one is refused next to the field, the right one opens the back office',
  async ({ baseUrl, open, portal }) => {
    const page = await open();
    // Logging out leads to the authority's website, answered here since tests have no network.
    await page.context().route('https://example.org/**', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="fr"><title>Bellerive</title><h1>Bellerive-sur-Loire</h1></html>',
      }),
    );
    await logIn(page, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
    await followNav(page, 'Sécurité du compte');
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/gestion/securite`);
    assert.match(await page.locator('main').innerText(), /La double authentification n’est pas activée\./);
    await submitWith(page.getByRole('button', { name: 'Activer la double authentification' }));
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/gestion/securite`);

    // The page shows the QR code and the same key to type by hand, in groups of four.
    assert.equal(await page.getByRole('img', { name: 'QR code à scanner avec votre application d’authentification' }).count(), 1);
    const shownKey = (await page.locator('main code').innerText()).trim();
    assert.match(shownKey, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const app = new TOTP({ secret: Secret.fromBase32(shownKey.replace(/\s+/g, '')) });
    const codeAt = (time: Date) => app.generate({ timestamp: time.getTime() });
    await screenshot(page, 'accounts-totp-enrolment-desktop');
    await checkAccessibility(page, 'two-factor enrolment, desktop');

    const enrolCode = codeAt(portal.clock.now());
    await page
      .locator('main form')
      .getByLabel(/^Code à 6 chiffres/)
      .pressSequentially(`${enrolCode.slice(0, 3)} ${enrolCode.slice(3)}`);
    await submitWith(page.getByRole('button', { name: 'Activer', exact: true }));
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/gestion/securite?fait=active`);
    assert.equal(
      (await page.locator('main .fr-alert--success').innerText()).trim(),
      'La double authentification est activée : le code vous sera demandé à votre prochaine connexion.',
    );
    assert.match(await page.locator('main').innerText(), /La double authentification est activée depuis le lundi 23 novembre 2026\./);
    await screenshot(page, 'accounts-totp-enabled-desktop');
    await checkAccessibility(page, 'two-factor enabled, desktop');

    await logOut(page);
    await page.waitForURL('https://example.org/bellerive');

    // Thirty seconds later (a code serves once), the next login asks for the code.
    portal.clock.advance(30_000);
    await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    await submitLogin(page, ADMIN, demoPassword(ADMIN));
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/connexion/code`);
    await scriptsReady(page);
    assert.equal(await page.locator('main h1').innerText(), 'Code de vérification');
    await screenshot(page, 'accounts-totp-code-desktop');
    await checkAccessibility(page, 'second factor, desktop');

    // Nothing of the back office opens before the code is given.
    await page.goto(`${baseUrl}${DEMO_BASE}/gestion/courriels`);
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/connexion/code`);

    const now = portal.clock.now();
    const valid = new Set([-30_000, 0, 30_000].map((shift) => codeAt(new Date(now.getTime() + shift))));
    const wrong = ['111111', '222222', '333333', '444444'].find((code) => !valid.has(code))!;
    const field = page.locator('main form').getByLabel(/^Code à 6 chiffres/);
    await field.pressSequentially(wrong);
    await submitWith(page.getByRole('button', { name: 'Valider le code' }));
    assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/connexion/code`);
    const error = page.locator('#field-code-error');
    assert.equal((await error.innerText()).trim(), 'Ce code n’est pas valide ou a déjà servi. Saisissez le code affiché en ce moment par votre application.');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match((await field.getAttribute('aria-describedby')) ?? '', /field-code-error/);
    assert.equal(await field.inputValue(), '', 'a wrong code is not given back');
    assert.match(await page.locator('#error-summary').innerText(), /Code à 6 chiffres/);
    await screenshot(page, 'accounts-totp-wrong-code-desktop');
    await checkAccessibility(page, 'second factor with a wrong code, desktop');

    await field.pressSequentially(codeAt(now));
    await submitWith(page.getByRole('button', { name: 'Valider le code' }));
    await page.waitForURL(`${baseUrl}${DEMO_BASE}/gestion`);
    assert.equal(await page.locator('main h1').innerText(), 'Tableau de bord');
    assert.match(await page.locator('main').innerText(), /Bonjour Nadia Lefèvre\./);
    await screenshot(page, 'accounts-totp-back-office-desktop');
    await checkAccessibility(page, 'back office after the code, desktop');
  },
);
