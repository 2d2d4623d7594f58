-- Money, part 1 (src/modules/billing, src/modules/ledger): régies, tariffs, the quotient familial's
-- history, invoice runs, invoices and their lines, the units billed, payments, their allocation to
-- invoices, and the ledger every balance is summed from. Amounts are integer cents.
--
-- What is written once stays: invoices, their lines, billed units, payments and ledger entries are
-- never changed nor deleted (triggers refuse it, even to the owner); a mistake is corrected by a
-- credit note, a regularisation on the next run, or a counter-entry.

create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% rows are never changed nor deleted: correct them by a new entry', tg_table_name
    using errcode = 'restrict_violation';
end
$$;

-- A régie de recettes: the authority's collecting account; each activity belongs to one.
create table regies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null,
  invoice_prefix text not null check (invoice_prefix ~ '^[A-Z0-9]{1,8}$'),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 365),
  -- Reminders, in days after the due date, one email per invoice and step.
  reminder_days integer[] not null default '{15,30}',
  bank_holder text,
  iban text,
  bic text,
  -- How to pay, in the authority's words (cheque to the order of…, the counter's hours), printed on invoices.
  payment_instructions text,
  -- The Treasury's identifier of the régie for PayFiP (6 digits), for online payment.
  payfip_numcli text check (payfip_numcli ~ '^\d{6}$'),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, invoice_prefix)
);

alter table activities add column regie_id uuid;
alter table activities add foreign key (tenant_id, regie_id) references regies(tenant_id, id);

-- A unit's price from a day on; a later tariff of the same unit starts where this one stops.
create table tariffs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  unit_id uuid not null,
  effective_from date not null,
  kind text not null check (kind in ('flat', 'qf_brackets', 'effort_rate')),
  -- flat: the care part of the price.
  flat_cents integer check (flat_cents >= 0),
  -- effort_rate: the care part is the quotient familial × rate (basis points: 50 = 0.50 %), within floor and ceiling.
  effort_rate_bps integer check (effort_rate_bps > 0 and effort_rate_bps <= 10000),
  effort_floor_cents integer check (effort_floor_cents >= 0),
  effort_ceiling_cents integer check (effort_ceiling_cents >= effort_floor_cents),
  -- The meal part, added to the care part: food is not care (BILLING.md, tax certificate).
  meal_cents integer not null default 0 check (meal_cents >= 0),
  -- Reductions in percent of the care part by the child's rank among the siblings booked the same day: {0,10,20}.
  sibling_percents integer[] not null default '{}' check (0 <= all (sibling_percents) and 100 >= all (sibling_percents)),
  -- Added to the care part for a household living outside the authority.
  non_resident_extra_cents integer not null default 0 check (non_resident_extra_cents >= 0),
  -- The whole price of the unit attended without a booking (the canteen's "repas non réservé"); null: the usual price.
  unbooked_cents integer check (unbooked_cents >= 0),
  created_at timestamptz not null default now(),
  created_by uuid,
  unique (tenant_id, id),
  unique (unit_id, effective_from),
  foreign key (tenant_id, unit_id) references units(tenant_id, id) on delete cascade,
  check (kind <> 'flat' or flat_cents is not null),
  check (kind <> 'effort_rate' or (effort_rate_bps is not null and effort_floor_cents is not null and effort_ceiling_cents is not null))
);

-- Brackets of quotient familial: from qf_min (included) to the next bracket's qf_min; the last has no end.
create table tariff_brackets (
  tariff_id uuid not null references tariffs(id) on delete cascade,
  tenant_id uuid not null references tenants(id),
  qf_min integer not null check (qf_min >= 0),
  care_cents integer not null check (care_cents >= 0),
  primary key (tariff_id, qf_min)
);

-- The quotient familial's values over time (a household's record keeps the current one): billing
-- prices a day with the value known on that day. Written by the trigger below on every change.
alter table households add column quotient_familial_source text
  check (quotient_familial_source in ('caf', 'msa', 'tax_notice', 'staff', 'family', 'import'));
create table household_quotients (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  qf integer not null check (qf >= 0),
  dated date not null,
  source text,
  recorded_at timestamptz not null default now(),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade
);
create index household_quotients_of on household_quotients (household_id, dated desc);

create function remember_quotient() returns trigger language plpgsql as $$
begin
  if new.quotient_familial is not null and new.quotient_familial_date is not null
     and (tg_op = 'INSERT' or new.quotient_familial is distinct from old.quotient_familial
          or new.quotient_familial_date is distinct from old.quotient_familial_date) then
    insert into household_quotients (tenant_id, household_id, qf, dated, source)
    values (new.tenant_id, new.id, new.quotient_familial, new.quotient_familial_date, new.quotient_familial_source);
  end if;
  return new;
end
$$;
create trigger households_remember_quotient after insert or update on households
  for each row execute function remember_quotient();
insert into household_quotients (tenant_id, household_id, qf, dated, source)
  select tenant_id, id, quotient_familial, quotient_familial_date, null from households
  where quotient_familial is not null and quotient_familial_date is not null;

-- A day attended without a booking, recorded at attendance: billed at the unit's unbooked price.
alter table bookings add column unbooked boolean not null default false;

-- Gapless numbers: one counter per régie, series and year, taken under a row lock in the
-- transaction that uses them (a rolled-back run gives its numbers back).
create table document_numbers (
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  series text not null check (series in ('invoice', 'receipt')),
  year integer not null,
  last integer not null default 0,
  primary key (regie_id, series, year),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id)
);

create table invoice_runs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  period_from date not null,
  period_to date not null check (period_to >= period_from),
  issued_on date not null,
  invoices integer not null,
  total_cents bigint not null,
  created_at timestamptz not null default now(),
  created_by uuid,
  unique (tenant_id, id),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id)
);
create index invoice_runs_of on invoice_runs (regie_id, period_from);

create table invoices (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  run_id uuid,
  kind text not null check (kind in ('invoice', 'credit_note')),
  credit_of uuid,
  number text not null,
  year integer not null,
  seq integer not null check (seq > 0),
  household_id uuid not null,
  payer_person_id uuid,
  payer_name text not null,
  payer_address text not null,
  issued_on date not null,
  due_on date not null,
  period_from date,
  period_to date,
  total_cents integer not null,
  reason text,
  lang text not null default 'fr' check (lang in ('fr', 'en')),
  created_at timestamptz not null default now(),
  created_by uuid,
  unique (tenant_id, id),
  unique (regie_id, year, seq),
  unique (tenant_id, number),
  check ((kind = 'credit_note') = (credit_of is not null)),
  check (kind = 'invoice' and total_cents >= 0 or kind = 'credit_note' and total_cents < 0),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, run_id) references invoice_runs(tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id),
  foreign key (tenant_id, credit_of) references invoices(tenant_id, id)
);
create index invoices_of_household on invoices (household_id, issued_on desc);
create index invoices_of_regie on invoices (regie_id, issued_on desc);

-- An unpaid invoice handed to the Treasury for collection: from then on the family pays the Treasury.
create table treasury_titles (
  invoice_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  reference text not null,
  handed_on date not null,
  created_at timestamptz not null default now(),
  created_by uuid,
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);

create table invoice_lines (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  invoice_id uuid not null,
  position integer not null,
  child_id uuid,
  child_name text not null,
  unit_id uuid,
  label text not null,
  kind text not null check (kind in ('attended', 'absence', 'late_cancellation', 'unbooked_presence', 'regularisation')),
  days date[] not null default '{}',
  quantity integer not null,
  unit_price_cents integer not null,
  amount_cents integer not null check (amount_cents = quantity * unit_price_cents),
  -- What the amount is made of (BILLING.md): care counts for the tax certificate; meals and penalties do not.
  care_cents integer not null,
  meal_cents integer not null,
  penalty_cents integer not null,
  check (care_cents + meal_cents + penalty_cents = amount_cents),
  unique (tenant_id, id),
  unique (invoice_id, position),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);

-- Each booked (or unbooked) day billed, with its line: a booking is billed at most once at a time
-- (the partial unique index), and billed again only after its charge was reversed (regularisation
-- or credit note), the reversal being a row of its own.
create table billed_units (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  invoice_line_id uuid not null,
  booking_id uuid not null,
  day date not null,
  kind text not null check (kind in ('attended', 'absence', 'late_cancellation', 'unbooked_presence')),
  care_cents integer not null,
  meal_cents integer not null,
  penalty_cents integer not null,
  reverses uuid unique references billed_units(id),
  reversed_by uuid unique references billed_units(id),
  foreign key (tenant_id, invoice_line_id) references invoice_lines(tenant_id, id),
  foreign key (tenant_id, booking_id) references bookings(tenant_id, id)
);
create unique index billed_units_once on billed_units (booking_id) where reverses is null and reversed_by is null;

create function billed_units_only_reversed() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and old.reversed_by is null and new.reversed_by is not null
     and (new.id, new.invoice_line_id, new.booking_id, new.day, new.kind, new.care_cents, new.meal_cents, new.penalty_cents, new.reverses)
       is not distinct from (old.id, old.invoice_line_id, old.booking_id, old.day, old.kind, old.care_cents, old.meal_cents, old.penalty_cents, old.reverses) then
    return new;
  end if;
  raise exception 'a billed unit is never changed but to record its reversal' using errcode = 'restrict_violation';
end
$$;
create trigger billed_units_immutable before update or delete on billed_units
  for each row execute function billed_units_only_reversed();

create table payments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  household_id uuid not null,
  number text not null,
  method text not null check (method in ('cash', 'cheque', 'cesu_paper', 'cesu_electronic', 'transfer', 'card_counter', 'direct_debit', 'online_card', 'online_debit')),
  amount_cents integer not null check (amount_cents > 0),
  received_on date not null,
  payer_name text not null,
  cheque_number text,
  bank_name text,
  reference text,
  note text,
  created_at timestamptz not null default now(),
  created_by uuid,
  unique (tenant_id, id),
  unique (tenant_id, number),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id)
);
create index payments_of_household on payments (household_id, received_on desc);

-- A wrong payment is cancelled by a counter-entry, with its reason; it then pays nothing.
create table payment_cancellations (
  payment_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  reason text not null check (length(trim(reason)) > 0),
  created_at timestamptz not null default now(),
  created_by uuid,
  foreign key (tenant_id, payment_id) references payments(tenant_id, id)
);

-- Money handed back to a family from its credit.
create table refunds (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  household_id uuid not null,
  amount_cents integer not null check (amount_cents > 0),
  refunded_on date not null,
  method text not null check (method in ('transfer', 'cheque', 'cash')),
  reason text not null,
  created_at timestamptz not null default now(),
  created_by uuid,
  unique (tenant_id, id),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id)
);

-- What pays an invoice: part of a payment, or part of a credit note. A cancelled payment's
-- allocations pay nothing (they are read through the cancellation).
create table allocations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  invoice_id uuid not null,
  payment_id uuid,
  credit_note_id uuid,
  amount_cents integer not null check (amount_cents > 0),
  created_at timestamptz not null default now(),
  check ((payment_id is null) <> (credit_note_id is null)),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id),
  foreign key (tenant_id, payment_id) references payments(tenant_id, id),
  foreign key (tenant_id, credit_note_id) references invoices(tenant_id, id)
);
create index allocations_of_invoice on allocations (invoice_id);
create index allocations_of_payment on allocations (payment_id);
create index allocations_of_credit_note on allocations (credit_note_id);

-- The ledger of each household and régie: invoices (debit, positive), credit notes and payments
-- (credit, negative), cancelled payments and refunds (debit). The balance is a sum, never stored.
create table ledger_entries (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  regie_id uuid not null,
  entry_on date not null,
  kind text not null check (kind in ('invoice', 'credit_note', 'payment', 'payment_cancellation', 'refund')),
  amount_cents integer not null check (amount_cents <> 0),
  invoice_id uuid,
  payment_id uuid,
  refund_id uuid,
  created_at timestamptz not null default now(),
  check (kind in ('invoice', 'credit_note') = (invoice_id is not null)),
  check (kind in ('payment', 'payment_cancellation') = (payment_id is not null)),
  check ((kind = 'refund') = (refund_id is not null)),
  check (kind in ('invoice', 'payment_cancellation', 'refund') = (amount_cents > 0)),
  foreign key (tenant_id, household_id) references households(tenant_id, id),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id),
  foreign key (tenant_id, payment_id) references payments(tenant_id, id),
  foreign key (tenant_id, refund_id) references refunds(tenant_id, id)
);
create index ledger_of_household on ledger_entries (tenant_id, household_id, regie_id, entry_on);
create unique index ledger_once_per_document on ledger_entries (kind, coalesce(invoice_id, payment_id, refund_id));

-- An invoice's PDF, made once per language and kept, so that each download gives the same bytes.
create table invoice_pdfs (
  invoice_id uuid not null,
  tenant_id uuid not null references tenants(id),
  lang text not null check (lang in ('fr', 'en')),
  pdf bytea not null,
  created_at timestamptz not null default now(),
  primary key (invoice_id, lang),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);

-- Reminders sent: at most one per invoice and step.
create table invoice_reminders (
  invoice_id uuid not null,
  tenant_id uuid not null references tenants(id),
  step integer not null,
  sent_at timestamptz not null,
  primary key (invoice_id, step),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);

do $$
declare
  t text;
begin
  foreach t in array array['regies', 'tariffs', 'tariff_brackets', 'household_quotients', 'document_numbers', 'invoice_runs',
    'invoices', 'treasury_titles', 'invoice_lines', 'billed_units', 'payments', 'payment_cancellations', 'refunds',
    'allocations', 'ledger_entries', 'invoice_pdfs', 'invoice_reminders']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
  foreach t in array array['invoice_runs', 'invoices', 'invoice_lines', 'payments', 'payment_cancellations', 'refunds', 'allocations', 'ledger_entries', 'treasury_titles']
  loop
    execute format('create trigger %I before update or delete on %I for each row execute function refuse_change()', t || '_immutable', t);
  end loop;
end
$$;
