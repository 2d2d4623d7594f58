import assert from 'node:assert/strict';
import { emailsTo } from '../test/support/outbox.js';
import { CLAIRE, certificatePdf, familyLogIn, followNav, go, staffLogIn } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';

// Documents (JOURNEYS.md, "Talking to the service"): the manager asks the families of the
// périscolaire for a proof of address; Claire Martin sends one from Mes documents, which the
// manager refuses with a reason; she reads it and sends another, which is accepted. The manager
// publishes the canteen's menus and Claire downloads them. Each page is screenshot and checked by axe.
const { journey } = browserSuite({ now: '2026-02-10T09:00:00Z' });

const PROOF = 'Justificatif de domicile';

journey('staff ask for a document, the parent sends it, staff refuse then accept; a published menu is downloaded', async ({ open, baseUrl, portal, demo }) => {
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Activités');
  await go(staff.getByRole('link', { name: /^Accueil périscolaire matin et soir/ }));
  await go(staff.getByRole('link', { name: 'Documents demandés' }));
  await staff.getByLabel(`${PROOF} — valable 3 mois`).setChecked(true, { force: true });
  await go(staff.getByRole('button', { name: 'Enregistrer' }));
  await staff.getByText('Les documents demandés sont enregistrés.').waitFor();
  await screenshot(staff, 'documents-01-activity-asks');
  await checkAccessibility(staff, 'the documents an activity asks for');

  // Claire finds it to provide in Mes documents; a file that is neither a PDF nor an image is refused next to its field.
  const parent = await open();
  await familyLogIn(parent, baseUrl, CLAIRE);
  await followNav(parent, 'Mes documents');
  const proof = parent.locator('.pf-requirement').filter({ has: parent.getByRole('heading', { name: PROOF }) });
  assert.match(await proof.innerText(), /À fournir/i);
  await proof
    .getByLabel(/^Fichier : Justificatif de domicile/)
    .setInputFiles({ name: 'facture.html', mimeType: 'text/html', buffer: Buffer.from('<html>facture</html>') });
  await go(proof.getByRole('button', { name: /^Envoyer/ }));
  assert.match(await parent.locator('.pf-requirement .fr-error-text').innerText(), /ni un PDF ni une image/);
  await screenshot(parent, 'documents-02-wrong-file');
  await checkAccessibility(parent, 'Mes documents, a wrong file');
  await proof
    .getByLabel(/^Fichier : Justificatif de domicile/)
    .setInputFiles({ name: 'facture EDF.pdf', mimeType: 'application/pdf', buffer: certificatePdf('Facture EDF 2025') });
  await go(proof.getByRole('button', { name: /^Envoyer/ }));
  await parent.getByText('Votre document est envoyé : le service va le vérifier.').waitFor();
  assert.match(await proof.innerText(), /En cours de vérification/i);

  // The manager refuses it with a reason; Claire is told by an email that does not carry it.
  await followNav(staff, 'Documents à vérifier');
  const row = staff.getByRole('row').filter({ hasText: PROOF });
  await row.getByLabel(/^Motif du refus/).fill('La facture date de plus de trois mois.');
  await screenshot(staff, 'documents-03-to-check');
  await checkAccessibility(staff, 'documents to check');
  await go(row.getByRole('button', { name: /^Refuser/ }));
  await staff.getByText(/Le document est refusé/).waitFor();
  const told = (await emailsTo(portal, demo, CLAIRE)).find((email) => /refusé/.test(email.subject));
  assert.ok(told, 'Claire is told');
  assert.doesNotMatch(told.text_body, /trois mois/);

  await parent.reload();
  assert.match(await proof.innerText(), /Refusé : La facture date de plus de trois mois\./);
  await screenshot(parent, 'documents-04-refused');
  await proof
    .getByLabel(/^Fichier : Justificatif de domicile/)
    .setInputFiles({ name: 'quittance.pdf', mimeType: 'application/pdf', buffer: certificatePdf('Quittance janvier 2026') });
  await go(proof.getByRole('button', { name: /^Envoyer/ }));
  await parent.getByText('Votre document est envoyé : le service va le vérifier.').waitFor();

  await staff.reload();
  await go(
    staff
      .getByRole('row')
      .filter({ hasText: PROOF })
      .getByRole('button', { name: /^Accepter/ }),
  );
  await staff.getByText('Le document est accepté.').waitFor();
  await screenshot(staff, 'documents-05-accepted');

  // Valid three months from the day it was sent (10 February 2026), in the authority's days.
  await parent.reload();
  assert.match(await proof.innerText(), /Accepté\s*valable jusqu’au 09\/05\/2026/i);

  // The manager publishes the canteen's menus; Claire downloads them (an attachment, never shown inline).
  await followNav(staff, 'Documents publiés');
  await staff.getByLabel('Titre *').fill('Menus de février');
  await staff.getByLabel(/^Destinataires/).selectOption({ label: (await staff.getByRole('option', { name: /^Restauration scolaire/ }).innerText()).trim() });
  await staff.getByLabel(/^Fichier/).setInputFiles({ name: 'menus février.pdf', mimeType: 'application/pdf', buffer: certificatePdf('Menus de fevrier') });
  await go(staff.getByRole('button', { name: 'Publier' }));
  await staff.getByText('Le document est publié.').waitFor();
  await screenshot(staff, 'documents-06-published');
  await checkAccessibility(staff, 'published documents');

  await parent.reload();
  const [download] = await Promise.all([parent.waitForEvent('download'), parent.getByRole('link', { name: /^Télécharger Menus de février/ }).click()]);
  assert.equal(download.suggestedFilename(), 'menus février.pdf');
  await screenshot(parent, 'documents-07-my-documents');
  await checkAccessibility(parent, 'Mes documents');

  // On a phone the page fits the screen.
  const phone = await open({ viewport: 'phone' });
  await familyLogIn(phone, baseUrl, CLAIRE);
  await phone.goto(`${baseUrl}/demo/mes-documents`);
  assert.ok((await scrollWidth(phone)) <= 360, 'Mes documents scrolls sideways on a phone');
  await screenshot(phone, 'documents-08-phone');
  await checkAccessibility(phone, 'Mes documents on a phone');
});
