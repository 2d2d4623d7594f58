import assert from 'node:assert/strict';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// Staff set up what families can book: an activity with its deadlines previewed before saving,
// its units and their rules, a number of places changed on one date, a booking period. Every page
// is screenshot and checked with axe, on a desktop and on a phone.
const { journey } = browserSuite({ now: '2026-08-25T10:00:00Z' });

const MANAGER = 'gestion@example.org';
// DSFR draws its own box over each checkbox: the label takes the click, as it does for a person.

journey('staff create an activity, preview its deadlines, add its units, places and a booking period', async ({ baseUrl, open }) => {
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Activités');
  assert.equal(await staff.locator('main h1').innerText(), 'Activités');
  await checkAccessibility(staff, 'activity list, desktop');

  await submitWith(staff.getByRole('link', { name: 'Créer une activité' }));
  const form = staff.locator('main form');
  await form.getByLabel(/^Nom \*/).fill('Accueil du mercredi 2026-2027');
  await form.getByLabel(/^Type d’activité/).selectOption('alsh_wednesday');
  await form.getByLabel(/^Premier jour/).fill('01/09/2026');
  await form.getByLabel(/^Dernier jour/).fill('03/07/2027');
  const weekdays = form.getByRole('group', { name: 'Jours de la semaine' });
  for (const day of ['Lundi', 'Mardi', 'Jeudi', 'Vendredi']) await weekdays.getByLabel(day).setChecked(false, { force: true });
  await weekdays.getByLabel('Mercredi').setChecked(true, { force: true });
  const booking = form.getByRole('group', { name: 'Délai de réservation' });
  await booking.getByLabel('Nombre de jours', { exact: true }).fill('7');
  await submitWith(form.getByRole('button', { name: 'Calculer l’aperçu des délais' }));
  const preview = staff.locator('#apercu');
  assert.match(await preview.innerText(), /mercredi 9 septembre 2026\s*: réservation possible jusqu’au mercredi 2 septembre 2026 à 00:00/);
  await screenshot(staff, 'staff-activity-preview-desktop');
  await checkAccessibility(staff, 'activity form with its preview, desktop');

  // A mistake is answered next to the field, what was typed stays.
  await staff
    .locator('main form')
    .getByLabel(/^Dernier jour/)
    .fill('01/08/2026');
  await submitWith(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));
  assert.match(await staff.locator('#error-summary').innerText(), /Le dernier jour ne peut pas être avant le premier/);
  assert.equal(
    await staff
      .locator('main form')
      .getByLabel(/^Nom \*/)
      .inputValue(),
    'Accueil du mercredi 2026-2027',
  );
  await checkAccessibility(staff, 'activity form with errors, desktop');
  await staff
    .locator('main form')
    .getByLabel(/^Dernier jour/)
    .fill('03/07/2027');
  await submitWith(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));
  assert.equal(await staff.locator('main h1').innerText(), 'Accueil du mercredi 2026-2027');

  for (const [name, code] of [
    ['Journée', 'J'],
    ['Matin', 'M'],
  ] as const) {
    await submitWith(staff.getByRole('link', { name: 'Ajouter une prestation' }));
    await staff
      .locator('main form')
      .getByLabel(/^Nom \*/)
      .fill(name);
    await staff
      .locator('main form')
      .getByLabel(/^Code \*/)
      .fill(code);
    if (name === 'Matin') {
      await staff.locator('main form').getByRole('group', { name: 'Exclut, le même jour' }).getByLabel('Journée (J)').setChecked(true, { force: true });
      await screenshot(staff, 'staff-activity-unit-form-desktop');
      await checkAccessibility(staff, 'unit form, desktop');
    }
    await submitWith(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));
  }

  await submitWith(staff.getByRole('link', { name: 'Ajouter un nombre de places' }));
  const places = staff.locator('main form');
  await places.getByLabel('Journée (J)').setChecked(true, { force: true });
  await places.getByLabel('Matin (M)').setChecked(true, { force: true });
  await places.getByLabel(/^Places \*/).fill('24');
  await submitWith(places.getByRole('button', { name: 'Enregistrer' }));

  await submitWith(staff.getByRole('link', { name: /^Places par date/ }));
  await staff
    .locator('main form')
    .getByLabel(/^Premier jour/)
    .fill('16/09/2026');
  await staff
    .locator('main form')
    .getByLabel(/^Nombre de places ces jours-là/)
    .fill('12');
  await checkAccessibility(staff, 'places on given dates, desktop');
  await submitWith(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));

  await submitWith(staff.getByRole('link', { name: 'Ajouter une période' }));
  const period = staff.locator('main form');
  await period.getByLabel(/^Nom \*/).fill('Mercredis de septembre à décembre');
  await period.getByLabel(/^Premier jour/).fill('02/09/2026');
  await period.getByLabel(/^Dernier jour/).fill('16/12/2026');
  await period.getByLabel(/^Ouverture des réservations — date/).fill('26/08/2026');
  await period.getByLabel(/^Clôture des réservations — date/).fill('15/12/2026');
  await checkAccessibility(staff, 'booking period form, desktop');
  await submitWith(period.getByRole('button', { name: 'Enregistrer' }));

  const overview = await staff.locator('main').innerText();
  assert.match(overview, /du 02\/09 au 16\/12, réservations du 26\/08 à 08:00 au 15\/12 à 23:59/);
  assert.match(overview, /16\/09\/2026\s+Journée, Matin — Tous les groupes\s+12/);
  await screenshot(staff, 'staff-activity-overview-desktop');
  // At 1280 px the periods table keeps its actions in sight: it wraps its text rather than scroll.
  const periodsFrame = staff.locator('.fr-table__container').filter({ has: staff.getByRole('link', { name: /^Supprimer — Mercredis de septembre/ }) });
  assert.ok(await periodsFrame.evaluate((frame) => frame.scrollWidth <= frame.clientWidth), 'the booking periods table does not scroll sideways');
  const frameBox = (await periodsFrame.boundingBox())!;
  const deleteBox = (await periodsFrame.getByRole('link', { name: /^Supprimer/ }).boundingBox())!;
  assert.ok(deleteBox.x + deleteBox.width <= frameBox.x + frameBox.width, '"Supprimer" is whole inside the table');
  await checkAccessibility(staff, 'activity overview, desktop');
  // Deleting asks first, saying what it does; going back deletes nothing.
  const overviewUrl = staff.url();
  await submitWith(periodsFrame.getByRole('link', { name: /^Supprimer/ }));
  assert.equal(await staff.locator('main h1').innerText(), 'Supprimer « Mercredis de septembre à décembre » ?');
  assert.match(await staff.locator('main').innerText(), /Les familles ne pourront plus réserver les jours de cette période/);
  await checkAccessibility(staff, 'deletion confirmation, desktop');
  await submitWith(staff.getByRole('link', { name: 'Ne rien supprimer, revenir' }));
  assert.match(await staff.locator('main h1').innerText(), /Modifier/);
  await staff.goto(overviewUrl);

  await submitWith(staff.getByRole('link', { name: /^Enfants inscrits/ }));
  await staff
    .locator('main')
    .getByLabel(/^Foyer/)
    .fill('martin');
  await submitWith(staff.getByRole('button', { name: 'Chercher' }));
  await checkAccessibility(staff, 'enrollments with a search, desktop');

  // The same pages on a phone: nothing wider than the screen.
  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/activites/nouvelle`);
  assert.ok((await scrollWidth(phone)) <= 360, 'the activity form fits a phone');
  await screenshot(phone, 'staff-activity-form-phone');
  await checkAccessibility(phone, 'activity form, phone');
});
