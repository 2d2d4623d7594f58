import assert from 'node:assert/strict';
import { saveTemplate } from '../src/modules/messages/answer-templates.js';
import { listSubjects } from '../src/modules/messages/subjects.js';
import { startThread } from '../src/modules/messages/threads.js';
import { asStaff, CLAIRE, familyLogIn, followNav, go, MANAGER, staffLogIn } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';

// Answering faster (issue #14): the manager keeps an answer template for the canteen team; a parent
// writes; the back office's header and home page say, in words, that a conversation waits; the
// manager opens it from the header, fills the answer with the template after a greeting typed first,
// sends it, and the count goes back to none. A read-only colleague reads the templates only; the
// template is deleted after its confirmation page. Each page is screenshot and checked by axe.
const { journey } = browserSuite({ now: '2026-02-10T09:00:00Z' });

const READER = 'lecture@example.org';
const TEMPLATE_TEXT = 'Les menus du mois sont publiés dans « Mes documents ». Les repas sans arachides sont signalés par un pictogramme.';

journey('staff keep an answer template, see the waiting count in the header, and answer with the template', async ({ open, baseUrl }) => {
  const staff = await open();
  await staffLogIn(staff, baseUrl, MANAGER);
  const header = staff.locator('.fr-header__tools-links');
  assert.equal(await header.getByRole('link', { name: 'Aucune conversation en attente' }).count(), 1);

  await followNav(staff, 'Modèles de réponse');
  await staff.getByText('Aucun modèle de réponse pour le moment.').waitFor();
  await go(staff.getByRole('link', { name: 'Ajouter un modèle' }));
  await staff.getByLabel('Nom du modèle').fill('Menus et allergies');
  await staff.getByLabel('Équipe').selectOption('Restauration scolaire');
  await go(staff.getByRole('button', { name: 'Enregistrer' }));
  // The empty text is refused next to its field; the name and team typed stay.
  assert.match(await staff.locator('#field-body-error').innerText(), /Ce champ est obligatoire/);
  assert.equal(await staff.getByLabel('Nom du modèle').inputValue(), 'Menus et allergies');
  assert.equal(await staff.getByLabel('Équipe').inputValue(), 'Restauration scolaire');
  await screenshot(staff, 'answer-templates-01-form-error');
  await checkAccessibility(staff, 'answer template form with an error');
  await staff.getByLabel('Texte de la réponse *').fill(TEMPLATE_TEXT);
  await go(staff.getByRole('button', { name: 'Enregistrer' }));
  await staff.getByRole('cell', { name: 'Restauration scolaire' }).waitFor();
  await screenshot(staff, 'answer-templates-02-list');
  await checkAccessibility(staff, 'answer templates list');

  // Claire writes about the canteen.
  const parent = await open();
  await familyLogIn(parent, baseUrl, CLAIRE);
  await followNav(parent, 'Messagerie');
  await go(parent.getByRole('link', { name: 'Écrire au service' }));
  await parent.getByLabel('Sujet').selectOption({ label: 'Restauration scolaire (cantine, menus, allergies)' });
  await parent.getByLabel('Objet').fill('Menus de février');
  await parent.getByLabel('Message *').fill('Bonjour, où trouver les menus de février ?');
  await go(parent.getByRole('button', { name: 'Envoyer' }));
  await parent.getByText('Votre message est envoyé.').waitFor();

  // The back office says it on its header, beside Messagerie and on its home page.
  await go(staff.getByRole('link', { name: 'Tableau de bord' }));
  await header.getByRole('link', { name: 'Conversations en attente : 1' }).waitFor();
  assert.match(await staff.getByRole('button', { name: /^Communication/ }).innerText(), /1 en attente/i);
  assert.match(await staff.locator('.fr-tile', { hasText: 'Conversations en attente du service' }).innerText(), /\n?1\n/);
  await screenshot(staff, 'answer-templates-03-header-count');
  await checkAccessibility(staff, 'dashboard with a conversation waiting');

  await go(header.getByRole('link', { name: 'Conversations en attente : 1' }));
  await staff.getByText('Seules les conversations en attente du service sont listées').waitFor();
  await go(staff.getByRole('link', { name: 'Menus de février' }));
  await staff.getByLabel('Message *').fill('Bonjour Madame Martin,');
  await staff.getByLabel('Modèle de réponse').selectOption({ label: 'Menus et allergies' });
  await go(staff.getByRole('button', { name: 'Utiliser ce modèle' }));
  await staff.getByText('Le modèle « Menus et allergies » est ajouté à la réponse').waitFor();
  assert.equal(await staff.getByLabel('Message *').inputValue(), `Bonjour Madame Martin,\n\n${TEMPLATE_TEXT}`);
  await screenshot(staff, 'answer-templates-04-filled');
  await checkAccessibility(staff, 'answer filled with a template');
  await go(staff.getByRole('button', { name: 'Envoyer la réponse' }));
  await staff.getByText('Votre réponse est envoyée').waitFor();
  await header.getByRole('link', { name: 'Aucune conversation en attente' }).waitFor();

  // A read-only colleague reads the templates but is offered no change.
  const reader = await open();
  await staffLogIn(reader, baseUrl, READER);
  await followNav(reader, 'Modèles de réponse');
  await reader.getByText('Votre rôle permet de lire les modèles').waitFor();
  assert.equal(await reader.getByRole('link', { name: 'Ajouter un modèle' }).count(), 0);
  assert.equal(await reader.getByRole('link', { name: /Supprimer/ }).count(), 0);
  await screenshot(reader, 'answer-templates-05-read-only');
  await checkAccessibility(reader, 'answer templates, read-only');

  // Deleting asks first.
  await followNav(staff, 'Modèles de réponse');
  await go(staff.getByRole('link', { name: 'Supprimer — Menus et allergies' }));
  await staff.getByText('ne sera plus proposé').waitFor();
  await screenshot(staff, 'answer-templates-06-delete-confirm');
  await checkAccessibility(staff, 'answer template deletion confirmation');
  await go(staff.getByRole('button', { name: /Supprimer/ }));
  await staff.getByText('Aucun modèle de réponse pour le moment.').waitFor();
});

journey('without JavaScript, the template fills the answer and keeps what was typed', async ({ open, baseUrl, portal, demo }) => {
  await asStaff(portal, demo, MANAGER, (scope) =>
    saveTemplate(scope, null, { name: 'Accusé de réception', team: '', body: 'Nous avons bien reçu votre demande.' }),
  );
  const household = await portal.inTenant(demo, async ({ tx }) =>
    tx.selectFrom('households').select('id').where('name', 'like', '%MARTIN%').executeTakeFirstOrThrow(),
  );
  const subjectId = (await portal.inTenant(demo, (scope) => listSubjects(scope)))[0]!.id;
  await asStaff(portal, demo, MANAGER, (scope) =>
    startThread(scope, household.id, { subjectId, childId: undefined, title: 'Rappel', body: 'Pensez au dossier.', file: null, fileTooLarge: false }),
  );
  const staff = await open({ javaScript: false });
  await staffLogIn(staff, baseUrl, MANAGER);
  await staff.goto(`${baseUrl}/demo/gestion/messages`);
  await go(staff.getByRole('link', { name: 'Rappel' }));
  await staff.getByLabel('Message *').fill('Bonjour,');
  await staff.getByLabel('Modèle de réponse').selectOption({ label: 'Accusé de réception' });
  await go(staff.getByRole('button', { name: 'Utiliser ce modèle' }));
  assert.equal(await staff.getByLabel('Message *').inputValue(), 'Bonjour,\n\nNous avons bien reçu votre demande.');
  assert.equal(await staff.getByText('Choisissez à nouveau le fichier').count(), 0, 'no file was chosen, none is said dropped');
  await screenshot(staff, 'answer-templates-07-no-javascript');
  await checkAccessibility(staff, 'answer filled with a template, without JavaScript');
});
