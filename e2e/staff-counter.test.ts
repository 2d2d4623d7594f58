import assert from 'node:assert/strict';
import { dayLabel } from '../src/web/calendar-labels.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, followNav, go, notice, staffLogIn, text, tick } from './support/booking-steps.js';

// Seed 000's "Relais des enfants": a family that cannot use the portal comes to the counter. The
// manager opens its household, then the child's counter, books a Wednesday for it, and — once the
// cancelling deadline has passed — cancels it anyway by ticking "Passer outre le délai"; the journal
// says who did it and that it was after the deadline. On a phone (360 px) and a desktop.
//
// Monday 24 November 2025 in Paris; the demo's Wednesdays book until 7 days before and cancel until
// 2 days before at noon.
const NOW = '2025-11-24T09:00:00Z';
const { journey } = browserSuite({ now: NOW });
/** Each journey its own Wednesday (they share one portal), and an instant after its cancelling ended. */
const DAYS = { phone: { day: '2025-12-10', late: '2025-12-09T09:00:00Z' }, desktop: { day: '2025-12-17', late: '2025-12-16T09:00:00Z' } };

for (const viewport of ['phone', 'desktop'] as const) {
  journey(`a manager books for a family at the counter, then cancels after the deadline on purpose (${viewport})`, async ({ baseUrl, portal, open }) => {
    portal.clock.set(NOW);
    const { day: DAY, late } = DAYS[viewport];
    const page = await open(viewport === 'phone' ? { viewport: 'phone' } : {});
    const fits = async (what: string) => {
      if (viewport === 'phone') assert.ok((await scrollWidth(page)) <= 360, `${what} fits a phone (${await scrollWidth(page)} px)`);
    };
    await staffLogIn(page, baseUrl);
    await followNav(page, 'Foyers');
    await page.getByLabel(/^Rechercher un foyer/).fill('léa');
    await go(page.getByRole('button', { name: 'Rechercher' }));
    await go(page.locator('main table').getByRole('link', { name: 'MARTIN Claire et Julien' }));
    await go(page.getByRole('link', { name: 'Agir pour la famille (guichet) — Léa MARTIN' }));
    const main = page.locator('main');
    assert.match(await main.locator('h1').innerText(), /^Guichet — Léa MARTIN — lundi 24\/11/);

    // The month below leads to the day; the day offers its units with their deadlines.
    await go(main.getByRole('link', { name: 'Mois suivant' }));
    await go(main.getByRole('link', { name: dayLabel('fr', DAY), exact: true }));
    assert.match(await main.locator('h1').innerText(), new RegExp(`Guichet — Léa MARTIN — ${dayLabel('fr', DAY, 'long')}`));
    const wednesdays = main.locator('form', { hasText: 'Accueil de loisirs — mercredis' });
    await tick(wednesdays.getByRole('checkbox', { name: /^Journée/ }));
    await fits('the counter');
    await screenshot(page, `staff-counter-day-${viewport}`);
    await checkAccessibility(page, `the counter's day, ${viewport}`);
    await go(wednesdays.getByRole('button', { name: 'Envoyer la réservation' }));
    assert.match(await text(main.locator('tbody').first()), /Journée Réservée/);
    assert.match(await text(main), /Réservé ce jour .*Journée Réservée/);
    const dayUrl = page.url().replace(/&envoi=.*$/, '');

    // After the cancelling deadline: the engine refuses, unless the manager passes the deadline on purpose.
    portal.clock.set(late);
    await staffLogIn(page, baseUrl);
    await page.goto(dayUrl);
    assert.match(await text(main), /Délai d’annulation passé/);
    await go(main.getByRole('link', { name: 'Annuler — Journée', exact: true }));
    const callout = main.locator('.fr-callout');
    assert.match(await text(callout), /Annulation impossible : le délai d’annulation est dépassé.*Vous pouvez passer outre le délai pour la famille/);
    assert.match(await text(callout), /En passant outre le délai, la journée est annulée sans être facturée\./);
    await tick(callout.getByRole('checkbox', { name: /^Passer outre le délai/ }));
    await fits('the cancellation to confirm');
    await screenshot(page, `staff-counter-cancel-late-${viewport}`);
    await checkAccessibility(page, `the counter's late cancellation, ${viewport}`);
    await go(callout.getByRole('button', { name: 'Confirmer l’annulation' }));
    assert.match(await notice(page), /Réservation annulée pour la famille, non facturée/);
    assert.match(await text(main), /Rien n’est réservé ce jour\./);

    // The journal answers "who cancelled this booking", and says it was after the deadline.
    await page.goto(`${baseUrl}${DEMO_BASE}/gestion/journal?type=bookings`);
    const row = main.locator('tbody tr', { hasText: 'Annulé pour la famille, hors délai' }).first();
    assert.match(await text(row), new RegExp(`Annulé pour la famille, hors délai Réservation — Léa MARTIN — Journée — ${DAY.slice(8)}/12/2025`));
    await fits('the journal');
    await screenshot(page, `staff-counter-journal-${viewport}`);
    await checkAccessibility(page, `the journal after the counter, ${viewport}`);
  });
}
