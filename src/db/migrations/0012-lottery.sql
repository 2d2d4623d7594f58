-- Booking periods allocated by lottery (booking_periods.allocation = 'lottery'): families apply
-- during the period's window, the authority orders its priority criteria and publishes a seed
-- before the close, and staff run one reproducible draw after it (src/modules/lottery/).

-- The authority's settings of one lottery period, and its published seed. The row is created
-- (with the seed) when staff publish the seed or save the settings, or at the first application,
-- whichever comes first: a draw never runs with a seed chosen after the applications closed.
create table lottery_settings (
  period_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  -- Ordered priority criteria: a household meeting the first one comes before every household
  -- that does not, and so on (src/modules/lottery/lottery-criteria.ts).
  criteria text[] not null default '{}'
    check (criteria <@ array['resident', 'siblings', 'working_guardians', 'refused_last_draw', 'low_quotient']::text[]),
  -- 'resident': the household's postcode is one of these.
  resident_postcodes text[] not null default '{}',
  -- 'low_quotient': the household's quotient familial is below this.
  quotient_threshold integer check (quotient_threshold >= 0),
  -- The day staff plan to run the draw, told to families (information only).
  draw_on date,
  -- 256 random bits in hex, shown to families from the moment it is stored; never changes.
  seed text not null check (seed ~ '^[0-9a-f]{64}$'),
  seed_published_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by uuid,
  foreign key (tenant_id, period_id) references booking_periods(tenant_id, id) on delete cascade
);

create function lottery_seed_is_final() returns trigger language plpgsql as $$
begin
  if new.seed is distinct from old.seed or new.seed_published_at is distinct from old.seed_published_at then
    raise exception 'the seed of a lottery never changes once published';
  end if;
  return new;
end
$$;
create trigger lottery_seed_is_final before update on lottery_settings for each row execute function lottery_seed_is_final();

-- What a family asks for a child, day and unit of a lottery period; withdrawn (deleted) until the
-- close; the draw writes its answer on the row.
create table lottery_applications (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  period_id uuid not null,
  household_id uuid not null,
  child_id uuid not null,
  unit_id uuid not null,
  day date not null,
  created_at timestamptz not null,
  created_by uuid,
  -- The draw's answer: a place, a waiting-list rank, refused (reason), or a booking that already existed.
  result text check (result in ('reserved', 'waitlisted', 'refused', 'already')),
  result_rank integer check (result_rank > 0),
  result_reason text,
  booking_id uuid,
  unique (period_id, child_id, unit_id, day),
  unique (tenant_id, id),
  foreign key (tenant_id, period_id) references booking_periods(tenant_id, id) on delete cascade,
  foreign key (tenant_id, household_id) references households(tenant_id, id) on delete cascade,
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade,
  foreign key (tenant_id, unit_id) references units(tenant_id, id) on delete cascade,
  foreign key (tenant_id, booking_id) references bookings(tenant_id, id) on delete set null (booking_id)
);
create index lottery_applications_household on lottery_applications (household_id, period_id);

-- One draw per period: the row is inserted first, in the draw's transaction, so a second draw
-- (even at the same moment) finds it and is refused. It keeps what the draw used.
create table lottery_draws (
  period_id uuid primary key,
  tenant_id uuid not null references tenants(id),
  seed text not null,
  criteria text[] not null,
  resident_postcodes text[] not null,
  quotient_threshold integer,
  drawn_at timestamptz not null,
  drawn_by uuid,
  households integer not null default 0,
  applications integer not null default 0,
  foreign key (tenant_id, period_id) references booking_periods(tenant_id, id) on delete cascade
);

-- The draw order: each household with its priority level (1 = criterion met, in the criteria's
-- order) and its hash, HMAC-SHA-256(seed, household id). No foreign key to households: the record
-- of a draw stays whole (an opaque id) even if a household is erased later.
create table lottery_draw_households (
  period_id uuid not null references lottery_draws(period_id) on delete cascade,
  tenant_id uuid not null references tenants(id),
  position integer not null check (position > 0),
  household_id uuid not null,
  level smallint[] not null,
  hash text not null,
  primary key (period_id, position),
  unique (period_id, household_id)
);

do $$
declare
  t text;
begin
  foreach t in array array['lottery_settings', 'lottery_applications', 'lottery_draws', 'lottery_draw_households']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
