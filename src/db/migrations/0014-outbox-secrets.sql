-- Single-use secrets of queued emails (reset and invitation links, temporary passwords) are no longer
-- stored in clear: the text keeps a marker where the secret goes, and the secrets are sealed apart
-- (AES-GCM under a key derived from the server secret, notifications/outbox.ts). The sender opens
-- them only to deliver the email, and forgets them once it is sent or given up.
alter table outbox_emails add column sealed_secrets text;

-- Emails queued before this change carried their secrets in clear: mask them. The links and
-- temporary passwords they held keep working for their recipient only if the email was delivered.
update outbox_emails
set text_body = regexp_replace(
  regexp_replace(text_body, '(/(reinitialiser|invitation)/)[A-Za-z0-9_-]{16,}', '\1⟦masqué⟧', 'g'),
  '((Mot de passe temporaire|Temporary password) ?: )\S+', '\1⟦masqué⟧', 'g')
where text_body ~ '/(reinitialiser|invitation)/[A-Za-z0-9_-]{16,}|(Mot de passe temporaire|Temporary password) ?: \S';
