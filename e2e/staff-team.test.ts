import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// An administrator runs the team: invites a colleague, then changes the colleague's role.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';

journey('an administrator invites a colleague and changes the role', async ({ baseUrl, open }) => {
  const admin = await open();
  await logIn(admin, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  await followNav(admin, 'Équipe');
  assert.equal(await admin.locator('main h1').innerText(), 'Équipe');
  await screenshot(admin, 'staff-team-desktop');
  await checkAccessibility(admin, 'team, desktop');

  await admin.getByRole('link', { name: 'Inviter un collègue' }).click();
  const form = admin.locator('main form');
  await form.getByLabel(/^Nom/).fill('Inès Renfort');
  await form.getByLabel(/^Adresse électronique/).fill('ines.renfort@example.org');
  await form.getByText(/^Lecture seule/).click();
  await screenshot(admin, 'staff-team-invite-desktop');
  await checkAccessibility(admin, 'team invitation, desktop');
  await submitWith(form.getByRole('button', { name: 'Envoyer l’invitation' }));
  assert.match(await admin.locator('main').innerText(), /L’invitation est envoyée[\s\S]*Lecture seule[\s\S]*Invité/i);

  await admin.getByLabel(/^Rôle/).selectOption('manager');
  await submitWith(admin.getByRole('button', { name: 'Enregistrer le rôle' }));
  assert.match(await admin.locator('main').innerText(), /Le rôle est changé[\s\S]*Gestionnaire/);
  await screenshot(admin, 'staff-team-member-desktop');
  await checkAccessibility(admin, 'team member, desktop');

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
  await phone.goto(`${baseUrl}/demo/gestion/equipe`);
  assert.ok((await scrollWidth(phone)) <= 360, 'the team page fits a phone screen');
  await screenshot(phone, 'staff-team-phone');
  await checkAccessibility(phone, 'team, phone');
});
