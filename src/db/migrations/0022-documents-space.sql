-- The families' documents space (src/modules/document-space): documents the service publishes
-- (rules, menus, programmes) for every family or for the families of one activity, within a
-- publication window; files the service adds for one household; and the documents the activities
-- ask for (kinds set by the authority, with a validity), sent by families and checked by staff.

-- A file the service adds for one household (a letter) is a document of the household with a title.
alter table documents drop constraint documents_kind_check;
alter table documents add constraint documents_kind_check check (kind in ('medical_certificate', 'other', 'from_service', 'requested'));
alter table documents add column title text check (title is null or length(title) between 1 and 200);

create table published_documents (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  title text not null check (length(title) between 1 and 200),
  -- Only the families of this activity see it; none: every family of the authority.
  activity_id uuid,
  -- Shown from this day to this one included (none: without end), days of the authority.
  visible_from date not null,
  visible_until date,
  filename text not null,
  content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer not null check (size_bytes > 0),
  content bytea not null,
  created_by uuid,
  created_at timestamptz not null,
  unique (tenant_id, id),
  check (visible_until is null or visible_until >= visible_from),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);
create index published_documents_window on published_documents (tenant_id, visible_from);

-- The kinds of documents the authority asks for (assurance, vaccinations, PAI…) and how long one stays valid.
create table document_types (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  label text not null check (length(label) between 1 and 100),
  validity text not null default 'none' check (validity in ('none', 'school_year', 'months')),
  validity_months integer check (validity_months between 1 and 120),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, label),
  check ((validity = 'months') = (validity_months is not null))
);

-- What each activity asks of the households whose children are enrolled in it (or ask to be).
create table activity_document_types (
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  document_type_id uuid not null,
  primary key (activity_id, document_type_id),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade,
  foreign key (tenant_id, document_type_id) references document_types(tenant_id, id) on delete cascade
);

-- A document a household sent for a kind, checked by staff once: accepted, or refused with a reason.
create table document_submissions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  document_type_id uuid not null,
  document_id uuid not null,
  -- Orders the documents of one instant as they were sent: the last one sent decides.
  seq bigint generated always as identity,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'refused')),
  reason text check (reason is null or length(reason) between 1 and 500),
  -- The first day it is no longer valid (from the kind's validity, counted from the day it was sent); none: always valid.
  expires_on date,
  sent_at timestamptz not null,
  sent_by uuid,
  decided_by uuid,
  decided_at timestamptz,
  unique (tenant_id, id),
  check (status <> 'refused' or reason is not null),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, document_type_id) references document_types(tenant_id, id) on delete cascade,
  foreign key (tenant_id, document_id) references documents(tenant_id, id)
);
create index document_submissions_household on document_submissions (household_id, document_type_id, sent_at desc, seq desc);
create index document_submissions_pending on document_submissions (tenant_id, sent_at) where status = 'pending';

do $$
declare
  t text;
begin
  foreach t in array array['published_documents', 'document_types', 'activity_document_types', 'document_submissions']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to portail_app', t);
  end loop;
end
$$;
