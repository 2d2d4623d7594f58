import { sql } from 'kysely';
import { periodKey, type Lang, translator } from '../../i18n/catalogue.js';
import { may } from '../access.js';
import { tenantToday } from '../calendar/local-date.js';
import { findPayment, type PaymentRow } from '../ledger/payments.js';
import type { Scope } from '../scope.js';
import { issuerOf, startPdf } from './pdf-layout.js';
import { personFullName } from '../person-name.js';

/**
 * The documents a family downloads besides its invoices: the receipt of a payment, the tax
 * certificate for childcare (attestation fiscale, article 200 quater B of the CGI), and the
 * certificate of enrollment and attendance of a child.
 */

// --- receipt ------------------------------------------------------------------------------------

const METHOD_KEYS = {
  cash: 'payment.method.cash',
  cheque: 'payment.method.cheque',
  cesu_paper: 'payment.method.cesu_paper',
  cesu_electronic: 'payment.method.cesu_electronic',
  transfer: 'payment.method.transfer',
  card_counter: 'payment.method.card_counter',
  direct_debit: 'payment.method.direct_debit',
  online_card: 'payment.method.online_card',
  online_debit: 'payment.method.online_debit',
} as const satisfies Record<PaymentRow['method'], string>;

export function paymentMethodKey(method: PaymentRow['method']) {
  return METHOD_KEYS[method];
}

/** The receipt of a payment as a PDF; null when the actor may not read it. */
export async function receiptPdf(scope: Scope, paymentId: string, lang: Lang): Promise<{ number: string; pdf: Buffer } | null> {
  const payment = await findPayment(scope, paymentId);
  if (!payment) return null;
  const t = translator(lang);
  const title = t('pdf.receipt.title', { number: payment.number });
  const pdf = startPdf({ lang, t, title, createdOn: payment.receivedOn, issuer: await issuerOf(scope.tx, scope.tenantId) });
  pdf.paragraph(t('pdf.regie', { regie: payment.regieName }), { bold: true });
  pdf.heading(title);
  pdf.facts([
    [t('pdf.receipt.received'), pdf.date(payment.receivedOn)],
    [t('pdf.receipt.amount'), pdf.money(payment.amountCents)],
    [
      t('pdf.receipt.method'),
      t(METHOD_KEYS[payment.method]) + (payment.chequeNumber ? ` n° ${payment.chequeNumber}${payment.bankName ? ` (${payment.bankName})` : ''}` : ''),
    ],
    [t('pdf.payer'), payment.payerName],
    [t('pdf.household'), payment.householdName],
  ]);
  if (payment.paid.length > 0) {
    pdf.table(
      [
        { title: t('pdf.receipt.invoice'), width: 0.6 },
        { title: t('pdf.column.amount'), width: 0.4, align: 'right' },
      ],
      payment.paid.map((part) => [part.number, pdf.money(part.amountCents)]),
    );
  }
  const credit = payment.amountCents - payment.paid.reduce((sum, part) => sum + part.amountCents, 0);
  if (credit > 0) pdf.paragraph(t('pdf.receipt.credit', { amount: pdf.money(credit) }));
  if (payment.cancelled) pdf.paragraph(t('pdf.receipt.cancelled', { reason: payment.cancelled.reason }), { bold: true });
  return { number: payment.number, pdf: await pdf.finish() };
}

// --- tax certificate ----------------------------------------------------------------------------

export interface TaxCertificate {
  year: number;
  householdName: string;
  payerName: string;
  payerAddress: string;
  children: { id: string; name: string; birthDate: string; paidCareCents: number }[];
  totalCents: number;
}

/**
 * What the household paid in the calendar year for the care of its children under six on
 * 1 January (BILLING.md): the payments received that year (not cancelled), each paying invoices
 * whose lines tell care from meals and penalties; a payment pays an invoice's lines in proportion,
 * so the care it paid for a child is its share of that child's care on the invoice. Refunds hand
 * back credit that paid no invoice, so they take nothing off. Null when the actor may not read the
 * household; available to families once the year is over.
 */
export async function taxCertificate(scope: Scope, householdId: string, year: number): Promise<TaxCertificate | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const household = await scope.tx.selectFrom('households').select(['name']).where('id', '=', householdId).executeTakeFirst();
  if (!household) return null;
  const bornAfter = `${year - 6}-01-01`;
  const shares = await scope.tx
    .selectFrom('allocations as a')
    .innerJoin('payments as p', 'p.id', 'a.payment_id')
    .innerJoin('invoices as i', 'i.id', 'a.invoice_id')
    .innerJoin('invoice_lines as l', 'l.invoice_id', 'i.id')
    .innerJoin('persons as c', 'c.id', 'l.child_id')
    .select([
      'c.id',
      'c.first_name',
      'c.last_name',
      'c.birth_date',
      'a.id as allocation',
      'a.amount_cents',
      'i.total_cents',
      sql<string>`sum(l.care_cents)`.as('care'),
    ])
    .where('p.household_id', '=', householdId)
    .where('p.received_on', '>=', `${year}-01-01`)
    .where('p.received_on', '<=', `${year}-12-31`)
    .where(sql<boolean>`not exists (select 1 from payment_cancellations x where x.payment_id = p.id)`)
    .where('c.birth_date', '>', bornAfter)
    .groupBy(['c.id', 'c.first_name', 'c.last_name', 'c.birth_date', 'a.id', 'a.amount_cents', 'i.total_cents'])
    .execute();
  const children = new Map<string, TaxCertificate['children'][number]>();
  for (const share of shares) {
    const child = children.get(share.id) ?? { id: share.id, name: personFullName(share), birthDate: share.birth_date!, paidCareCents: 0 };
    if (share.total_cents > 0) child.paidCareCents += Math.round((share.amount_cents * Number(share.care)) / share.total_cents);
    children.set(share.id, child);
  }
  const payer = await scope.tx
    .selectFrom('invoices')
    .select(['payer_name', 'payer_address'])
    .where('household_id', '=', householdId)
    .orderBy('issued_on', 'desc')
    .executeTakeFirst();
  const list = [...children.values()].filter((child) => child.paidCareCents > 0).sort((a, b) => a.birthDate.localeCompare(b.birthDate));
  return {
    year,
    householdName: household.name,
    payerName: payer?.payer_name ?? household.name,
    payerAddress: payer?.payer_address ?? '',
    children: list,
    totalCents: list.reduce((sum, child) => sum + child.paidCareCents, 0),
  };
}

/** The years a family may download a tax certificate for: past years in which it paid something. */
export async function taxCertificateYears(scope: Scope, householdId: string): Promise<number[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const thisYear = Number((await tenantToday(scope)).slice(0, 4));
  const rows = await scope.tx
    .selectFrom('payments')
    .select(sql<number>`distinct extract(year from received_on)`.as('year'))
    .where('household_id', '=', householdId)
    .execute();
  return rows
    .map((row) => Number(row.year))
    .filter((year) => year < thisYear)
    .sort((a, b) => b - a);
}

export async function taxCertificatePdf(scope: Scope, householdId: string, year: number, lang: Lang): Promise<Buffer | null> {
  const certificate = await taxCertificate(scope, householdId, year);
  if (!certificate) return null;
  const t = translator(lang);
  const tenant = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const title = t('pdf.tax.title', { year });
  const pdf = startPdf({ lang, t, title, createdOn: `${year + 1}-01-01`, issuer: await issuerOf(scope.tx, scope.tenantId) });
  pdf.heading(title);
  pdf.paragraph(t('pdf.tax.intro', { year }));
  pdf.facts([
    [t('pdf.payer'), [certificate.payerName, certificate.payerAddress].filter(Boolean).join('\n')],
    [t('pdf.household'), certificate.householdName],
  ]);
  pdf.table(
    [
      { title: t('pdf.column.child'), width: 0.45 },
      { title: t('pdf.tax.born'), width: 0.25 },
      { title: t('pdf.tax.paid'), width: 0.3, align: 'right' },
    ],
    [
      ...certificate.children.map((child) => [child.name, pdf.date(child.birthDate), pdf.money(child.paidCareCents)]),
      [t('pdf.total'), '', pdf.money(certificate.totalCents)],
    ],
    { boldLastRow: true },
  );
  pdf.paragraph(t('pdf.tax.excluded'), { size: 9 });
  pdf.paragraph(t('pdf.tax.signed', { date: pdf.date(`${year + 1}-01-01`), signatory: tenant.settings.signatory ?? t('pdf.tax.signatoryDefault') }));
  return pdf.finish();
}

// --- enrollment and attendance ------------------------------------------------------------------

export interface AttendanceCertificate {
  childName: string;
  birthDate: string | null;
  householdName: string;
  from: string;
  to: string;
  enrollments: { activityName: string; startsOn: string; endsOn: string }[];
  attended: { activityName: string; unitName: string; days: number }[];
}

/** A child's enrollments over a period and the days attended, per activity and unit; null for anyone else's child. */
export async function attendanceCertificate(
  scope: Scope,
  householdId: string,
  childId: string,
  from: string,
  to: string,
): Promise<AttendanceCertificate | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const child = await scope.tx
    .selectFrom('household_members as m')
    .innerJoin('persons as p', 'p.id', 'm.person_id')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .select(['p.first_name', 'p.last_name', 'p.birth_date', 'h.name'])
    .where('m.household_id', '=', householdId)
    .where('m.person_id', '=', childId)
    .where('m.role', '=', 'child')
    .executeTakeFirst();
  if (!child) return null;
  const enrollments = await scope.tx
    .selectFrom('enrollments as e')
    .innerJoin('activities as a', 'a.id', 'e.activity_id')
    .select(['a.name', 'a.starts_on', 'a.ends_on'])
    .where('e.child_id', '=', childId)
    .where('e.status', '=', 'accepted')
    .where('a.starts_on', '<=', to)
    .where('a.ends_on', '>=', from)
    .orderBy('a.name')
    .execute();
  const attended = await scope.tx
    .selectFrom('bookings as b')
    .innerJoin('units as u', 'u.id', 'b.unit_id')
    .innerJoin('activities as a', 'a.id', 'u.activity_id')
    .select(['a.name as activity_name', 'u.name as unit_name', sql<string>`count(*)`.as('days')])
    .where('b.child_id', '=', childId)
    .where('b.household_id', '=', householdId)
    .where('b.status', '=', 'present')
    .where('b.day', '>=', from)
    .where('b.day', '<=', to)
    .groupBy(['a.name', 'u.name', 'u.position'])
    .orderBy('a.name')
    .orderBy('u.position')
    .execute();
  return {
    childName: personFullName(child),
    birthDate: child.birth_date,
    householdName: child.name,
    from,
    to,
    enrollments: enrollments.map((row) => ({ activityName: row.name, startsOn: row.starts_on, endsOn: row.ends_on })),
    attended: attended.map((row) => ({ activityName: row.activity_name, unitName: row.unit_name, days: Number(row.days) })),
  };
}

export async function attendanceCertificatePdf(
  scope: Scope,
  householdId: string,
  childId: string,
  from: string,
  to: string,
  lang: Lang,
): Promise<Buffer | null> {
  const certificate = await attendanceCertificate(scope, householdId, childId, from, to);
  if (!certificate) return null;
  const t = translator(lang);
  const today = await tenantToday(scope);
  const tenant = await scope.tx.selectFrom('tenants').select('settings').where('id', '=', scope.tenantId).executeTakeFirstOrThrow();
  const title = t('pdf.attendance.title');
  const pdf = startPdf({ lang, t, title, createdOn: today, issuer: await issuerOf(scope.tx, scope.tenantId) });
  pdf.heading(title);
  pdf.paragraph(
    t('pdf.attendance.intro', {
      child: certificate.childName,
      birth: certificate.birthDate ? pdf.date(certificate.birthDate) : '—',
      household: certificate.householdName,
      from: pdf.date(from),
      to: pdf.date(to),
    }),
  );
  if (certificate.enrollments.length > 0) {
    pdf.table(
      [
        { title: t('pdf.attendance.activity'), width: 0.6 },
        { title: t('pdf.period'), width: 0.4 },
      ],
      certificate.enrollments.map((row) => [
        row.activityName,
        t(periodKey('pdf.periodValue', row.startsOn, row.endsOn), { from: pdf.date(row.startsOn), to: pdf.date(row.endsOn) }),
      ]),
    );
  }
  pdf.table(
    [
      { title: t('pdf.attendance.activity'), width: 0.45 },
      { title: t('pdf.column.item'), width: 0.3 },
      { title: t('pdf.attendance.days'), width: 0.25, align: 'right' },
    ],
    certificate.attended.length > 0
      ? certificate.attended.map((row) => [row.activityName, row.unitName, String(row.days)])
      : [[t('pdf.attendance.none'), '', '']],
  );
  pdf.paragraph(t('pdf.tax.signed', { date: pdf.date(today), signatory: tenant.settings.signatory ?? t('pdf.tax.signatoryDefault') }));
  return pdf.finish();
}
