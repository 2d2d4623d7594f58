import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import { errorMessages, FIELD_ERROR_KEYS } from '../forms.js';
import type { BillingFieldError } from '../../modules/billing/billing-forms.js';
import type { InvoiceState } from '../../modules/billing/invoices.js';
import { type BadgeTone, StatusBadge } from '../components/status-badge.js';

/** What staff and families read of an invoice's state: a word and an icon, never a colour alone. */
const STATE_TONES: Record<InvoiceState, BadgeTone> = { paid: 'success', to_pay: 'new', late: 'error', treasury: 'warning', credit_note: 'info' };
const STATE_LABELS: Record<InvoiceState, MessageKey> = {
  paid: 'billing.state.paid',
  to_pay: 'billing.state.to_pay',
  late: 'billing.state.late',
  treasury: 'billing.state.treasury',
  credit_note: 'billing.state.credit_note',
};

export function InvoiceStateBadge(props: { state: InvoiceState }) {
  return <StatusBadge tone={STATE_TONES[props.state]} label={STATE_LABELS[props.state]} />;
}

const ERROR_KEYS: Record<BillingFieldError, MessageKey> = {
  ...FIELD_ERROR_KEYS,
  negative: 'billing.error.negative',
  absurd: 'billing.error.absurd',
  dateTaken: 'billing.error.dateTaken',
  alreadyBilled: 'billing.error.alreadyBilled',
  bracketOrder: 'billing.error.bracketOrder',
  floorAboveCeiling: 'billing.error.floorAboveCeiling',
  prefixTaken: 'billing.error.prefixTaken',
  periodInvoiced: 'billing.error.periodInvoiced',
  periodOrder: 'billing.error.periodOrder',
  periodInFuture: 'billing.error.periodInFuture',
};

/** The billing forms' error codes as sentences, field by field. */
export function billingErrorMessages<F extends string>(t: Translate, errors: Partial<Record<F, BillingFieldError>>): Partial<Record<F, string>> {
  return errorMessages(t, errors, ERROR_KEYS);
}
