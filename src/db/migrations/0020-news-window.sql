-- News are shown from a first day (none: from publication) to a last day, to the families of the
-- authority; those marked public also on its public news page, to anyone.
alter table news add column starts_on date;
alter table news add column public boolean not null default false;
