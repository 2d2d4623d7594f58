-- Data retention (RGPD): a household staff close when the family leaves, its personal data erased
-- once the authority's keeping time has passed (src/modules/households/household-closure.ts and
-- src/modules/retention/). Its row stays, named by its family number, for the invoices and payments
-- the public accountant must keep.
alter table households
  add column closed_at timestamptz,
  add column erased_at timestamptz;
create index households_closed on households (tenant_id, closed_at) where closed_at is not null and erased_at is null;

-- What the retention job looks for: old emails, old connections, old audit entries, old threads.
create index outbox_emails_age on outbox_emails (tenant_id, created_at);
create index audit_log_age on audit_log (tenant_id, at);
create index message_threads_age on message_threads (tenant_id, last_message_at);
