-- The booking line of each authority, one for every portal process on the database
-- (src/modules/bookings/shared-booking-line.ts). Each process keeps its line in memory and, every
-- tenth of a second while it is busy, writes here what the others must count and reads what they wrote.
-- Not read inside an authority's transaction (a process syncs the lines of every authority at once)
-- and holding no personal data beyond an account's id: no row-level security, as rate_limit_hits.

-- How many booking requests each live process has let into an authority's line. A row not refreshed
-- for a few seconds is a process gone: the others stop counting it.
create table booking_line_admitted (
  process_id text not null,
  line text not null,
  admitted integer not null,
  seen_at timestamptz not null default now(),
  primary key (process_id, line)
);
create index booking_line_admitted_age on booking_line_admitted (seen_at);

-- The places promised to requests turned away, by any process: kept in every process for the
-- earlier click until it comes back with its ticket (then deleted) or is overdue.
create table booking_line_promises (
  line text not null,
  -- The place's holder and its first click, as the ticket names them (web/booking-gate.ts).
  key text not null,
  -- Microseconds since the epoch (web/load-shedding.ts clickNow).
  clicked_at bigint not null,
  -- Milliseconds since the epoch: until when it is expected back.
  due_by bigint not null,
  primary key (line, key)
);
create index booking_line_promises_due on booking_line_promises (due_by);
