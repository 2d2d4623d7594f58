import assert from 'node:assert/strict';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { asStaff } from './support/booking-steps.js';

// A manager closes a Wednesday that holds bookings (a strike): the calendar shows what the closure
// cancels before anything is saved; once confirmed, the day's attendance list is empty and the
// family's planning shows the day closed. Every page is checked with axe.
const DAY = '2026-11-25';
const MANAGER = 'gestion@example.org';
const FAMILY = 'claire.martin@example.org';

const { journey } = browserSuite({
  now: '2026-11-02T08:00:00Z',
  async seed(portal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    await asStaff(portal, demo, MANAGER, async (scope) => {
      const activity = await scope.tx.selectFrom('activities').select('id').where('kind', '=', 'alsh_wednesday').executeTakeFirstOrThrow();
      const day = await scope.tx.selectFrom('units').select('id').where('activity_id', '=', activity.id).where('code', '=', 'J').executeTakeFirstOrThrow();
      const context = { calendar: await portal.services.calendars.forTenant(scope.tx, demo), timeZone: demo.time_zone, schoolYearClosed: () => false };
      const enrolled = await scope.tx.selectFrom('enrollments').select(['child_id', 'household_id']).where('activity_id', '=', activity.id).execute();
      for (const child of enrolled) {
        await requestBookings(scope, context, {
          householdId: child.household_id,
          activityId: activity.id,
          choices: [{ childId: child.child_id, unitId: day.id, day: DAY }],
        });
      }
    });
  },
});

journey(
  'a manager closes a day that has bookings: sees the impact, confirms, the list empties, the family sees the day closed',
  async ({ baseUrl, portal, open }) => {
    portal.clock.set(`${DAY}T06:00:00Z`);
    const staff = await open();
    await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');

    // Before: the children of that Wednesday are on its attendance list.
    await staff.goto(`${baseUrl}${DEMO_BASE}/gestion/presences`);
    const attendance = async () => {
      const filter = staff.locator('main form').first();
      await filter.getByLabel('Structure').selectOption({ label: 'Accueil de loisirs Les Hirondelles' });
      await filter.getByLabel('Jour').fill(DAY);
      await submitWith(filter.getByRole('button', { name: 'Afficher' }));
      return staff.getByRole('group', { name: /^Présence de / }).count();
    };
    assert.ok((await attendance()) >= 2, 'the day’s children are listed');

    await followNav(staff, 'Calendrier');
    await submitWith(staff.getByRole('link', { name: 'Ajouter une fermeture' }));
    const form = staff.locator('main form').first();
    await form.getByLabel('Premier jour').fill(DAY);
    await form.getByLabel('Dernier jour').fill(DAY);
    await form.getByLabel('Motif').fill('Grève');
    await submitWith(form.getByRole('button', { name: 'Enregistrer' }));

    assert.equal(await staff.locator('main h1').innerText(), 'Confirmer la fermeture');
    const impact = await staff.locator('main').innerText();
    assert.match(impact, /Cette fermeture touche des réservations existantes/);
    assert.match(impact, /Réservations et demandes de réservation annulées, leurs places libérées : \d+/);
    assert.match(impact, /Accueil de loisirs — mercredis/);
    await screenshot(staff, 'staff-closure-impact-desktop', { fullPage: true });
    await checkAccessibility(staff, 'closure impact, desktop');

    await submitWith(staff.getByRole('button', { name: 'Confirmer la fermeture et annuler ces réservations' }));
    assert.equal(await staff.locator('main h1').innerText(), 'Calendrier');
    assert.match(await staff.locator('main').innerText(), /Grève/);
    await checkAccessibility(staff, 'calendar after the closure');

    await staff.goto(`${baseUrl}${DEMO_BASE}/gestion/presences`);
    assert.equal(await attendance(), 0, 'nobody is expected on a closed day');
    await screenshot(staff, 'staff-closure-attendance-desktop');

    // The family sees the day closed in its planning, on a phone (its one email is test/closures-with-bookings.test.ts's).
    const family = await open({ viewport: 'phone' });
    await logIn(family, baseUrl, FAMILY, demoPassword(FAMILY), '/accueil');
    await family.goto(`${baseUrl}${DEMO_BASE}/reservations/planning?mois=2026-11`);
    const planning = await family.locator('main').innerText();
    assert.match(planning, /Réservation annulée par le service, fermé ce jour-là : non facturée — Grève/);
    assert.ok((await scrollWidth(family)) <= 360, 'the planning fits a phone');
    await screenshot(family, 'family-planning-closure-phone', { fullPage: true });
    await checkAccessibility(family, 'family planning with a closed day, phone');
  },
);
