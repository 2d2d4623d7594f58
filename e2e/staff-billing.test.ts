import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { householdBalanceCents } from '../src/modules/ledger/balance.js';
import type { TestPortal } from '../test/support/test-portal.js';
import { bookAsFamily, CLAIRE, followNav, go, notice, staffLogIn, text } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot } from './support/browser.js';
import { downloadPdf } from './support/pdf-steps.js';

// Staff's money, as the "Staff" journeys say it: a manager gives the canteen's meal a new tariff
// (a wrong price first), records at attendance a meal taken without a booking, previews February's
// run for the régie Restauration scolaire (its anomalies), generates it, opens the invoice, records
// a cheque paying it (receipt), issues a credit note on a line and reads the household's balance.
// Every page is screenshot and checked by axe.
//
// The demo is seeded on Tuesday 10 February 2026 (December and January invoiced). Before that, Claire
// Martin booked Léa's meal of Thursday 5 February, whose attendance nobody takes: the run's preview
// shows it. The journey stands on Monday 2 March, when February is invoiced.
const SEEDED = '2026-02-10T09:00:00Z';
const NOW = '2026-03-02T09:00:00Z';
const DAY = '2026-02-05';
const CANTEEN = /^Restauration scolaire \d{4}-\d{4}$/;

const { journey } = browserSuite({
  now: SEEDED,
  async seed(portal: TestPortal) {
    const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
    portal.clock.set('2026-01-26T09:00:00Z');
    assert.deepEqual(await bookAsFamily(portal, demo, CLAIRE, CANTEEN, [{ child: 'Léa', unit: 'Repas', day: DAY }]), ['reserved']);
    portal.clock.set(SEEDED);
  },
});

/** Screenshot and axe for one step of the journey; `part` shoots only the screen that shows it (a long page). */
async function look(page: Page, name: string, label: string, part?: string): Promise<void> {
  if (part) await page.locator(part).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await screenshot(page, name, { fullPage: part === undefined });
  await checkAccessibility(page, label);
}

journey(
  'a manager sets a tariff, records a meal without a booking, invoices February, takes a cheque and issues a credit note',
  async ({ baseUrl, portal, demo, open }) => {
    portal.clock.set(NOW);
    const staff = await open();
    await staffLogIn(staff, baseUrl);

    // A new tariff for the canteen's meal from 1 February: a price without a booking typed negative first.
    await followNav(staff, 'Tarifs');
    assert.equal(await staff.locator('main h1').innerText(), 'Tarifs');
    await look(staff, 'staff-billing-tariffs-desktop', 'tariffs');
    const canteen = staff.locator('main section').filter({ has: staff.getByRole('heading', { name: CANTEEN }) });
    await go(canteen.getByRole('link', { name: 'Ajouter un tarif — Repas' }));
    assert.equal(await staff.locator('main h1').innerText(), 'Nouveau tarif — Repas');
    const form = staff.locator('main form');
    await form.getByLabel(/^À partir du/).fill('01/02/2026');
    await form.getByLabel(/^Type de tarif/).selectOption({ label: 'Par tranches de quotient familial' });
    for (const [row, from, price] of [
      [1, '0', '1,20'],
      [2, '601', '2,50'],
      [3, '1201', '4,00'],
    ] as const) {
      await form.getByLabel(`Tranche ${row} : à partir d’un quotient de`).fill(from);
      await form.getByLabel(`Tranche ${row} : prix`).fill(price);
    }
    await form.getByLabel(/^Part repas/).fill('2,00');
    await form.getByLabel(/^Réduction fratrie/).fill('0 10 20');
    await form.getByLabel(/^Prix sans réservation/).fill('-8,00');
    await go(form.getByRole('button', { name: 'Enregistrer' }));
    assert.match(await text(staff.locator('#error-summary')), /Prix sans réservation.*Saisissez un montant positif\./);
    assert.match(await text(staff.locator('#field-sansReservation-error')), /Saisissez un montant positif\./);
    assert.equal(await form.getByLabel(/^Prix sans réservation/).inputValue(), '-8,00', 'what was typed stays');
    assert.equal(await form.getByLabel('Tranche 2 : prix').inputValue(), '2,50');
    assert.equal(await form.getByLabel(/^À partir du/).inputValue(), '01/02/2026');
    await look(staff, 'staff-billing-tariff-error-desktop', 'tariff form with an error');
    await form.getByLabel(/^Prix sans réservation/).fill('8,00');
    await go(form.getByRole('button', { name: 'Enregistrer' }));
    assert.match(await notice(staff), /Le tarif est ajouté\./);
    assert.match(
      await text(canteen.locator('table')),
      /Repas 01\/09\/2025 .* 01\/02\/2026 dès 0 : 1,20\s€ ; dès 601 : 2,50\s€ ; dès 1201 : 4,00\s€ \+ repas 2,00\s€ — fratrie 0 \/ 10 \/ 20 % — sans réservation : 8,00\s€/,
    );
    await look(staff, 'staff-billing-tariff-added-desktop', 'tariffs, one added');

    // Attendance of Thursday 5 February at the school: Nathan Dubois ate without a booking.
    await followNav(staff, 'Présences');
    const show = staff.locator('main form[method="get"]');
    await show.getByLabel('Structure').selectOption({ label: 'École Jules-Ferry' });
    await show.getByLabel('Jour').fill(DAY);
    await go(show.getByRole('button', { name: 'Afficher' }));
    assert.match(await text(staff.locator('main')), /MARTIN Léa/);
    const add = staff.locator('main form[action$="/sans-reservation"]');
    const child = add.getByLabel(/^Enfant venu sans réservation/);
    await go(add.getByRole('button', { name: 'Ajouter à la liste, présent' }));
    assert.match(await text(staff.locator('#error-summary')), /Enfant venu sans réservation.*Choisissez l’enfant venu sans réservation\./);
    assert.match(await text(staff.locator('#field-enfant-error')), /Choisissez l’enfant venu sans réservation\./);
    await look(staff, 'staff-billing-attendance-error-desktop', 'attendance, adding a child without a choice');
    const nathan = await child.locator('optgroup').evaluateAll((groups) => {
      const meal = groups.find((group) => /^Restauration scolaire .* — Repas$/.test(group.getAttribute('label') ?? ''));
      return [...(meal?.querySelectorAll('option') ?? [])].find((option) => option.textContent?.startsWith('DUBOIS Nathan'))?.getAttribute('value');
    });
    assert.ok(nathan, 'Nathan can be added to the meal');
    await child.selectOption(nathan);
    await go(add.getByRole('button', { name: 'Ajouter à la liste, présent' }));
    assert.match(await notice(staff), /L’enfant a été ajouté à la liste, présent sans réservation\./);
    assert.match(await text(staff.getByRole('row', { name: /DUBOIS Nathan/ })), /Présent.*Sans réservation/);
    await look(staff, 'staff-billing-attendance-unbooked-desktop', 'attendance, a child added without a booking');

    // February's run for the régie Restauration scolaire: its anomalies, then generated.
    await followNav(staff, 'Vue d’ensemble');
    await go(staff.getByRole('link', { name: 'Lancer une facturation' }));
    const run = staff.locator('main form');
    await run.getByLabel(/^Régie/).selectOption({ label: 'Restauration scolaire' });
    await run.getByLabel(/^Premier jour/).fill('01/02/2026');
    await run.getByLabel(/^Dernier jour/).fill('28/02/2026');
    await go(run.getByRole('button', { name: 'Voir l’aperçu' }));
    const preview = await text(staff.locator('main'));
    assert.match(preview, /Familles sans quotient familial valide \(1\).*DUBOIS Marc/);
    assert.match(preview, /Présences non pointées.*05\/02\/2026 — Restauration scolaire \d{4}-\d{4}, Repas : 1 enfant\b/);
    assert.match(preview, /Nathan DUBOIS — Repas \(sans réservation\) × 1 : 8,00\s€/);
    await look(staff, 'staff-billing-run-preview-desktop', 'run preview');
    await go(staff.getByRole('button', { name: /^Confirmer et émettre la facture/ }));
    assert.match(await notice(staff), /1 facture émise, 8,00\s€ au total/);
    await look(staff, 'staff-billing-run-done-desktop', 'run done');

    // The invoice.
    await go(staff.locator('main table').getByRole('link', { name: /^RS-2026-/ }));
    assert.match(await staff.locator('main h1').innerText(), /^Facture n° RS-2026-\d+$/);
    assert.match(await text(staff.locator('main table')), /Repas — sans réservation.*05\/02.*8,00\s€/);
    assert.match(await text(staff.locator('main')), /À payer/);
    const number = (await staff.locator('main h1').innerText()).replace('Facture n° ', '');
    await look(staff, 'staff-billing-invoice-desktop', 'an invoice');

    // A cheque from Marc Dubois pays it, allocated by hand: the receipt, then the invoice paid.
    await go(staff.getByRole('link', { name: 'Enregistrer un paiement' }));
    assert.equal(await staff.locator('main h1').innerText(), 'Enregistrer un paiement — DUBOIS Marc');
    const payment = staff.locator('main form[method="post"]');
    await payment.getByLabel(`Montant pour la facture ${number}`).fill('8,00');
    await payment.getByLabel(/^Moyen de paiement/).selectOption({ label: 'Chèque' });
    await payment.getByLabel(/^Montant reçu/).fill('8,00');
    await payment.getByLabel(/^Reçu le/).fill('02/03/2026');
    await payment.getByLabel(/^Payeur/).fill('Marc DUBOIS');
    await payment.getByLabel(/^Numéro du chèque/).fill('0034567');
    await payment.getByLabel(/^Banque/).fill('Banque de la Loire');
    await payment.getByLabel('Comme indiqué facture par facture ci-dessous').check({ force: true });
    await look(staff, 'staff-billing-payment-form-desktop', 'payment form');
    await go(payment.getByRole('button', { name: 'Enregistrer le paiement' }));
    assert.match(await notice(staff), /Paiement enregistré, reçu n° RSR-2026-\d+\./);
    const receipt = await text(staff.locator('main'));
    assert.match(receipt, /Chèque n° 0034567 \(Banque de la Loire\)/);
    assert.match(receipt, new RegExp(`Factures réglées ${number} — 8,00\\s€`));
    await look(staff, 'staff-billing-payment-desktop', 'a payment with its receipt');
    const pdf = await downloadPdf(staff.getByRole('link', { name: 'Télécharger le reçu' }), 'staff-billing-receipt');
    assert.match(pdf.fileName, /^RSR-2026-\d+\.pdf$/);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    await go(staff.locator('main').getByRole('link', { name: number, exact: true }));
    assert.match(await text(staff.locator('main')), /Payée.*Déjà réglé : 8,00\s€\. Reste dû : 0,00\s€\./);
    assert.match(await text(staff.locator('main')), /RSR-2026-\d+ du 02\/03\/2026, Chèque : 8,00\s€/);
    await look(staff, 'staff-billing-invoice-paid-desktop', 'an invoice paid');

    // The meal is credited back: a credit note on its line, with a reason.
    await staff.getByLabel('Annuler la ligne 1').check({ force: true });
    await staff.getByLabel(/^Motif de l’avoir/).fill('Repas réservé par téléphone le 4 février, non saisi par le service.');
    await go(staff.getByRole('button', { name: 'Émettre l’avoir' }));
    assert.match(await staff.locator('main h1').innerText(), /^Avoir n° RS-2026-\d+$/);
    assert.match(await notice(staff), /L’avoir est émis\./);
    assert.match(await text(staff.locator('main')), new RegExp(`${number} — Repas réservé par téléphone`));
    await look(staff, 'staff-billing-credit-note-desktop', 'a credit note');

    // The household's balance: what the ledger says.
    await go(staff.locator('main').getByRole('link', { name: 'DUBOIS Marc' }).first());
    const balance = await portal.inTenant(demo, async ({ tx, tenantId }) => {
      const household = await tx.selectFrom('households').select('id').where('name', '=', 'DUBOIS Marc').executeTakeFirstOrThrow();
      return householdBalanceCents(tx, tenantId, household.id);
    });
    const billing = await text(staff.locator('main'));
    assert.match(billing, new RegExp(`Reste dû, toutes régies confondues : ${euros(balance)}`));
    assert.match(billing, new RegExp(`Factures et avoirs .*${number} Restauration scolaire .* Payée`));
    assert.match(billing, /Paiements reçus .*RSR-2026-\d+ 02\/03\/2026 Restauration scolaire Chèque 8,00\s€/);
    await look(staff, 'staff-billing-household-desktop', 'a household with its money', '#billing');

    // The same page in English.
    await go(staff.getByRole('link', { name: 'English' }));
    assert.match(await text(staff.locator('main')), new RegExp(`Billing Still due, all régies together: €${(balance / 100).toFixed(2)}`));
    await look(staff, 'staff-billing-household-english-desktop', 'a household with its money, in English', '#billing');
  },
);

/** An amount as the pages write it (8,00 €), as a pattern. */
function euros(cents: number): string {
  return `${(cents / 100).toFixed(2).replace('.', ',')}\\s€`;
}
