import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';
import {
  DEMO_BASE,
  demoPassword,
  expectRules,
  followNav,
  linkFromDemoMailbox,
  logIn,
  maskedInOutbox,
  scriptsReady,
  TENANT_NAME,
} from './support/account-steps.js';

// First access of a family unknown to the service: the account request (anti-robot check solved by
// the browser), its acceptance by staff, the invitation mail (masked in the back office's outbox, read whole in the demo's mailbox), and
// the password chosen on the invitation page with the rules ticked off live.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';
const PARENT = { firstName: 'Élodie', lastName: 'Garnier', email: 'elodie.garnier@example.test' };
const NEW_PASSWORD = 'Prairie-Verte-37';

journey('first login with an invitation link: account request, acceptance, outbox mail, password chosen, family space', async ({ baseUrl, open }) => {
  // 1. A visitor asks for an account; the widget solves its challenge when the form is sent.
  const visitor = await open();
  await visitor.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  await visitor.getByRole('link', { name: 'Faire une demande de compte' }).click();
  await visitor.waitForURL(`${baseUrl}${DEMO_BASE}/demande-de-compte`);
  await scriptsReady(visitor);
  const form = visitor.locator('main form');
  await form.getByLabel('Civilité').selectOption('mme');
  await form.getByLabel(/^Prénom/).pressSequentially(PARENT.firstName);
  await form.getByLabel(/^Nom \*/).pressSequentially(PARENT.lastName);
  await form.getByLabel(/^Adresse électronique/).pressSequentially(PARENT.email);
  await form.getByLabel(/^Téléphone/).fill('06 11 22 33 44');
  await form.getByLabel(/^Adresse$/).fill('4 rue Haute');
  await form.getByLabel(/^Code postal/).fill('00000');
  await form.getByLabel(/^Commune/).fill('Bellerive-sur-Loire');
  await form.getByLabel(/^Vos enfants/).fill('Jules GARNIER, 12/03/2019');
  const widget = form.locator('altcha-widget');
  assert.equal(await widget.getAttribute('auto'), 'onsubmit');
  await screenshot(visitor, 'accounts-signup-filled-desktop');
  await checkAccessibility(visitor, 'account request form, desktop');
  await form.getByRole('button', { name: 'Envoyer ma demande' }).click();
  // The widget holds the submission, works, then sends the form with its solution.
  await visitor.getByRole('heading', { level: 1, name: 'Votre demande est envoyée' }).waitFor();
  assert.match(await visitor.locator('main').innerText(), new RegExp(`Vous recevrez sa réponse à l’adresse ${PARENT.email}`));
  await screenshot(visitor, 'accounts-signup-sent-desktop');
  await checkAccessibility(visitor, 'account request sent, desktop');

  // 2. Staff log in and accept the request.
  const staff = await open();
  await logIn(staff, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  await followNav(staff, 'Demandes de compte');
  await staff.waitForURL(`${baseUrl}${DEMO_BASE}/gestion/demandes-de-compte`);
  const card = staff.getByRole('article', { name: `${PARENT.firstName} ${PARENT.lastName.toUpperCase()}` });
  assert.match(await card.innerText(), /06 11 22 33 44/);
  assert.match(await card.innerText(), /Jules GARNIER, 12\/03\/2019/);
  await screenshot(staff, 'accounts-staff-requests-desktop');
  await checkAccessibility(staff, 'account requests, desktop');
  await card.getByRole('button', { name: 'Accepter' }).click();
  const notice = staff.locator('main .fr-alert--success');
  await notice.waitFor();
  assert.match(await notice.innerText(), /La demande de Élodie GARNIER est acceptée : le compte est créé et le lien d’activation envoyé\./);
  assert.match(await staff.locator('main').innerText(), /Aucune demande en attente\./);
  await screenshot(staff, 'accounts-staff-request-accepted-desktop');
  await checkAccessibility(staff, 'account request accepted, desktop');

  // 3. Staff see in the outbox that an invitation left, without its link; the parent reads it in the
  //    demonstration's mailbox (a real authority sends it by email) and follows it.
  const mail = { to: PARENT.email, subject: `Activez votre compte du portail famille — ${TENANT_NAME}`, pathPart: '/invitation/' };
  await maskedInOutbox(staff, baseUrl, {
    ...mail,
    screenshotAs: async (page) => {
      await screenshot(page, 'accounts-outbox-invitation-desktop');
      await checkAccessibility(page, 'invitation mail in the outbox, desktop');
    },
  });
  const parent = await open();
  await parent.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  const invitation = await linkFromDemoMailbox(parent, baseUrl, {
    ...mail,
    screenshotAs: async (page) => {
      await screenshot(page, 'accounts-demo-mailbox-invitation-desktop');
      await checkAccessibility(page, 'invitation mail in the demonstration mailbox, desktop');
    },
  });

  // 4. The parent follows the link.
  await parent.goto(invitation);
  await scriptsReady(parent);
  assert.equal(await parent.locator('main h1').innerText(), 'Activer votre compte');
  assert.match(
    await parent.locator('main').innerText(),
    new RegExp(`Bienvenue Élodie GARNIER ! Choisissez le mot de passe de votre compte ${PARENT.email}\\.`),
  );
  const password = parent.locator('main form').getByLabel(/^Nouveau mot de passe/);
  const confirm = parent.locator('main form').getByLabel(/^Confirmez le nouveau mot de passe/);
  await expectRules(parent, { length: false, upper: false, lower: false, digit: false });
  await screenshot(parent, 'accounts-invitation-empty-desktop');
  await password.pressSequentially('prairie');
  await expectRules(parent, { length: false, upper: false, lower: true, digit: false });
  await password.pressSequentially('-Verte');
  await expectRules(parent, { length: true, upper: true, lower: true, digit: false });
  await password.pressSequentially('-37');
  await expectRules(parent, { length: true, upper: true, lower: true, digit: true });
  assert.equal(await password.inputValue(), 'prairie-Verte-37');
  // Back to an empty field: every rule shows unmet again.
  await password.fill('');
  await password.pressSequentially('x');
  await expectRules(parent, { length: false, upper: false, lower: true, digit: false });
  await password.fill('');
  await password.pressSequentially(NEW_PASSWORD);
  await expectRules(parent, { length: true, upper: true, lower: true, digit: true });
  await confirm.pressSequentially(NEW_PASSWORD);
  await screenshot(parent, 'accounts-invitation-rules-met-desktop');
  await checkAccessibility(parent, 'invitation page with the rules met, desktop');
  await parent.getByRole('button', { name: 'Activer mon compte' }).click();

  // 5. Signed in at once, in the family space of the new household.
  await parent.waitForURL(`${baseUrl}${DEMO_BASE}/accueil`);
  assert.equal(await parent.locator('main h1').innerText(), 'Bonjour Élodie GARNIER !');
  const household = parent.getByRole('complementary', { name: 'Votre foyer' });
  assert.match(await household.innerText(), /GARNIER Élodie/);
  assert.ok(await household.getByText('GARNIER Élodie').isVisible());
  await screenshot(parent, 'accounts-invitation-family-home-desktop');
  await checkAccessibility(parent, 'family home after the invitation, desktop');

  // The link has served: opened again, it says so.
  const again = await open();
  const response = await again.goto(invitation);
  assert.equal(response?.status(), 410);
  assert.match(await again.locator('main').innerText(), /Ce lien d’activation n’est plus valable/);
});
