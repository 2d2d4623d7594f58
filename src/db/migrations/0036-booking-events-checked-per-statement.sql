-- Registration day writes each turn's bookings, then their events (bench/rush: 16,670 of each in
-- some 200 turns). The events' foreign key to their booking was checked row by row, each check
-- locking the booking just written: the costliest statement of the rush (3-14 s of it, 8-71 ms a
-- turn for rows that take 3 ms to write; with the check gone the rush took 17 s instead of 27 and
-- the database half the CPU). The same rules now hold per statement, as for billed units (0034):
-- - an event refers to a booking that exists, checked once over every row the statement wrote;
-- - deleting a booking (the database's cascades do, when a household is erased) deletes its events.
-- The portal deletes no booking while it writes events for it, so the check needs no lock.
alter table booking_events drop constraint booking_events_tenant_id_booking_id_fkey;

-- Runs as the tables' owner: the check sees every booking, as a foreign key does, whatever the session's tenant.
create function booking_events_refer_to_bookings() returns trigger
  language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if exists (select 1 from written w left join bookings b on b.tenant_id = w.tenant_id and b.id = w.booking_id where b.id is null) then
    raise exception 'a booking event refers to a booking that does not exist' using errcode = 'foreign_key_violation';
  end if;
  return null;
end
$$;
create trigger booking_events_refer_on_insert after insert on booking_events
  referencing new table as written for each statement execute function booking_events_refer_to_bookings();
create trigger booking_events_refer_on_update after update on booking_events
  referencing new table as written for each statement execute function booking_events_refer_to_bookings();

-- Found through the events' household index: a booking keeps its household.
create function bookings_take_their_events() returns trigger
  language plpgsql security definer set search_path = public, pg_temp as $$
begin
  delete from booking_events e using removed r
    where e.household_id = r.household_id and e.booking_id = r.id and e.tenant_id = r.tenant_id;
  return null;
end
$$;
create trigger bookings_take_their_events after delete on bookings
  referencing old table as removed for each statement execute function bookings_take_their_events();
