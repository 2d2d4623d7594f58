-- The whole household record as families know it (seeds 001 and 002), the people allowed to pick a
-- child up or to be called in an emergency, the requests by which a family changes its record,
-- and the news the service publishes on the family home page.

alter table households
  add column home_phone text,
  add column regime text check (regime in ('caf', 'msa', 'other', 'none')),
  add column allocataire_number text,
  add column quotient_familial integer check (quotient_familial >= 0),
  add column quotient_familial_date date,
  add column tax_dependents integer check (tax_dependents between 0 and 20),
  add column tax_reference_income_cents bigint check (tax_reference_income_cents >= 0),
  add column iban text,
  add column bic text,
  add column account_holder text,
  add column direct_debit_requested boolean not null default false;

alter table persons
  add column marital_status text check (marital_status in ('single', 'married', 'pacs', 'cohabiting', 'separated', 'divorced', 'widowed')),
  add column address_line1 text,
  add column postcode text,
  add column city text,
  add column home_phone text,
  add column work_phone text,
  add column profession text,
  add column employer text,
  add column consent_email boolean not null default true,
  add column consent_sms boolean not null default false,
  add column school text,
  add column class_level text,
  add column allergies text,
  add column pai boolean not null default false,
  add column pai_details text,
  add column diet text,
  add column doctor_name text,
  add column doctor_phone text,
  add column vaccinations_up_to_date boolean,
  add column vaccination_notes text,
  add column glasses boolean not null default false,
  add column health_notes text,
  add column image_consent boolean not null default false;

-- The language of the account's last visit: emails about its requests are written in it.
alter table accounts add column locale text not null default 'fr' check (locale in ('fr', 'en'));

create index persons_names on persons (tenant_id, lower(last_name), lower(first_name));
create index households_names on households (tenant_id, lower(name));

-- People who may pick a child up from the service, or be called in an emergency.
create table child_contacts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  child_id uuid not null,
  name text not null,
  relationship text,
  phone text not null,
  can_pick_up boolean not null default true,
  emergency boolean not null default false,
  position integer not null default 0,
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade
);
create index child_contacts_child on child_contacts (child_id, position);

-- A family's request to change its record (or to add a member), decided by staff. Later
-- capabilities add their own kinds of request; "Mes demandes" lists them all.
create table change_requests (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  kind text not null check (kind in ('record', 'add_member', 'contacts')),
  -- The household itself, or one of its people.
  target_person_id uuid,
  -- record: { field: { old, new } }; add_member: the new person's fields; contacts: { old: [...], new: [...] }.
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'refused', 'withdrawn')),
  reason text,
  created_by uuid,
  created_at timestamptz not null default now(),
  decided_by uuid,
  decided_at timestamptz,
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, target_person_id) references persons(tenant_id, id) on delete cascade
);
create index change_requests_household on change_requests (household_id, created_at desc);
create index change_requests_pending on change_requests (tenant_id, created_at) where status = 'pending';

create table news (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  title text not null,
  body text not null,
  published_at timestamptz not null default now(),
  expires_on date,
  created_by uuid
);
create index news_recent on news (tenant_id, published_at desc);

do $$
declare
  t text;
begin
  foreach t in array array['child_contacts', 'change_requests', 'news']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
