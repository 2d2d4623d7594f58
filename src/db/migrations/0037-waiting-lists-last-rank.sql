-- The last rank of a waiting list (unit, day and group), read as the first entry of this index,
-- backwards (bookings/places.ts, lastWaitlistRanks): each turn of registration day read every
-- waiting booking of its days instead (10,000 by the end of bench/rush, 4-13 ms a turn). "No group"
-- is the nil uuid, so that one equality finds either.
create index bookings_waitlist_last on bookings (unit_id, day, coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid), waitlist_rank)
  where status = 'waitlisted';
