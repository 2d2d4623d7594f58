import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { addGroup } from '../src/modules/activities/activity-setup.js';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { SYSTEM } from '../src/modules/actor.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import {
  applyMassSelection,
  bookAsFamily,
  calendarRow,
  backToPlanning,
  cancelButton,
  confirmCancelButton,
  certificatePdf,
  CLAIRE,
  dayBox,
  DEMO_BASE,
  familyLogIn,
  followNav,
  go,
  HOLIDAYS,
  nextMonth,
  notice,
  openCalendar,
  placesTaken,
  planningRow,
  resultRow,
  resultRows,
  SOPHIE,
  staffLogIn,
  text,
  tick,
  WEDNESDAYS,
} from './support/booking-steps.js';

// A family's bookings, as in the guides' seeds 000–004: pre-registering two children for the
// Wednesdays with the mass selection, adjusting by hand, the answer per day; the month planning
// with its legend, cancelling before and after the deadline; the waiting list and its rank until a
// place frees up; an absence with a medical certificate; an enrollment request accepted by staff;
// and the same calendar and planning without JavaScript. Every page is screenshot and checked by axe.
//
// The clock stands on Monday 24 November 2025, 10:00 in Paris: the school year 2025-2026, whose
// school holidays (zone A) are in the ministry's calendar. The demo's Wednesdays are booked up to 7
// days before (00:00) and cancelled up to 2 days before (12:00): the Wednesdays of December and
// January can be booked, 24 and 31 December are Christmas holidays.
const NOW = '2025-11-24T09:00:00Z';
const { journey } = browserSuite({
  now: NOW,
  // Groups for the holiday leisure centre, so that staff place an accepted child in one.
  async seed(portal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    await portal.inTenant(demo, async (scope) => {
      const activity = await scope.tx.selectFrom('activities').select(['id', 'name']).execute();
      const holidays = activity.find((row) => HOLIDAYS.test(row.name))!;
      await addGroup({ ...scope, actor: SYSTEM }, { activity_id: holidays.id, name: '3-5 ans', min_age: 3, max_age: 5, position: 0 });
      await addGroup({ ...scope, actor: SYSTEM }, { activity_id: holidays.id, name: '6-11 ans', min_age: 6, max_age: 11, position: 1 });
    });
  },
});

const LEA = 'Léa MARTIN';
const HUGO = 'Hugo MARTIN';

journey('a parent pre-registers two children for the Wednesdays with the mass selection and adjusts by hand', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [LEA, HUGO], activity: WEDNESDAYS });
  // November's last Wednesday is past its deadline: no box, the reason in words.
  assert.match(await calendarRow(page, LEA, '2025-11-26'), /délai de réservation dépassé/);
  assert.equal(await dayBox(page, LEA, 'Journée', '2025-11-26').count(), 0);

  await nextMonth(page);
  assert.match(await text(page.getByRole('navigation', { name: 'Mois' })), /décembre 2025/);
  await applyMassSelection(page, ['mercredi'], ['Journée']);
  for (const child of [LEA, HUGO]) {
    for (const day of ['2025-12-03', '2025-12-10', '2025-12-17']) {
      assert.equal(await dayBox(page, child, 'Journée', day).isChecked(), true, `${child} ${day} Journée ticked by the mass selection`);
      assert.equal(await dayBox(page, child, 'Matin', day).isChecked(), false);
    }
    // Christmas holidays: shown with the reason, nothing to tick.
    assert.match(await calendarRow(page, child, '2025-12-24'), /vacances scolaires/);
    assert.equal(await dayBox(page, child, 'Journée', '2025-12-24').count(), 0);
  }
  assert.match(await calendarRow(page, LEA, '2025-12-03'), /mer\. 03\/12 ?jusqu’au mardi 25\/11 inclus/, 'once, on the day');
  await screenshot(page, 'family-booking-calendar-desktop');
  await checkAccessibility(page, 'booking calendar after the mass selection, desktop');

  // Adjust by hand: no Journée for Hugo on the 17th, a meal for Léa on the 3rd, and a meal alone
  // for Hugo on the 17th (the meal needs the day or the morning: the page says so).
  await tick(dayBox(page, HUGO, 'Journée', '2025-12-17'), false);
  await tick(dayBox(page, LEA, 'Repas', '2025-12-03'));
  await tick(dayBox(page, HUGO, 'Repas', '2025-12-17'));
  // Caught before sending, in the words the server would answer with: the meal goes back.
  const conflicts = page.getByRole('heading', { name: 'Des prestations cochées ne vont pas ensemble' });
  await conflicts.waitFor();
  assert.match(await text(page.locator('[data-conflicts] ul')), /Hugo MARTIN, mer\. 17\/12 — Repas : incompatible avec les autres prestations du jour\./);
  await page.getByRole('button', { name: 'Envoyer mes réservations' }).click();
  assert.match(page.url(), /\/reservations\?/, 'nothing sent');
  await tick(dayBox(page, HUGO, 'Repas', '2025-12-17'), false);
  assert.equal(await conflicts.isVisible(), false);
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.equal(await page.locator('main h1').innerText(), 'Résultat de vos réservations');
  assert.deepEqual(await resultRows(page), [
    resultRow('Hugo MARTIN', '2025-12-03', 'Journée', 'Réservée'),
    resultRow('Hugo MARTIN', '2025-12-10', 'Journée', 'Réservée'),
    resultRow('Léa MARTIN', '2025-12-03', 'Journée', 'Réservée'),
    resultRow('Léa MARTIN', '2025-12-03', 'Repas', 'Réservée'),
    resultRow('Léa MARTIN', '2025-12-10', 'Journée', 'Réservée'),
    resultRow('Léa MARTIN', '2025-12-17', 'Journée', 'Réservée'),
  ]);
  await screenshot(page, 'family-booking-result-desktop');
  await checkAccessibility(page, 'booking result, desktop');

  // Back on the calendar, the booked days are shown as booked, without a box.
  await go(page.getByRole('link', { name: 'Revenir au calendrier' }));
  assert.match(await calendarRow(page, LEA, '2025-12-03'), /Réservée.*Réservée/);
  assert.equal(await dayBox(page, LEA, 'Journée', '2025-12-03').count(), 0);
});

journey(
  'the month planning shows those days with its legend; a cancellation before the deadline frees the place, after it is refused',
  async ({ baseUrl, portal, demo, open }) => {
    // Léa's December, as booked by the journey above.
    portal.clock.set(NOW);
    const page = await open();
    await familyLogIn(page, baseUrl, CLAIRE);
    await followNav(page, 'Planning du mois');
    assert.equal(await page.locator('main h1').innerText(), `Planning du mois — ${LEA}`);
    await nextMonth(page);
    const legend = page.locator('main .pf-legend');
    for (const word of [
      'Demande en attente',
      'Réservée',
      'Refusée',
      'Liste d’attente',
      'Présent',
      'Absence justifiée',
      'Absence facturée',
      'Annulée hors délai',
      'Fermé',
      'Vacances',
    ]) {
      assert.match(await text(legend), new RegExp(word), `the legend says "${word}"`);
    }
    // Not colour alone: every state of the legend has its icon beside its word.
    const withoutIcon = await legend.locator('.fr-badge:not(.fr-badge--no-icon)').evaluateAll((badges) =>
      badges
        .filter((badge) => {
          const style = getComputedStyle(badge, '::before');
          return style.maskImage === 'none' && style.webkitMaskImage === 'none';
        })
        .map((badge) => badge.textContent),
    );
    assert.deepEqual(withoutIcon, [], 'every booking state of the legend has an icon');
    assert.match(await planningRow(page, '2025-12-03'), /Journée Réservée.*annulable jusqu’au lundi 01\/12 à 12:00.*Repas Réservée/);
    assert.match(await planningRow(page, '2025-12-24'), /Vacances/);
    assert.match(await planningRow(page, '2025-12-25'), /Fermé/);
    assert.ok(await page.getByRole('button', { name: 'Imprimer' }).isVisible(), 'the planning can be printed');
    await screenshot(page, 'family-planning-desktop');
    await checkAccessibility(page, 'month planning, desktop');

    // Before the deadline: cancelled, and the place goes back to the others.
    assert.deepEqual(await placesTaken(portal, demo, WEDNESDAYS, 'Journée', '2025-12-17'), [
      { group: '3-5 ans', places: 16, taken: 0 },
      { group: '6-11 ans', places: 24, taken: 1 },
    ]);
    await go(cancelButton(page, 'Journée', '2025-12-17'));
    // The day's page asks first, saying the day will not be billed.
    assert.match(await text(page.locator('main .fr-callout')), /cette journée ne sera pas facturée/);
    await go(confirmCancelButton(page));
    assert.equal(await notice(page), 'La réservation est annulée.');
    await go(backToPlanning(page));
    assert.doesNotMatch(await planningRow(page, '2025-12-17'), /Journée/);
    assert.deepEqual(await placesTaken(portal, demo, WEDNESDAYS, 'Journée', '2025-12-17'), [
      { group: '3-5 ans', places: 16, taken: 0 },
      { group: '6-11 ans', places: 24, taken: 0 },
    ]);

    // Monday 1 December, 11:50: the 3rd can be cancelled until 12:00 today. The page stays open
    // while the parent hesitates; at 12:05 the cancellation is refused with the reason, the day
    // stays booked (and billed).
    portal.clock.set('2025-12-01T10:50:00Z');
    await familyLogIn(page, baseUrl, CLAIRE);
    await followNav(page, 'Planning du mois');
    assert.match(await planningRow(page, '2025-12-03'), /Journée Réservée.*annulable jusqu’au lundi 01\/12 à 12:00/);
    portal.clock.advance(15 * 60_000);
    await go(cancelButton(page, 'Journée', '2025-12-03'));
    assert.equal(await notice(page), 'Annulation impossible : le délai d’annulation est dépassé : la journée reste réservée et sera facturée.');
    assert.match(await text(page.locator('main')), /Plus annulable : l’annulation était possible jusqu’au lundi 01\/12 à 12:00 ; la journée sera facturée\./);
    await go(backToPlanning(page));
    assert.match(await planningRow(page, '2025-12-03'), /Journée Réservée/);
    assert.equal(await cancelButton(page, 'Journée', '2025-12-03').count(), 0, 'no cancel button once the deadline has passed');
    assert.equal(await cancelButton(page, 'Journée', '2025-12-10').count(), 1, 'the 10th can still be cancelled');
    await screenshot(page, 'family-planning-cancel-refused-desktop');
    await checkAccessibility(page, 'planning with a refused cancellation, desktop');
  },
);

journey('the calendar and the planning on a phone', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const phone = await open({ viewport: 'phone' });
  await familyLogIn(phone, baseUrl, CLAIRE);
  await phone.goto(`${baseUrl}${DEMO_BASE}/reservations`);
  await openCalendar(phone, { children: [LEA, HUGO], activity: WEDNESDAYS, monthsAhead: 1 });
  await applyMassSelection(phone, ['mercredi'], ['Journée']);
  assert.ok((await scrollWidth(phone)) <= 360, `the calendar page fits a phone (${await scrollWidth(phone)} px)`);
  await screenshot(phone, 'family-booking-calendar-phone');
  await checkAccessibility(phone, 'booking calendar, phone');

  await phone.goto(`${baseUrl}${DEMO_BASE}/reservations/planning?mois=2025-12`);
  assert.ok((await scrollWidth(phone)) <= 360, `the planning fits a phone (${await scrollWidth(phone)} px)`);
  // Its entries wrap in the day's cell: no sideways scrolling to read or reach "Annuler".
  assert.ok(
    await phone.locator('main table').evaluate((table) => table.scrollWidth <= table.closest('.fr-table__container')!.clientWidth + 1),
    'the planning table fits its frame',
  );
  await screenshot(phone, 'family-planning-phone');
  await checkAccessibility(phone, 'month planning, phone');
});

journey('a full day puts the child on the waiting list with its rank, until a place frees up', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  // Staff give Wednesday 7 January a single place for the 6-11 year olds.
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Activités');
  await go(staff.getByRole('link', { name: WEDNESDAYS }));
  await go(staff.getByRole('link', { name: 'Places par date — Journée, Matin — 6-11 ans' }));
  await staff
    .locator('main form')
    .getByLabel(/^Premier jour/)
    .fill('07/01/2026');
  await staff
    .locator('main form')
    .getByLabel(/^Nombre de places ces jours-là/)
    .fill('1');
  await go(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));
  assert.match(await text(staff.locator('main')), /07\/01\/2026 Journée, Matin — 6-11 ans 1/);

  // Emma's mother takes it.
  const sophie = await open();
  await familyLogIn(sophie, baseUrl, SOPHIE);
  await sophie.goto(`${baseUrl}${DEMO_BASE}/reservations`);
  await openCalendar(sophie, { children: ['Emma DUBOIS'], activity: WEDNESDAYS, monthsAhead: 2 });
  await tick(dayBox(sophie, 'Emma DUBOIS', 'Journée', '2026-01-07'));
  await go(sophie.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(sophie), [resultRow('Emma DUBOIS', '2026-01-07', 'Journée', 'Réservée')]);

  // Léa's mother sees the day full, asks anyway: waiting list, rank 1.
  const claire = await open();
  await familyLogIn(claire, baseUrl, CLAIRE);
  await followNav(claire, 'Réservations');
  await openCalendar(claire, { children: [LEA], activity: WEDNESDAYS, monthsAhead: 2 });
  assert.match(await calendarRow(claire, LEA, '2026-01-07'), /Complet/);
  assert.doesNotMatch(await calendarRow(claire, LEA, '2026-01-14'), /Complet/);
  await tick(dayBox(claire, LEA, 'Journée', '2026-01-07'));
  await go(claire.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(claire), [resultRow('Léa MARTIN', '2026-01-07', 'Journée', 'Liste d’attente rang 1')]);
  await screenshot(claire, 'family-booking-result-waitlist-desktop');
  await checkAccessibility(claire, 'booking result with a waiting list, desktop');

  await followNav(claire, 'Mes demandes');
  const request = claire.locator('main tbody tr').filter({ hasText: 'Journée — 07/01/2026' });
  assert.match(await text(request), /Léa MARTIN.*Liste d’attente rang 1/);
  await screenshot(claire, 'family-requests-waitlist-desktop');
  await checkAccessibility(claire, 'Mes demandes with a waiting list, desktop');

  // Emma will not come after all: her place goes to Léa at once (the demo's list moves by itself).
  await followNav(sophie, 'Planning du mois');
  await nextMonth(sophie);
  await nextMonth(sophie);
  await go(cancelButton(sophie, 'Journée', '2026-01-07'));
  await go(confirmCancelButton(sophie));
  assert.equal(await notice(sophie), 'La réservation est annulée.');

  await followNav(claire, 'Planning du mois');
  await nextMonth(claire);
  await nextMonth(claire);
  assert.match(await planningRow(claire, '2026-01-07'), /Journée Réservée/);
  assert.doesNotMatch(await planningRow(claire, '2026-01-07'), /attente/);

  await followNav(staff, 'Courriels envoyés');
  const mail = staff.locator('main tbody tr').filter({ hasText: CLAIRE }).filter({ hasText: 'Une place s’est libérée pour Léa' });
  assert.equal(await mail.count(), 1, 'the family is told by email that a place freed up');
});

journey('a parent declares an illness with a medical certificate, and staff excuse the absence', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [HUGO], activity: WEDNESDAYS, monthsAhead: 2 });
  await tick(dayBox(page, HUGO, 'Journée', '2026-01-14'));
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(page), [resultRow('Hugo MARTIN', '2026-01-14', 'Journée', 'Réservée')]);

  await followNav(page, 'Absences');
  const form = page.locator('main form');
  await form.getByLabel(/^Enfant/).selectOption({ label: HUGO });
  await form.getByLabel(/^Premier jour d’absence/).fill('14/01/2026');
  await form.getByLabel(/^Motif/).selectOption({ label: 'Maladie (certificat médical)' });
  // An illness without its certificate is answered next to the file field.
  await go(form.getByRole('button', { name: 'Déclarer l’absence' }));
  assert.match(await text(page.locator('main .fr-upload-group--error')), /Certificat médical/);
  assert.equal(
    await page
      .locator('main form')
      .getByLabel(/^Premier jour d’absence/)
      .inputValue(),
    '14/01/2026',
  );
  await screenshot(page, 'family-absence-error-desktop');
  await checkAccessibility(page, 'absence form with an error, desktop');

  const pdf = certificatePdf();
  await page
    .locator('main form')
    .getByLabel(/^Certificat médical/)
    .setInputFiles({ name: 'certificat-hugo.pdf', mimeType: 'application/pdf', buffer: pdf });
  await go(page.locator('main form').getByRole('button', { name: 'Déclarer l’absence' }));
  assert.equal(await notice(page), 'L’absence est déclarée : le service va l’examiner.');
  const row = page.locator('main tbody tr').filter({ hasText: 'Hugo' });
  assert.match(await text(row), /Le 14\/01\/2026 Maladie \(certificat médical\) — Voir le certificat En attente/);
  await screenshot(page, 'family-absences-desktop');
  await checkAccessibility(page, 'absences, desktop');

  // The certificate comes back as it was sent, as a download.
  const download = page.waitForEvent('download');
  await row.getByRole('link', { name: 'Voir le certificat' }).click();
  const file = await (await download).path();
  assert.ok(readFileSync(file).equals(pdf), 'the certificate downloaded is the one sent');

  // Staff find it among the requests to validate, open the certificate, and excuse the absence.
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Validations');
  const request = staff.locator('main tbody tr').filter({ hasText: 'MARTIN Hugo' }).filter({ hasText: 'Maladie' });
  assert.match(await text(request), /MARTIN Hugo le 14\/01\/2026 .*Maladie \(certificat médical\) Voir le certificat/);
  const staffDownload = staff.waitForEvent('download');
  await request.getByRole('link', { name: 'Voir le certificat' }).click();
  assert.ok(readFileSync(await (await staffDownload).path()).equals(pdf), 'staff read the certificate the family sent');
  await screenshot(staff, 'staff-validations-absence-desktop');
  await checkAccessibility(staff, 'requests to validate with an absence, desktop');
  await go(request.getByRole('button', { name: 'Accepter — Absence, Hugo MARTIN' }));
  assert.match(await notice(staff), /Absence — Hugo MARTIN, 14\/01\/2026 – 14\/01\/2026 : acceptée/);

  await page.reload();
  assert.match(await text(page.locator('main tbody tr').filter({ hasText: 'Hugo' })), /Excusée/);
  await followNav(page, 'Planning du mois');
  await page
    .locator('main form')
    .getByLabel(/^Enfant/)
    .selectOption({ label: HUGO });
  await go(page.locator('main form').getByRole('button', { name: 'Afficher le calendrier' }));
  await nextMonth(page);
  await nextMonth(page);
  assert.match(await planningRow(page, '2026-01-14'), /Journée Absence justifiée/);
});

journey('a parent asks for an enrollment, staff accept it in a group, and the child can book', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Inscriptions');
  const form = page.locator('main form');
  await form.getByLabel(/^Enfant/).selectOption({ label: HUGO });
  const activity = form.getByLabel(/^Activité/);
  const holidays = (await activity.locator('option').allInnerTexts()).find((text) => HOLIDAYS.test(text.trim()))!;
  await activity.selectOption({ label: holidays });
  await form.getByLabel(/^Commentaire pour le service/).fill('Pour les vacances de Noël.');
  await go(form.getByRole('button', { name: 'Demander l’inscription' }));
  assert.equal(await notice(page), 'Votre demande d’inscription est transmise au service.');
  assert.match(await text(page.locator('main tbody tr').filter({ hasText: holidays })), /Hugo .* En attente/);
  await screenshot(page, 'family-enrollments-desktop');
  await checkAccessibility(page, 'enrollments, desktop');

  // Until staff accept it, the calendar says why nothing can be ticked.
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [HUGO], activity: HOLIDAYS, monthsAhead: 1 });
  assert.match(await calendarRow(page, HUGO, '2025-12-22'), /inscription en attente de validation/);

  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Validations');
  const request = staff.locator('main tbody tr').filter({ hasText: 'MARTIN Hugo' }).filter({ hasText: holidays });
  assert.match(await text(request), /Pour les vacances de Noël/);
  await request.getByLabel('Groupe de Hugo').selectOption({ label: '3-5 ans' });
  // The buttons for the ticked requests show their words beside their icons, not icons alone.
  for (const name of ['Accepter la sélection', 'Refuser la sélection']) {
    const box = await staff.getByRole('button', { name, exact: true }).boundingBox();
    assert.ok(box && box.width > 120, `"${name}" shows its words (${box?.width} px wide)`);
  }
  await screenshot(staff, 'staff-validations-enrollment-desktop');
  await checkAccessibility(staff, 'requests to validate, desktop');
  await go(request.getByRole('button', { name: 'Accepter — Inscription, Hugo MARTIN' }));
  assert.match(await notice(staff), new RegExp(`Inscription — Hugo MARTIN, ${holidays} : acceptée`));

  await followNav(page, 'Inscriptions');
  assert.match(await text(page.locator('main tbody tr').filter({ hasText: holidays })), /Hugo .* 3-5 ans Acceptée/);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [HUGO], activity: HOLIDAYS, monthsAhead: 1 });
  assert.match(await calendarRow(page, HUGO, '2025-12-22'), /lun\. 22\/12 ?jusqu’au dimanche 07\/12 inclus/);
  await tick(dayBox(page, HUGO, 'Journée', '2025-12-22'));
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(page), [resultRow('Hugo MARTIN', '2025-12-22', 'Journée', 'Réservée')]);

  await followNav(page, 'Mes demandes');
  assert.match(await text(page.locator('main tbody tr').filter({ hasText: 'Inscription' }).filter({ hasText: holidays })), /Acceptée/);
});

journey('without JavaScript, a parent books on the calendar and cancels from the planning', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open({ javaScript: false });
  await familyLogIn(page, baseUrl, CLAIRE);
  await page.goto(`${baseUrl}${DEMO_BASE}/reservations`);
  await openCalendar(page, { children: [LEA], activity: WEDNESDAYS, monthsAhead: 2 });
  await tick(dayBox(page, LEA, 'Journée', '2026-01-21'));
  await tick(dayBox(page, LEA, 'Matin', '2026-01-28'));
  await tick(dayBox(page, LEA, 'Repas', '2026-01-28'));
  await screenshot(page, 'family-booking-calendar-desktop-nojs');
  await checkAccessibility(page, 'booking calendar, no JavaScript');
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(page), [
    resultRow('Léa MARTIN', '2026-01-21', 'Journée', 'Réservée'),
    resultRow('Léa MARTIN', '2026-01-28', 'Matin', 'Réservée'),
    resultRow('Léa MARTIN', '2026-01-28', 'Repas', 'Réservée'),
  ]);

  await page.goto(`${baseUrl}${DEMO_BASE}/reservations/planning?mois=2026-01`);
  await go(cancelButton(page, 'Journée', '2026-01-21'));
  await screenshot(page, 'family-planning-day-cancel-desktop-nojs');
  await checkAccessibility(page, 'cancellation to confirm on the day page, no JavaScript');
  await go(confirmCancelButton(page));
  assert.equal(await notice(page), 'La réservation est annulée.');
  await go(backToPlanning(page));
  assert.doesNotMatch(await planningRow(page, '2026-01-21'), /Journée/);
  assert.match(await planningRow(page, '2026-01-28'), /Matin Réservée.*Repas Réservée/);
  // The print button needs the script: without it, it is not offered (the browser's menu prints).
  assert.equal(await page.locator('main .pf-print-button').isVisible(), false, 'no dead print button without JavaScript');
  await screenshot(page, 'family-planning-desktop-nojs');
  await checkAccessibility(page, 'month planning, no JavaScript');
});

journey(
  'Mes demandes gathers what the parent asked: bookings grouped by submission, cancellations, absences, enrollments',
  async ({ baseUrl, portal, demo, open }) => {
    // Claire's requests, as the journeys above left them, and, an hour later, Hugo's canteen for the
    // school days of December sent at once.
    portal.clock.set(NOW);
    portal.clock.advance(60 * 60_000);
    const canteenDays = ['01', '02', '04', '05', '08', '09', '11', '12', '15', '16', '18', '19'].map((day) => `2025-12-${day}`);
    const booked = await bookAsFamily(
      portal,
      demo,
      CLAIRE,
      /^Restauration scolaire/,
      canteenDays.map((day) => ({ child: 'Hugo', unit: 'Repas', day })),
    );
    assert.deepEqual(new Set(booked), new Set(['reserved']));
    const page = await open();
    await familyLogIn(page, baseUrl, CLAIRE);
    await followNav(page, 'Mes demandes');
    // The lines of a type (its first cell) that mention every word given.
    const row = (type: string, ...words: string[]) =>
      words.reduce(
        (rows, word) => rows.filter({ hasText: word }),
        page.locator('main tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${type}$`) }) }),
      );
    // Each line's words: type, about, request, made on, state, answer.
    assert.match(await text(row('Absence', HUGO)), /^Absence Hugo MARTIN Le 14\/01\/2026 Maladie \(certificat médical\) .* Excusée le /);
    // Two cancellations asked the same day, for the same child and activity: one line.
    assert.match(await text(row('Annulation', LEA)), /^Annulation Léa MARTIN .*mercredis \d{4}-\d{4} — Journée — 17\/12\/2025, 21\/01\/2026 .* Effectuée$/);
    // Days sent at once are one line per child and state, not one per day. Every journey books at the
    // same frozen instant, so here all of Léa's days still booked (the waiting day of 7 January given
    // a place since) read as one submission.
    assert.match(
      await text(row('Réservation', LEA, 'Réservée')),
      /mercredis \d{4}-\d{4} Journée — 03\/12\/2025, 10\/12\/2025, 07\/01\/2026 Matin — 28\/01\/2026 Repas — 03\/12\/2025, 28\/01\/2026 24\/11\/2025 10:00 Réservée$/,
    );
    assert.match(await text(row('Réservation', LEA, 'Annulée')), /— Journée — 17\/12\/2025, 21\/01\/2026 .* Annulée$/);
    assert.match(await text(row('Réservation', HUGO, 'Journée — 14/01/2026')), /Absence justifiée$/);
    assert.match(await text(row('Inscription', 'Hugo', 'vacances')), /Acceptée/);
    // The newest first: the canteen's twelve days, summed up on one line, listed one click away.
    const canteen = page.locator('main tbody tr').first();
    assert.match(
      await text(canteen),
      /^Réservation Hugo MARTIN Restauration scolaire \d{4}-\d{4} — Repas — 12 jours, du 01\/12\/2025 au 19\/12\/2025 ?Voir les 12 jours .* 24\/11\/2025 11:00 Réservée$/,
    );
    const days = canteen.locator('details p');
    assert.equal(await days.isVisible(), false, 'the days are folded');
    await canteen.getByText('Voir les 12 jours').click();
    assert.equal(await text(days), canteenDays.map((day) => day.split('-').reverse().join('/')).join(', '));
    // Every state is a word on its badge, not a colour alone.
    assert.equal(await page.locator('main tbody .fr-badge').evaluateAll((badges) => badges.filter((badge) => !badge.textContent?.trim()).length), 0);
    await screenshot(page, 'family-requests-desktop');
    await checkAccessibility(page, 'Mes demandes with bookings, cancellations and absences, desktop');

    await page
      .locator('main form')
      .getByLabel(/^Type de demande/)
      .selectOption({ label: 'Annulation' });
    await go(page.locator('main form').getByRole('button', { name: 'Filtrer' }));
    assert.match(page.url(), /\/mes-demandes\?type=cancellation$/);
    const kinds = await page.locator('main tbody tr td:first-child').allTextContents();
    assert.ok(kinds.length > 0 && kinds.every((kind) => kind === 'Annulation'), `only cancellations: ${kinds.join(', ')}`);

    const phone = await open({ viewport: 'phone' });
    await familyLogIn(phone, baseUrl, CLAIRE);
    await phone.goto(`${baseUrl}${DEMO_BASE}/mes-demandes?type=booking`);
    assert.ok((await scrollWidth(phone)) <= 360, `Mes demandes fits a phone (${await scrollWidth(phone)} px)`);
    await screenshot(phone, 'family-requests-phone');
    await checkAccessibility(phone, 'Mes demandes, phone');
  },
);
