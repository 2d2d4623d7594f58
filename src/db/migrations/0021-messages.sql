-- Messages between families and the service (src/modules/messages): the subjects the authority
-- offers (each answered by a team), threads of one household about one subject, and their messages.
--
-- Read marks are per message (read_at, set when the other side opens the thread), not a "last read"
-- instant per thread: two messages written in the same instant as a reading (a frozen clock, a
-- busy second) would otherwise be counted wrongly. A family's bin is a mark on the thread, so that
-- restoring it loses nothing.

create table message_subjects (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  label text not null check (length(label) between 1 and 100),
  -- The staff team that answers this subject ("Restauration scolaire", "Facturation"…): the inbox
  -- filters on it, and families see it as the signature of the service's answers.
  team text not null check (length(team) between 1 and 100),
  -- Where to tell the team that a message waits, when nobody is assigned yet (else the authority's contact address).
  team_email text check (team_email is null or position('@' in team_email) > 1),
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, label)
);

create table message_threads (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  subject_id uuid not null,
  child_id uuid,
  title text not null check (length(title) between 1 and 200),
  state text not null default 'new' check (state in ('new', 'in_progress', 'answered', 'closed')),
  assigned_to uuid,
  started_by text not null check (started_by in ('family', 'service')),
  created_at timestamptz not null,
  last_message_at timestamptz not null,
  family_deleted_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, subject_id) references message_subjects(tenant_id, id),
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete set null (child_id),
  foreign key (tenant_id, assigned_to) references accounts(tenant_id, id) on delete set null (assigned_to)
);
create index message_threads_household on message_threads (household_id, last_message_at desc);
create index message_threads_inbox on message_threads (tenant_id, state, last_message_at desc);

create table messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  thread_id uuid not null,
  -- Orders the messages of one instant as they were written.
  seq bigint generated always as identity,
  author text not null check (author in ('family', 'service')),
  author_account_id uuid,
  body text not null check (length(body) between 1 and 10000),
  document_id uuid,
  created_at timestamptz not null,
  -- When the other side first opened it: the family for the service's messages, any staff member for the family's.
  read_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, thread_id) references message_threads(tenant_id, id) on delete cascade,
  foreign key (tenant_id, author_account_id) references accounts(tenant_id, id) on delete set null (author_account_id),
  foreign key (tenant_id, document_id) references documents(tenant_id, id)
);
create index messages_thread on messages (thread_id, created_at, seq);
create index messages_unread on messages (thread_id, author) where read_at is null;

do $$
declare
  t text;
begin
  foreach t in array array['message_subjects', 'message_threads', 'messages']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    -- The default privileges of 0001 already cover new tables; said again so the grant is visible here.
    execute format('grant select, insert, update, delete on %I to portail_app', t);
  end loop;
end
$$;
