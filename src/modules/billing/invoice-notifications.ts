import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { asSystem, inTenant } from '../../db/tenant-scope.js';
import { formatters } from '../../i18n/catalogue.js';
import type { JobQueue, JobQueueLog } from '../../jobs/job-queue.js';
import { SYSTEM } from '../actor.js';
import { addDays } from '../calendar/calendar-dates.js';
import { tenantToday } from '../calendar/local-date.js';
import { composeEmail, mailIn, type MailSender } from '../notifications/compose-email.js';
import { queueEmails } from '../notifications/outbox.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';
import { tenantPublicBase } from '../tenancy/tenants.js';

/**
 * Emails about invoices, through the outbox: "your invoice is available" to the households that
 * chose invoices by email, after a run; and reminders of unpaid invoices on the days after the due
 * date that the régie sets, at most one per invoice and step, by a daily job.
 */

interface InvoiceMailRow {
  id: string;
  number: string;
  total_cents: number;
  due_on: string;
  email: string;
  display_name: string;
  locale: 'fr' | 'en';
}

/** The family accounts (active) of the invoices' households that chose invoices by email. */
async function recipients(scope: Scope, invoiceIds: string[]): Promise<InvoiceMailRow[]> {
  if (invoiceIds.length === 0) return [];
  return scope.tx
    .selectFrom('invoices as i')
    .innerJoin('households as h', 'h.id', 'i.household_id')
    .innerJoin('accounts as a', (join) => join.onRef('a.household_id', '=', 'h.id').on('a.kind', '=', 'family').on('a.status', '=', 'active'))
    .select(['i.id', 'i.number', 'i.total_cents', 'i.due_on', 'a.email', 'a.display_name', 'a.locale'])
    .where('i.id', 'in', invoiceIds)
    .where('i.kind', '=', 'invoice')
    .where('h.invoice_by_email', '=', true)
    .execute();
}

/** Tells each household of a run that its invoice is available, in its own language. */
export async function tellInvoicesIssued(scope: Scope, invoiceIds: string[], sender: MailSender): Promise<number> {
  const rows = await recipients(scope, invoiceIds);
  await queueEmails(
    scope,
    rows.map((row) => {
      const mail = mailIn(sender, row.locale);
      const fmt = formatters(row.locale, 'Europe/Paris');
      return composeEmail(mail, { address: row.email, name: row.display_name }, 'mail.invoice.subject', 'mail.invoice.body', {
        number: row.number,
        amount: fmt.money(row.total_cents),
        due: row.due_on.split('-').reverse().join('/'),
        link: `${sender.baseUrl}${pagePath(PAGES.invoice, { invoiceId: row.id })}`,
      });
    }),
  );
  return rows.length;
}

/**
 * Sends the reminders due today in one authority: for each unpaid invoice not handed to the
 * Treasury, each reminder day of its régie passed since the due date and not sent yet. The
 * reminder row's key (invoice, step) makes a step sent once, whatever runs overlap.
 */
export async function sendDueReminders(scope: Scope, sender: MailSender): Promise<number> {
  const today = await tenantToday(scope);
  const candidates = await scope.tx
    .selectFrom('invoices as i')
    .innerJoin('regies as r', 'r.id', 'i.regie_id')
    .select(['i.id', 'i.due_on', 'r.reminder_days'])
    .where('i.kind', '=', 'invoice')
    .where('i.due_on', '<', today)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('treasury_titles as t').select('t.invoice_id').whereRef('t.invoice_id', '=', 'i.id'))))
    .where((eb) =>
      eb(
        eb.ref('i.total_cents'),
        '>',
        eb
          .selectFrom('allocations as a')
          .select((inner) => inner.fn.coalesce(inner.fn.sum<number>('a.amount_cents'), inner.lit(0)).as('paid'))
          .whereRef('a.invoice_id', '=', 'i.id')
          .where(({ or, eb: e }) =>
            or([
              e('a.payment_id', 'is', null),
              e.not(e.exists(e.selectFrom('payment_cancellations as c').select('c.payment_id').whereRef('c.payment_id', '=', 'a.payment_id'))),
            ]),
          ),
      ),
    )
    .execute();
  const due: { invoiceId: string; step: number }[] = [];
  for (const invoice of candidates) {
    // The latest step reached: one reminder a day at most, even after a pause of the job.
    const reached = invoice.reminder_days.filter((days) => addDays(invoice.due_on, days) <= today);
    if (reached.length > 0) due.push({ invoiceId: invoice.id, step: Math.max(...reached) });
  }
  if (due.length === 0) return 0;
  const fresh = await scope.tx
    .insertInto('invoice_reminders')
    .values(due.map((reminder) => ({ invoice_id: reminder.invoiceId, tenant_id: scope.tenantId, step: reminder.step, sent_at: scope.now })))
    .onConflict((conflict) => conflict.columns(['invoice_id', 'step']).doNothing())
    .returning('invoice_id')
    .execute();
  const rows = await recipients(
    scope,
    fresh.map((row) => row.invoice_id),
  );
  await queueEmails(
    scope,
    rows.map((row) => {
      const fmt = formatters(row.locale, 'Europe/Paris');
      return composeEmail(mailIn(sender, row.locale), { address: row.email, name: row.display_name }, 'mail.reminder.subject', 'mail.reminder.body', {
        number: row.number,
        due: row.due_on.split('-').reverse().join('/'),
        amount: fmt.money(row.total_cents),
        link: `${sender.baseUrl}${pagePath(PAGES.invoice, { invoiceId: row.id })}`,
      });
    }),
  );
  return fresh.length;
}

export const REMINDERS_QUEUE = 'invoice-reminders';

/** Every authority's reminders, each in its own transaction; once a day at 7:00 through the job queue. */
export async function sendAllReminders(options: { db: Database; clock: Clock; publicUrl: string; mail: { wake(): void } }): Promise<number> {
  const tenants = await asSystem(options.db, (tx) =>
    tx
      .selectFrom('tenants')
      .select(['id', 'name', 'slug', 'hosts'])
      .where((eb) => eb.exists(eb.selectFrom('regies').select('id').whereRef('regies.tenant_id', '=', 'tenants.id')))
      .execute(),
  );
  let sent = 0;
  for (const tenant of tenants) {
    sent += await inTenant(options.db, tenant.id, (tx) =>
      sendDueReminders(
        { tx, tenantId: tenant.id, actor: SYSTEM, now: options.clock.now() },
        { tenantName: tenant.name, baseUrl: tenantPublicBase(options.publicUrl, tenant) },
      ),
    );
  }
  if (sent > 0) options.mail.wake();
  return sent;
}

export async function startReminders(jobs: JobQueue | null, options: Parameters<typeof sendAllReminders>[0] & { log: JobQueueLog }): Promise<void> {
  if (!jobs) return;
  await jobs.createQueue(REMINDERS_QUEUE, { name: REMINDERS_QUEUE, policy: 'stately' });
  await jobs.work(REMINDERS_QUEUE, async () => {
    await sendAllReminders(options);
  });
  await jobs.schedule(REMINDERS_QUEUE, '0 7 * * *', {}, { tz: 'Europe/Paris' });
}
