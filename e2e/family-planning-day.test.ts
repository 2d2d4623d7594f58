import assert from 'node:assert/strict';
import { dayLabel } from '../src/web/calendar-labels.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { CLAIRE, confirmCancelButton, familyLogIn, followNav, go, nextMonth, notice, planningRow, text, tick } from './support/booking-steps.js';

// Seed 001's planning, where a right-click on a day books or declares an absence: ours is a
// "Choisir" link per day, opening the day's page — book what is open, cancel after a confirmation
// that says whether the day is billed, declare an absence — on a phone (360 px) and a desktop.
//
// Monday 24 November 2025 in Paris; the demo's Wednesdays book until 7 days before and cancel until
// 2 days before at noon: Wednesdays 10 and 17 December are open for both.
const NOW = '2025-11-24T09:00:00Z';
const { journey } = browserSuite({ now: NOW });
const LEA = 'Léa MARTIN';
/** Each journey its own Wednesday (they share one portal), and the Monday noon its cancelling ends. */
const DAYS = { phone: { day: '2025-12-10', until: 'lundi 08/12 à 12:00' }, desktop: { day: '2025-12-17', until: 'lundi 15/12 à 12:00' } };

/** The planning's "Choisir" link of a day (its name says which day, for a screen reader). */
function dayChoices(page: import('playwright-core').Page, day: string) {
  return page.getByRole('link', { name: `Choisir — réserver, annuler ou déclarer une absence le ${dayLabel('fr', day, 'long')}`, exact: true });
}

for (const viewport of ['phone', 'desktop'] as const) {
  journey(
    `from the planning a parent books a day, cancels it after a confirmation and declares an absence (${viewport})`,
    async ({ baseUrl, portal, open }) => {
      portal.clock.set(NOW);
      const { day: DAY, until } = DAYS[viewport];
      const page = await open(viewport === 'phone' ? { viewport: 'phone' } : {});
      await familyLogIn(page, baseUrl, CLAIRE);
      await followNav(page, 'Planning du mois');
      assert.equal(await page.locator('main h1').innerText(), `Planning du mois — ${LEA}`);
      await nextMonth(page);

      // The day's choices: nothing booked yet, each unit with its deadline, no absence to declare.
      await go(dayChoices(page, DAY));
      const dayUrl = page.url();
      assert.equal(await page.locator('main h1').innerText(), `${LEA} — ${dayLabel('fr', DAY, 'long')}`);
      const main = page.locator('main');
      assert.match(await text(main), /Rien n’est réservé ce jour\./);
      assert.match(await text(main), /Rien n’est réservé pour cet enfant ces jours-là/);
      if (viewport === 'phone') assert.ok((await scrollWidth(page)) <= 360, `the day page fits a phone (${await scrollWidth(page)} px)`);
      await screenshot(page, `family-planning-day-${viewport}`);
      await checkAccessibility(page, `a day of the planning, ${viewport}`);

      // Book the day from there: the answer, then back to the planning.
      await tick(main.getByRole('checkbox', { name: /^Journée/ }));
      await go(main.getByRole('button', { name: 'Envoyer la réservation' }));
      assert.match(await text(main.locator('tbody')), /Journée Réservée/);
      await page.goto(`${baseUrl}/demo/reservations/planning?mois=2025-12`);
      assert.match(await planningRow(page, DAY), new RegExp(`Journée Réservée.*annulable jusqu’au ${until}`));

      // Cancel: the day's page asks, saying it will not be billed; keeping it changes nothing.
      await go(page.getByRole('link', { name: `Annuler — Journée ${dayLabel('fr', DAY)}`, exact: true }));
      assert.match(await text(main.locator('.fr-callout')), /Annuler .* — Journée \? Annulée maintenant, avant le délai, cette journée ne sera pas facturée\./);
      await screenshot(page, `family-planning-day-cancel-${viewport}`);
      await checkAccessibility(page, `cancellation to confirm, ${viewport}`);
      await go(main.getByRole('link', { name: 'Garder la réservation' }));
      assert.equal(await main.locator('.fr-callout').count(), 0);
      await go(main.getByRole('link', { name: 'Annuler — Journée', exact: true }));
      await go(confirmCancelButton(page));
      assert.equal(await notice(page), 'La réservation est annulée.');
      assert.match(await text(main), /Rien n’est réservé ce jour\./);

      // Book again, then declare an absence for that day from its page.
      await tick(main.getByRole('checkbox', { name: /^Journée/ }));
      await go(main.getByRole('button', { name: 'Envoyer la réservation' }));
      await page.goto(dayUrl);
      await go(main.getByRole('link', { name: 'Déclarer une absence ce jour' }));
      const form = main.locator('form').first();
      assert.equal(await form.getByLabel(/^Premier jour d’absence/).inputValue(), `${DAY.slice(8)}/12/2025`, 'the absence starts from the day chosen');
      await form.getByLabel(/^Motif/).selectOption({ label: 'Raison familiale' });
      await go(form.getByRole('button', { name: 'Déclarer l’absence' }));
      assert.equal(await notice(page), 'L’absence est déclarée : le service va l’examiner.');
      await followNav(page, 'Planning du mois');
      await nextMonth(page);
      assert.match(await planningRow(page, DAY), /Absence déclarée, en attente de la réponse du service/);
      await screenshot(page, `family-planning-absence-pending-${viewport}`);
      await checkAccessibility(page, `planning with an absence awaiting the service, ${viewport}`);
    },
  );
}
