-- The authority's logo (src/modules/authority/authority-logo.ts), shown in every page's header.
-- Its bytes are a row of the database, as the documents' are (README: the dump holds every file):
-- one logo per authority, served at /logo/<version>.<ext>, the version being the start of the
-- bytes' SHA-256, so a browser may keep it for a year and a new logo gets a new address.
create table authority_logos (
  tenant_id uuid primary key references tenants(id),
  version text not null check (version ~ '^[0-9a-f]{16}$'),
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'image/webp')),
  size_bytes integer not null check (size_bytes between 1 and 512000),
  content bytea not null,
  updated_by uuid,
  updated_at timestamptz not null
);

alter table authority_logos enable row level security;
create policy tenant_isolation on authority_logos using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on authority_logos to portail_app;
