import assert from 'node:assert/strict';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { addBookingPeriod } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { CLAIRE, calendarRow, dayBox, familyLogIn, followNav, go, openCalendar, resultRows, text, tick, WEDNESDAYS } from './support/booking-steps.js';

// Pre-registration by period, as in the guides' seeds 000 and 003: the demo's Wednesdays of
// January to March 2026 open for booking until Tuesday 16 December inclusive. The clock stands on
// Monday 24 November 2025, 10:00 in Paris. The February holidays (zone A, 7–23 February) close two
// Wednesdays; Wednesday 14 January is full in both groups.
const NOW = '2025-11-24T09:00:00Z';
const OPEN_WEDNESDAYS = [
  '2026-01-07',
  '2026-01-14',
  '2026-01-21',
  '2026-01-28',
  '2026-02-04',
  '2026-02-25',
  '2026-03-04',
  '2026-03-11',
  '2026-03-18',
  '2026-03-25',
];
const FULL_DAY = '2026-01-14';
const { journey } = browserSuite({
  now: NOW,
  async seed(portal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    await portal.inTenant(demo, async (scope) => {
      const activity = (await scope.tx.selectFrom('activities').select(['id', 'name']).execute()).find((row) => WEDNESDAYS.test(row.name))!;
      await addBookingPeriod(
        { ...scope, actor: SYSTEM },
        {
          activity_id: activity.id,
          name: 'Mercredis janvier–mars',
          first_day: '2026-01-07',
          last_day: '2026-03-25',
          opens_at: new Date('2025-11-17T07:00:00Z'),
          closes_at: new Date('2025-12-16T23:00:00Z'),
        },
      );
      const pools = await scope.tx.selectFrom('capacity_pools').select(['id', 'places']).where('activity_id', '=', activity.id).execute();
      await scope.tx
        .insertInto('capacity_days')
        .values(pools.map((pool) => ({ tenant_id: scope.tenantId, pool_id: pool.id, day: FULL_DAY, places: pool.places, taken: pool.places })))
        .execute();
    });
  },
});

const LEA = 'Léa MARTIN';
const HUGO = 'Hugo MARTIN';

/** Whether any table of the page scrolls sideways inside its frame. */
function tablesScrollSideways(page: import('playwright-core').Page): Promise<boolean> {
  return page.evaluate(() => [...document.querySelectorAll('.fr-table__container')].some((frame) => frame.scrollWidth > frame.clientWidth + 1));
}

journey('on a phone, the whole period fits the width, and leaving with boxes not sent asks first', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open({ viewport: 'phone' });
  await familyLogIn(page, baseUrl, CLAIRE);
  await page.goto(`${baseUrl}/demo/reservations`);
  await openCalendar(page, { children: [LEA, HUGO], activity: WEDNESDAYS });
  assert.match(
    await page
      .locator('main form[method="get"]')
      .getByLabel(/^Période/)
      .locator('option:checked')
      .innerText(),
    /^Mercredis janvier–mars — du 07\/01\/2026 au 25\/03\/2026, ouvertes jusqu’au mardi 16\/12 inclus$/,
    'the only open period is chosen',
  );
  assert.match(await text(page.locator('main')), /Réservation possible jusqu’au mardi 16\/12 inclus pour tous les jours affichés\./);
  assert.match(await calendarRow(page, HUGO, '2026-02-11'), /vacances scolaires/);
  assert.match(await calendarRow(page, HUGO, FULL_DAY), /complet : votre demande ira en liste d’attente/);
  assert.ok((await scrollWidth(page)) <= 360, `the page fits a phone (${await scrollWidth(page)} px)`);
  assert.equal(await tablesScrollSideways(page), false, 'all the units of a day fit without scrolling sideways');
  await screenshot(page, 'family-booking-period-phone');
  // What a phone shows around the full day (the whole page is long).
  await page.getByRole('table', { name: LEA, exact: true }).getByRole('rowheader').nth(1).scrollIntoViewIfNeeded();
  await screenshot(page, 'family-booking-period-phone-full-day', { fullPage: false });
  await checkAccessibility(page, 'booking calendar of a period, phone');

  await tick(dayBox(page, LEA, 'Journée', '2026-03-04'));
  let asked = false;
  page.once('dialog', (dialog) => {
    asked = dialog.type() === 'beforeunload';
    void dialog.dismiss();
  });
  await page.getByRole('link', { name: 'Aller au contenu' }).evaluate(() => window.location.assign('/demo/accueil'));
  await page.waitForTimeout(500);
  assert.ok(asked, 'leaving with a box ticked and not sent asks first');
  assert.match(page.url(), /\/reservations\?/, 'the parent stayed on the calendar');
  assert.equal(await dayBox(page, LEA, 'Journée', '2026-03-04').isChecked(), true, 'the tick is still there');
});

journey('without JavaScript, a parent books every Wednesday of the period, three months, in one go', async ({ baseUrl, portal, open }) => {
  portal.clock.set(NOW);
  const page = await open({ viewport: 'phone', javaScript: false });
  await familyLogIn(page, baseUrl, CLAIRE);
  await page.goto(`${baseUrl}/demo/reservations`);
  await openCalendar(page, { children: [HUGO], activity: WEDNESDAYS });
  const mass = page.getByRole('group', { name: /^Sélection en masse/ });
  await tick(mass.getByRole('checkbox', { name: 'mercredi', exact: true }));
  await tick(mass.getByRole('checkbox', { name: 'Journée', exact: true }));
  await go(page.getByRole('button', { name: 'Appliquer' }));
  for (const day of OPEN_WEDNESDAYS) assert.equal(await dayBox(page, HUGO, 'Journée', day).isChecked(), true, `${day} ticked`);
  assert.equal(await page.locator('input[name="choix"]:checked').count(), OPEN_WEDNESDAYS.length, 'January, February and March at once');
  await screenshot(page, 'family-booking-period-phone-nojs');
  await checkAccessibility(page, 'booking calendar of a period, phone, no JavaScript');

  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  assert.match(page.url(), /\/reservations\/resultat\//);
  const answered = await resultRows(page);
  assert.equal(answered.length, OPEN_WEDNESDAYS.length);
  assert.ok(
    answered.some((row) => /mer\. 14\/01 \| Journée \| Liste d’attente rang 1/.test(row)),
    'the full day waits, with its rank',
  );
  assert.equal(answered.filter((row) => row.endsWith('Réservée')).length, OPEN_WEDNESDAYS.length - 1);
  await screenshot(page, 'family-booking-period-result-phone-nojs');

  // A refresh shows the same answer and books nothing again.
  await page.reload();
  assert.deepEqual(await resultRows(page), answered);
  const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
  const booked = await portal.inTenant(demo, ({ tx }) =>
    tx
      .selectFrom('bookings')
      .innerJoin('persons as p', 'p.id', 'bookings.child_id')
      .select('bookings.id')
      .where('p.first_name', '=', 'Hugo')
      .where('day', '>=', '2026-01-01')
      .execute(),
  );
  assert.equal(booked.length, OPEN_WEDNESDAYS.length);
});

journey(
  'with JavaScript, the mass selection keeps the boxes ticked by hand and units that do not go together are caught before sending',
  async ({ baseUrl, portal, open }) => {
    portal.clock.set(NOW);
    const page = await open();
    await familyLogIn(page, baseUrl, CLAIRE);
    await followNav(page, 'Réservations');
    await openCalendar(page, { children: [LEA], activity: WEDNESDAYS });
    await tick(dayBox(page, LEA, 'Matin', '2026-01-07'));
    const mass = page.getByRole('group', { name: /^Sélection en masse/ });
    await tick(mass.getByRole('checkbox', { name: 'mercredi', exact: true }));
    await tick(mass.getByRole('checkbox', { name: 'Journée', exact: true }));
    await page.getByRole('button', { name: 'Appliquer' }).click();
    for (const day of OPEN_WEDNESDAYS) assert.equal(await dayBox(page, LEA, 'Journée', day).isChecked(), true, `${day} ticked in place`);
    assert.equal(await dayBox(page, LEA, 'Matin', '2026-01-07').isChecked(), true, 'the box ticked by hand stays');

    const conflicts = page.locator('[data-conflicts]');
    await conflicts.getByRole('heading', { name: 'Des prestations cochées ne vont pas ensemble' }).waitFor();
    assert.equal(
      await text(conflicts.locator('ul')),
      'Léa MARTIN, mer. 07/01 — Journée, Matin : incompatible avec les autres prestations du jour.',
      'in the words the server answers with',
    );
    await page.getByRole('button', { name: 'Envoyer mes réservations' }).click();
    assert.match(page.url(), /\/reservations\?/, 'nothing sent');
    await conflicts.scrollIntoViewIfNeeded();
    await screenshot(page, 'family-booking-period-conflict-desktop', { fullPage: false });
    await checkAccessibility(page, 'booking calendar with units that do not go together, desktop');

    await tick(dayBox(page, LEA, 'Matin', '2026-01-07'), false);
    assert.equal(await conflicts.isVisible(), false);
    await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
    const answered = await resultRows(page);
    assert.equal(answered.length, OPEN_WEDNESDAYS.length);
    assert.ok(
      answered.some((row) => /Léa MARTIN \| mer\. 14\/01 \| Journée \| Liste d’attente rang 1/.test(row)),
      'the full day waits, first of her group',
    );
    await screenshot(page, 'family-booking-period-result-desktop');
    await checkAccessibility(page, 'booking result, desktop');
  },
);
