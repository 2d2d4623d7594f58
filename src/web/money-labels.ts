import type { Translate } from '../i18n/catalogue.js';
import { paymentMethodKey } from '../modules/billing/certificates.js';
import { LINE_LABELS } from '../modules/billing/invoice-pdf.js';
import type { InvoiceLine } from '../modules/billing/invoices.js';
import { PAYMENT_METHODS } from '../modules/ledger/ledger.tables.js';

/** Money codes in words, the same on the family's pages and in the API's answers. */

/** A line's unit and what was billed: "Repas", "Repas — absence non justifiée"… */
export function lineLabel(t: Translate, line: Pick<InvoiceLine, 'kind' | 'label'>): string {
  return t(LINE_LABELS[line.kind], { unit: line.label });
}

/** A payment method in words ("Chèque", "CESU papier"…); an unknown code as it is. */
export function methodLabel(t: Translate, method: string): string {
  const known = PAYMENT_METHODS.find((candidate) => candidate === method);
  return known ? t(paymentMethodKey(known)) : method;
}
