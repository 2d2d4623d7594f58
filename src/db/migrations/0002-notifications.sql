-- Delivery bookkeeping of the outbox. The row is the source of truth for sending: the sender claims
-- a row by setting a lease (so two workers never send it at once, and a crashed worker's claim
-- expires), and failed attempts are retried when next_attempt_at is reached. Both use the
-- database's clock, shared by every process and by the job queue.
alter table outbox_emails
  add column next_attempt_at timestamptz not null default now(),
  add column leased_until timestamptz;

create index outbox_emails_due on outbox_emails (next_attempt_at) where status = 'queued';
