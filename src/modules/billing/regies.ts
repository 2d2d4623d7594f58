import { isUuidText } from '../validation/fields.js';
import { may } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { bic, iban, integer, optional, required } from '../validation/fields.js';
import type { BillingErrors } from './billing-forms.js';

/**
 * The régies de recettes of the authority (e.g. "Restauration scolaire", "Périscolaire et
 * loisirs"): each bills the activities attached to it, numbers its invoices with its own prefix,
 * gives its families so many days to pay, reminds them on the days it sets, and says how to pay.
 */

export interface Regie {
  id: string;
  name: string;
  invoicePrefix: string;
  paymentTermsDays: number;
  reminderDays: number[];
  bankHolder: string | null;
  iban: string | null;
  bic: string | null;
  paymentInstructions: string | null;
  payfipNumcli: string | null;
  /** How long a prepayment basket holds its places unpaid (minutes). */
  basketHoldMinutes: number;
  /** Its activities; those paid at booking put the days families book in a prepayment basket. */
  activities: { id: string; name: string; paidAtBooking: boolean }[];
}

export async function listRegies(scope: Scope): Promise<Regie[]> {
  const rows = await scope.tx.selectFrom('regies').selectAll().orderBy('name').execute();
  const activities = await scope.tx
    .selectFrom('activities')
    .select(['id', 'name', 'regie_id', 'paid_at_booking'])
    .where('regie_id', 'is not', null)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    invoicePrefix: row.invoice_prefix,
    paymentTermsDays: row.payment_terms_days,
    reminderDays: row.reminder_days,
    bankHolder: row.bank_holder,
    iban: row.iban,
    bic: row.bic,
    paymentInstructions: row.payment_instructions,
    payfipNumcli: row.payfip_numcli,
    basketHoldMinutes: row.basket_hold_minutes,
    activities: activities
      .filter((activity) => activity.regie_id === row.id)
      .map((activity) => ({ id: activity.id, name: activity.name, paidAtBooking: activity.paid_at_booking })),
  }));
}

export async function findRegie(scope: Scope, regieId: string): Promise<Regie | null> {
  return (await listRegies(scope)).find((regie) => regie.id === regieId) ?? null;
}

export type RegieField =
  | 'name'
  | 'invoicePrefix'
  | 'paymentTermsDays'
  | 'reminderDays'
  | 'bankHolder'
  | 'iban'
  | 'bic'
  | 'paymentInstructions'
  | 'payfipNumcli'
  | 'basketHoldMinutes'
  | 'activityIds'
  | 'paidAtBookingIds';
export type RegieForm = Partial<Record<Exclude<RegieField, 'activityIds' | 'paidAtBookingIds'>, string>> & {
  activityIds?: string[];
  /** Of its activities, those paid at booking (prepayment basket); left out: unchanged. */
  paidAtBookingIds?: string[];
};

export type SaveRegieResult =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: BillingErrors<RegieField> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** Creates (regieId null) or changes a régie, and which activities it bills. */
export async function saveRegie(scope: Scope, regieId: string | null, form: RegieForm): Promise<SaveRegieResult> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  if (regieId && !(await scope.tx.selectFrom('regies').select('id').where('id', '=', regieId).executeTakeFirst())) return { kind: 'not_found' };
  const errors: BillingErrors<RegieField> = {};
  const name = required(form.name, 120);
  if (!name.ok) errors.name = name.error;
  const prefix = (form.invoicePrefix ?? '').trim().toUpperCase();
  if (prefix === '') errors.invoicePrefix = 'required';
  else if (!/^[A-Z0-9]{1,8}$/.test(prefix)) errors.invoicePrefix = 'choice';
  else {
    const taken = await scope.tx.selectFrom('regies').select('id').where('invoice_prefix', '=', prefix).executeTakeFirst();
    if (taken && taken.id !== regieId) errors.invoicePrefix = 'prefixTaken';
  }
  const terms = integer(form.paymentTermsDays || '30', 0, 365);
  if (!terms.ok) errors.paymentTermsDays = terms.error;
  const reminders = (form.reminderDays ?? '').split(/[\s,;]+/).filter(Boolean);
  if (reminders.some((day) => !/^\d{1,3}$/.test(day) || Number(day) < 1 || Number(day) > 365)) errors.reminderDays = 'integer';
  const holder = optional(form.bankHolder, 120);
  if (!holder.ok) errors.bankHolder = holder.error;
  const account = iban(form.iban);
  if (!account.ok) errors.iban = account.error;
  const bank = bic(form.bic);
  if (!bank.ok) errors.bic = bank.error;
  const instructions = optional(form.paymentInstructions, 1000);
  if (!instructions.ok) errors.paymentInstructions = instructions.error;
  const numcli = (form.payfipNumcli ?? '').trim();
  if (numcli !== '' && !/^\d{6}$/.test(numcli)) errors.payfipNumcli = 'choice';
  const activityIds = form.activityIds ?? [];
  // A value that is not an id names no activity (and would not even be compared with one).
  const ids = activityIds.filter(isUuidText);
  const known = ids.length === 0 ? [] : await scope.tx.selectFrom('activities').select('id').where('id', 'in', ids).execute();
  if (known.length !== new Set(activityIds).size) errors.activityIds = 'choice';
  const hold = integer(form.basketHoldMinutes || '15', 5, 240);
  if (!hold.ok) errors.basketHoldMinutes = hold.error;
  const paidAtBooking = form.paidAtBookingIds;
  if (paidAtBooking?.some((id) => !activityIds.includes(id))) errors.paidAtBookingIds = 'choice';
  if (Object.keys(errors).length > 0 || !name.ok || !terms.ok || !hold.ok || !holder.ok || !account.ok || !bank.ok || !instructions.ok)
    return { kind: 'invalid', errors };

  const values = {
    name: name.value,
    invoice_prefix: prefix,
    payment_terms_days: terms.value ?? 30,
    reminder_days: [...new Set(reminders.map(Number))].sort((a, b) => a - b),
    bank_holder: holder.value,
    iban: account.value,
    bic: bank.value,
    payment_instructions: instructions.value,
    payfip_numcli: numcli === '' ? null : numcli,
    basket_hold_minutes: hold.value ?? 15,
  };
  const id = regieId
    ? (await scope.tx.updateTable('regies').set(values).where('id', '=', regieId).returning('id').executeTakeFirstOrThrow()).id
    : (
        await scope.tx
          .insertInto('regies')
          .values({ tenant_id: scope.tenantId, created_at: scope.now, ...values })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
  await scope.tx
    .updateTable('activities')
    .set({ regie_id: null })
    .where('regie_id', '=', id)
    .where('id', 'not in', activityIds.length > 0 ? activityIds : ['00000000-0000-0000-0000-000000000000'])
    .execute();
  if (activityIds.length > 0) await scope.tx.updateTable('activities').set({ regie_id: id }).where('id', 'in', activityIds).execute();
  if (paidAtBooking && activityIds.length > 0) {
    for (const activityId of activityIds)
      await scope.tx
        .updateTable('activities')
        .set({ paid_at_booking: paidAtBooking.includes(activityId) })
        .where('id', '=', activityId)
        .execute();
  }
  await recordAudit(scope, {
    action: regieId ? 'regie.updated' : 'regie.created',
    objectType: 'regie',
    objectId: id,
    details: { ...values, activityIds, ...(paidAtBooking ? { paidAtBookingIds: paidAtBooking } : {}) },
  });
  return { kind: 'saved', id };
}
