-- Absences declared by families (with a medical certificate for illness), the documents they send,
-- and the private calendar feeds of a child's bookings.

create table documents (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  kind text not null check (kind in ('medical_certificate', 'other')),
  filename text not null,
  content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer not null check (size_bytes > 0),
  content bytea not null,
  uploaded_by uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade
);
create index documents_household on documents (household_id, created_at desc);

create table absence_declarations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  child_id uuid not null,
  first_day date not null,
  last_day date not null check (last_day >= first_day),
  reason text not null check (reason in ('illness', 'family', 'other')),
  comment text,
  document_id uuid,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'refused')),
  decision_reason text,
  decided_by uuid,
  decided_at timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade,
  foreign key (tenant_id, document_id) references documents(tenant_id, id)
);
create index absence_declarations_household on absence_declarations (household_id, created_at desc);
create index absence_declarations_pending on absence_declarations (tenant_id, created_at) where status = 'pending';

-- A private address per child and household where calendar applications read the bookings.
create table calendar_feeds (
  token text primary key,
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  child_id uuid not null,
  created_at timestamptz not null default now(),
  unique (household_id, child_id),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade
);

do $$
declare
  t text;
begin
  foreach t in array array['documents', 'absence_declarations', 'calendar_feeds']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
