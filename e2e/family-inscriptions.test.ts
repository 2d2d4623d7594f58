import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestPortal } from '../test/support/test-portal.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { asStaff, bookAsFamily, CLAIRE, familyLogIn, go, MANAGER, notice, staffLogIn, text, tick, WEDNESDAYS } from './support/booking-steps.js';

// Seed 002's "Mes inscriptions": each inscription with its dates, group and state, and its pages —
// bookings, waiting list, shuttles (navettes), information, enrollment certificate. A parent follows
// Léa's shuttle on the Wednesdays, on a phone (360 px) and a desktop, with and without JavaScript;
// then staff add a stop and read, for a Wednesday, the children each stop takes.
//
// Monday 24 November 2025 in Paris; Wednesday 10 December is a day of the demo's Wednesdays.
const NOW = '2025-11-24T09:00:00Z';
const WEDNESDAY = { iso: '2025-12-10', typed: '10/12/2025' };
const STOP = 'Place de la Mairie';
const { journey } = browserSuite({ now: NOW });

/** Léa's enrollment in the Wednesdays, and the demo's stop where her shuttle picks her up. */
async function wednesdaysOfLea(portal: TestPortal, demo: Tenant): Promise<{ enrollmentId: string; activityId: string }> {
  return asStaff(portal, demo, MANAGER, async (scope) => {
    const enrollment = await scope.tx
      .selectFrom('enrollments as e')
      .innerJoin('activities as a', 'a.id', 'e.activity_id')
      .innerJoin('persons as p', 'p.id', 'e.child_id')
      .select(['e.id', 'e.activity_id', 'a.name'])
      .where('p.first_name', '=', 'Léa')
      .execute()
      .then((rows) => rows.find((row) => WEDNESDAYS.test(row.name))!);
    // Each journey starts from no shuttle, and chooses it.
    await scope.tx.deleteFrom('shuttle_choices').where('enrollment_id', '=', enrollment.id).execute();
    return { enrollmentId: enrollment.id, activityId: enrollment.activity_id };
  });
}

async function look(page: Page, name: string, label: string, phone: boolean): Promise<void> {
  if (phone) assert.ok((await scrollWidth(page)) <= 360, `${label} fits a phone (${await scrollWidth(page)} px)`);
  await screenshot(page, name);
  await checkAccessibility(page, label);
}

for (const viewport of ['phone', 'desktop'] as const) {
  for (const javaScript of [true, false]) {
    const how = `${viewport}${javaScript ? '' : '-nojs'}`;
    journey(
      `a parent opens Léa’s inscription and follows her shuttle (${viewport}, ${javaScript ? 'with' : 'without'} JavaScript)`,
      async ({ baseUrl, portal, demo, open }) => {
        portal.clock.set(NOW);
        const { enrollmentId } = await wednesdaysOfLea(portal, demo);
        const phone = viewport === 'phone';
        const page = await open({ viewport, javaScript });
        await familyLogIn(page, baseUrl, CLAIRE);
        await page.goto(`${baseUrl}/demo/inscriptions`);
        const main = page.locator('main');

        // The list: each child's inscriptions, dates, group and state in words.
        const row = main.locator('tbody tr').filter({ hasText: 'Léa' }).filter({ hasText: 'mercredis' });
        assert.match(await text(row), /Léa Accueil de loisirs — mercredis \d{4}-\d{4} du \d\d\/\d\d\/\d{4} au \d\d\/\d\d\/\d{4} .+ Acceptée/);
        await look(page, `family-inscriptions-list-${how}`, `the inscriptions, ${how}`, phone);

        // Its page opens on its bookings, with the places the service announces and the way to book.
        await go(row.getByRole('link'));
        assert.equal(page.url(), `${baseUrl}/demo/inscriptions/${enrollmentId}`);
        assert.match(await main.locator('h1').innerText(), /^Léa — Accueil de loisirs — mercredis/);
        assert.match(await text(main.locator('.pf-record')), /Dates du .+ Groupe .+ État Acceptée/);
        assert.match(await text(main.locator('.fr-callout')), /Attention, nombre de places limité .+ places/);
        assert.ok(await main.getByRole('link', { name: 'Réserver des jours' }).isVisible());
        await look(page, `family-inscription-bookings-${how}`, `an inscription's bookings, ${how}`, phone);

        // The shuttle: none yet; choose the morning stop on Wednesdays.
        const sections = main.getByRole('navigation', { name: 'Rubriques de l’inscription' });
        await go(sections.getByRole('link', { name: 'Navettes' }));
        assert.match(await text(main.locator('.pf-record').last()), /Arrêt du matin Pas de navette Arrêt du soir Pas de navette/);
        const form = main.locator('form[action$="/navettes"]');
        await form.getByLabel('Arrêt du matin').selectOption({ label: `${STOP} à 07:45` });
        // A stop without a day is refused, next to the days, keeping the stop chosen.
        await go(form.getByRole('button', { name: 'Enregistrer la navette' }));
        assert.match(await text(main.locator('#error-summary')), /Jours de navette/);
        assert.match(await text(main.locator('#field-jours')), /Cochez au moins un jour, ou choisissez « Pas de navette »\./);
        assert.equal(await form.getByLabel('Arrêt du matin').locator('option:checked').innerText(), `${STOP} à 07:45`);
        await look(page, `family-inscription-shuttle-error-${how}`, `a shuttle without a day, ${how}`, phone);
        await tick(form.getByRole('checkbox', { name: 'Mercredi' }));
        await go(form.getByRole('button', { name: 'Enregistrer la navette' }));
        assert.equal(await notice(page), 'La navette de votre enfant est enregistrée.');
        assert.match(
          await text(main.locator('.pf-record').last()),
          new RegExp(`Arrêt du matin ${STOP} à 07:45 Arrêt du soir Pas de navette Jours de navette Mercredi`),
        );
        await look(page, `family-inscription-shuttle-${how}`, `the shuttle chosen, ${how}`, phone);

        // The information and the certificate.
        await go(sections.getByRole('link', { name: 'Informations' }));
        assert.match(await text(main), /Documents demandés/);
        await look(page, `family-inscription-information-${how}`, `an inscription's information, ${how}`, phone);
        await go(sections.getByRole('link', { name: 'Attestation d’inscription' }));
        const certificate = main.getByRole('link', { name: 'Télécharger l’attestation d’inscription (PDF)' });
        assert.match(String(await certificate.getAttribute('href')), /\/demo\/attestations\/presence\?enfant=.+&du=\d{4}-\d\d-\d\d&au=\d{4}-\d\d-\d\d$/);
        const pdf = await page.request.get(`${baseUrl}${await certificate.getAttribute('href')}`);
        assert.equal(pdf.headers()['content-type'], 'application/pdf');
      },
    );
  }
}

journey('staff add a stop to the Wednesdays’ shuttle and read the children of each stop on a Wednesday', async ({ baseUrl, portal, demo, open }) => {
  portal.clock.set(NOW);
  const { enrollmentId, activityId } = await wednesdaysOfLea(portal, demo);
  await asStaff(portal, demo, MANAGER, async (scope) => {
    const stop = await scope.tx.selectFrom('shuttle_stops').select('id').where('name', '=', STOP).executeTakeFirstOrThrow();
    await scope.tx
      .insertInto('shuttle_choices')
      .values({
        enrollment_id: enrollmentId,
        tenant_id: scope.tenantId,
        activity_id: activityId,
        morning_stop_id: stop.id,
        weekdays: [3],
        updated_at: scope.now,
      })
      .execute();
  });
  // Léa has a place that Wednesday: the shuttle takes her.
  assert.deepEqual(await bookAsFamily(portal, demo, CLAIRE, WEDNESDAYS, [{ child: 'Léa', unit: 'Journée', day: WEDNESDAY.iso }]), ['reserved']);
  const page = await open();
  await staffLogIn(page, baseUrl);
  await page.goto(`${baseUrl}/demo/gestion/activites/${activityId}`);
  const main = page.locator('main');
  await go(main.getByRole('link', { name: 'Arrêts et enfants de la navette' }));
  await go(main.getByRole('link', { name: 'Ajouter un arrêt' }));
  await main.getByLabel(/^Nom de l’arrêt/).fill('Stade municipal');
  await main.getByLabel(/^Heure du soir/).fill('17h15');
  await go(main.getByRole('button', { name: /Enregistrer/ }));
  assert.match(await text(main.locator('table').first()), /Stade municipal — 17:15/);

  await main.getByLabel(/^Jour/).fill(WEDNESDAY.typed);
  await go(main.getByRole('button', { name: 'Afficher' }));
  const mairie = main.locator('section').filter({ has: page.getByRole('heading', { name: STOP }) });
  assert.match(await text(mairie), /Matin à 07:45, 10\/12\/2025 Enfant Groupe Léa MARTIN/);
  assert.match(await text(mairie), /Soir à 17:30, 10\/12\/2025 Enfant Groupe Aucun enfant\./);
  await screenshot(page, 'staff-shuttle-stops');
  await checkAccessibility(page, 'the shuttle’s stops and children');
  await go(main.getByRole('link', { name: 'Version imprimable' }));
  assert.match(await text(main), /Léa MARTIN/);
  await screenshot(page, 'staff-shuttle-printable');
});
