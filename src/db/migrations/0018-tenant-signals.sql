-- Every process keeps the tenants (their settings, field policies, host names) in memory
-- (tenancy/tenant-directory.ts): a change to the table, made by any process or by hand in SQL,
-- signals them all when it commits, and each reloads.
create function signal_tenants_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('tenants_changed', '');
  return null;
end
$$;

create trigger tenants_changed after insert or update or delete or truncate on tenants
  for each statement execute function signal_tenants_changed();
