import type { InvoiceState } from '../../modules/billing/invoices.js';
import { type BadgeTone, StatusBadge } from './status-badge.js';

/** An invoice's state in words with its icon: paid, to pay, late, handed to the Treasury, credit note. */
const TONES: Record<InvoiceState, BadgeTone> = { paid: 'success', to_pay: 'info', late: 'error', treasury: 'warning', credit_note: 'new' };

export function InvoiceStateBadge(props: { state: InvoiceState }) {
  return <StatusBadge tone={TONES[props.state]} label={`family.money.state.${props.state}`} />;
}
