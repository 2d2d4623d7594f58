-- The prepayment basket (issue #13, seed 004): for the activities a régie collects at booking, the
-- days a family books wait in a basket, holding their places, until they are paid; a basket not
-- paid in time (the régie's hold, 15 minutes by default) frees its places.
--
-- A held day is a booking in the state 'awaiting_payment', tied to its basket. Paying the basket
-- (online, or from the household's credit) books its days and issues a prepaid invoice whose days
-- are billed once (billed_units kind 'prepaid'), so the monthly run does not bill them again.

alter table activities add column paid_at_booking boolean not null default false;
alter table regies add column basket_hold_minutes integer not null default 15 check (basket_hold_minutes between 5 and 240);

alter table bookings drop constraint bookings_status_check;
alter table bookings add constraint bookings_status_check check (status in (
  'requested', 'reserved', 'refused', 'waitlisted', 'offered', 'cancel_requested', 'cancelled',
  'present', 'absent_excused', 'absent_billed', 'late_cancelled', 'awaiting_payment'));

create table baskets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  regie_id uuid not null,
  state text not null default 'open' check (state in ('open', 'paid', 'expired', 'cancelled')),
  expires_at timestamptz not null,
  -- Set while a payment of the basket is under way: its days and prices are fixed until it fails.
  frozen_at timestamptz,
  -- The prepaid invoice of the days booked when it was paid.
  invoice_id uuid,
  created_at timestamptz not null,
  settled_at timestamptz,
  unique (tenant_id, id),
  check ((state = 'open') = (settled_at is null)),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);
create index baskets_open on baskets (expires_at) where state = 'open';
create index baskets_of_household on baskets (household_id, created_at desc);

alter table bookings add column basket_id uuid;
alter table bookings add foreign key (tenant_id, basket_id) references baskets(tenant_id, id);
create index bookings_of_basket on bookings (basket_id) where basket_id is not null;

-- Each held day's price, written when the basket's payment starts (or its credit pays it): what
-- the family was asked for is what its invoice says.
create table basket_lines (
  booking_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  basket_id uuid not null,
  care_cents integer not null check (care_cents >= 0),
  meal_cents integer not null check (meal_cents >= 0),
  foreign key (tenant_id, basket_id) references baskets(tenant_id, id),
  foreign key (tenant_id, booking_id) references bookings(tenant_id, id)
);

-- What an attempt pays: invoices (payment_attempt_invoices), or a basket.
alter table payment_attempts add column basket_id uuid;
alter table payment_attempts add foreign key (tenant_id, basket_id) references baskets(tenant_id, id);

alter table invoice_lines drop constraint invoice_lines_kind_check;
alter table invoice_lines add constraint invoice_lines_kind_check
  check (kind in ('attended', 'absence', 'late_cancellation', 'unbooked_presence', 'regularisation', 'prepaid'));
alter table billed_units drop constraint billed_units_kind_check;
alter table billed_units add constraint billed_units_kind_check
  check (kind in ('attended', 'absence', 'late_cancellation', 'unbooked_presence', 'prepaid'));

do $$
declare
  t text;
begin
  foreach t in array array['baskets', 'basket_lines']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
