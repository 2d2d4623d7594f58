import { SYSTEM } from '../../src/modules/actor.js';
import { generateRun } from '../../src/modules/billing/invoice-runs.js';
import { issueCreditNote, markTreasuryTitle } from '../../src/modules/billing/invoices.js';
import { saveRegie } from '../../src/modules/billing/regies.js';
import { addTariff } from '../../src/modules/billing/tariffs.js';
import { cancelPayment, recordPayment } from '../../src/modules/ledger/payments.js';
import type { Scope } from '../../src/modules/scope.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { type BillingScenario, startBillingScenario } from './billing-scenario.js';
import type { TestFamily } from './scenario.js';
import type { TestPortal } from './test-portal.js';

/**
 * Money for a household of a test portal, made through the modules as staff would: a régie with
 * its bank details billing one activity, a flat tariff (care and meal) on a unit, days of a child
 * attended, a payment the year before (kept as a credit, so there is a tax certificate to
 * download), the month invoiced (the credit pays part of it) and a cheque today.
 */
export interface BilledHousehold {
  regieId: string;
  invoiceId: string;
  invoiceNumber: string;
  /** The cheque paid today. */
  paymentId: string;
  /** The year of the payment kept as a credit: its tax certificate can be downloaded. */
  taxYear: number;
}

const MAIL = { tenantName: 'Ville', baseUrl: 'http://localhost/ville' };

export async function billHousehold(
  portal: TestPortal,
  tenant: Tenant,
  options: { householdId: string; childId: string; unitId: string; days: string[]; prefix?: string; creditOn: string; payer: string },
): Promise<BilledHousehold> {
  const asSystem = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(tenant, (scope) => work({ ...scope, actor: SYSTEM }));
  const first = [...options.days].sort()[0]!;
  const month = first.slice(0, 7);
  const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const activityId = await asSystem(
    async ({ tx }) => (await tx.selectFrom('units').select('activity_id').where('id', '=', options.unitId).executeTakeFirstOrThrow()).activity_id,
  );
  const regie = await asSystem((scope) =>
    saveRegie(scope, null, {
      name: 'Périscolaire et loisirs',
      invoicePrefix: options.prefix ?? 'PL',
      paymentTermsDays: '30',
      bankHolder: 'Régie périscolaire et loisirs',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP',
      paymentInstructions: 'Au Relais des enfants, du lundi au vendredi de 8 h 30 à 12 h : espèces, chèque à l’ordre du Trésor public, CESU.',
      activityIds: [activityId],
    }),
  );
  if (regie.kind !== 'saved') throw new Error(`régie not saved: ${JSON.stringify(regie)}`);
  const tariff = await asSystem((scope) => addTariff(scope, options.unitId, { effectiveFrom: '2024-09-01', kind: 'flat', flat: '2,50', meal: '2,00' }));
  if (tariff.kind !== 'saved') throw new Error(`tariff not saved: ${JSON.stringify(tariff)}`);
  await asSystem(async ({ tx, tenantId, now }) => {
    for (const day of options.days) {
      await tx
        .insertInto('bookings')
        .values({
          tenant_id: tenantId,
          child_id: options.childId,
          unit_id: options.unitId,
          day,
          household_id: options.householdId,
          status: 'present',
          created_at: now,
          updated_at: now,
          unbooked: false,
          holds_pools: [],
        })
        .execute();
    }
  });
  const credit = await asSystem((scope) =>
    recordPayment(scope, {
      householdId: options.householdId,
      regieId: regie.id,
      method: 'cash',
      amount: '5,00',
      receivedOn: options.creditOn,
      payerName: options.payer,
      keepCredit: true,
    }),
  );
  if (credit.kind !== 'recorded') throw new Error(`credit not recorded: ${JSON.stringify(credit)}`);
  const run = await asSystem((scope) => generateRun(scope, { regieId: regie.id, from: `${month}-01`, to: lastDay }, MAIL));
  if (run.kind !== 'generated') throw new Error(`run not generated: ${JSON.stringify(run)}`);
  const invoice = await asSystem(({ tx }) =>
    tx
      .selectFrom('invoices')
      .select(['id', 'number'])
      .where('household_id', '=', options.householdId)
      .where('regie_id', '=', regie.id)
      .executeTakeFirstOrThrow(),
  );
  const cheque = await asSystem((scope) =>
    recordPayment(scope, {
      householdId: options.householdId,
      regieId: regie.id,
      method: 'cheque',
      amount: '3,00',
      chequeNumber: '0001234',
      bankName: 'Banque Postale',
      payerName: options.payer,
    }),
  );
  if (cheque.kind !== 'recorded') throw new Error(`cheque not recorded: ${JSON.stringify(cheque)}`);
  return {
    regieId: regie.id,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    paymentId: cheque.paymentId,
    taxYear: Number(options.creditOn.slice(0, 4)),
  };
}

export interface FamilyBillingScenario extends BillingScenario {
  ids: {
    september: string;
    october: string;
    creditNote: string;
    durand: string;
    cheque: string;
    cancelled: string;
    durandPayment: string;
    septemberNumber: string;
    octoberNumber: string;
    creditNumber: string;
    chequeNumber: string;
  };
}

/**
 * The billing scenario (Thursday 3 December 2026) with a family's year of money, as the family
 * pages and the API show it: the Martins paid 5 € ahead in December 2025 (a credit, and a tax
 * certificate for 2025); September 2026 was invoiced on 5 October (Léa's 3 meals, 9,30 €, due on
 * 4 November: late); October today (Léa's 10 meals 31 €, Hugo's 2 evenings 3 €), paid 10 € by
 * cheque; 1 € in cash was cancelled; Hugo's evenings were credited (the credit note's 3 € pays
 * September, the oldest). The Durands: Jules's 4 October meals (23,60 €), 10 € paid, the rest
 * handed to the Treasury (title T-2026-118). The régie has its bank details.
 */
export async function startFamilyBillingScenario(options: Parameters<typeof startBillingScenario>[0] = {}): Promise<FamilyBillingScenario> {
  const s = await startBillingScenario(options);
  const ids = {} as FamilyBillingScenario['ids'];
  const { martin, durand } = s;
  const at = (instant: string) => s.portal.clock.set(new Date(instant));
  const pay = (family: TestFamily, form: Parameters<typeof recordPayment>[1]) =>
    s.asManager((scope) =>
      recordPayment(scope, { householdId: family.householdId, regieId: s.regieId, payerName: family === martin ? 'Claire MARTIN' : 'Paul DURAND', ...form }),
    );
  const recorded = (result: Awaited<ReturnType<typeof recordPayment>>) => {
    if (result.kind !== 'recorded') throw new Error(`payment not recorded: ${JSON.stringify(result)}`);
    return result.paymentId;
  };
  const generated = (result: Awaited<ReturnType<typeof generateRun>>) => {
    if (result.kind !== 'generated') throw new Error(`run not generated: ${JSON.stringify(result)}`);
  };
  const numberOf = (invoiceId: string) =>
    s.portal.inTenant(
      s.tenant,
      async ({ tx }) => (await tx.selectFrom('invoices').select('number').where('id', '=', invoiceId).executeTakeFirstOrThrow()).number,
    );
  const invoiceOf = (family: TestFamily, periodFrom: string) =>
    s.portal.inTenant(
      s.tenant,
      async ({ tx }) =>
        (
          await tx
            .selectFrom('invoices')
            .select('id')
            .where('household_id', '=', family.householdId)
            .where('period_from', '=', periodFrom)
            .where('kind', '=', 'invoice')
            .executeTakeFirstOrThrow()
        ).id,
    );

  await s.portal.inTenant(s.tenant, ({ tx }) =>
    tx
      .updateTable('regies')
      .set({
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPP',
        bank_holder: 'Régie Restauration scolaire',
        payment_instructions: 'Au guichet de la mairie, le mardi de 9 h à 12 h.',
      })
      .where('id', '=', s.regieId)
      .execute(),
  );
  // December 2025: 5 € paid ahead, kept as a credit (and a tax certificate for 2025).
  at('2025-12-10T10:00:00Z');
  recorded(await pay(martin, { method: 'cash', amount: '5,00', receivedOn: '2025-12-10', keepCredit: true }));
  // September 2026, invoiced on 5 October: Léa's 3 meals at 3,10 €, 5 € paid by the credit, due 4 November.
  for (const day of ['2026-09-03', '2026-09-04', '2026-09-07']) await s.book(martin, 0, s.meal, day, 'present');
  at('2026-10-05T09:00:00Z');
  generated(await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-09-01', to: '2026-09-30' }, MAIL)));
  // October, invoiced today: Léa's 10 meals (31 €) and Hugo's 2 evenings (3 €); Jules's 4 meals (23,60 €).
  at('2026-12-03T09:00:00Z');
  for (const day of ['01', '02', '05', '06', '08', '09', '12', '13', '15', '16']) await s.book(martin, 0, s.meal, `2026-10-${day}`, 'present');
  for (const day of ['01', '02']) await s.book(martin, 1, s.evening, `2026-10-${day}`, 'present');
  for (const day of ['01', '02', '05', '06']) await s.book(durand, 0, s.meal, `2026-10-${day}`, 'present');
  generated(await s.asManager((scope) => generateRun(scope, { regieId: s.regieId, from: '2026-10-01', to: '2026-10-31' }, MAIL)));
  ids.september = await invoiceOf(martin, '2026-09-01');
  ids.october = await invoiceOf(martin, '2026-10-01');
  ids.durand = await invoiceOf(durand, '2026-10-01');
  // A cheque of 10 € on October; 1 € in cash (on September, oldest first) entered by mistake and cancelled.
  ids.cheque = recorded(
    await pay(martin, { method: 'cheque', amount: '10,00', chequeNumber: '1234567', bankName: 'Banque Postale', allocations: { [ids.october]: '10,00' } }),
  );
  ids.cancelled = recorded(await pay(martin, { method: 'cash', amount: '1,00', receivedOn: '2026-12-01' }));
  if ((await s.asManager((scope) => cancelPayment(scope, ids.cancelled, 'Erreur de saisie'))) !== 'done') throw new Error('payment not cancelled');
  // Hugo's evenings credited: the credit note pays 3 € of October.
  const evening = await s.portal.inTenant(
    s.tenant,
    async ({ tx }) =>
      (await tx.selectFrom('invoice_lines').select('id').where('invoice_id', '=', ids.october).where('label', '=', 'Garderie soir').executeTakeFirstOrThrow())
        .id,
  );
  const credit = await s.asManager((scope) => issueCreditNote(scope, ids.october, { lineIds: [evening], reason: 'Garderie fermée ces soirs-là' }));
  if (credit.kind !== 'issued') throw new Error(`credit note not issued: ${JSON.stringify(credit)}`);
  ids.creditNote = credit.creditNoteId;
  // The Durands: 10 € paid, the rest handed to the Treasury.
  ids.durandPayment = recorded(await pay(durand, { method: 'cash', amount: '10,00' }));
  if ((await s.asManager((scope) => markTreasuryTitle(scope, ids.durand, { reference: 'T-2026-118' }))) !== 'done')
    throw new Error('not handed to the Treasury');
  ids.septemberNumber = await numberOf(ids.september);
  ids.octoberNumber = await numberOf(ids.october);
  ids.creditNumber = await numberOf(ids.creditNote);
  ids.chequeNumber = await s.portal.inTenant(
    s.tenant,
    async ({ tx }) => (await tx.selectFrom('payments').select('number').where('id', '=', ids.cheque).executeTakeFirstOrThrow()).number,
  );

  return { ...s, ids };
}
