-- Bearer tokens of the families' JSON API (src/modules/identity/api-tokens.ts). Kept apart from the
-- cookie sessions: a browser's session cookie never authenticates an API call, and an API token is
-- never accepted as a cookie. Only the token's SHA-256 is stored, as for sessions, so a leak of this
-- table opens nothing. A password change or reset ends them with the account's sessions.
create table api_tokens (
  token_hash text primary key,
  tenant_id uuid not null references tenants(id),
  account_id uuid not null,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  expires_at timestamptz not null,
  ip text,
  user_agent text,
  foreign key (tenant_id, account_id) references accounts(tenant_id, id) on delete cascade
);
create index api_tokens_account on api_tokens (account_id);

alter table api_tokens enable row level security;
create policy tenant_isolation on api_tokens using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
