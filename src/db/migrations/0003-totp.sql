-- Two-factor authentication codes are accepted once: the last 30-second step a code was accepted
-- for is kept, and only a later step is accepted after it (a code seen over a shoulder or replayed
-- from a proxy log opens nothing). accounts.totp_secret holds the secret encrypted by the
-- application (AES-256-GCM); totp_enabled_at is null while an enrolment waits for its first code.
alter table accounts add column totp_last_step bigint;
