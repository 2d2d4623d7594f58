-- Every foreign key between an authority's rows is (tenant_id, id), and PostgreSQL checks each row
-- written with `tenant_id = $1 and id = $2` on the table referred to, planned once per connection
-- and kept. On a table without statistics — a new table until autovacuum first analyses it, and the
-- embedded database always (PGlite has no autovacuum) — `tenant_id = $1` looks as selective as the
-- key, and the planner took any other index that starts with tenant_id, reading every row of the
-- authority for each check. On registration day that was each booking's event: 79 million index
-- entries read for 17,000 bookings in bench/rush; adding households in bulk did the same on persons
-- and households. So on a table a composite key refers to, no other index starts with tenant_id:
-- the authority comes second, where it still narrows every lookup of these indexes.
-- test/foreign-key-checks.test.ts holds the rule.

drop index bookings_by_day;
create index bookings_by_day on bookings (day, tenant_id, unit_id);

drop index households_names;
create index households_names on households (lower(name), tenant_id);
drop index households_search_name;
create index households_search_name on households (search_text(name) text_pattern_ops, tenant_id);
alter table households drop constraint households_tenant_id_family_number_key,
  add constraint households_family_number_key unique (family_number, tenant_id);

drop index persons_names;
create index persons_names on persons (lower(last_name), lower(first_name), tenant_id);
drop index persons_search_last_name;
create index persons_search_last_name on persons (search_text(last_name) text_pattern_ops, tenant_id);
drop index persons_search_first_name;
create index persons_search_first_name on persons (search_text(first_name) text_pattern_ops, tenant_id);

alter table accounts drop constraint accounts_tenant_id_email_key,
  add constraint accounts_email_key unique (email, tenant_id);
alter table regies drop constraint regies_tenant_id_invoice_prefix_key,
  add constraint regies_invoice_prefix_key unique (invoice_prefix, tenant_id);
alter table invoices drop constraint invoices_tenant_id_number_key,
  add constraint invoices_number_key unique (number, tenant_id);
alter table payments drop constraint payments_tenant_id_number_key,
  add constraint payments_number_key unique (number, tenant_id);
alter table message_subjects drop constraint message_subjects_tenant_id_label_key,
  add constraint message_subjects_label_key unique (label, tenant_id);
alter table document_types drop constraint document_types_tenant_id_label_key,
  add constraint document_types_label_key unique (label, tenant_id);

drop index message_threads_inbox;
create index message_threads_inbox on message_threads (state, tenant_id, last_message_at desc);
drop index message_threads_age;
create index message_threads_age on message_threads (last_message_at, tenant_id);

-- An activity has a few stops: its key (tenant_id, activity_id, id) finds them, sorted in memory.
drop index shuttle_stops_activity;
