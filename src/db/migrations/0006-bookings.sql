-- The booking engine: what can be booked (activities, groups, units and their rules), how many
-- places there are, who is enrolled, the booking periods, and the bookings themselves.
-- Places are counted in capacity_days; a place is taken by incrementing `taken` under a row lock,
-- and the check constraint makes overselling impossible whatever the code does.

alter table activities
  add column description text,
  add column weekdays smallint[] not null default '{1,2,4,5}',
  -- school_days: open on its weekdays outside school holidays; holidays: only during school
  -- holidays; all: on its weekdays whatever the school calendar.
  add column opening text not null default 'school_days' check (opening in ('school_days', 'holidays', 'all')),
  add column validation_mode text not null default 'automatic' check (validation_mode in ('automatic', 'manual')),
  add column waitlist_mode text not null default 'automatic' check (waitlist_mode in ('automatic', 'offer', 'manual')),
  add column offer_hours integer not null default 48 check (offer_hours between 1 and 720),
  add column requires_enrollment boolean not null default true,
  add column booking_deadline jsonb not null default '{"type":"days_before","days":2,"time":"00:00","workingDays":false}',
  add column cancellation_deadline jsonb not null default '{"type":"days_before","days":2,"time":"00:00","workingDays":false}',
  add column documents_required text;

create table activity_groups (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  name text not null,
  min_age integer,
  max_age integer,
  position integer not null default 0,
  unique (tenant_id, id),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);

create table units (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  name text not null,
  code text not null,
  position integer not null default 0,
  -- Overrides of the activity's weekdays and deadlines for this unit, when not null.
  weekdays smallint[],
  booking_deadline jsonb,
  cancellation_deadline jsonb,
  -- Booking this unit on a day excludes these units the same day (Journée excludes Matin).
  excludes uuid[] not null default '{}',
  -- This unit can only be booked with at least one of these the same day (Repas needs Journée or Matin).
  requires_any uuid[] not null default '{}',
  unique (tenant_id, id),
  unique (activity_id, code),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);

-- A number of places shared by one or several units, for one group or for all groups.
create table capacity_pools (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  group_id uuid,
  unit_ids uuid[] not null,
  places integer not null check (places >= 0),
  unique (tenant_id, id),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade,
  foreign key (tenant_id, group_id) references activity_groups(tenant_id, id) on delete cascade
);

-- Places and places taken per pool and day; a row exists from the first booking of that day (or
-- earlier, when staff set a per-date number of places).
create table capacity_days (
  tenant_id uuid not null references tenants(id),
  pool_id uuid not null,
  day date not null,
  places integer not null check (places >= 0),
  taken integer not null default 0 check (taken >= 0),
  -- Set when staff fixed this day's places (otherwise it follows the pool's number).
  overridden boolean not null default false,
  primary key (pool_id, day),
  constraint capacity_not_oversold check (taken <= places),
  foreign key (tenant_id, pool_id) references capacity_pools(tenant_id, id) on delete cascade
);

create table enrollments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  child_id uuid not null,
  activity_id uuid not null,
  group_id uuid,
  household_id uuid not null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'refused', 'withdrawn')),
  reason text,
  comment text,
  created_by uuid,
  created_at timestamptz not null default now(),
  decided_by uuid,
  decided_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade,
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade,
  foreign key (tenant_id, group_id) references activity_groups(tenant_id, id),
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade
);
create unique index enrollments_one_live on enrollments (child_id, activity_id) where status in ('pending', 'accepted');

create table booking_periods (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  activity_id uuid not null,
  name text not null,
  first_day date not null,
  last_day date not null check (last_day >= first_day),
  opens_at timestamptz not null,
  closes_at timestamptz not null check (closes_at > opens_at),
  allocation text not null default 'first_come' check (allocation in ('first_come', 'lottery')),
  -- Empty: every group of the activity.
  group_ids uuid[] not null default '{}',
  unique (tenant_id, id),
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);

create table bookings (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  child_id uuid not null,
  unit_id uuid not null,
  day date not null,
  household_id uuid not null,
  group_id uuid,
  status text not null check (status in (
    'requested', 'reserved', 'refused', 'waitlisted', 'offered', 'cancel_requested', 'cancelled',
    'present', 'absent_excused', 'absent_billed', 'late_cancelled')),
  -- Position on the waiting list of its pool and day: 1 is next to get a place.
  waitlist_rank integer check (waitlist_rank > 0),
  -- The capacity pools whose places this booking holds (empty when unlimited or not holding one).
  holds_pools uuid[] not null default '{}',
  offer_expires_at timestamptz,
  reason text,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade,
  foreign key (tenant_id, unit_id) references units(tenant_id, id) on delete cascade,
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade
);
-- One live booking per child, unit and day: a double click or a retried request cannot book twice.
create unique index bookings_one_live on bookings (child_id, unit_id, day) where status not in ('refused', 'cancelled');
create index bookings_by_day on bookings (tenant_id, day, unit_id);
create index bookings_household on bookings (household_id, day);
create index bookings_waitlist on bookings (unit_id, day, waitlist_rank) where status = 'waitlisted';

-- Every change of a booking's state, for "Mes demandes" and the audit.
create table booking_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants(id),
  booking_id uuid not null,
  household_id uuid not null,
  from_status text,
  to_status text not null,
  reason text,
  actor_account_id uuid,
  at timestamptz not null default now(),
  foreign key (tenant_id, booking_id) references bookings(tenant_id, id) on delete cascade
);
create index booking_events_household on booking_events (household_id, at desc);

do $$
declare
  t text;
begin
  foreach t in array array['activity_groups', 'units', 'capacity_pools', 'capacity_days', 'enrollments',
    'booking_periods', 'bookings', 'booking_events']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
