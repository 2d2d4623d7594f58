-- An invoice may total zero: its lines cancel out (a day billed and a day reversed at the same
-- price) or its units are free. It is still a document, entered in the ledger for 0 (found by a
-- property test: a run whose only lines netted to zero could not be written).
alter table ledger_entries drop constraint ledger_entries_amount_cents_check;
alter table ledger_entries drop constraint ledger_entries_check3;
alter table ledger_entries add constraint ledger_entries_sign check (
  case kind
    when 'invoice' then amount_cents >= 0
    when 'payment_cancellation' then amount_cents > 0
    when 'refund' then amount_cents > 0
    else amount_cents < 0
  end);
