-- Rate-limit counts shared by every portal process on the database (src/modules/security/shared-rate-limits.ts):
-- the hits of one key (an address, a token) in one window of one limit, added up over the processes.
-- Not tenant data (an address may call any authority): no row-level security.
create table rate_limit_hits (
  bucket text not null,
  key text not null,
  -- Milliseconds since the epoch, a multiple of the window's length: every process computes the same.
  window_start bigint not null,
  hits integer not null,
  primary key (bucket, key, window_start)
);
create index rate_limit_hits_age on rate_limit_hits (window_start);
