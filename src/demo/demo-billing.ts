import { generateRun } from '../modules/billing/invoice-runs.js';
import { saveRegie } from '../modules/billing/regies.js';
import { addTariff, type TariffForm } from '../modules/billing/tariffs.js';
import type { BookingStatus } from '../modules/bookings/booking-states.js';
import { addDays, eachDay, weekdayOf } from '../modules/calendar/calendar-dates.js';
import { localDate } from '../modules/calendar/local-date.js';
import { openInvoices } from '../modules/ledger/allocation.js';
import { recordPayment } from '../modules/ledger/payments.js';
import type { MailSender } from '../modules/notifications/compose-email.js';
import type { Scope } from '../modules/scope.js';
import type { DemoUnits } from './demo-activities.js';

/** The demo's families as billing sees them: each household, its children's ids, and its quotient familial. */
export interface DemoHouseholds {
  martin: { householdId: string; lea: string; hugo: string };
  bernard: { householdId: string; emma: string };
  dubois: { householdId: string; emma: string; nathan: string };
}

/**
 * Money in the demo, so that a new user sees it at first start: two régies (school meals; care and
 * leisure), tariffs of each kind (brackets of quotient familial with a meal part and a sibling
 * reduction, flat prices, rates of effort), the households' quotients (the Dubois have none: the
 * run shows it), the days the children attended over the last two months (an excused absence, an
 * absence billed, a meal taken without a booking), both months invoiced as staff would have done at
 * the start of the following month, and a few payments — one invoice left unpaid past its due date.
 */
export async function seedDemoBilling(
  scope: Scope,
  units: DemoUnits,
  households: DemoHouseholds,
  schoolYearStart: number,
  sender: MailSender,
): Promise<{ meals: string; care: string }> {
  const meals = await saveRegie(scope, null, {
    name: 'Restauration scolaire',
    invoicePrefix: 'RS',
    paymentTermsDays: '30',
    reminderDays: '15 30',
    bankHolder: 'Régie de restauration scolaire de Bellerive',
    iban: 'FR76 3000 1007 9412 3456 7890 185',
    bic: 'BDFEFRPPCCT',
    paymentInstructions: 'Au guichet du Relais des enfants : espèces, chèque à l’ordre du Trésor public, CESU, carte bancaire.',
    payfipNumcli: '012345',
    activityIds: [units.canteen.activity],
  });
  const care = await saveRegie(scope, null, {
    name: 'Périscolaire et loisirs',
    invoicePrefix: 'PL',
    paymentTermsDays: '30',
    reminderDays: '15',
    bankHolder: 'Régie enfance-jeunesse de Bellerive',
    iban: 'FR76 3000 1007 9412 3456 7890 185',
    bic: 'BDFEFRPPCCT',
    activityIds: [units.periscolaire.activity, units.wednesdays.activity, units.holidays.activity],
    // Before and after school care is paid at booking, as in seed 004: its days go into a basket.
    paidAtBookingIds: [units.periscolaire.activity],
  });
  if (meals.kind !== 'saved' || care.kind !== 'saved') throw new Error('demo régies not saved');

  const from = `${schoolYearStart}-09-01`;
  const tariffs: [string, TariffForm][] = [
    [
      units.canteen.meal,
      { kind: 'qf_brackets', bracketFrom: ['0', '601', '1201'], bracketPrice: ['1,10', '2,40', '3,90'], meal: '2,00', siblings: '0 10 20', unbooked: '7,50' },
    ],
    [units.periscolaire.morning, { kind: 'flat', flat: '1,20' }],
    [units.periscolaire.evening, { kind: 'flat', flat: '1,80', nonResidentExtra: '0,50' }],
    [units.wednesdays.day, { kind: 'effort_rate', effortRate: '0,8', effortFloor: '3,00', effortCeiling: '15,00', siblings: '0 10' }],
    [units.wednesdays.morning, { kind: 'effort_rate', effortRate: '0,45', effortFloor: '2,00', effortCeiling: '8,00' }],
    [units.wednesdays.afternoon, { kind: 'effort_rate', effortRate: '0,45', effortFloor: '2,00', effortCeiling: '8,00' }],
    [units.wednesdays.lunch, { kind: 'flat', flat: '0', meal: '3,20' }],
    [units.holidays.day, { kind: 'qf_brackets', bracketFrom: ['0', '601', '1201'], bracketPrice: ['6,00', '11,00', '16,00'], meal: '3,20' }],
  ];
  for (const [unitId, form] of tariffs) {
    const added = await addTariff(scope, unitId, { effectiveFrom: from, ...form });
    if (added.kind !== 'saved') throw new Error(`demo tariff not saved: ${JSON.stringify(added)}`);
  }
  for (const [householdId, qf] of [
    [households.martin.householdId, 720],
    [households.bernard.householdId, 480],
  ] as const) {
    await scope.tx
      .updateTable('households')
      .set({ quotient_familial: qf, quotient_familial_date: from, quotient_familial_source: 'caf' })
      .where('id', '=', householdId)
      .execute();
  }

  // The last two whole months of the school year, each invoiced on the 3rd of the next (before today).
  const reference = addDays(localDate(scope.now, 'Europe/Paris'), -3);
  const months = [2, 1].map((back) => monthBefore(reference, back)).filter((month) => `${month}-01` >= from);
  for (const [index, month] of months.entries()) {
    await seedAttendance(scope, units, households, month, index);
    const issuedOn = `${nextMonth(month)}-03`;
    const at = { ...scope, now: new Date(`${issuedOn}T08:00:00Z`) };
    for (const regie of [meals.id, care.id]) await generateRun(at, { regieId: regie, from: `${month}-01`, to: lastDay(month) }, sender);
    if (index === 0 && months.length === 2) {
      // The first month: the Martins paid everything, by cheque and by transfer; Sophie Bernard half
      // of her meals in CESU; Marc Dubois nothing yet (his invoice is late).
      const paid = { ...scope, now: new Date(`${nextMonth(month)}-12T10:00:00Z`) };
      const on = `${nextMonth(month)}-12`;
      await recordPayment(paid, {
        householdId: households.martin.householdId,
        regieId: meals.id,
        method: 'cheque',
        amount: await dueAt(paid, households.martin.householdId, meals.id),
        receivedOn: on,
        payerName: 'Claire MARTIN',
        chequeNumber: '8450012',
        bankName: 'Crédit Bellerivois',
      });
      await recordPayment(paid, {
        householdId: households.martin.householdId,
        regieId: care.id,
        method: 'transfer',
        amount: await dueAt(paid, households.martin.householdId, care.id),
        receivedOn: on,
        payerName: 'Julien MARTIN',
        reference: 'VIR MARTIN',
      });
      await recordPayment(paid, {
        householdId: households.bernard.householdId,
        regieId: meals.id,
        method: 'cesu_paper',
        amount: '15,00',
        receivedOn: on,
        payerName: 'Sophie BERNARD',
        reference: 'CESU 2 titres',
      });
    }
  }
  return { meals: meals.id, care: care.id };
}

/** What a household owes a régie, as a payment form types it. */
async function dueAt(scope: Scope, householdId: string, regieId: string): Promise<string> {
  const cents = (await openInvoices(scope, householdId, regieId)).reduce((sum, invoice) => sum + invoice.leftCents, 0);
  return (cents / 100).toFixed(2).replace('.', ',');
}

/** A month's days attended, straight as attendance leaves them (the demo's past). */
async function seedAttendance(scope: Scope, units: DemoUnits, households: DemoHouseholds, month: string, index: number): Promise<void> {
  const days = eachDay(`${month}-01`, lastDay(month));
  const rows: { household: string; child: string; unit: string; day: string; status: BookingStatus; unbooked?: boolean }[] = [];
  const schoolDays = days.filter((day) => [1, 2, 4, 5].includes(weekdayOf(day)));
  const wednesdays = days.filter((day) => weekdayOf(day) === 3);
  for (const [position, day] of schoolDays.entries()) {
    const weekday = weekdayOf(day);
    rows.push({
      household: households.martin.householdId,
      child: households.martin.lea,
      unit: units.canteen.meal,
      day,
      status: position === 5 ? 'absent_excused' : 'present',
    });
    rows.push({ household: households.martin.householdId, child: households.martin.hugo, unit: units.canteen.meal, day, status: 'present' });
    if (weekday === 1 || weekday === 4)
      rows.push({ household: households.martin.householdId, child: households.martin.lea, unit: units.periscolaire.evening, day, status: 'present' });
    // Emma lives with each parent half of the week: each household books its own days.
    if (weekday <= 2)
      rows.push({ household: households.bernard.householdId, child: households.bernard.emma, unit: units.canteen.meal, day, status: 'present' });
    else rows.push({ household: households.dubois.householdId, child: households.dubois.emma, unit: units.canteen.meal, day, status: 'present' });
    if (weekday !== 5)
      rows.push({
        household: households.dubois.householdId,
        child: households.dubois.nathan,
        unit: units.canteen.meal,
        day,
        status: position === 3 ? 'absent_billed' : 'present',
      });
    else if (position === schoolDays.length - 1 - index)
      rows.push({
        household: households.dubois.householdId,
        child: households.dubois.nathan,
        unit: units.canteen.meal,
        day,
        status: 'present',
        unbooked: true,
      });
    if (weekday === 2)
      rows.push({ household: households.dubois.householdId, child: households.dubois.nathan, unit: units.periscolaire.morning, day, status: 'present' });
  }
  for (const [position, day] of wednesdays.entries()) {
    rows.push({ household: households.martin.householdId, child: households.martin.lea, unit: units.wednesdays.day, day, status: 'present' });
    rows.push({ household: households.martin.householdId, child: households.martin.lea, unit: units.wednesdays.lunch, day, status: 'present' });
    if (position % 2 === 0)
      rows.push({
        household: households.martin.householdId,
        child: households.martin.hugo,
        unit: units.wednesdays.morning,
        day,
        status: position === 2 ? 'late_cancelled' : 'present',
      });
  }
  const at = new Date(`${month}-01T08:00:00Z`);
  await scope.tx
    .insertInto('bookings')
    .values(
      rows.map((row) => ({
        tenant_id: scope.tenantId,
        child_id: row.child,
        unit_id: row.unit,
        day: row.day,
        household_id: row.household,
        status: row.status,
        unbooked: row.unbooked ?? false,
        holds_pools: [],
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
}

function monthBefore(day: string, back: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function nextMonth(month: string): string {
  return monthBefore(`${month}-01`, -1);
}

function lastDay(month: string): string {
  return addDays(`${nextMonth(month)}-01`, -1);
}
