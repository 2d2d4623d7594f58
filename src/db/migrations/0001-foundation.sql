-- Foundation: tenants, accounts, sessions, households, sites, activities, outbox, audit.
-- Row-level security is the second wall behind the application's own checks: requests run as the
-- role portail_app with app.tenant_id set for the transaction (src/db/tenant-scope.ts).

do $$
begin
  if not exists (select from pg_roles where rolname = 'portail_app') then
    create role portail_app nologin;
  end if;
end
$$;
grant portail_app to current_user;
grant usage on schema public to portail_app;
alter default privileges in schema public grant select, insert, update, delete on tables to portail_app;
alter default privileges in schema public grant usage, select on sequences to portail_app;

create function app_tenant_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  name text not null check (length(name) between 1 and 200),
  hosts text[] not null default '{}',
  time_zone text not null default 'Europe/Paris',
  school_zone text not null default 'A',
  public_holiday_region text,
  website_url text,
  logo_path text,
  contact_name text,
  contact_address text,
  contact_phone text,
  contact_email text,
  contact_hours text,
  settings jsonb not null default '{}',
  is_demo boolean not null default false,
  created_at timestamptz not null default now()
);
create index tenants_hosts on tenants using gin (hosts);
alter table tenants enable row level security;
create policy tenant_isolation on tenants using (id = app_tenant_id());

-- Gapless per-tenant numbering (family numbers, later invoice numbers): incremented inside the
-- transaction that uses the number, so a rollback gives it back.
create table counters (
  tenant_id uuid not null references tenants(id),
  name text not null,
  value bigint not null,
  primary key (tenant_id, name)
);

create table households (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  family_number text not null,
  name text not null,
  address_line1 text,
  address_line2 text,
  postcode text,
  city text,
  invoice_by_email boolean not null default true,
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, family_number),
  unique (tenant_id, id)
);

create table persons (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  civility text check (civility in ('mme', 'm')),
  first_name text not null,
  last_name text not null,
  birth_date date,
  sex text check (sex in ('f', 'm')),
  email text,
  mobile_phone text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id)
);

-- A person may belong to two households (a child of separated parents).
create table household_members (
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  person_id uuid not null,
  role text not null check (role in ('guardian', 'partner', 'child', 'other')),
  quality text check (quality in ('mother', 'father', 'guardian', 'other')),
  primary key (household_id, person_id),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, person_id) references persons(tenant_id, id) on delete cascade
);
create index household_members_person on household_members (person_id);

create table accounts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  email text not null check (email = lower(email) and position('@' in email) > 1),
  kind text not null check (kind in ('family', 'staff')),
  staff_role text check (staff_role in ('admin', 'manager', 'reader')),
  household_id uuid,
  person_id uuid,
  display_name text not null,
  password_hash text,
  must_change_password boolean not null default false,
  status text not null default 'active' check (status in ('invited', 'active', 'disabled')),
  totp_secret text,
  totp_enabled_at timestamptz,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  password_changed_at timestamptz,
  unique (tenant_id, email),
  unique (tenant_id, id),
  check ((kind = 'staff') = (staff_role is not null)),
  check (kind = 'staff' or household_id is not null),
  foreign key (tenant_id, household_id) references households(tenant_id, id),
  foreign key (tenant_id, person_id) references persons(tenant_id, id)
);

create table sessions (
  token_hash text primary key,
  tenant_id uuid not null references tenants(id),
  account_id uuid not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- Password accepted, second factor still to give.
  awaiting_second_factor boolean not null default false,
  ip text,
  user_agent text,
  foreign key (tenant_id, account_id) references accounts(tenant_id, id) on delete cascade
);
create index sessions_account on sessions (account_id);

create table account_tokens (
  token_hash text primary key,
  tenant_id uuid not null references tenants(id),
  account_id uuid not null,
  purpose text not null check (purpose in ('invitation', 'password_reset')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  foreign key (tenant_id, account_id) references accounts(tenant_id, id) on delete cascade
);
create index account_tokens_account on account_tokens (account_id, purpose);

-- Failed logins per account and per network address, for progressive delay and the anti-robot check.
create table login_failures (
  tenant_id uuid not null references tenants(id),
  key text not null,
  failures integer not null default 0,
  last_failure_at timestamptz not null default now(),
  primary key (tenant_id, key)
);

-- Anti-robot solutions already used, so one solved challenge cannot be replayed.
create table altcha_spent (
  tenant_id uuid not null references tenants(id),
  signature text not null,
  expires_at timestamptz not null,
  primary key (tenant_id, signature)
);

create table account_requests (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  email text not null,
  civility text check (civility in ('mme', 'm')),
  first_name text not null,
  last_name text not null,
  phone text,
  address_line1 text,
  postcode text,
  city text,
  children text,
  message text,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'refused')),
  reason text,
  decided_by uuid,
  decided_at timestamptz,
  account_id uuid,
  created_at timestamptz not null default now()
);
create unique index account_requests_one_pending on account_requests (tenant_id, email) where status = 'pending';

create table sites (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null,
  kind text not null check (kind in ('school', 'leisure_centre', 'other')),
  address text,
  unique (tenant_id, id)
);

create table activities (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  site_id uuid,
  name text not null,
  kind text not null check (kind in ('canteen', 'periscolaire', 'alsh_wednesday', 'alsh_holidays', 'shuttle', 'other')),
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites(tenant_id, id)
);

create table outbox_emails (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  status text not null default 'queued' check (status in ('queued', 'sent', 'kept', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index outbox_emails_recent on outbox_emails (tenant_id, created_at desc);

create table audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants(id),
  at timestamptz not null default now(),
  actor_account_id uuid,
  actor_label text not null,
  action text not null,
  object_type text,
  object_id text,
  details jsonb not null default '{}',
  ip text
);
create index audit_log_recent on audit_log (tenant_id, at desc);

do $$
declare
  t text;
begin
  foreach t in array array['counters', 'households', 'persons', 'household_members', 'accounts', 'sessions',
    'account_tokens', 'login_failures', 'altcha_spent', 'account_requests', 'sites', 'activities',
    'outbox_emails', 'audit_log']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
