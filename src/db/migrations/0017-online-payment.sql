-- Money, part 2 (src/modules/online-payment): the providers a régie offers families (PayFiP, TIPI,
-- Systempay, PayZen), each attempt to pay online, and every notification, return and lookup heard
-- about one, raw, for the audit.
--
-- An attempt is written before the family is sent to the provider. It is settled once: a single
-- transition from 'pending', and the payment it records carries the attempt's id under a unique
-- constraint, so that no number, order or concurrency of notifications can record it twice.

alter table regies add column online_partial boolean not null default false;

-- A provider offered by a régie. The merchant id is PayFiP's numcli or Systempay's site id; the keys
-- (Systempay's test and production keys) are sealed with the server secret (security/sealed-box.ts).
-- The endpoint is the provider's address, or a local simulator's in the demo and the tests.
create table payment_channels (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  provider text not null check (provider in ('payfip', 'tipi', 'systempay', 'payzen')),
  mode text not null check (mode in ('test', 'production')),
  merchant_id text not null check (length(merchant_id) between 1 and 20),
  sealed_keys text,
  endpoint text not null,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (regie_id, provider),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id)
);

create table payment_attempts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  regie_id uuid not null,
  household_id uuid not null,
  channel_id uuid not null,
  -- Our reference, sent to the provider (refdet, vads_trans_id…): unique per channel.
  reference text not null,
  -- The provider's own id of the attempt, when it gives one before the payment (PayFiP's idOp).
  provider_ref text,
  amount_cents integer not null check (amount_cents > 0),
  mode text not null check (mode in ('test', 'production')),
  payer_email text not null,
  payer_name text not null,
  state text not null default 'pending' check (state in ('pending', 'paid', 'refused', 'abandoned', 'expired')),
  method text check (method in ('online_card', 'online_debit')),
  authorisation text,
  created_at timestamptz not null,
  created_by uuid,
  settled_at timestamptz,
  unique (tenant_id, id),
  unique (channel_id, reference),
  foreign key (tenant_id, regie_id) references regies(tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id),
  foreign key (tenant_id, channel_id) references payment_channels(tenant_id, id),
  check ((state = 'pending') = (settled_at is null))
);
create unique index payment_attempts_provider_ref on payment_attempts (channel_id, provider_ref) where provider_ref is not null;
create index payment_attempts_pending on payment_attempts (created_at) where state = 'pending';
create index payment_attempts_of_household on payment_attempts (household_id, created_at desc);

-- What an attempt pays: invoices of its régie, each for an amount.
create table payment_attempt_invoices (
  attempt_id uuid not null,
  invoice_id uuid not null,
  tenant_id uuid not null references tenants(id),
  amount_cents integer not null check (amount_cents > 0),
  primary key (attempt_id, invoice_id),
  foreign key (tenant_id, attempt_id) references payment_attempts(tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices(tenant_id, id)
);

-- Everything heard about attempts, raw: notifications (also forged ones, with no attempt), browser
-- returns and lookups, with what the portal concluded.
create table payment_events (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  channel_id uuid not null,
  attempt_id uuid,
  kind text not null check (kind in ('notification', 'return', 'lookup')),
  raw jsonb not null,
  verdict text not null,
  created_at timestamptz not null,
  foreign key (tenant_id, channel_id) references payment_channels(tenant_id, id),
  foreign key (tenant_id, attempt_id) references payment_attempts(tenant_id, id)
);
create index payment_events_of_attempt on payment_events (attempt_id, created_at);

-- The payment an attempt recorded: at most one per attempt, whatever happens.
alter table payments add column attempt_id uuid;
alter table payments add constraint payments_one_per_attempt unique (attempt_id);
alter table payments add foreign key (tenant_id, attempt_id) references payment_attempts(tenant_id, id);

do $$
declare
  t text;
begin
  foreach t in array array['payment_channels', 'payment_attempts', 'payment_attempt_invoices', 'payment_events']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
  execute 'create trigger payment_events_immutable before update or delete on payment_events for each row execute function refuse_change()';
end
$$;
