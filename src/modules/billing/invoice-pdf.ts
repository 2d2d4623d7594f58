import { periodKey } from '../../i18n/catalogue.js';
import { sql } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import type { Lang, MessageKey } from '../../i18n/catalogue.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { SYSTEM } from '../actor.js';
import { translator } from '../../i18n/catalogue.js';
import type { Scope } from '../scope.js';
import type { LineKind } from './billing.tables.js';
import { findInvoice, type InvoiceDetail } from './invoices.js';
import { type Issuer, issuerOf, startPdf } from './pdf-layout.js';

/**
 * An invoice (or credit note) as a PDF, in the family's language: what a public service's invoice
 * states (BILLING.md) — the authority, the régie, number, date, due date, payer, household, lines by
 * child and unit with their days, totals, what was paid when it was issued and what was left, how
 * to pay, the VAT mention, and the Treasury's collection after the due date. Made once and kept
 * (invoice_pdfs): each download gives the same bytes.
 */

export const LINE_LABELS: Record<LineKind, MessageKey> = {
  attended: 'pdf.line.attended',
  absence: 'pdf.line.absence',
  late_cancellation: 'pdf.line.lateCancellation',
  unbooked_presence: 'pdf.line.unbookedPresence',
  regularisation: 'pdf.line.regularisation',
  prepaid: 'pdf.line.prepaid',
};

/** The stored PDF of an invoice in a language, made now if it was not yet; null when the actor may not read the invoice. */
export async function invoicePdf(scope: Scope, invoiceId: string, lang: Lang): Promise<{ number: string; pdf: Buffer } | null> {
  const invoice = await findInvoice(scope, invoiceId);
  if (!invoice) return null;
  const stored = await storedPdf(scope, invoiceId, lang);
  if (stored) return { number: invoice.number, pdf: stored };
  await keepPdf(scope, invoice, await issuerOf(scope.tx, scope.tenantId), lang);
  // Two requests at once make it twice: each gives the one kept first.
  return { number: invoice.number, pdf: (await storedPdf(scope, invoiceId, lang))! };
}

async function storedPdf(scope: Scope, invoiceId: string, lang: Lang): Promise<Buffer | null> {
  const stored = await scope.tx.selectFrom('invoice_pdfs').select('pdf').where('invoice_id', '=', invoiceId).where('lang', '=', lang).executeTakeFirst();
  return stored?.pdf ?? null;
}

/** Makes the PDF and keeps it, unless one was kept meanwhile. */
async function keepPdf(scope: Scope, invoice: InvoiceDetail, issuer: Issuer, lang: Lang): Promise<void> {
  const pdf = await renderInvoicePdf(invoice, issuer, await paidAtIssue(scope, invoice.id), lang);
  await scope.tx
    .insertInto('invoice_pdfs')
    .values({ invoice_id: invoice.id, tenant_id: scope.tenantId, lang, pdf, created_at: scope.now })
    .onConflict((conflict) => conflict.columns(['invoice_id', 'lang']).doNothing())
    .execute();
}

/** What the household's credit paid of the invoice in the transaction that issued it: the PDF shows the invoice as issued. */
async function paidAtIssue(scope: Scope, invoiceId: string): Promise<number> {
  const row = await scope.tx
    .selectFrom('allocations as a')
    .innerJoin('invoices as i', 'i.id', 'a.invoice_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('a.amount_cents'), eb.lit(0)).as('paid'))
    .where('a.invoice_id', '=', invoiceId)
    .whereRef('a.created_at', '<=', 'i.created_at')
    .executeTakeFirstOrThrow();
  return Number(row.paid);
}

export async function renderInvoicePdf(invoice: InvoiceDetail, issuer: Issuer, paidCents: number, lang: Lang): Promise<Buffer> {
  const t = translator(lang);
  const credit = invoice.kind === 'credit_note';
  const title = t(credit ? 'pdf.creditNote.title' : 'pdf.invoice.title', { number: invoice.number });
  const pdf = startPdf({ lang, t, title, createdOn: invoice.issuedOn, issuer });
  pdf.paragraph(t('pdf.regie', { regie: invoice.regie.name }), { bold: true });
  pdf.heading(title);
  if (credit && invoice.creditOf) pdf.paragraph(t('pdf.creditNote.of', { number: invoice.creditOf.number, reason: invoice.reason ?? '' }));
  pdf.facts([
    [t('pdf.issuedOn'), pdf.date(invoice.issuedOn)],
    ...(credit ? [] : [[t('pdf.dueOn'), pdf.date(invoice.dueOn)] as [string, string]]),
    ...(invoice.periodFrom && invoice.periodTo
      ? [
          [
            t('pdf.period'),
            t(periodKey('pdf.periodValue', invoice.periodFrom, invoice.periodTo), { from: pdf.date(invoice.periodFrom), to: pdf.date(invoice.periodTo) }),
          ] as [string, string],
        ]
      : []),
    [t('pdf.payer'), [invoice.payerName, invoice.payerAddress].filter(Boolean).join('\n')],
    [t('pdf.household'), invoice.householdName],
  ]);
  pdf.table(
    [
      { title: t('pdf.column.child'), width: 0.17 },
      { title: t('pdf.column.item'), width: 0.25 },
      { title: t('pdf.column.days'), width: 0.26 },
      { title: t('pdf.column.quantity'), width: 0.07, align: 'right' },
      { title: t('pdf.column.unitPrice'), width: 0.12, align: 'right' },
      { title: t('pdf.column.amount'), width: 0.13, align: 'right' },
    ],
    [
      ...invoice.lines.map((line) => [
        line.childName,
        t(LINE_LABELS[line.kind], { unit: line.label }),
        compactDays(line.days, pdf.date),
        String(line.quantity),
        pdf.money(line.unitPriceCents),
        pdf.money(line.amountCents),
      ]),
      ['', t('pdf.total'), '', '', '', pdf.money(invoice.totalCents)],
    ],
    { boldLastRow: true },
  );
  const parts = invoice.lines.reduce(
    (sum, line) => ({ care: sum.care + line.careCents, meal: sum.meal + line.mealCents, penalty: sum.penalty + line.penaltyCents }),
    { care: 0, meal: 0, penalty: 0 },
  );
  pdf.paragraph(t('pdf.parts', { care: pdf.money(parts.care), meal: pdf.money(parts.meal), penalty: pdf.money(parts.penalty) }), { size: 9 });
  if (!credit) {
    pdf.facts([
      [t('pdf.total'), pdf.money(invoice.totalCents)],
      [t('pdf.paidAtIssue'), pdf.money(paidCents)],
      [t('pdf.leftAtIssue'), pdf.money(invoice.totalCents - paidCents)],
    ]);
  }
  pdf.paragraph(t('pdf.vat'), { size: 9 });
  if (!credit) {
    pdf.paragraph(t('pdf.howToPay'), { bold: true, gap: 0.2 });
    pdf.paragraph(t('pdf.pay.online'), { size: 9, gap: 0.1 });
    if (invoice.regie.iban)
      pdf.paragraph(
        t('pdf.pay.transfer', { holder: invoice.regie.bankHolder ?? invoice.regie.name, iban: groupedIban(invoice.regie.iban), bic: invoice.regie.bic ?? '' }),
        { size: 9, gap: 0.1 },
      );
    pdf.paragraph(invoice.regie.paymentInstructions ?? t('pdf.pay.counter'), { size: 9, gap: 0.4 });
    pdf.paragraph(t('pdf.treasuryWarning'), { size: 9 });
  }
  return pdf.finish();
}

/** "02, 03, 05/11/2026 ; 01/12/2026": days grouped by month. */
export function compactDays(days: string[], date: (day: string) => string): string {
  const byMonth = new Map<string, string[]>();
  for (const day of [...days].sort()) {
    const month = day.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), day]);
  }
  return [...byMonth.values()].map((month) => [...month.slice(0, -1).map((day) => day.slice(8)), date(month.at(-1)!)].join(', ')).join(' ; ');
}

function groupedIban(iban: string): string {
  return iban.replace(/(.{4})/g, '$1 ').trim();
}

/**
 * What the job does after a run: the tables the run filled are analysed first, as their owner, so
 * that what follows (the PDFs' queries, the families' pages) is planned on what they hold now rather
 * than on statistics from before the run, which autovacuum renews only minutes later if at all (an
 * invoice's lines were read through the whole authority's index: 6 ms a PDF at 10,000 households).
 * Then the PDFs of the run's invoices not made yet, in their families' languages. Answers how many
 * it made.
 */
export async function makeRunPdfs(options: { db: Database; clock: Clock }, tenantId: string, runId: string): Promise<number> {
  await asSystem(options.db, (tx) => sql`analyze invoices, invoice_lines, billed_units, ledger_entries`.execute(tx));
  return renderRunPdfs((work) => inTenant(options.db, tenantId, (tx) => work({ tx, tenantId, actor: SYSTEM, now: options.clock.now() })), runId);
}

/**
 * A batch of PDFs per transaction. What is missing is read once (the run's invoices have no index
 * of their own: a query per batch read them all again each time); a job taken again after a failure
 * starts from what is left.
 */
async function renderRunPdfs(inTenantScope: <T>(work: (scope: Scope) => Promise<T>) => Promise<T>, runId: string, batch = 50): Promise<number> {
  const missing = await inTenantScope((scope) =>
    scope.tx
      .selectFrom('invoices as i')
      .select(['i.id', 'i.lang'])
      .where('i.run_id', '=', runId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('invoice_pdfs as p').select('p.invoice_id').whereRef('p.invoice_id', '=', 'i.id').whereRef('p.lang', '=', 'i.lang'))),
      )
      .orderBy('i.seq')
      .execute(),
  );
  for (let start = 0; start < missing.length; start += batch) {
    await inTenantScope(async (scope) => {
      const issuer = await issuerOf(scope.tx, scope.tenantId);
      for (const { id, lang } of missing.slice(start, start + batch)) {
        const invoice = await findInvoice(scope, id);
        if (invoice) await keepPdf(scope, invoice, issuer, lang);
      }
    });
  }
  return missing.length;
}

export const RUN_PDFS_QUEUE = 'invoice-run-pdfs';

/** After a run, its PDFs are made by the job queue, in whichever process takes the job. */
export async function startRunPdfs(jobs: JobQueue | null, options: { db: Database; clock: Clock }): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(RUN_PDFS_QUEUE, { name: RUN_PDFS_QUEUE, retryLimit: 3, retryDelay: 30 });
  await jobs.work<{ tenantId: string; runId: string }>(RUN_PDFS_QUEUE, async ([job]) => {
    if (!job) return;
    await makeRunPdfs(options, job.data.tenantId, job.data.runId);
  });
}
