import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { DEMO_SLUG } from '../src/demo/demo-authority.js';
import { SYSTEM } from '../src/modules/actor.js';
import { type InvoiceSummary, listInvoices, markTreasuryTitle } from '../src/modules/billing/invoices.js';
import { type ChannelSettings, saveChannel } from '../src/modules/online-payment/channels.js';
import { reconcilePendingAttempts } from '../src/modules/online-payment/reconciliation.js';
import { DEMO_PAYFIP_NUMCLI, DEMO_SYSTEMPAY_SHOP } from '../src/payment-simulators/demo-shops.js';
import { SIMULATORS_PATH } from '../src/payment-simulators/simulators.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { emailsTo } from '../test/support/outbox.js';
import type { TestPortal } from '../test/support/test-portal.js';
import { DEMO_BASE, followNav } from './support/account-steps.js';
import { CLAIRE, familyLogIn, go, SOPHIE, text, tick } from './support/booking-steps.js';
import { browserSuite, checkAccessibility, screenshot, scrollWidth, type Visit } from './support/browser.js';
import { downloadPdf } from './support/pdf-steps.js';

// Paying online, as a parent of the demo does (JOURNEYS.md, Money): from Mes factures or an invoice,
// "Payer en ligne", the pay page, then the provider's page in the same tab — the PayFiP, TIPI and
// Systempay simulators the portal serves under /simulateurs — and back to the portal's result page.
// The demo offers PayFiP and Systempay; the journeys of TIPI and PayZen add that channel to the
// régie for their time, as staff would, and withdraw it after, leaving the others' choices alone.
// The demo is seeded on Tuesday 10 February 2026: December and January invoiced, the December ones
// past due. Who pays what (the journeys run in this file's order; a journey takes up an invoice only
// where an earlier one left it unpaid):
// - Claire Martin: her January meals through PayFiP; her January care in parts, through Systempay,
//   then PayZen, the rest with the tab closed at the bank;
// - Sophie Bernard: her January meals paid with the tab closed and the notification lost, found by
//   the reconciliation job; her December meals refused by the bank, then paid in English;
// - Marc Dubois: his December meals handed to the Treasury (set up here, as staff would); his care
//   invoices paid on a phone, and without JavaScript; with the providers moved to another origin
//   (localhost), the way to them through the Content-Security-Policy; his January meals, left at
//   PayFiP on the way, paid through TIPI.
// Every portal page is screenshot and checked by axe; the simulators' pages (plain HTML test
// doubles) are screenshot, and axe's findings on them only reported. The harness fails a journey
// on any console error, CSP violations included.
const SEEDED = '2026-02-10T09:00:00Z';
const DUBOIS = 'marc.dubois@example.org';
const { journey } = browserSuite({ now: SEEDED, env: { PAYMENT_SIMULATORS: 'true' }, seed: seedPayments });

const HOUSEHOLDS = { [CLAIRE]: 'MARTIN Claire et Julien', [SOPHIE]: 'BERNARD Sophie', [DUBOIS]: 'DUBOIS Marc' } as const;
type Parent = keyof typeof HOUSEHOLDS;

type Lang = 'fr' | 'en';

/** What the portal's pages of paying say, in each language: the journeys read them as a parent does. */
const WORDS = {
  fr: {
    payOnlineOf: (number: string) => `Payer en ligne la facture ${number}`,
    payTitle: 'Payer en ligne',
    regie: (name: string) => `Régie : ${name}`,
    inThisTab: /dans cet onglet/,
    invoiceBox: (number: string) => new RegExp(`^Facture ${number}`),
    amount: /^Montant à payer/,
    payfip: 'Carte bancaire ou prélèvement unique (PayFiP, Trésor public) — mode test, aucun paiement réel',
    continue: 'Continuer vers le paiement sécurisé',
    resultTitle: 'Résultat du paiement',
    accepted: /Paiement accepté/,
    receipt: 'Télécharger le reçu',
    payments: 'Mes paiements',
    invoices: 'Mes factures',
    card: /Carte bancaire en ligne/,
    paid: /Payée/,
    payOnline: /Payer en ligne/,
    mailSubject: /^Reçu de votre paiement en ligne/,
    pdfLang: 'fr-FR',
  },
  en: {
    payOnlineOf: (number: string) => `Pay invoice ${number} online`,
    payTitle: 'Pay online',
    regie: (name: string) => `Collection office: ${name}`,
    inThisTab: /in this tab/,
    invoiceBox: (number: string) => new RegExp(`^Invoice ${number}`),
    amount: /^Amount to pay/,
    payfip: 'Card or one-off direct debit (PayFiP, Treasury) — test mode, no real payment',
    continue: 'Continue to the secure payment',
    resultTitle: 'Payment result',
    accepted: /Payment accepted/,
    receipt: 'Download the receipt',
    payments: 'My payments',
    invoices: 'My invoices',
    card: /Bank card online/,
    paid: /Paid/,
    payOnline: /Pay online/,
    mailSubject: /^Receipt of your online payment/,
    pdfLang: 'en-GB',
  },
} as const;

const PAYFIP = WORDS.fr.payfip;
const SYSTEMPAY = 'Carte bancaire (Systempay) — mode test, aucun paiement réel';
const TIPI = 'Carte bancaire (TIPI, Trésor public) — mode test, aucun paiement réel';
const PAYZEN = 'Carte bancaire (PayZen) — mode test, aucun paiement réel';

async function seedPayments(portal: TestPortal): Promise<void> {
  const demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG)!;
  // The Dubois' late meals are handed to the Treasury, as staff would after the reminders.
  const late = (await invoicesOf(portal, demo, DUBOIS)).find((invoice) => invoice.number.startsWith('RS-') && invoice.state === 'late');
  assert.ok(late, 'the demo leaves Marc Dubois a late meals invoice');
  assert.equal(await portal.inTenant(demo, (scope) => markTreasuryTitle({ ...scope, actor: SYSTEM }, late.id, { reference: 'T-2026-0107' })), 'done');
  // Marc Dubois has chosen his own password already: the temporary-password step is accounts-passwords' journey.
  await portal.inTenant(demo, ({ tx }) => tx.updateTable('accounts').set({ must_change_password: false }).where('email', '=', DUBOIS).execute());
}

/** A parent's invoices as the modules list them. */
async function invoicesOf(portal: TestPortal, demo: Tenant, parent: Parent): Promise<InvoiceSummary[]> {
  return portal.inTenant(demo, async (scope) => {
    const household = await scope.tx.selectFrom('households').select('id').where('name', '=', HOUSEHOLDS[parent]).executeTakeFirstOrThrow();
    return listInvoices({ ...scope, actor: SYSTEM }, { householdId: household.id });
  });
}

/** The parent's open invoice of a régie (RS: school meals, PL: care and leisure) in a state. */
async function openInvoice(portal: TestPortal, demo: Tenant, parent: Parent, prefix: 'RS' | 'PL', state: InvoiceSummary['state']): Promise<InvoiceSummary> {
  const invoice = (await invoicesOf(portal, demo, parent)).find(
    (candidate) => candidate.number.startsWith(`${prefix}-`) && candidate.state === state && candidate.leftCents > 0,
  );
  assert.ok(invoice, `${parent} has a ${prefix} invoice ${state}`);
  return invoice;
}

async function invoiceNow(portal: TestPortal, demo: Tenant, parent: Parent, invoiceId: string): Promise<InvoiceSummary> {
  return (await invoicesOf(portal, demo, parent)).find((invoice) => invoice.id === invoiceId)!;
}

const euros = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')}\u00a0€`;
/** An amount as the pages write it, whatever space stands before the euro sign (French) or with the sign first (English). */
const amountPattern = (cents: number, lang: Lang = 'fr') =>
  lang === 'en' ? new RegExp(`€${(cents / 100).toFixed(2).replace('.', '\\.')}`) : new RegExp(euros(cents).replace('\u00a0', '\\s?'));

/** The page is a portal page in this language. */
async function inLanguage(page: Page, lang: Lang): Promise<void> {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${page.url()} in ${lang}`);
}

/**
 * Staff add a provider to a régie, as its set-up page does (in test mode, at the simulator); the
 * returned step withdraws it (disabled), so that the journeys after find the demo's choices.
 */
async function offerChannel(portal: TestPortal, demo: Tenant, regieId: string, settings: ChannelSettings): Promise<() => Promise<void>> {
  const save = async (enabled: boolean) => {
    const saved = await portal.inTenant(demo, (scope) => saveChannel(scope, regieId, { ...settings, enabled }, portal.config));
    assert.equal(saved.kind, 'saved');
  };
  await save(true);
  return () => save(false);
}

/** The receipt numbers of the online payments recorded on an invoice. */
async function onlinePaymentsOn(portal: TestPortal, demo: Tenant, invoiceId: string): Promise<string[]> {
  const rows = await portal.inTenant(demo, ({ tx }) =>
    tx
      .selectFrom('payments as p')
      .innerJoin('allocations as a', 'a.payment_id', 'p.id')
      .select('p.number')
      .where('a.invoice_id', '=', invoiceId)
      .where('p.attempt_id', 'is not', null)
      .orderBy('p.number')
      .execute(),
  );
  return rows.map((row) => row.number);
}

/** Watches a page's context for any other page (a pop-up, a new tab): paying must stay in the same tab. */
function noOtherTab(page: Page): () => void {
  const opened: string[] = [];
  page.on('popup', (popup) => opened.push(`pop-up ${popup.url()}`));
  page.context().on('page', (other) => opened.push(`new page ${other.url()}`));
  return () => {
    assert.deepEqual(opened, [], 'nothing opened besides the tab');
    assert.equal(page.context().pages().length, 1, 'one tab only');
  };
}

/** The pay page, from the "Payer en ligne" link of an invoice's row on Mes factures. */
async function payFromInvoices(page: Page, baseUrl: string, invoice: InvoiceSummary, lang: Lang = 'fr'): Promise<void> {
  await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures`);
  await inLanguage(page, lang);
  await go(page.getByRole('link', { name: WORDS[lang].payOnlineOf(invoice.number), exact: true }));
  assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/paiement?facture=${invoice.id}`);
  assert.equal(await page.locator('main h1').innerText(), WORDS[lang].payTitle);
  await inLanguage(page, lang);
}

/** Chooses the provider (a DSFR radio) and leaves for it: the pay page's button, then the same tab goes on. */
async function leaveFor(page: Page, provider: string, lang: Lang = 'fr'): Promise<void> {
  await tick(page.locator('main form').getByRole('radio', { name: provider, exact: true }));
  await go(page.getByRole('button', { name: WORDS[lang].continue }));
}

/** On a simulator's page: the outcome and how the notification goes, then "Valider". */
async function chooseAtBank(page: Page, outcome: string, notification = 'Normale, tout de suite'): Promise<void> {
  await page.getByRole('radio', { name: outcome, exact: true }).check();
  await page.getByRole('radio', { name: notification, exact: true }).check();
  await go(page.getByRole('button', { name: 'Valider' }));
}

/** Waits for the simulator's page (the departure page, when there is one, sends itself there). */
async function atSimulator(page: Page, baseUrl: string, provider: 'PayFiP' | 'Systempay' | 'TIPI'): Promise<void> {
  await page.waitForURL(`${baseUrl}/simulateurs/${provider.toLowerCase()}/**`, { timeout: 30_000 });
  await page.waitForLoadState('load');
  assert.match(await text(page.locator('header')), new RegExp(`Simulateur ${provider} — aucun paiement réel`));
}

/** The alert of the result page: its title and text. */
async function resultOf(page: Page, lang: Lang = 'fr'): Promise<string> {
  assert.equal(await page.locator('main h1').innerText(), WORDS[lang].resultTitle);
  await inLanguage(page, lang);
  return text(page.locator('main .fr-alert'));
}

let axeSource: string | undefined;
/** axe's findings on a simulator's page (a test double, not the portal's): reported, never failing. */
async function reportSimulatorAccessibility(page: Page, t: TestContext, label: string): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string; help: string }[] }> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((violation) => `${violation.impact} ${violation.id}: ${violation.help}`);
  });
  if (found.length > 0) t.diagnostic(`axe on the ${label} simulator's page (not failing):\n  ${found.join('\n  ')}`);
}

/** The row of Mes paiements holding a receipt number. */
async function paymentRow(page: Page, number: string): Promise<string> {
  return text(page.locator('main table tbody tr').filter({ hasText: number }));
}

/** The receipt number the result page gives. */
function receiptNumber(result: string): string {
  const number = /(?:reçu n°|receipt no\.) ([A-Z]+-\d{4}-\d+)/.exec(result)?.[1];
  assert.ok(number, `a receipt number in: ${result}`);
  return number;
}

/** What a journey pays, and where it keeps its screenshots (family-pay-<name>-…). */
interface Paying {
  invoice: InvoiceSummary;
  amountCents: number;
  lang: Lang;
  name: string;
  /** The invoice's online payments before: exactly one is added. */
  before: string[];
}

/**
 * Back on the portal's result page after paying: accepted, with the receipt's number; the receipt
 * downloads as a PDF in the page's language; Mes paiements lists it; exactly one payment was
 * recorded on the invoice. Returns the receipt's number.
 */
async function paidWithReceipt(page: Page, { portal, demo }: Pick<Visit, 'portal' | 'demo'>, paying: Paying): Promise<string> {
  const words = WORDS[paying.lang];
  const result = await resultOf(page, paying.lang);
  assert.match(result, words.accepted);
  assert.match(result, amountPattern(paying.amountCents, paying.lang));
  const number = receiptNumber(result);
  const receiptLink = page.getByRole('link', { name: words.receipt, exact: true });
  assert.ok(await receiptLink.isVisible(), 'the receipt button says what it does');
  assert.ok(await receiptLink.evaluate((link) => link.scrollWidth <= link.clientWidth && link.clientWidth > 100), 'its words are shown, not its icon alone');
  await screenshot(page, `family-pay-${paying.name}-result-desktop`);
  await checkAccessibility(page, `payment accepted (${paying.name}), desktop`);

  // The receipt, as a PDF in the language of the page.
  const receipt = await downloadPdf(receiptLink, `family-pay-${paying.name}-receipt`);
  assert.equal(receipt.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.match(receipt.fileName, new RegExp(number));
  assert.ok(receipt.bytes.includes(`/Lang (${words.pdfLang})`), `the receipt is written in ${words.pdfLang}`);

  // Mes paiements lists it, once; the invoice has one more online payment, this one.
  await followNav(page, words.payments);
  assert.equal(await page.locator('main h1').innerText(), words.payments);
  await inLanguage(page, paying.lang);
  const row = await paymentRow(page, number);
  assert.match(row, words.card);
  assert.match(row, amountPattern(paying.amountCents, paying.lang));
  assert.match(row, new RegExp(paying.invoice.number));
  await screenshot(page, `family-pay-${paying.name}-payments-desktop`);
  await checkAccessibility(page, `${words.payments} after paying online (${paying.name}), desktop`);
  assert.deepEqual(await onlinePaymentsOn(portal, demo, paying.invoice.id), [...paying.before, number].sort(), 'one payment recorded');
  return number;
}

/**
 * A parent pays a school meals invoice through PayFiP, the régie's only provider, from Mes factures,
 * in the language given, and finds it paid, with its receipt, on the pages and in the mailbox.
 */
async function payMealsThroughPayFiP(visit: Visit, t: TestContext, paying: { parent: Parent; state: InvoiceSummary['state']; lang: Lang; name: string }) {
  const { baseUrl, portal, demo, open } = visit;
  const words = WORDS[paying.lang];
  const invoice = await openInvoice(portal, demo, paying.parent, 'RS', paying.state);
  const before = await onlinePaymentsOn(portal, demo, invoice.id);
  const page = await open();
  if (paying.lang !== 'fr') {
    // The first page in that language: the choice is remembered, and the account's at logging in.
    await page.goto(`${baseUrl}${DEMO_BASE}/connexion?lang=${paying.lang}`);
    await inLanguage(page, paying.lang);
  }
  await familyLogIn(page, baseUrl, paying.parent);
  await inLanguage(page, paying.lang);
  const sameTab = noOtherTab(page);

  // Mes factures offers to pay it online; the pay page names the régie, ticks the invoice, offers PayFiP alone.
  await payFromInvoices(page, baseUrl, invoice, paying.lang);
  const pay = await text(page.locator('main'));
  assert.match(pay, new RegExp(words.regie('Restauration scolaire')));
  assert.match(pay, words.inThisTab);
  assert.ok(await page.getByRole('checkbox', { name: words.invoiceBox(invoice.number) }).isChecked(), 'the invoice paid is ticked');
  assert.ok(await page.getByRole('radio', { name: words.payfip, exact: true }).isChecked(), 'the only provider is chosen already');
  assert.equal(await page.getByLabel(words.amount).count(), 0, 'school meals are paid in full');
  await screenshot(page, `family-pay-${paying.name}-pay-page-desktop`);
  await checkAccessibility(page, `pay page, school meals (${paying.name}), desktop`);

  // PayFiP's page, in this tab.
  await go(page.getByRole('button', { name: words.continue }));
  await atSimulator(page, baseUrl, 'PayFiP');
  assert.match(await text(page.locator('main')), amountPattern(invoice.leftCents));
  await screenshot(page, `family-pay-${paying.name}-simulator`);
  await reportSimulatorAccessibility(page, t, 'PayFiP');
  await chooseAtBank(page, 'Payé par carte bancaire');

  // Back on the portal, with the payment's idOp; the receipt, Mes paiements.
  assert.match(page.url(), new RegExp(`^${baseUrl}${DEMO_BASE}/paiement/[0-9a-f-]{36}\\?idop=`));
  const number = await paidWithReceipt(page, visit, { invoice, amountCents: invoice.leftCents, lang: paying.lang, name: paying.name, before });
  sameTab();

  // The invoice is paid; the receipt was also sent by email, in the parent's language.
  await followNav(page, words.invoices);
  await inLanguage(page, paying.lang);
  const invoiceRow = await text(page.locator('main table tbody tr').filter({ hasText: invoice.number }));
  assert.match(invoiceRow, words.paid);
  assert.doesNotMatch(invoiceRow, words.payOnline);
  assert.equal((await invoiceNow(portal, demo, paying.parent, invoice.id)).state, 'paid');
  const mail = (await emailsTo(portal, demo, paying.parent)).find((email) => email.subject.includes(number));
  assert.ok(mail, 'the receipt is emailed');
  assert.match(mail.subject, words.mailSubject);
}

journey('a parent pays an invoice through PayFiP in the same tab, and gets its receipt', (visit, t) =>
  payMealsThroughPayFiP(visit, t, { parent: CLAIRE, state: 'to_pay', lang: 'fr', name: 'payfip' }),
);

journey('a parent pays part of a care invoice through Systempay; the result page waits for the bank by itself', async ({ baseUrl, portal, demo, open }, t) => {
  const invoice = await openInvoice(portal, demo, CLAIRE, 'PL', 'to_pay');
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  const sameTab = noOtherTab(page);

  // From the invoice's own page.
  await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${invoice.id}`);
  await go(page.locator('main').getByRole('link', { name: 'Payer en ligne', exact: true }));
  const pay = await text(page.locator('main'));
  assert.match(pay, /Régie : Périscolaire et loisirs/);
  assert.match(pay, /payer une partie/);

  // Mistakes first: they come back next to the field, with what was typed.
  const amount = page.getByLabel(/^Montant à payer/);
  for (const [typed, message] of [
    ['vingt euros', /montant/i],
    [(invoice.leftCents / 100 + 10).toFixed(2).replace('.', ','), /dépasse ce qui reste à payer/],
    ['0,50', /commence à 1,00/],
  ] as const) {
    await amount.fill(typed);
    await leaveFor(page, SYSTEMPAY);
    assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/paiement`, 'still on the portal');
    assert.match(await text(page.locator('#error-summary')), /Montant à payer/);
    assert.match(await text(page.locator('#field-montant-error')), message);
    assert.equal(await page.getByLabel(/^Montant à payer/).inputValue(), typed, 'what was typed stays');
    assert.ok(await page.getByRole('radio', { name: SYSTEMPAY, exact: true }).isChecked(), 'the provider chosen stays');
    assert.ok(await page.getByRole('checkbox', { name: new RegExp(`^Facture ${invoice.number}`) }).isChecked(), 'the invoice stays ticked');
    if (typed === 'vingt euros') {
      await screenshot(page, 'family-pay-amount-error-desktop');
      await checkAccessibility(page, 'pay page with an amount error, desktop');
    }
  }

  // 20 € of it, through Systempay: the departure page posts the signed form by itself.
  await amount.fill('20,00');
  await leaveFor(page, SYSTEMPAY);
  await atSimulator(page, baseUrl, 'Systempay');
  assert.match(await text(page.locator('main')), /20,00 €/);
  await screenshot(page, 'family-pay-systempay-simulator');
  await reportSimulatorAccessibility(page, t, 'Systempay');
  // Paid, but the bank's notification comes five seconds after the family is back.
  await chooseAtBank(page, 'Paiement accepté', 'En retard (après 5 secondes)');
  const waiting = await resultOf(page);
  assert.match(waiting, /Paiement en attente de confirmation/);
  assert.match(waiting, /se met à jour toute seule/);
  assert.equal(await page.getByRole('button', { name: 'Vérifier à nouveau' }).count(), 1, 'a button asks again, without a script too');
  await screenshot(page, 'family-pay-systempay-pending-desktop');
  await checkAccessibility(page, 'payment pending, desktop');

  // The page asks again by itself until the notification has settled the attempt.
  await page.locator('main .fr-alert--success').waitFor({ timeout: 30_000 });
  await page.waitForLoadState('load');
  const result = await resultOf(page);
  assert.match(result, /Paiement accepté/);
  assert.match(result, /20,00/);
  const number = receiptNumber(result);
  await screenshot(page, 'family-pay-systempay-result-desktop');
  sameTab();

  // The invoice is paid in part.
  const after = await invoiceNow(portal, demo, CLAIRE, invoice.id);
  assert.equal(after.leftCents, invoice.leftCents - 2000);
  await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${invoice.id}`);
  const detail = await text(page.locator('main'));
  assert.match(detail, new RegExp(number));
  assert.match(detail, amountPattern(after.leftCents));
});

journey('a parent pays part of a care invoice through PayZen, Systempay’s form at another provider', async (visit, t) => {
  const { baseUrl, portal, demo, open } = visit;
  // What Claire still owes on her care after paying part of it through Systempay; the régie takes PayZen too.
  const invoice = await openInvoice(portal, demo, CLAIRE, 'PL', 'to_pay');
  const before = await onlinePaymentsOn(portal, demo, invoice.id);
  const withdraw = await offerChannel(portal, demo, invoice.regieId, {
    provider: 'payzen',
    mode: 'test',
    merchantId: DEMO_SYSTEMPAY_SHOP.siteId,
    endpoint: `${baseUrl}${SIMULATORS_PATH}/systempay/vads-payment/`,
    keys: DEMO_SYSTEMPAY_SHOP.keys,
  });
  try {
    const page = await open();
    await familyLogIn(page, baseUrl, CLAIRE);
    const sameTab = noOtherTab(page);
    await payFromInvoices(page, baseUrl, invoice);
    for (const provider of [PAYFIP, PAYZEN, SYSTEMPAY])
      assert.equal(await page.getByRole('radio', { name: provider, exact: true }).isChecked(), false, `${provider}: offered, not chosen for the parent`);
    await page.getByLabel(/^Montant à payer/).fill('15,00');
    await tick(page.locator('main form').getByRole('radio', { name: PAYZEN, exact: true }));
    await screenshot(page, 'family-pay-payzen-pay-page-desktop');
    await checkAccessibility(page, 'pay page with PayZen chosen, desktop');

    // The departure page posts the signed form by itself; the simulator serves Systempay's and PayZen's form alike.
    await leaveFor(page, PAYZEN);
    await atSimulator(page, baseUrl, 'Systempay');
    const atBank = await text(page.locator('main'));
    assert.match(atBank, /15,00 €/);
    assert.match(atBank, new RegExp(`${DEMO_SYSTEMPAY_SHOP.siteId} \\(TEST\\)`));
    await screenshot(page, 'family-pay-payzen-simulator');
    await reportSimulatorAccessibility(page, t, 'PayZen');
    await chooseAtBank(page, 'Paiement accepté');

    assert.match(page.url(), new RegExp(`^${baseUrl}${DEMO_BASE}/paiement/[0-9a-f-]{36}`));
    const number = await paidWithReceipt(page, visit, { invoice, amountCents: 1500, lang: 'fr', name: 'payzen', before });
    sameTab();
    // Through PayZen's channel, whose key verified the notification; the invoice lacks 15 € less.
    const channel = await portal.inTenant(demo, ({ tx }) =>
      tx
        .selectFrom('payments as p')
        .innerJoin('payment_attempts as pa', 'pa.id', 'p.attempt_id')
        .innerJoin('payment_channels as c', 'c.id', 'pa.channel_id')
        .select('c.provider')
        .where('p.number', '=', number)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(channel.provider, 'payzen');
    assert.equal((await invoiceNow(portal, demo, CLAIRE, invoice.id)).leftCents, invoice.leftCents - 1500);
  } finally {
    await withdraw();
  }
});

journey('a parent who closes the tab at the bank finds the payment recorded', async ({ baseUrl, portal, demo, open }) => {
  // What Claire still owes on her care after paying parts of it: the rest, through Systempay.
  const invoice = await openInvoice(portal, demo, CLAIRE, 'PL', 'to_pay');
  const page = await open();
  await familyLogIn(page, baseUrl, CLAIRE);
  await payFromInvoices(page, baseUrl, invoice);
  assert.equal(await page.getByLabel(/^Montant à payer/).inputValue(), '', 'empty: all that is left');
  await leaveFor(page, SYSTEMPAY);
  await atSimulator(page, baseUrl, 'Systempay');
  await chooseAtBank(page, 'Paiement accepté, puis l’onglet est fermé (aucun retour au portail)');
  assert.match(page.url(), /\/simulateurs\/systempay\//, 'the bank does not send the parent back');
  const context = page.context();
  await page.close();

  // Later, another tab of the same browser: the payment is there, the invoice paid.
  const later = await context.newPage();
  await later.goto(`${baseUrl}${DEMO_BASE}/mes-paiements`);
  const row = await text(
    later
      .locator('main table tbody tr')
      .filter({ hasText: invoice.number })
      .filter({ hasText: amountPattern(invoice.leftCents) }),
  );
  assert.match(row, /Carte bancaire en ligne/);
  await screenshot(later, 'family-pay-closed-tab-payments-desktop');
  await checkAccessibility(later, 'Mes paiements after a closed tab, desktop');
  await later.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${invoice.id}`);
  assert.match(await text(later.locator('main')), /Payée/);
  assert.equal((await invoiceNow(portal, demo, CLAIRE, invoice.id)).leftCents, 0);
});

journey('a closed tab and a lost notification: the reconciliation job records the payment', async ({ baseUrl, portal, demo, open }) => {
  const invoice = await openInvoice(portal, demo, SOPHIE, 'RS', 'to_pay');
  const page = await open();
  await familyLogIn(page, baseUrl, SOPHIE);
  await payFromInvoices(page, baseUrl, invoice);
  await go(page.getByRole('button', { name: 'Continuer vers le paiement sécurisé' }));
  await atSimulator(page, baseUrl, 'PayFiP');
  await chooseAtBank(page, 'Payé par carte, puis l’onglet est fermé (aucun retour au portail)', 'Perdue (aucune notification)');
  await screenshot(page, 'family-pay-payfip-closed-tab');
  const context = page.context();
  await page.close();

  // Nothing told the portal yet: the invoice is still to pay, no payment listed.
  const later = await context.newPage();
  await later.goto(`${baseUrl}${DEMO_BASE}/mes-paiements`);
  assert.equal(await later.locator('main table tbody tr').filter({ hasText: invoice.number }).count(), 0);
  assert.equal((await invoiceNow(portal, demo, SOPHIE, invoice.id)).leftCents, invoice.leftCents);

  // The job, every five minutes, asks PayFiP about the attempts pending for more than two.
  const job = {
    db: portal.db,
    clock: portal.clock,
    secret: portal.config.secret,
    publicUrl: portal.config.publicUrl,
    mail: portal.services.mail,
    log: { error: (details: object, message: string) => assert.fail(`${message}: ${JSON.stringify(details)}`) },
  };
  assert.equal(await reconcilePendingAttempts(job), 0, 'too early: the notification usually comes first');
  portal.clock.advance(3 * 60_000);
  assert.equal(await reconcilePendingAttempts(job), 1);

  await later.reload();
  const row = await paymentRow(later, invoice.number);
  assert.match(row, /Carte bancaire en ligne/);
  assert.match(row, amountPattern(invoice.leftCents));
  await screenshot(later, 'family-pay-reconciled-payments-desktop');
  await later.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${invoice.id}`);
  assert.match(await text(later.locator('main')), /Payée/);
  assert.ok(
    (await emailsTo(portal, demo, SOPHIE)).some((email) => email.subject.startsWith('Reçu de votre paiement en ligne')),
    'the receipt is emailed',
  );
});

journey('a refused payment says so, and "Réessayer" leads back to the pay page', async ({ baseUrl, portal, demo, open }) => {
  const invoice = await openInvoice(portal, demo, SOPHIE, 'RS', 'late');
  const page = await open();
  await familyLogIn(page, baseUrl, SOPHIE);
  const sameTab = noOtherTab(page);
  await payFromInvoices(page, baseUrl, invoice);
  await go(page.getByRole('button', { name: 'Continuer vers le paiement sécurisé' }));
  await atSimulator(page, baseUrl, 'PayFiP');
  await chooseAtBank(page, 'Carte refusée par la banque');
  const result = await resultOf(page);
  assert.match(result, /Paiement refusé/);
  assert.match(result, /Aucune somme n’a été prélevée/);
  assert.match(result, amountPattern(invoice.leftCents));
  assert.equal(await page.getByRole('link', { name: /^Télécharger le reçu/ }).count(), 0);
  await screenshot(page, 'family-pay-refused-desktop');
  await checkAccessibility(page, 'payment refused, desktop');

  await go(page.getByRole('link', { name: 'Réessayer', exact: true }));
  assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/paiement?facture=${invoice.id}`);
  assert.ok(await page.getByRole('checkbox', { name: new RegExp(`^Facture ${invoice.number}`) }).isChecked());
  sameTab();
  assert.equal((await invoiceNow(portal, demo, SOPHIE, invoice.id)).leftCents, invoice.leftCents, 'nothing recorded');
});

// Sophie's December meals, refused by the bank just before, paid from a browser in English.
journey('a parent pays through PayFiP in English: every page, the result and the receipt in English', (visit, t) =>
  payMealsThroughPayFiP(visit, t, { parent: SOPHIE, state: 'late', lang: 'en', name: 'payfip-en' }),
);

journey('an invoice handed to the Treasury cannot be paid on the portal: the pages say where to pay it', async ({ baseUrl, portal, demo, open }) => {
  const treasury = (await invoicesOf(portal, demo, DUBOIS)).find((invoice) => invoice.state === 'treasury')!;
  const other = await openInvoice(portal, demo, DUBOIS, 'RS', 'to_pay');
  const page = await open();
  await familyLogIn(page, baseUrl, DUBOIS);

  await followNav(page, 'Mes factures');
  const row = await text(page.locator('main table tbody tr').filter({ hasText: treasury.number }));
  assert.match(row, /Titre émis : à payer au Trésor public/);
  assert.doesNotMatch(row, /Payer en ligne/);
  assert.equal(await page.getByRole('link', { name: `Payer en ligne la facture ${treasury.number}` }).count(), 0);
  assert.equal(await page.getByRole('link', { name: `Payer en ligne la facture ${other.number}` }).count(), 1);
  await page.goto(`${baseUrl}${DEMO_BASE}/mes-factures/${treasury.id}`);
  assert.match(await text(page.locator('main')), /Payez-la désormais au Trésor public/);
  assert.equal(await page.locator('main').getByRole('link', { name: 'Payer en ligne' }).count(), 0);

  // The pay page reached by its address: the Treasury's invoice is not offered, and said to be paid there.
  await page.goto(`${baseUrl}${DEMO_BASE}/paiement?facture=${treasury.id}`);
  const pay = await text(page.locator('main'));
  assert.match(pay, new RegExp(`La facture ${treasury.number} a été transmise au Trésor public : elle se paie auprès de lui, comme l’indique l’avis`));
  assert.match(pay, /et non plus sur ce portail/);
  assert.equal(await page.getByRole('checkbox', { name: new RegExp(`^Facture ${treasury.number}`) }).count(), 0);
  assert.equal(await page.getByRole('checkbox', { name: new RegExp(`^Facture ${other.number}`) }).count(), 1);
  await screenshot(page, 'family-pay-treasury-desktop');
  await checkAccessibility(page, 'pay page with an invoice at the Treasury, desktop');
});

journey('a provider on another site: the pages let the browser go there (Content-Security-Policy)', async ({ baseUrl, portal, demo, open }) => {
  // The demo's simulators answer at the portal's own address, which 'self' allows; real providers
  // are other sites. Reached as localhost, the same simulators are another origin for the browser.
  const elsewhere = baseUrl.replace('127.0.0.1', 'localhost');
  const moveProviders = (from: string, to: string) =>
    portal.inTenant(demo, ({ tx }) =>
      tx
        .updateTable('payment_channels')
        .set({ endpoint: sql<string>`replace(endpoint, ${from}, ${to})` })
        .execute(),
    );
  await moveProviders(baseUrl, elsewhere);
  try {
    const page = await open();
    await familyLogIn(page, baseUrl, DUBOIS);

    // PayFiP: the pay page's form is answered by a redirect to the provider, checked against the pay page's policy.
    const meals = await openInvoice(portal, demo, DUBOIS, 'RS', 'to_pay');
    const payPage = await page.goto(`${baseUrl}${DEMO_BASE}/paiement?facture=${meals.id}`);
    assert.match(payPage!.headers()['content-security-policy']!, new RegExp(`form-action [^;]*${elsewhere.replace(/[.:/]/g, '\\$&')}`));
    await go(page.getByRole('button', { name: 'Continuer vers le paiement sécurisé' }));
    await page.waitForURL(`${elsewhere}/simulateurs/payfip/**`);
    assert.match(await text(page.locator('header')), /Simulateur PayFiP/);

    // Systempay: the departure page posts its form there.
    const care = await openInvoice(portal, demo, DUBOIS, 'PL', 'to_pay');
    await page.goto(`${baseUrl}${DEMO_BASE}/paiement?facture=${care.id}`);
    await leaveFor(page, SYSTEMPAY);
    await page.waitForURL(`${elsewhere}/simulateurs/systempay/**`);
    assert.match(await text(page.locator('header')), /Simulateur Systempay/);
    // The harness fails the journey on any CSP violation the console reports.
  } finally {
    await moveProviders(elsewhere, baseUrl);
  }
});

journey('on a phone: the pay page and the result page fit 360 px', async ({ baseUrl, portal, demo, open }) => {
  const invoice = await openInvoice(portal, demo, DUBOIS, 'PL', 'late');
  const phone = await open({ viewport: 'phone' });
  await familyLogIn(phone, baseUrl, DUBOIS);
  const sameTab = noOtherTab(phone);
  await payFromInvoices(phone, baseUrl, invoice);
  assert.ok((await scrollWidth(phone)) <= 360, `the pay page fits a phone (${await scrollWidth(phone)} px)`);
  await screenshot(phone, 'family-pay-pay-page-phone');
  await checkAccessibility(phone, 'pay page, phone');

  await leaveFor(phone, PAYFIP);
  await atSimulator(phone, baseUrl, 'PayFiP');
  await screenshot(phone, 'family-pay-payfip-simulator-phone');
  await chooseAtBank(phone, 'Payé par prélèvement');
  const result = await resultOf(phone);
  assert.match(result, /Paiement accepté/);
  assert.ok((await scrollWidth(phone)) <= 360, `the result page fits a phone (${await scrollWidth(phone)} px)`);
  await screenshot(phone, 'family-pay-result-phone');
  await checkAccessibility(phone, 'payment accepted, phone');
  sameTab();
  await followNav(phone, 'Mes paiements');
  assert.match(await paymentRow(phone, invoice.number), /Prélèvement/);
});

journey('without JavaScript the departure page has its button, and paying works the same', async ({ baseUrl, portal, demo, open }) => {
  const invoice = await openInvoice(portal, demo, DUBOIS, 'PL', 'to_pay');
  const page = await open({ javaScript: false });
  await familyLogIn(page, baseUrl, DUBOIS);
  await payFromInvoices(page, baseUrl, invoice);
  await leaveFor(page, SYSTEMPAY);
  assert.equal(page.url(), `${baseUrl}${DEMO_BASE}/paiement`, 'the departure page waits for its button');
  assert.equal(await page.locator('main h1').innerText(), 'Paiement sécurisé');
  const departure = await text(page.locator('main'));
  assert.match(departure, amountPattern(invoice.leftCents));
  assert.match(departure, /Moyen de paiement : Carte bancaire \(Systempay\)/);
  await screenshot(page, 'family-pay-departure-no-script-desktop');
  await checkAccessibility(page, 'departure page, no JavaScript');
  await go(page.getByRole('button', { name: 'Continuer vers le paiement', exact: true }));
  await atSimulator(page, baseUrl, 'Systempay');
  await chooseAtBank(page, 'Paiement accepté');
  assert.match(await resultOf(page), /Paiement accepté/);
  await screenshot(page, 'family-pay-result-no-script-desktop');
  assert.equal((await invoiceNow(portal, demo, DUBOIS, invoice.id)).leftCents, 0);
});

journey('a parent pays an invoice through TIPI in the same tab: the browser comes back with the result in the address', async (visit, t) => {
  const { baseUrl, portal, demo, open } = visit;
  // Marc's January meals, left at PayFiP's page on the way to another site; the régie takes TIPI too.
  const invoice = await openInvoice(portal, demo, DUBOIS, 'RS', 'to_pay');
  const before = await onlinePaymentsOn(portal, demo, invoice.id);
  const withdraw = await offerChannel(portal, demo, invoice.regieId, {
    provider: 'tipi',
    mode: 'test',
    merchantId: DEMO_PAYFIP_NUMCLI,
    endpoint: `${baseUrl}${SIMULATORS_PATH}/tipi`,
  });
  try {
    const page = await open();
    await familyLogIn(page, baseUrl, DUBOIS);
    const sameTab = noOtherTab(page);
    const addresses: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) addresses.push(request.url());
    });
    await payFromInvoices(page, baseUrl, invoice);
    // The payment left at PayFiP still waits for its result: the page says so before he pays again.
    assert.match(await text(page.locator('main')), /attend encore la confirmation du prestataire/);
    for (const provider of [PAYFIP, TIPI])
      assert.equal(await page.getByRole('radio', { name: provider, exact: true }).isChecked(), false, `${provider}: offered, not chosen for the parent`);
    await tick(page.locator('main form').getByRole('radio', { name: TIPI, exact: true }));
    await screenshot(page, 'family-pay-tipi-pay-page-desktop');
    await checkAccessibility(page, 'pay page with TIPI chosen, desktop');

    // TIPI's page, reached by a redirect: the payment asked is in its address.
    await leaveFor(page, TIPI);
    await atSimulator(page, baseUrl, 'TIPI');
    const asked = new URL(page.url()).searchParams;
    assert.equal(asked.get('numcli'), DEMO_PAYFIP_NUMCLI);
    assert.equal(asked.get('montant'), String(invoice.leftCents));
    assert.equal(asked.get('saisie'), 'T');
    assert.match(await text(page.locator('main')), amountPattern(invoice.leftCents));
    await screenshot(page, 'family-pay-tipi-simulator');
    await reportSimulatorAccessibility(page, t, 'TIPI');
    await chooseAtBank(page, 'Payé par carte bancaire');

    // Back through the notification's address, the result in the query, on to the attempt's page.
    const notification = addresses.find((address) => address.startsWith(`${asked.get('urlcl')}?`));
    assert.ok(notification, `the browser came back to ${asked.get('urlcl')}: ${addresses.join(' ')}`);
    assert.equal(new URL(notification).searchParams.get('resultrans'), 'P');
    assert.match(page.url(), new RegExp(`^${baseUrl}${DEMO_BASE}/paiement/[0-9a-f-]{36}$`));
    await paidWithReceipt(page, visit, { invoice, amountCents: invoice.leftCents, lang: 'fr', name: 'tipi', before });
    sameTab();
    assert.equal((await invoiceNow(portal, demo, DUBOIS, invoice.id)).state, 'paid');
  } finally {
    await withdraw();
  }
});
