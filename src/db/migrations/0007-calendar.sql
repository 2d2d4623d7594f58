-- The authority's calendar: school holiday periods of its zone and its closures (whole authority,
-- one site or one activity). Public holidays are not stored: they come from the date-holidays
-- package (src/modules/calendar/public-holidays.ts).

-- Days off are first_day..last_day, both included, weekends inside the period included: this is
-- not the ministry's convention (whose end date is the day classes resume); the import converts.
create table school_holidays (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  zone text not null check (length(zone) between 1 and 60),
  name text not null check (length(name) between 1 and 200),
  first_day date not null,
  last_day date not null,
  -- snapshot: seeded from data/vacances-scolaires.csv; import: the ministry's open-data file;
  -- manual: typed by staff (an import never replaces these).
  source text not null check (source in ('snapshot', 'import', 'manual')),
  created_at timestamptz not null default now(),
  check (last_day >= first_day),
  unique (tenant_id, id)
);
create index school_holidays_days on school_holidays (tenant_id, zone, first_day);

-- Both null: the whole authority is closed; otherwise one site or one activity.
create table closures (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  site_id uuid,
  activity_id uuid,
  first_day date not null,
  last_day date not null,
  reason text not null check (length(reason) between 1 and 200),
  created_at timestamptz not null default now(),
  check (last_day >= first_day),
  check (site_id is null or activity_id is null),
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites(tenant_id, id) on delete cascade,
  foreign key (tenant_id, activity_id) references activities(tenant_id, id) on delete cascade
);
create index closures_days on closures (tenant_id, first_day);

-- Renewed in the transaction of every change to the two tables above: each process keeps the
-- tenant's calendar in memory and reloads it when the version it reads differs from its own.
-- A random value rather than a counter: a rolled-back change's version is never seen again.
create table calendar_versions (
  tenant_id uuid primary key references tenants(id),
  version uuid not null
);

do $$
declare
  t text;
begin
  foreach t in array array['school_holidays', 'closures', 'calendar_versions']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
