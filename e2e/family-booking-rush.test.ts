import assert from 'node:assert/strict';
import { occupyBookingLine } from '../test/support/booking-line.js';
import { browserSuite, checkAccessibility, screenshot, withStillCopy } from './support/browser.js';
import { CLAIRE, dayBox, familyLogIn, followNav, go, nextMonth, openCalendar, resultRows, SOPHIE, tick, WEDNESDAYS } from './support/booking-steps.js';

// Registration day in a browser (issue #18): the authority's booking line is full (another family's
// booking holds it, from the test), so a parent's booking is turned away. Her page tells her her
// place in the queue and when it is sent again, and sends her choices again by itself with the
// ticket that keeps her place: once the line is free, her booking goes through without a click.
const NOW = '2025-11-24T09:00:00Z';
const { journey } = browserSuite({ now: NOW });

const LEA = 'Léa MARTIN';

journey('under a rush a parent is told her place in the queue, and her page sends her booking again by itself', async ({ baseUrl, portal, demo, open }) => {
  portal.clock.set(NOW);
  // Sophie's booking is being answered, and holds the line's only place until the test lets it go.
  const holder = await portal.inTenant(demo, async ({ tx }) => {
    const account = await tx.selectFrom('accounts').select(['id', 'household_id']).where('email', '=', SOPHIE).executeTakeFirstOrThrow();
    const activity = (await tx.selectFrom('activities').select(['id', 'name']).execute()).find((row) => WEDNESDAYS.test(row.name))!;
    const unit = await tx.selectFrom('units').select('id').where('activity_id', '=', activity.id).where('name', '=', 'Journée').executeTakeFirstOrThrow();
    const child = await tx
      .selectFrom('household_members')
      .select('person_id')
      .where('household_id', '=', account.household_id!)
      .where('role', '=', 'child')
      .executeTakeFirstOrThrow();
    return {
      actor: { kind: 'family' as const, accountId: account.id, householdId: account.household_id!, label: SOPHIE },
      householdId: account.household_id!,
      activityId: activity.id,
      choices: [{ childId: child.person_id, unitId: unit.id, day: '2025-12-10' }],
    };
  });

  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await followNav(page, 'Réservations');
  await openCalendar(page, { children: [LEA], activity: WEDNESDAYS });
  await nextMonth(page);
  await tick(dayBox(page, LEA, 'Journée', '2025-12-03'));

  const release = await occupyBookingLine(portal, demo, holder);
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  await page.getByRole('heading', { name: 'Beaucoup de familles réservent en ce moment' }).waitFor();
  const told = await page.locator('main form p').textContent();
  assert.match(told ?? '', /Votre place est gardée : vous êtes n° 1 dans la file\. Votre demande sera renvoyée automatiquement dans environ 1 s/);
  // The page sends itself again every second while the line is full: a still copy is looked at.
  await withStillCopy(page, async (copy) => {
    await screenshot(copy, 'family-booking-rush-place-in-queue');
    await checkAccessibility(copy, 'the page of a booking turned away under a rush');
  });

  // The line is free again: the page comes back by itself (every half second while it is full) and is served.
  await release();
  await page.waitForURL(/\/reservations\/resultat\//, { timeout: 10_000 });
  const rows = await resultRows(page);
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0]!, /Léa[\s\S]*Réservée/);
  await screenshot(page, 'family-booking-rush-served');
});
