-- Families' booking by period (issue #16).
--
-- Each booking form a household sends, with the answer given to each of its choices: the result
-- page is read from it after a redirect (a refresh no longer sends the form again), and "Mes
-- demandes" lists from it the choices refused on the spot, which leave no booking behind.
create table booking_submissions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  household_id uuid not null,
  activity_id uuid not null,
  created_by uuid,
  created_at timestamptz not null,
  -- [{ childId, unitId, day, outcome: { kind, bookingId?, status?, rank?, reason? } }]
  results jsonb not null,
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);
create index booking_submissions_household on booking_submissions (household_id, created_at desc);

alter table booking_submissions enable row level security;
create policy tenant_isolation on booking_submissions using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on booking_submissions to portail_app;

-- Whether the families' calendar shows each day's places left (seed 002's capacity note); a full
-- day always says that a request goes on the waiting list.
alter table activities add column show_places_left boolean not null default false;
