import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setDayPlaces } from '../src/modules/bookings/places-admin.js';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';
import {
  asStaff,
  bookAsFamily,
  calendarRow,
  CLAIRE,
  dayBox,
  familyLogIn,
  followNav,
  go,
  MANAGER,
  nextMonth,
  notice,
  openCalendar,
  planningRow,
  resultRow,
  resultRows,
  SOPHIE,
  staffLogIn,
  text,
  tick,
  WEDNESDAYS,
} from './support/booking-steps.js';

// Staff's side of bookings: an activity set up through the back-office pages (units and their
// rule, places, a booking period that opens at a given time) and what a family sees of it before
// and after it opens; a day's attendance marked present, excused or billed, downloaded and printed;
// a waiting child given a place once staff add one. Every page is screenshot and checked by axe.
//
// The clock stands on Monday 24 November 2025, 10:00 in Paris (school year 2025-2026, whose
// Christmas holidays, 20 December – 5 January in zone A, are in the ministry's calendar).
const NOW = '2025-11-24T09:00:00Z';
const STAGE = 'Stage multisport — vacances de Noël 2025';
const LEA = 'Léa MARTIN';

const { journey } = browserSuite({
  now: NOW,
  // What families booked before staff open their pages: the Wednesday 3 December of Léa, Hugo and
  // Emma (attendance); Wednesday 10 December given a single place for the 6-11 year olds, taken by
  // Emma, Léa waiting (the waiting list).
  async seed(portal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    await asStaff(portal, demo, MANAGER, async (scope) => {
      const pool = await scope.tx
        .selectFrom('capacity_pools as p')
        .innerJoin('activity_groups as g', 'g.id', 'p.group_id')
        .innerJoin('activities as a', 'a.id', 'p.activity_id')
        .select(['p.id', 'a.name'])
        .where('g.name', '=', '6-11 ans')
        .execute();
      assert.equal(await setDayPlaces(scope, pool.find((row) => WEDNESDAYS.test(row.name))!.id, '2025-12-10', 1), 'done');
    });
    const day3 = (child: string) => ({ child, unit: 'Journée', day: '2025-12-03' });
    assert.deepEqual(await bookAsFamily(portal, demo, CLAIRE, WEDNESDAYS, [day3('Léa'), day3('Hugo')]), ['reserved', 'reserved']);
    assert.deepEqual(await bookAsFamily(portal, demo, SOPHIE, WEDNESDAYS, [day3('Emma'), { child: 'Emma', unit: 'Journée', day: '2025-12-10' }]), [
      'reserved',
      'reserved',
    ]);
    assert.deepEqual(await bookAsFamily(portal, demo, CLAIRE, WEDNESDAYS, [{ child: 'Léa', unit: 'Journée', day: '2025-12-10' }]), ['waitlisted']);
  },
});

journey('staff create a holiday activity and its units, the meal needing the day', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Activités');
  await go(staff.getByRole('link', { name: 'Créer une activité' }));
  const form = staff.locator('main form');
  await form.getByLabel(/^Nom \*/).fill(STAGE);
  await form.getByLabel(/^Type d’activité/).selectOption('alsh_holidays');
  await form.getByLabel(/^Site/).selectOption({ label: 'Accueil de loisirs Les Hirondelles' });
  await form.getByLabel(/^Premier jour/).fill('22/12/2025');
  await form.getByLabel(/^Dernier jour/).fill('02/01/2026');
  await tick(form.getByRole('group', { name: 'Jours de la semaine' }).getByLabel('Mercredi'));
  await tick(form.getByRole('group', { name: 'Ouverture' }).getByLabel(/^Vacances scolaires seulement/));
  await tick(form.getByRole('group', { name: /^Inscription préalable obligatoire/ }).getByLabel('Non'));
  await go(form.getByRole('button', { name: 'Enregistrer' }));
  assert.equal(await staff.locator('main h1').innerText(), STAGE);

  for (const [name, code] of [
    ['Journée', 'J'],
    ['Repas', 'R'],
  ] as const) {
    await go(staff.getByRole('link', { name: 'Ajouter une prestation' }));
    const unit = staff.locator('main form');
    await unit.getByLabel(/^Nom \*/).fill(name);
    await unit.getByLabel(/^Code \*/).fill(code);
    // The meal is only served with the day.
    if (name === 'Repas') await tick(unit.getByRole('group', { name: /^Nécessite au moins une de/ }).getByLabel('Journée (J)'));
    await go(unit.getByRole('button', { name: 'Enregistrer' }));
  }
  assert.match(await text(staff.locator('main')), /Repas .*— Journée/, 'the meal needs the day');
  await screenshot(staff, 'staff-holiday-activity-units-desktop');
});

journey('staff give the activity its places and a booking period opening at a set time', async ({ baseUrl, portal, open }) => {
  // The activity created by the journey above.
  portal.clock.set(NOW);
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Activités');
  await go(staff.getByRole('link', { name: STAGE, exact: true }));
  await go(staff.getByRole('link', { name: 'Ajouter un nombre de places' }));
  await tick(staff.locator('main form').getByLabel('Journée (J)'));
  await staff
    .locator('main form')
    .getByLabel(/^Places \*/)
    .fill('12');
  await go(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));

  await go(staff.getByRole('link', { name: 'Ajouter une période' }));
  const period = staff.locator('main form');
  await period.getByLabel(/^Nom \*/).fill('Inscriptions au stage de Noël');
  await period.getByLabel(/^Premier jour/).fill('22/12/2025');
  await period.getByLabel(/^Dernier jour/).fill('02/01/2026');
  await period.getByLabel(/^Ouverture des réservations — date/).fill('01/12/2025');
  await period.getByLabel(/^Ouverture des réservations — heure/).fill('18:00');
  await period.getByLabel(/^Clôture des réservations — date/).fill('15/12/2025');
  await period.getByLabel(/^Clôture des réservations — heure/).fill('12:00');
  await screenshot(staff, 'staff-booking-period-form-desktop');
  await checkAccessibility(staff, 'booking period form, desktop');
  await go(period.getByRole('button', { name: 'Enregistrer' }));

  const overview = await text(staff.locator('main'));
  assert.match(overview, /Journée Tous les groupes 12/);
  assert.match(overview, /Inscriptions au stage de Noël du 22\/12 au 02\/01, réservations du 01\/12 à 18:00 au 15\/12 à 12:00/);
  await screenshot(staff, 'staff-holiday-activity-overview-desktop');
  await checkAccessibility(staff, 'holiday activity overview, desktop');
});

journey('a family sees the new activity with its period: refused before it opens, booked once open, closed after', async ({ baseUrl, portal, open }) => {
  // Depends on the activity set up by the journey above.
  portal.clock.set(NOW);
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [LEA], activity: new RegExp(`^${STAGE}$`) });
  const periods = page.locator('main form[method="get"]').getByLabel(/^Période/);
  const labels = async () => (await periods.locator('option').allInnerTexts()).find((label) => label.startsWith('Inscriptions au stage de Noël'))!;
  assert.equal(await labels(), 'Inscriptions au stage de Noël — du 22/12/2025 au 02/01/2026, ouvre le lundi 01/12 à 18:00');
  await periods.selectOption({ label: await labels() });
  await go(page.getByRole('button', { name: 'Afficher le calendrier' }));
  assert.match(await calendarRow(page, LEA, '2025-12-22'), /les réservations ne sont pas encore ouvertes/);
  assert.equal(await dayBox(page, LEA, 'Journée', '2025-12-22').count(), 0);
  assert.match(await calendarRow(page, LEA, '2025-12-25'), /jour férié/);
  await screenshot(page, 'family-booking-period-not-open-desktop');
  await checkAccessibility(page, 'booking calendar of a period not open yet, desktop');

  // The calendar offers nothing to tick; a request sent anyway (an old page, a crafted form) is
  // refused by the server with the same reason.
  const ids = await page.evaluate(() => ({
    child: document.querySelector<HTMLInputElement>('input[name="enfant"]:checked')!.value,
    unit: [...document.querySelectorAll<HTMLInputElement>('input[name="prestation"]')].find((box) => box.labels?.[0]?.textContent === 'Journée')!.value,
  }));
  await page.evaluate((value) => {
    const form = document.querySelector('main form[method="post"]')!;
    const input = Object.assign(document.createElement('input'), { type: 'hidden', name: 'choix', value });
    form.append(input);
  }, `${ids.child}|${ids.unit}|2025-12-22`);
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(page), [resultRow('Léa MARTIN', '2025-12-22', 'Journée', 'Refusée les réservations ne sont pas encore ouvertes')]);

  // Monday 1 December, 18:05: the period is open.
  portal.clock.set('2025-12-01T17:05:00Z');
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [LEA], activity: new RegExp(`^${STAGE}$`) });
  assert.equal(await labels(), 'Inscriptions au stage de Noël — du 22/12/2025 au 02/01/2026, ouvertes jusqu’au lundi 15/12 à 12:00');
  await periods.selectOption({ label: await labels() });
  await go(page.getByRole('button', { name: 'Afficher le calendrier' }));
  await tick(dayBox(page, LEA, 'Journée', '2025-12-22'));
  await tick(dayBox(page, LEA, 'Repas', '2025-12-22'));
  await screenshot(page, 'family-booking-period-open-desktop');
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.deepEqual(await resultRows(page), [
    resultRow('Léa MARTIN', '2025-12-22', 'Journée', 'Réservée'),
    resultRow('Léa MARTIN', '2025-12-22', 'Repas', 'Réservée'),
  ]);

  // Monday 15 December, 12:30: the period is closed, whatever the units' own deadlines.
  portal.clock.set('2025-12-15T11:30:00Z');
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [LEA], activity: new RegExp(`^${STAGE}$`) });
  assert.equal(await labels(), 'Inscriptions au stage de Noël — du 22/12/2025 au 02/01/2026, closes');
  await periods.selectOption({ label: await labels() });
  await go(page.getByRole('button', { name: 'Afficher le calendrier' }));
  assert.match(await calendarRow(page, LEA, '2025-12-23'), /les réservations sont closes/);
  assert.match(await calendarRow(page, LEA, '2025-12-22'), /Réservée.*Réservée/);
});

journey('staff mark the day’s attendance, download it and print it', async ({ baseUrl, portal, open }) => {
  // Wednesday 3 December, 10:30.
  portal.clock.set('2025-12-03T09:30:00Z');
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Présences');
  const filter = staff.locator('main form').first();
  await filter.getByLabel('Structure').selectOption({ label: 'Accueil de loisirs Les Hirondelles' });
  await filter.getByLabel('Jour').fill('2025-12-03');
  await go(filter.getByRole('button', { name: 'Afficher' }));
  const lists = await text(staff.locator('main'));
  assert.match(lists, /Accueil de loisirs Les Hirondelles — mercredi 3 décembre 2025/);
  assert.match(lists, /Accueil de loisirs — mercredis 2025-2026 — Journée — 3-5 ans : 1 enfant\b/);
  assert.match(lists, /Accueil de loisirs — mercredis 2025-2026 — Journée — 6-11 ans : 2 enfants/);

  const marks: [string, string][] = [
    ['MARTIN Léa', 'Présent'],
    ['MARTIN Hugo', 'Absent, justifié'],
    ['DUBOIS Emma', 'Absent, non justifié'],
  ];
  for (const [child, mark] of marks) await tick(staff.getByRole('group', { name: `Présence de ${child}` }).getByLabel(mark, { exact: true }));
  await go(staff.getByRole('button', { name: 'Enregistrer les présences' }));
  assert.equal(await notice(staff), '3 présences enregistrées.');
  const status = async (child: string) =>
    text(
      staff
        .locator('main tbody tr')
        .filter({ hasText: child.split(' ')[0]! })
        .filter({ hasText: child.split(' ')[1]! })
        .locator('td')
        .nth(4),
    );
  assert.equal(await status('MARTIN Léa'), 'Présent');
  assert.equal(await status('MARTIN Hugo'), 'Absence justifiée');
  assert.equal(await status('DUBOIS Emma'), 'Absence facturée');
  await screenshot(staff, 'staff-attendance-marked-desktop');
  await checkAccessibility(staff, 'attendance marked, desktop');

  // The spreadsheet: semicolons, one line per child, the state as marked.
  const download = staff.waitForEvent('download');
  await staff.getByRole('link', { name: 'Télécharger le tableau (CSV)' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'presences-2025-12-03.csv');
  const lines = readFileSync(await file.path(), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  assert.equal(lines[0], 'Date;Structure;Activité;Prestation;Groupe;Nom;Prénom;Date de naissance;Foyer;N° de famille;Allergies;PAI;Régime;État');
  assert.equal(lines.length, 4);
  const line = (lastName: string, firstName: string) => lines.find((candidate) => candidate.includes(`;${lastName};${firstName};`)) ?? '';
  assert.match(
    line('MARTIN', 'Léa'),
    /^03\/12\/2025;Accueil de loisirs Les Hirondelles;Accueil de loisirs — mercredis 2025-2026;Journée;6-11 ans;MARTIN;Léa;12\/04\/2018;MARTIN Claire et Julien;.*;Présent$/,
  );
  assert.match(line('MARTIN', 'Hugo'), /;3-5 ans;MARTIN;Hugo;.*;Absence justifiée$/);
  assert.match(line('DUBOIS', 'Emma'), /;6-11 ans;DUBOIS;Emma;.*;Absence facturée$/);

  await go(staff.getByRole('link', { name: 'Imprimer' }));
  assert.match(staff.url(), /vue=impression/);
  assert.equal(await staff.locator('main input[type="radio"]').count(), 0, 'the print view has boxes to tick by hand, not radio buttons');
  await screenshot(staff, 'staff-attendance-print-view-desktop');
  await checkAccessibility(staff, 'attendance print view, desktop');
  // On paper: the lists only, without the menu, the filters and the buttons.
  await staff.emulateMedia({ media: 'print' });
  assert.equal(await staff.locator('main form').first().isVisible(), false, 'the filters are not printed');
  assert.equal(await staff.getByRole('navigation', { name: 'Menu principal' }).isVisible(), false, 'the menu is not printed');
  assert.equal(await staff.locator('main table').count(), 2);
  assert.ok(await staff.locator('main table').first().isVisible(), 'the lists are printed');
  const overflowing = await staff
    .locator('main table')
    .evaluateAll((tables) => tables.filter((table) => table.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
  assert.equal(overflowing, 0, 'on paper the lists fit the page: nothing scrolls there');
  await screenshot(staff, 'staff-attendance-printed-desktop');
  await staff.emulateMedia({ media: 'screen' });

  // The family sees the day as it was marked.
  const family = await open();
  await familyLogIn(family, baseUrl, CLAIRE);
  await followNav(family, 'Planning du mois');
  assert.match(await planningRow(family, '2025-12-03'), /Journée Présent/);
});

journey('staff see a full day with its waiting list, add a place, and it goes to the waiting child', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const staff = await open();
  await staffLogIn(staff, baseUrl);
  await followNav(staff, 'Places et listes d’attente');
  const filter = staff.locator('main form');
  const activities = await filter.getByLabel('Activité').locator('option').allInnerTexts();
  await filter.getByLabel('Activité').selectOption({ label: activities.find((label) => WEDNESDAYS.test(label))! });
  await filter.getByLabel(/^Du/).fill('2025-12-01');
  await filter.getByLabel('Au').fill('2025-12-19');
  await go(filter.getByRole('button', { name: 'Afficher' }));
  const cell = staff.getByRole('link', { name: '1 / 1 — Journée, 6-11 ans, 10/12/2025' });
  assert.match(await text(staff.locator('main td').filter({ has: cell })), /1 \/ 1 .*Complet .*1 en attente/);
  await screenshot(staff, 'staff-occupancy-waiting-desktop');
  await checkAccessibility(staff, 'occupancy with a waiting list, desktop');

  await go(cell);
  const dayPage = staff.url();
  assert.match(await text(staff.locator('main')), /1 place prise sur 1, aucune restante Liste d’attente \(1\)/);
  assert.match(await text(staff.locator('main tbody tr').filter({ hasText: 'MARTIN Léa' })), /^1 MARTIN Léa MARTIN Claire et Julien/);
  // Full: the place is not given (places are never oversold).
  await go(staff.getByRole('button', { name: 'Donner une place — Léa MARTIN' }));
  assert.match(await notice(staff), /^Complet : il n’y a aucune place libre ce jour-là pour Léa MARTIN/);

  // Staff add a place that day through the set-up pages.
  await followNav(staff, 'Activités');
  await go(staff.getByRole('link', { name: WEDNESDAYS }));
  await go(staff.getByRole('link', { name: 'Places par date — Journée, Matin — 6-11 ans' }));
  await staff
    .locator('main form')
    .getByLabel(/^Premier jour/)
    .fill('10/12/2025');
  await staff
    .locator('main form')
    .getByLabel(/^Nombre de places ces jours-là/)
    .fill('2');
  await go(staff.locator('main form').getByRole('button', { name: 'Enregistrer' }));
  // The activity promotes its waiting list by itself: the new place went to the waiting child at once.
  assert.match(await text(staff.locator('main')), /10\/12\/2025 Journée, Matin — 6-11 ans 2 2/);

  await staff.goto(dayPage);
  assert.match(await text(staff.locator('main')), /2 places prises sur 2, aucune restante Liste d’attente \(0\) Personne en liste d’attente/);
  assert.match(await text(staff.locator('main tbody tr').filter({ hasText: 'MARTIN Léa' })), /Réservée/);
  await screenshot(staff, 'staff-waiting-list-promoted-desktop');
  await checkAccessibility(staff, 'a day’s lists after a promotion, desktop');

  await followNav(staff, 'Courriels envoyés');
  assert.equal(await staff.locator('main tbody tr').filter({ hasText: CLAIRE }).filter({ hasText: 'Une place s’est libérée pour Léa' }).count(), 1);

  const family = await open();
  await familyLogIn(family, baseUrl, CLAIRE);
  await followNav(family, 'Planning du mois');
  await nextMonth(family);
  assert.match(await planningRow(family, '2025-12-10'), /Journée Réservée/);
});
