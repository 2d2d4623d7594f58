import { may } from '../access.js';
import type { Scope } from '../scope.js';

/**
 * What a household's invoices can be filtered by (the "Mes factures" page's year and régie
 * choices): the years its invoices are numbered in, newest first, and the régies that billed it.
 */
export interface InvoiceFilterChoices {
  years: number[];
  regies: { id: string; name: string }[];
}

export async function invoiceFilterChoices(scope: Scope, householdId: string): Promise<InvoiceFilterChoices> {
  if (!may(scope, 'household.read', householdId)) return { years: [], regies: [] };
  const years = await scope.tx.selectFrom('invoices').select('year').distinct().where('household_id', '=', householdId).orderBy('year', 'desc').execute();
  const regies = await scope.tx
    .selectFrom('regies as r')
    .select(['r.id', 'r.name'])
    .where((eb) => eb.exists(eb.selectFrom('invoices as i').select('i.id').whereRef('i.regie_id', '=', 'r.id').where('i.household_id', '=', householdId)))
    .orderBy('r.name')
    .execute();
  return { years: years.map((row) => row.year), regies };
}
