import type { Generated } from 'kysely';
import type { CalendarDate, Id, Json, Timestamp } from '../../db/column-types.js';
import type { DeadlineRule } from './deadlines.js';

export type SiteKind = 'school' | 'leisure_centre' | 'other';
export type ActivityKind = 'canteen' | 'periscolaire' | 'alsh_wednesday' | 'alsh_holidays' | 'shuttle' | 'other';
export type Opening = 'school_days' | 'holidays' | 'all';
export type ValidationMode = 'automatic' | 'manual';
export type WaitlistMode = 'automatic' | 'offer' | 'manual';
export type Allocation = 'first_come' | 'lottery';

export interface SitesTable {
  id: Id;
  tenant_id: string;
  name: string;
  kind: SiteKind;
  address: string | null;
}

export interface ActivitiesTable {
  id: Id;
  tenant_id: string;
  site_id: string | null;
  name: string;
  kind: ActivityKind;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
  description: string | null;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: Generated<number[]>;
  opening: Generated<Opening>;
  validation_mode: Generated<ValidationMode>;
  waitlist_mode: Generated<WaitlistMode>;
  offer_hours: Generated<number>;
  requires_enrollment: Generated<boolean>;
  booking_deadline: Json<DeadlineRule>;
  cancellation_deadline: Json<DeadlineRule>;
  documents_required: string | null;
  /** The régie that bills the activity (billing); null until staff choose one. */
  regie_id: Generated<string | null>;
  /** Its days are paid when booked: a family's booked days wait in a basket until paid (prepayment). */
  paid_at_booking: Generated<boolean>;
  /** The families' calendar shows each day's places left. */
  show_places_left: Generated<boolean>;
}

export interface ActivityGroupsTable {
  id: Id;
  tenant_id: string;
  activity_id: string;
  name: string;
  min_age: number | null;
  max_age: number | null;
  position: Generated<number>;
}

export interface UnitsTable {
  id: Id;
  tenant_id: string;
  activity_id: string;
  name: string;
  code: string;
  position: Generated<number>;
  weekdays: number[] | null;
  booking_deadline: Json<DeadlineRule | null>;
  cancellation_deadline: Json<DeadlineRule | null>;
  excludes: Generated<string[]>;
  requires_any: Generated<string[]>;
}

export interface CapacityPoolsTable {
  id: Id;
  tenant_id: string;
  activity_id: string;
  group_id: string | null;
  unit_ids: string[];
  places: number;
}

export interface CapacityDaysTable {
  tenant_id: string;
  pool_id: string;
  day: CalendarDate;
  places: number;
  taken: Generated<number>;
  overridden: Generated<boolean>;
}

export interface BookingPeriodsTable {
  id: Id;
  tenant_id: string;
  activity_id: string;
  name: string;
  first_day: CalendarDate;
  last_day: CalendarDate;
  opens_at: Timestamp;
  closes_at: Timestamp;
  allocation: Generated<Allocation>;
  group_ids: Generated<string[]>;
}

export interface ActivitiesTables {
  sites: SitesTable;
  activities: ActivitiesTable;
  activity_groups: ActivityGroupsTable;
  units: UnitsTable;
  capacity_pools: CapacityPoolsTable;
  capacity_days: CapacityDaysTable;
  booking_periods: BookingPeriodsTable;
}
