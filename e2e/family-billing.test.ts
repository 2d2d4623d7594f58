import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { SYSTEM } from '../src/modules/actor.js';
import { type InvoiceSummary, listInvoices, markTreasuryTitle } from '../src/modules/billing/invoices.js';
import { addDays } from '../src/modules/calendar/calendar-dates.js';
import { listPayments, recordPayment } from '../src/modules/ledger/payments.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import type { TestPortal } from '../test/support/test-portal.js';
import { DEMO_BASE, followNav } from './support/account-steps.js';
import { CLAIRE, familyLogIn, go, text } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { downloadPdf } from './support/pdf-steps.js';

// A parent's money, as in the guides' seeds 001 (Relevé de compte), 002 (attestation fiscale) and
// 003–004 (Mes factures, Mes paiements): Claire Martin opens Mes factures, an invoice, downloads its
// PDF (rendered to PNG to be looked at), reads the account statement and the certificates page, on a
// desktop and on a phone. Every page is screenshot and checked by axe.
//
// The demo authority is seeded on Tuesday 10 February 2026 (school year 2025-2026) with its money:
// December and January invoiced, a few payments. The set-up, through the modules as staff would,
// hands the Martins' oldest unpaid invoice to the Treasury and, when they paid nothing in 2025,
// records 5 € received in December 2025, so that a tax certificate can be downloaded.
// The journeys then stand the day after the due date of their other unpaid invoices: late.
const SEEDED = '2026-02-10T09:00:00Z';
const { journey } = browserSuite({ now: SEEDED, seed: seedMoney });

async function seedMoney(portal: TestPortal): Promise<void> {
  const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
  const asSystem = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(demo, (scope) => work({ ...scope, actor: SYSTEM }));
  const invoices = await claireInvoices(portal, demo);
  const unpaid = invoices
    .filter((invoice) => invoice.kind === 'invoice' && invoice.leftCents > 0)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.number.localeCompare(b.number));
  assert.ok(unpaid.length >= 2, 'the demo gives the Martins invoices to pay');
  const [handed, owed] = unpaid as [InvoiceSummary, InvoiceSummary];
  if (!invoices.some((invoice) => invoice.treasury))
    assert.equal(await asSystem((scope) => markTreasuryTitle(scope, handed.id, { reference: 'T-2026-0042' })), 'done');
  const householdId = owed.householdId;
  const paidIn2025 = (await asSystem((scope) => listPayments(scope, { householdId }))).some((payment) => payment.receivedOn < '2026-01-01');
  if (!paidIn2025) {
    // Kept as a credit, it pays part of the invoice still owed to the régie: Hugo's care in it is certified for 2025.
    const ahead = await asSystem((scope) =>
      recordPayment(scope, {
        householdId,
        regieId: owed.regieId,
        method: 'cash',
        amount: '5,00',
        receivedOn: '2025-12-15',
        payerName: 'Claire MARTIN',
        keepCredit: true,
      }),
    );
    assert.equal(ahead.kind, 'recorded');
  }
}

/** The day after the last due date of what the Martins still owe the régies: those invoices are late. */
async function lateDay(portal: TestPortal, demo: Tenant): Promise<string> {
  const owed = (await claireInvoices(portal, demo)).filter((invoice) => invoice.leftCents > 0 && !invoice.treasury);
  const due = owed
    .map((invoice) => invoice.dueOn)
    .sort()
    .at(-1)!;
  return `${addDays(due, 1)}T09:00:00Z`;
}

/** Claire's invoices as the modules list them: what the pages must show. */
async function claireInvoices(portal: TestPortal, demo: Tenant) {
  return portal.inTenant(demo, async (scope) => {
    const household = await scope.tx.selectFrom('households').select('id').where('name', '=', 'MARTIN Claire et Julien').executeTakeFirstOrThrow();
    return listInvoices({ ...scope, actor: SYSTEM }, { householdId: household.id });
  });
}

/** The widest table on the page fits its frame or scrolls inside it, never the page itself. */
async function tablesScrollInside(page: Page): Promise<void> {
  const frames = await page.locator('main .fr-table__container').evaluateAll((containers) =>
    containers.map((container) => ({
      overflows: container.scrollWidth > container.clientWidth + 1,
      focusable: container.getAttribute('tabindex') === '0',
      named: Boolean(container.getAttribute('aria-labelledby') && document.getElementById(container.getAttribute('aria-labelledby')!)?.textContent),
    })),
  );
  for (const frame of frames.filter((candidate) => candidate.overflows))
    assert.ok(frame.focusable && frame.named, 'a table that scrolls sideways does so in a focusable, named region');
}

journey(
  'a parent reads Mes factures, opens an invoice, downloads its PDF, reads the statement and the certificates',
  async ({ baseUrl, portal, demo, open }) => {
    portal.clock.set(await lateDay(portal, demo));
    const invoices = await claireInvoices(portal, demo);
    const unpaid = invoices.filter((invoice) => invoice.kind === 'invoice' && invoice.leftCents > 0);
    assert.deepEqual(
      [...new Set(unpaid.map((invoice) => invoice.state))].sort(),
      ['late', 'treasury'],
      'the Martins owe a late invoice and one handed to the Treasury',
    );
    const page = await open();
    await familyLogIn(page, baseUrl, CLAIRE);

    // Home: what is due, the unpaid invoices with their total, the last payment.
    const home = await text(page.locator('main'));
    assert.match(home, /Factures à payer/);
    for (const invoice of unpaid) assert.match(home, new RegExp(invoice.number), `${invoice.number} on the home page`);
    assert.match(home, /Total à payer/);
    assert.match(home, /Dernier paiement\s+Le \d\d\/\d\d\/\d{4}/);
    await screenshot(page, 'family-billing-home-desktop');
    await checkAccessibility(page, 'family home with invoices, desktop');

    // Mes factures, through the menu.
    await followNav(page, 'Mes factures');
    assert.equal(await page.locator('main h1').innerText(), 'Mes factures');
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), invoices.length);
    const words: Record<string, string> = {
      paid: 'Payée',
      to_pay: 'À payer',
      late: 'En retard',
      treasury: 'Titre émis : à payer au Trésor public',
      credit_note: 'Avoir',
    };
    for (const invoice of invoices) {
      const row = await text(rows.filter({ hasText: invoice.number }));
      assert.match(row, new RegExp(words[invoice.state]!), `${invoice.number} says its state in words`);
    }
    // Not colour alone: each state's badge has its icon.
    const withoutIcon = await page.locator('main .fr-badge').evaluateAll((badges) =>
      badges
        .filter((badge) => {
          const style = getComputedStyle(badge, '::before');
          return style.maskImage === 'none' && style.webkitMaskImage === 'none';
        })
        .map((badge) => badge.textContent),
    );
    assert.deepEqual(withoutIcon, [], 'every state badge has an icon');
    await screenshot(page, 'family-billing-invoices-desktop');
    await checkAccessibility(page, 'Mes factures, desktop');

    // Filter by year: the GET form keeps the choice.
    const year = invoices[0]!.issuedOn.slice(0, 4);
    await page.locator('main form').getByLabel('Année').selectOption(year);
    await go(page.locator('main form').getByRole('button', { name: 'Filtrer' }));
    assert.equal(await rows.count(), invoices.filter((invoice) => invoice.issuedOn.startsWith(year)).length);
    assert.equal(await page.locator('main form').getByLabel('Année').inputValue(), year);

    // An invoice to pay: its lines, what paid it, how to pay; then its PDF.
    const chosen = unpaid.find((invoice) => invoice.state === 'late')!;
    await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures`);
    await go(page.locator('main table').getByRole('link', { name: chosen.number, exact: true }));
    assert.equal(await page.locator('main h1').innerText(), `Facture n° ${chosen.number}`);
    const detail = await text(page.locator('main'));
    assert.match(detail, /Détail de la facture/);
    assert.match(detail, /Comment payer/);
    assert.match(detail, /IBAN FR76/);
    assert.match(detail, /Échéance dépassée/);
    await screenshot(page, 'family-billing-invoice-desktop');
    await checkAccessibility(page, 'an invoice, desktop');
    const pdf = await downloadPdf(
      page.getByRole('link', { name: `Télécharger le PDF de la facture ${chosen.number}` }),
      `family-billing-invoice-${chosen.number}`,
    );
    assert.equal(pdf.fileName, `${chosen.number}.pdf`);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    const again = await downloadPdf(
      page.getByRole('link', { name: `Télécharger le PDF de la facture ${chosen.number}` }),
      `family-billing-invoice-${chosen.number}-again`,
    );
    assert.ok(again.bytes.equals(pdf.bytes), 'the same PDF every time');

    // An invoice handed to the Treasury says to pay the Treasury.
    const treasury = invoices.find((invoice) => invoice.state === 'treasury')!;
    await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${treasury.id}`);
    assert.match(await text(page.locator('main')), /Titre émis : à payer au Trésor public/);
    assert.match(await text(page.locator('main')), /Payez-la désormais au Trésor public/);
    assert.doesNotMatch(await text(page.locator('main')), /Comment payer/, 'no way to pay the régie is offered');
    await screenshot(page, 'family-billing-invoice-treasury-desktop');
    await checkAccessibility(page, 'an invoice handed to the Treasury, desktop');

    // The account statement of the school year, as seed 001.
    await followNav(page, 'Relevé de compte');
    assert.equal(await page.locator('main h1').innerText(), 'Relevé de compte');
    const statement = await text(page.locator('main'));
    assert.match(statement, /Ancien solde au 01\/09\/2025/);
    assert.match(statement, /Total de l’année scolaire/);
    assert.match(statement, /Solde au 31\/08\/2026/);
    for (const invoice of invoices.filter((candidate) => candidate.issuedOn >= '2025-09-01')) assert.match(statement, new RegExp(invoice.number));
    await screenshot(page, 'family-billing-statement-desktop');
    await checkAccessibility(page, 'account statement, desktop');

    // Mes paiements, with their receipts.
    await followNav(page, 'Mes paiements');
    assert.ok((await page.locator('main table tbody tr').count()) > 0);
    await screenshot(page, 'family-billing-payments-desktop');
    await checkAccessibility(page, 'Mes paiements, desktop');

    // The certificates: the tax certificate of 2025, explained; the attendance form answers errors next to its fields.
    await followNav(page, 'Attestations');
    const certificates = await text(page.locator('main'));
    assert.match(certificates, /moins de six ans au 1er janvier, repas et pénalités exclus/);
    const tax = await downloadPdf(page.getByRole('link', { name: 'Télécharger l’attestation fiscale 2025 (PDF)' }), 'family-billing-tax-certificate-2025');
    assert.equal(tax.fileName, 'attestation-fiscale-2025.pdf');
    assert.equal(tax.bytes.subarray(0, 5).toString(), '%PDF-');
    await page.getByLabel(/^Du/).fill('31/01/2026');
    await page.getByLabel(/^Au/).fill('01/01/2026');
    await go(page.getByRole('button', { name: 'Télécharger l’attestation (PDF)' }));
    assert.match(await text(page.locator('#error-summary')), /Enfant.*obligatoire/);
    assert.match(await text(page.locator('#field-au-error')), /La date de fin doit être le même jour que la date de début ou après/);
    assert.equal(await page.getByLabel(/^Du/).inputValue(), '31/01/2026', 'what was typed stays');
    await screenshot(page, 'family-billing-certificates-errors-desktop');
    await checkAccessibility(page, 'certificates with form errors, desktop');
    await page.getByLabel(/^Enfant/).selectOption({ label: 'Hugo MARTIN' });
    await page.getByLabel(/^Du/).fill('01/01/2026');
    await page.getByLabel(/^Au/).fill('31/01/2026');
    const attendance = await downloadPdf(page.getByRole('button', { name: 'Télécharger l’attestation (PDF)' }), 'family-billing-attendance');
    assert.equal(attendance.fileName, 'attestation-presence-2026-01-01-2026-01-31.pdf');
  },
);

journey('the money pages on a phone: nothing wider than the screen, wide tables scroll in their own frame', async ({ baseUrl, portal, demo, open }) => {
  portal.clock.set(await lateDay(portal, demo));
  const invoices = await claireInvoices(portal, demo);
  const phone = await open({ viewport: 'phone' });
  await familyLogIn(phone, baseUrl, CLAIRE);
  const pages: [string, string][] = [
    ['/accueil', 'family-billing-home-phone'],
    ['/mes-factures', 'family-billing-invoices-phone'],
    [`/mes-factures/${invoices.find((invoice) => invoice.state === 'late')!.id}`, 'family-billing-invoice-phone'],
    [`/mes-factures/${invoices.find((invoice) => invoice.state === 'treasury')!.id}`, 'family-billing-invoice-treasury-phone'],
    ['/releve', 'family-billing-statement-phone'],
    ['/mes-paiements', 'family-billing-payments-phone'],
    ['/attestations', 'family-billing-certificates-phone'],
  ];
  for (const [path, name] of pages) {
    await phone.goto(`${baseUrl}${DEMO_BASE}${path}`);
    assert.ok((await scrollWidth(phone)) <= 360, `${path} fits a phone (${await scrollWidth(phone)} px)`);
    await tablesScrollInside(phone);
    await screenshot(phone, name);
    await checkAccessibility(phone, `${path}, phone`);
  }
});
