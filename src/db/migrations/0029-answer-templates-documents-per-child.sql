-- Answer templates (src/modules/messages/answer-templates.ts): texts the service keeps to answer
-- families quickly ("Votre inscription est enregistrée…"), each named, for every team or for one.
-- The team is the text the subjects name (message_subjects.team), not a key: teams are not a table,
-- and a template outliving its team's last subject simply stops being offered for that team.

create table answer_templates (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id),
  name text not null check (length(name) between 1 and 100),
  -- None: offered for every thread; else only in threads whose subject this team answers.
  team text check (team is null or length(team) between 1 and 100),
  body text not null check (length(body) between 1 and 10000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id)
);
create index answer_templates_tenant on answer_templates (tenant_id, name);

alter table answer_templates enable row level security;
create policy tenant_isolation on answer_templates using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
-- The default privileges of 0001 already cover new tables; said again so the grant is visible here.
grant select, insert, update, delete on answer_templates to portail_app;

-- Documents asked for one child each (vaccinations, PAI): a kind says whether it is asked once per
-- household (as before, the default) or once per child enrolled in an activity asking for it; a
-- document sent for such a kind names its child. Documents sent before keep no child and still
-- count for the household's kinds (and, until a child's own is sent, for a kind made per child).
alter table document_types add column per_child boolean not null default false;
alter table document_submissions add column child_id uuid;
alter table document_submissions add constraint document_submissions_child
  foreign key (tenant_id, child_id) references persons(tenant_id, id) on delete cascade;
