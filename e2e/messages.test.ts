import assert from 'node:assert/strict';
import { emailsTo, linkIn } from '../test/support/outbox.js';
import { CLAIRE, certificatePdf, familyLogIn, followNav, go, MANAGER, staffLogIn } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';

// Talking to the service (JOURNEYS.md): Claire Martin writes about Léa's meals with her PAI
// attached; the manager finds it in the inbox, takes it, and answers; Claire sees the unread count
// on her home page, reads the answer (signed with the team, not the manager's name) and replies.
// The emails of both sides say only that a message waits. Each page is screenshot and checked by axe.
const { journey } = browserSuite({ now: '2026-02-10T09:00:00Z' });

journey('a parent writes with an attachment, staff assign and answer, the parent reads and replies', async ({ open, baseUrl, portal, demo }) => {
  const parent = await open();
  await familyLogIn(parent, baseUrl, CLAIRE);
  await followNav(parent, 'Messagerie');
  await go(parent.getByRole('link', { name: 'Écrire au service' }));
  await checkAccessibility(parent, 'write to the service');

  // An empty message is refused next to its field, keeping the title typed.
  await parent.getByLabel('Sujet').selectOption({ label: 'Restauration scolaire (cantine, menus, allergies)' });
  await parent.getByLabel('Objet').fill('PAI de Léa <allergie>');
  await go(parent.getByRole('button', { name: 'Envoyer' }));
  assert.match(await parent.locator('#field-message-error').innerText(), /Ce champ est obligatoire/);
  assert.equal(await parent.getByLabel('Objet').inputValue(), 'PAI de Léa <allergie>');
  await screenshot(parent, 'messages-01-write-error');
  await checkAccessibility(parent, 'write to the service, with an error');

  await parent.getByLabel('Enfant concerné').selectOption({ label: 'Léa MARTIN' });
  await parent.getByLabel('Message *').fill('Bonjour,\nVoici le projet d’accueil individualisé de Léa (allergie aux arachides).\nMerci.');
  await parent.getByLabel('Pièce jointe').setInputFiles({ name: 'PAI Léa.pdf', mimeType: 'application/pdf', buffer: certificatePdf('PAI Lea MARTIN') });
  await go(parent.getByRole('button', { name: 'Envoyer' }));
  await parent.getByText('Votre message est envoyé.').waitFor();
  assert.equal(await parent.getByRole('heading', { level: 1 }).innerText(), 'PAI de Léa <allergie>');
  await parent.getByRole('link', { name: /Pièce jointe : PAI Léa\.pdf/ }).waitFor();
  await screenshot(parent, 'messages-02-sent');
  await checkAccessibility(parent, 'the thread just sent');
  const threadPath = new URL(parent.url()).pathname;

  // The service's email carries no word of the message.
  const toService = await emailsTo(portal, demo, 'enfance@example.org');
  assert.equal(toService.length, 1);
  assert.doesNotMatch(toService[0]!.text_body, /arachides|PAI/);

  // The manager finds it in the inbox, filters by team, opens it, takes it and answers.
  const staff = await open();
  await staffLogIn(staff, baseUrl, MANAGER);
  // The link says that one conversation waits (its badge is part of its name).
  await followNav(staff, 'Messagerie 1 en attente');
  await staff.getByLabel('Équipe').selectOption('Restauration scolaire');
  await go(staff.getByRole('button', { name: 'Filtrer' }));
  await screenshot(staff, 'messages-03-inbox');
  await checkAccessibility(staff, 'the service inbox');
  await go(staff.getByRole('link', { name: 'PAI de Léa <allergie>' }));
  await staff.getByLabel('Attribuer à').selectOption({ label: 'Paul Moreau' });
  await go(staff.getByRole('button', { name: 'Attribuer', exact: true }));
  await staff.getByText('La conversation est attribuée.').waitFor();
  assert.match(await staff.locator('.fr-badge').first().innerText(), /En cours/i);
  await staff.getByLabel('Message *').fill('Bonjour Madame Martin,\nLe PAI de Léa est enregistré : la cantine lui servira un repas sans arachides.');
  await go(staff.getByRole('button', { name: 'Envoyer la réponse' }));
  await staff.getByText('Votre réponse est envoyée').waitFor();
  await screenshot(staff, 'messages-04-answered');
  await checkAccessibility(staff, 'the thread answered by staff');

  const toFamily = await emailsTo(portal, demo, CLAIRE);
  const mail = toFamily.find((email) => email.subject === 'Un message du service vous attend');
  assert.ok(mail, 'Claire is told');
  assert.doesNotMatch(mail.text_body, /arachides|PAI/);
  assert.equal(linkIn(mail.text_body, '/demo/messages/'), threadPath);

  // Claire sees one unread message on her home page and beside Messagerie, reads it, and replies.
  await go(parent.getByRole('link', { name: 'Accueil', exact: true }));
  assert.match(await parent.locator('.pf-household').innerText(), /Messages non lus\s*:\s*1/);
  await parent.getByRole('navigation', { name: 'Menu principal' }).getByText('1 non lu', { exact: true }).waitFor();
  await screenshot(parent, 'messages-05-home-unread');
  await checkAccessibility(parent, 'home with an unread message');
  await parent.goto(`${baseUrl}${threadPath}`);
  await parent.getByText('De Restauration scolaire').waitFor();
  assert.equal(await parent.getByText('Paul Moreau').count(), 0, 'the family does not see the staff member’s name');
  await parent.getByLabel('Message *').fill('Merci beaucoup !');
  await go(parent.getByRole('button', { name: 'Envoyer la réponse' }));
  await parent.getByText('Votre réponse est envoyée.').waitFor();
  assert.match(await parent.locator('.pf-household').innerText(), /Messages non lus\s*:\s*0/);
  await screenshot(parent, 'messages-06-replied');
  await checkAccessibility(parent, 'the thread replied to');

  await go(staff.getByRole('link', { name: 'Retour à la messagerie' }));
  await staff.getByText('1 non lu', { exact: true }).waitFor();
  await screenshot(staff, 'messages-07-inbox-reply');
});
