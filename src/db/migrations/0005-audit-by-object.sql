-- The history of one household on its staff page reads the audit log by object (the household,
-- its people, its requests, its accounts): without this index each page would scan the whole log.
create index audit_log_object on audit_log (tenant_id, object_id, at desc);
