import assert from 'node:assert/strict';
import { setDayPlaces } from '../src/modules/bookings/places-admin.js';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import type { Scope } from '../src/modules/scope.js';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// Staff's day with bookings: the places of a Wednesday with its waiting list, a waiting child who
// cannot be given a place on a full day, requests validated in bulk, and the day's attendance
// marked, printed and downloaded. Every page is checked with axe.
const DAY = '2026-11-25';
const MANAGER = 'gestion@example.org';

const { journey } = browserSuite({
  now: '2026-11-02T08:00:00Z',
  async seed(portal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    await portal.inTenant(demo, async (system) => {
      const manager = await system.tx.selectFrom('accounts').select('id').where('email', '=', MANAGER).executeTakeFirstOrThrow();
      const scope: Scope = { ...system, actor: { kind: 'staff', accountId: manager.id, role: 'manager', label: 'Gestion' } };
      const activity = await scope.tx.selectFrom('activities').select('id').where('kind', '=', 'alsh_wednesday').executeTakeFirstOrThrow();
      const units = await scope.tx.selectFrom('units').select(['id', 'code']).where('activity_id', '=', activity.id).execute();
      const unit = (code: string) => units.find((candidate) => candidate.code === code)!.id;
      // One place on that day in each group: the first child booked gets it, the others wait.
      for (const pool of await scope.tx.selectFrom('capacity_pools').select('id').where('activity_id', '=', activity.id).execute()) {
        await setDayPlaces(scope, pool.id, DAY, 1);
      }
      const calendar = await portal.services.calendars.forTenant(scope.tx, demo);
      const context = { calendar, timeZone: demo.time_zone, schoolYearClosed: () => false };
      const enrolled = await scope.tx
        .selectFrom('enrollments')
        .select(['child_id', 'household_id'])
        .where('activity_id', '=', activity.id)
        .orderBy('child_id')
        .execute();
      for (const child of enrolled) {
        await requestBookings(scope, context, {
          householdId: child.household_id,
          activityId: activity.id,
          choices: [{ childId: child.child_id, unitId: unit('J'), day: DAY }],
        });
      }
      // The meals of that day wait for the service's validation.
      await scope.tx.updateTable('activities').set({ validation_mode: 'manual' }).where('id', '=', activity.id).execute();
      for (const child of enrolled) {
        await requestBookings(scope, context, {
          householdId: child.household_id,
          activityId: activity.id,
          choices: [{ childId: child.child_id, unitId: unit('R'), day: DAY }],
        });
      }
    });
  },
});

journey('staff read the places, try to give a full day’s place, validate requests and mark attendance', async ({ baseUrl, portal, open }) => {
  portal.clock.set(`${DAY}T08:00:00Z`);
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  assert.match(await staff.locator('main').innerText(), /Demandes à valider\s*\d+/);

  await followNav(staff, 'Places et listes d’attente');
  assert.equal(await staff.locator('main h1').innerText(), 'Places et listes d’attente');
  const filter = staff.locator('main form');
  await filter.getByLabel('Activité').selectOption({ label: 'Accueil de loisirs — mercredis 2026-2027' });
  await filter.getByLabel(/^Du/).fill(DAY);
  await filter.getByLabel('Au').fill('2026-12-09');
  await submitWith(filter.getByRole('button', { name: 'Afficher' }));
  const table = await staff.locator('main table').innerText();
  assert.match(table, /mercredi 25 novembre 2026/);
  assert.match(table, /Complet/i);
  await screenshot(staff, 'staff-occupancy-desktop');
  await checkAccessibility(staff, 'occupancy, desktop');

  await submitWith(staff.getByRole('link', { name: /Journée, 6-11 ans, 25\/11\/2026/ }));
  assert.match(await staff.locator('main').innerText(), /Liste d’attente \(2\)/);
  await checkAccessibility(staff, 'a day’s waiting list, desktop');
  await submitWith(staff.getByRole('button', { name: /^Donner une place/ }).first());
  assert.match(await staff.getByRole('alert').innerText(), /Complet : il n’y a aucune place libre/);
  await screenshot(staff, 'staff-waiting-list-full-desktop');
  await checkAccessibility(staff, 'a day’s waiting list with its error, desktop');

  await followNav(staff, 'Validations');
  assert.match(await staff.locator('main h2').first().innerText(), /Réservations à valider \(\d+\)/);
  await checkAccessibility(staff, 'requests to validate, desktop');
  const boxes = staff.locator('main input[name="ids"]');
  for (let index = 0; index < (await boxes.count()); index++) await boxes.nth(index).setChecked(true, { force: true });
  await submitWith(staff.getByRole('button', { name: 'Accepter la sélection' }));
  assert.match(await staff.getByRole('alert').innerText(), /Résultat.*acceptée/s);
  await screenshot(staff, 'staff-validations-done-desktop');
  await checkAccessibility(staff, 'requests validated, desktop');

  await followNav(staff, 'Présences');
  const attendanceFilter = staff.locator('main form').first();
  await attendanceFilter.getByLabel('Structure').selectOption({ label: 'Accueil de loisirs Les Hirondelles' });
  await attendanceFilter.getByLabel('Jour').fill(DAY);
  await submitWith(attendanceFilter.getByRole('button', { name: 'Afficher' }));
  const marks = staff.getByRole('group', { name: /^Présence de / });
  assert.ok((await marks.count()) >= 2, 'the day’s children are listed');
  await marks.first().getByLabel('Présent').setChecked(true, { force: true });
  await marks.nth(1).getByLabel('Absent, justifié').setChecked(true, { force: true });
  await checkAccessibility(staff, 'attendance list, desktop');
  await submitWith(staff.getByRole('button', { name: 'Enregistrer les présences' }));
  assert.match(await staff.getByRole('alert').innerText(), /2 présences enregistrées\./);
  await screenshot(staff, 'staff-attendance-desktop');
  const csv = await staff.getByRole('link', { name: 'Télécharger le tableau (CSV)' }).getAttribute('href');
  assert.match(csv ?? '', /\/gestion\/presences\/export\.csv\?site=[0-9a-f-]{36}&jour=2026-11-25$/);

  await submitWith(staff.getByRole('link', { name: 'Imprimer' }));
  assert.ok(await staff.getByRole('button', { name: 'Imprimer' }).isVisible(), 'the print button shows once the script runs');
  await screenshot(staff, 'staff-attendance-print-desktop');
  await checkAccessibility(staff, 'attendance, print view');

  // On a phone the tables scroll inside their frame: the page itself is never wider than the screen.
  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await phone.goto(`${baseUrl}${DEMO_BASE}/gestion/presences`);
  assert.ok((await scrollWidth(phone)) <= 360, 'the attendance page fits a phone');
  await screenshot(phone, 'staff-attendance-phone');
  await checkAccessibility(phone, 'attendance, phone');
});
