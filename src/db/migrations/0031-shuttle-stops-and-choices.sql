-- Shuttles (navettes, src/modules/shuttles/): the stops staff set up for an activity, each with
-- its morning pick-up and evening drop-off times, and what a family chose for its child's
-- enrollment: a morning stop and/or an evening stop, on some of the activity's weekdays. A choice
-- names stops of its enrollment's own activity: the composite keys refuse any other.

create table shuttle_stops (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  name text not null check (length(name) between 1 and 200),
  morning_time text check (morning_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  evening_time text check (evening_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  position integer not null default 0,
  unique (tenant_id, id),
  unique (tenant_id, activity_id, id),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);
create index shuttle_stops_activity on shuttle_stops (tenant_id, activity_id, position);

create unique index enrollments_activity_key on enrollments (tenant_id, activity_id, id);

create table shuttle_choices (
  enrollment_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  morning_stop_id uuid,
  evening_stop_id uuid,
  -- ISO weekdays (1 = Monday) the child takes the shuttle.
  weekdays integer[] not null check (weekdays <@ array[1, 2, 3, 4, 5, 6, 7]),
  updated_by uuid,
  updated_at timestamptz not null,
  foreign key (tenant_id, activity_id, enrollment_id) references enrollments(tenant_id, activity_id, id) on delete cascade,
  foreign key (tenant_id, activity_id, morning_stop_id) references shuttle_stops(tenant_id, activity_id, id),
  foreign key (tenant_id, activity_id, evening_stop_id) references shuttle_stops(tenant_id, activity_id, id)
);
create index shuttle_choices_morning on shuttle_choices (tenant_id, morning_stop_id);
create index shuttle_choices_evening on shuttle_choices (tenant_id, evening_stop_id);

alter table shuttle_stops enable row level security;
create policy tenant_isolation on shuttle_stops using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
alter table shuttle_choices enable row level security;
create policy tenant_isolation on shuttle_choices using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- The default privileges of 0001 already cover new tables; said again so the grant is visible here.
grant select, insert, update, delete on shuttle_stops, shuttle_choices to portail_app;
