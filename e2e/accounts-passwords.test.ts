import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createFamily } from '../test/support/scenario.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';
import {
  DEMO_BASE,
  demoPassword,
  expectRules,
  linkFromDemoMailbox,
  logIn,
  maskedInOutbox,
  loginAlert,
  loginFields,
  scriptsReady,
  submitLogin,
  submitWith,
  TENANT_NAME,
} from './support/account-steps.js';

// Passwords: forgotten (a reset link read in the demo's mailbox, masked in the back office's outbox), changed from the account
// page, and the temporary password that must be changed at first login.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';

/** Fills the new password and its confirmation as a person types them. */
async function chooseNewPassword(page: Page, password: string, confirmation = password): Promise<void> {
  const form = page.locator('main form');
  await form.getByLabel(/^Nouveau mot de passe/).pressSequentially(password);
  await form.getByLabel(/^Confirmez le nouveau mot de passe/).pressSequentially(confirmation);
}

journey(
  'forgotten password: the reset link read in the demo mailbox sets a new password; the old one and the used link no longer work',
  async ({ baseUrl, open, portal, demo }) => {
    const family = await createFamily(portal, demo, { email: 'denis.leroy@example.test', lastName: 'LEROY', firstName: 'Denis' });
    const parent = await open();
    await parent.goto(`${baseUrl}${DEMO_BASE}/connexion`);
    await parent.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await parent.waitForURL(`${baseUrl}${DEMO_BASE}/mot-de-passe-oublie`);
    await scriptsReady(parent);
    assert.equal(await parent.locator('main h1').innerText(), 'Mot de passe oublié');
    await parent
      .locator('main form')
      .getByLabel(/^Adresse électronique/)
      .pressSequentially(family.email);
    // Here the person ticks the box before sending (on the other forms the widget works on submit).
    const widget = parent.locator('main altcha-widget');
    await widget.getByText('Je ne suis pas un robot').click();
    await widget.locator('[data-state="verified"]').waitFor();
    assert.ok((await parent.locator('main form input[name="altcha"]').inputValue()).length > 100, 'the widget put its solution into the form');
    await screenshot(parent, 'accounts-forgot-verified-desktop');
    await checkAccessibility(parent, 'forgotten password with the check done, desktop');
    await submitWith(parent.getByRole('button', { name: 'Recevoir le lien' }));
    const sent = parent.locator('main .fr-alert--success');
    assert.match(await sent.innerText(), /^Si un compte correspond à cette adresse, un courriel contenant un lien vient de lui être envoyé\./);
    await screenshot(parent, 'accounts-forgot-sent-desktop');
    await checkAccessibility(parent, 'forgotten password sent, desktop');

    // Staff see that a link left, never the link; the parent reads the mail in the demo's mailbox.
    const mail = { to: family.email, subject: `Nouveau mot de passe — ${TENANT_NAME}`, pathPart: '/reinitialiser/' };
    const staff = await open();
    await logIn(staff, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
    await maskedInOutbox(staff, baseUrl, { ...mail, screenshotAs: (page) => screenshot(page, 'accounts-outbox-reset-desktop').then(() => undefined) });
    const reset = await linkFromDemoMailbox(parent, baseUrl, mail);

    // The parent opens the link; two different passwords are refused, next to the field.
    await parent.goto(reset);
    await scriptsReady(parent);
    assert.equal(await parent.locator('main h1').innerText(), 'Choisir un nouveau mot de passe');
    await chooseNewPassword(parent, 'Riviere-Calme-58', 'Riviere-Calme-85');
    await expectRules(parent, { length: true, upper: true, lower: true, digit: true });
    await submitWith(parent.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    const summary = parent.locator('#error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /Confirmez le nouveau mot de passe/);
    assert.equal(await parent.locator('#field-confirm-error').innerText(), 'Les deux mots de passe saisis ne sont pas identiques.');
    assert.equal(await parent.locator('#field-confirm').getAttribute('aria-invalid'), 'true');
    await screenshot(parent, 'accounts-reset-mismatch-desktop');
    await checkAccessibility(parent, 'reset page with an error, desktop');

    await chooseNewPassword(parent, 'Riviere-Calme-58');
    await submitWith(parent.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    await parent.waitForURL(`${baseUrl}${DEMO_BASE}/connexion?motdepasse=1`);
    assert.equal(
      (await parent.locator('main .fr-alert--success').innerText()).trim(),
      'Votre mot de passe a été enregistré. Connectez-vous avec votre nouveau mot de passe.',
    );
    await screenshot(parent, 'accounts-reset-done-desktop');
    await checkAccessibility(parent, 'login after a reset, desktop');

    // The old password fails, the new one opens the family space.
    await submitLogin(parent, family.email, family.password);
    assert.equal((await loginAlert(parent).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
    await loginFields(parent).password.fill('Riviere-Calme-58');
    await submitWith(loginFields(parent).submit);
    await parent.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
    assert.equal(await parent.locator('main h1').innerText(), 'Bonjour Denis LEROY !');

    // The link has served.
    const later = await open();
    const response = await later.goto(reset);
    assert.equal(response?.status(), 410);
    assert.equal(
      (await later.locator('main .fr-alert--error').innerText()).trim(),
      'Ce lien n’est plus valable : il a déjà servi ou a expiré. Vous pouvez en demander un nouveau.',
    );
    assert.equal(await later.getByRole('link', { name: 'Demander un nouveau lien' }).getAttribute('href'), `${DEMO_BASE}/mot-de-passe-oublie`);
    await screenshot(later, 'accounts-reset-link-used-desktop');
    await checkAccessibility(later, 'used reset link, desktop');
  },
);

journey('password change from the account page: the current password is checked, the other open session is closed', async ({ baseUrl, open, portal, demo }) => {
  const family = await createFamily(portal, demo, { email: 'emma.fontaine@example.test', lastName: 'FONTAINE', firstName: 'Emma' });
  const NEW = 'Colline-Douce-64';
  const elsewhere = await open();
  await logIn(elsewhere, baseUrl, family.email, family.password, '/accueil');

  const page = await open();
  await logIn(page, baseUrl, family.email, family.password, '/accueil');
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mon compte' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mon-compte`);
  await page.getByRole('link', { name: 'Changer de mot de passe' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mot-de-passe`);
  await scriptsReady(page);
  assert.equal(await page.locator('main h1').innerText(), 'Changer de mot de passe');
  assert.equal(await page.locator('main .fr-alert--info').count(), 0, 'no temporary-password notice here');

  // A wrong current password is shown next to its field.
  const current = page.locator('main form').getByLabel(/^Mot de passe actuel/);
  await current.pressSequentially('Pas-Le-Bon-1');
  await chooseNewPassword(page, NEW);
  await submitWith(page.getByRole('button', { name: 'Changer le mot de passe' }));
  assert.equal(await page.locator('#field-current-error').innerText(), 'Le mot de passe actuel est incorrect.');
  assert.match(await page.locator('#error-summary').innerText(), /Mot de passe actuel/);
  await screenshot(page, 'accounts-change-wrong-current-desktop');
  await checkAccessibility(page, 'password change with an error, desktop');

  await current.pressSequentially(family.password);
  await chooseNewPassword(page, NEW);
  await expectRules(page, { length: true, upper: true, lower: true, digit: true });
  await submitWith(page.getByRole('button', { name: 'Changer le mot de passe' }));
  assert.equal(
    (await page.locator('main .fr-alert--success').innerText()).trim(),
    'Votre mot de passe a été changé. Vos autres connexions ouvertes ont été fermées.',
  );
  await screenshot(page, 'accounts-change-done-desktop');
  await checkAccessibility(page, 'password changed, desktop');

  // This session goes on; the other one is closed.
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Accueil' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
  await elsewhere.reload();
  await elsewhere.waitForURL(`${baseUrl}${DEMO_BASE}/connexion?retour=%2Faccueil`);

  // There: the old password fails, the new one works.
  await submitLogin(elsewhere, family.email, family.password);
  assert.equal((await loginAlert(elsewhere).innerText()).trim(), 'Adresse électronique ou mot de passe incorrect.');
  await loginFields(elsewhere).password.fill(NEW);
  await submitWith(loginFields(elsewhere).submit);
  await elsewhere.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
});

journey('a temporary password must be changed at first login before anything else', async ({ baseUrl, open }) => {
  const email = 'marc.dubois@example.org';
  const page = await open();
  await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  await submitLogin(page, email, demoPassword(email));
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mot-de-passe`);
  await scriptsReady(page);
  assert.equal(await page.locator('main h1').innerText(), 'Changer de mot de passe');
  assert.equal(
    (await page.locator('main .fr-alert--info').innerText()).trim(),
    'Vous vous connectez avec un mot de passe temporaire : choisissez votre propre mot de passe pour continuer.',
  );
  await screenshot(page, 'accounts-temporary-password-desktop');
  await checkAccessibility(page, 'temporary password to change, desktop');

  // The family space waits until the password is changed.
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mes enfants' }).click();
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/mot-de-passe`);

  const phone = await open({ viewport: 'phone' });
  await phone.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  await submitLogin(phone, email, demoPassword(email));
  await phone.waitForURL(`${baseUrl}${DEMO_BASE}/mot-de-passe`);
  await scriptsReady(phone);
  await screenshot(phone, 'accounts-temporary-password-phone');
  await checkAccessibility(phone, 'temporary password to change, phone');

  await page
    .locator('main form')
    .getByLabel(/^Mot de passe actuel/)
    .pressSequentially(demoPassword(email));
  await chooseNewPassword(page, 'Fleuve-Large-71');
  await submitWith(page.getByRole('button', { name: 'Changer le mot de passe' }));
  // Changed, the parent goes on to the home page, told it is done.
  await page.waitForURL(`${baseUrl}${DEMO_BASE}/accueil?motdepasse=1`);
  assert.match(await page.locator('main .fr-alert--success').innerText(), /Votre mot de passe a été changé\./);
  assert.equal(await page.locator('main .fr-alert--info').count(), 0, 'the temporary-password notice is gone');
  assert.equal(await page.locator('main h1').innerText(), 'Bonjour Marc DUBOIS !');
  assert.match(await page.getByRole('complementary', { name: 'Votre foyer' }).innerText(), /DUBOIS Marc[\s\S]*Enfants : Emma DUBOIS, Nathan DUBOIS/);
  await screenshot(page, 'accounts-temporary-password-changed-home-desktop');
  await checkAccessibility(page, 'family home after the temporary password, desktop');
});
