import type { Generated } from 'kysely';
import type { Id, Timestamp } from '../../db/column-types.js';

/** A stop of an activity's shuttle (navette), with its morning pick-up and evening drop-off times ("07:45"). */
export interface ShuttleStopsTable {
  id: Id;
  tenant_id: string;
  activity_id: string;
  name: string;
  morning_time: string | null;
  evening_time: string | null;
  position: Generated<number>;
}

/** What a family chose for its child's enrollment: a morning and/or an evening stop, on some weekdays. */
export interface ShuttleChoicesTable {
  enrollment_id: string;
  tenant_id: string;
  activity_id: string;
  morning_stop_id: string | null;
  evening_stop_id: string | null;
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface ShuttlesTables {
  shuttle_stops: ShuttleStopsTable;
  shuttle_choices: ShuttleChoicesTable;
}
