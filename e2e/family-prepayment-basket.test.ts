import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { SYSTEM } from '../src/modules/actor.js';
import { addCapacityPool } from '../src/modules/activities/activity-setup.js';
import { expireOverdueBaskets } from '../src/modules/bookings/basket-expiry.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { emailsTo } from '../test/support/outbox.js';
import type { TestPortal } from '../test/support/test-portal.js';
import { bookAsFamily, CLAIRE, DEMO_BASE, dayBox, familyLogIn, go, openCalendar, SOPHIE, text, tick } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';

// The prepayment basket (issue #13, seed 004), as a parent of the demo meets it: the demo's
// before and after school care is paid at booking. Its evening care gets a pool of places here, one
// place only on Thursday 12 March 2026, to fight for.
// - Claire Martin books an evening on the calendar, finds it in her basket, pays it through the
//   Systempay simulator in the same tab, and sees the day booked;
// - Sophie Bernard holds the 12 March place in her basket and lets it expire: the place goes to
//   Claire's Léa, who waited for it, and Claire is told by email.
const SEEDED = '2026-02-10T09:00:00Z';
const PERISCOLAIRE = /^Accueil périscolaire matin et soir/;
const SYSTEMPAY = 'Carte bancaire (Systempay) — mode test, aucun paiement réel';
const CONTESTED = '2026-03-12';
const { journey } = browserSuite({ now: SEEDED, env: { PAYMENT_SIMULATORS: 'true' }, seed: seedPlaces });

async function seedPlaces(portal: TestPortal): Promise<void> {
  const demo = demoOf(portal);
  await portal.inTenant(demo, async (scope) => {
    const activity = (await scope.tx.selectFrom('activities').select(['id', 'name']).execute()).find((row) => PERISCOLAIRE.test(row.name))!;
    const evening = await scope.tx.selectFrom('units').select('id').where('activity_id', '=', activity.id).where('name', '=', 'Soir').executeTakeFirstOrThrow();
    const pool = await addCapacityPool({ ...scope, actor: SYSTEM }, { activity_id: activity.id, group_id: null, unit_ids: [evening.id], places: 30 });
    await scope.tx.insertInto('capacity_days').values({ tenant_id: scope.tenantId, pool_id: pool, day: CONTESTED, places: 1, overridden: true }).execute();
  });
}

function demoOf(portal: TestPortal): Tenant {
  return portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
}

async function statusOf(portal: TestPortal, email: string, day: string): Promise<string[]> {
  return portal.inTenant(demoOf(portal), async ({ tx }) => {
    const account = await tx.selectFrom('accounts').select('household_id').where('email', '=', email).executeTakeFirstOrThrow();
    const rows = await tx
      .selectFrom('bookings as b')
      .innerJoin('units as u', 'u.id', 'b.unit_id')
      .select(['b.status'])
      .where('b.household_id', '=', account.household_id!)
      .where('b.day', '=', day)
      .where('u.name', '=', 'Soir')
      .orderBy('b.created_at')
      .execute();
    return rows.map((row) => row.status);
  });
}

async function openBasket(page: Page, baseUrl: string): Promise<string> {
  await page.goto(`${baseUrl}${DEMO_BASE}/reservations/panier`);
  assert.equal(await page.locator('main h1').innerText(), 'Mon panier de prépaiement');
  return text(page.locator('main'));
}

journey('a parent books an evening paid at booking, pays the basket online in the same tab, and the day is booked', async ({ baseUrl, portal, open }) => {
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);

  await page.goto(`${baseUrl}${DEMO_BASE}/reservations`);
  await openCalendar(page, { children: ['Léa MARTIN'], activity: PERISCOLAIRE, monthsAhead: 1 });
  await tick(dayBox(page, 'Léa MARTIN', 'Soir', '2026-03-05'));
  await go(page.getByRole('button', { name: 'Envoyer mes réservations' }));
  const answer = await text(page.locator('main'));
  assert.match(answer, /En attente de paiement/);
  await screenshot(page, 'family-basket-booking-result');
  await checkAccessibility(page, 'booking result with a day awaiting payment');

  await go(page.getByRole('link', { name: 'Payer mon panier' }));
  const basket = await text(page.locator('main'));
  assert.match(basket, /Régie : Périscolaire et loisirs/);
  assert.match(basket, /Places gardées jusqu’à 10\/02\/2026 10:15 \(encore 15 min\)/);
  assert.match(basket, /Léa/);
  assert.match(basket, /Reste à payer/);
  await screenshot(page, 'family-basket-page', { fullPage: true });
  await checkAccessibility(page, 'the basket, desktop');

  await tick(page.locator('main form').getByRole('radio', { name: SYSTEMPAY, exact: true }));
  await go(page.getByRole('button', { name: 'Valider mes réservations avec prépaiement' }));
  await page.waitForURL(`${baseUrl}/simulateurs/systempay/**`, { timeout: 30_000 });
  await page.waitForLoadState('load');
  await screenshot(page, 'family-basket-systempay-simulator');
  await page.getByRole('radio', { name: 'Paiement accepté', exact: true }).check();
  await page.getByRole('radio', { name: 'Normale, tout de suite', exact: true }).check();
  await go(page.getByRole('button', { name: 'Valider' }));

  assert.equal(await page.locator('main h1').innerText(), 'Résultat du paiement');
  const result = await text(page.locator('main .fr-alert'));
  assert.match(result, /Paiement accepté/);
  assert.match(result, /Vos réservations sont confirmées/);
  await screenshot(page, 'family-basket-paid-result');
  await checkAccessibility(page, 'basket paid');
  assert.deepEqual(await statusOf(portal, CLAIRE, '2026-03-05'), ['reserved']);
  assert.match(await openBasket(page, baseUrl), /Votre panier est vide/);
});

journey('a basket left unpaid expires: its place goes to the child waiting for it', async ({ baseUrl, portal, demo, open }) => {
  assert.deepEqual(await bookAsFamily(portal, demo, SOPHIE, PERISCOLAIRE, [{ child: 'Emma', unit: 'Soir', day: CONTESTED }]), ['awaiting_payment']);
  assert.deepEqual(await bookAsFamily(portal, demo, CLAIRE, PERISCOLAIRE, [{ child: 'Léa', unit: 'Soir', day: CONTESTED }]), ['waitlisted']);

  const page = await open();
  await familyLogIn(page, baseUrl, SOPHIE);
  const basket = await openBasket(page, baseUrl);
  assert.match(basket, /Emma/);
  assert.match(basket, /12\/03\/2026/);
  await screenshot(page, 'family-basket-before-expiry', { fullPage: true });

  portal.clock.advance(16 * 60_000);
  assert.match(await openBasket(page, baseUrl), /Le délai est écoulé/);
  assert.equal(await expireOverdueBaskets({ db: portal.db, clock: portal.clock, mail: { wake() {} }, log: { error() {} } }), 1);

  assert.match(await openBasket(page, baseUrl), /Votre panier est vide/);
  await screenshot(page, 'family-basket-expired-empty');
  await checkAccessibility(page, 'empty basket');
  assert.deepEqual(await statusOf(portal, SOPHIE, CONTESTED), ['cancelled']);
  assert.deepEqual(await statusOf(portal, CLAIRE, CONTESTED), ['reserved'], 'Léa, who waited, has the place');
  const told = await emailsTo(portal, demo, CLAIRE);
  assert.ok(
    told.some((email) => /place/i.test(email.subject) && /Léa/.test(email.text_body)),
    'Claire is told',
  );

  await page.goto(`${baseUrl}${DEMO_BASE}/reservations/planning?mois=2026-03`);
  await screenshot(page, 'family-basket-expired-sophie-planning', { fullPage: true });
});
