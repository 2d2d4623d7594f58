import type { Generated } from 'kysely';
import type { CalendarDate, Id, Timestamp } from '../../db/column-types.js';
import type { Criterion } from './lottery-criteria.js';

export type ApplicationResult = 'reserved' | 'waitlisted' | 'refused' | 'already';

export interface LotterySettingsTable {
  period_id: string;
  tenant_id: string;
  criteria: Generated<Criterion[]>;
  resident_postcodes: Generated<string[]>;
  quotient_threshold: number | null;
  draw_on: CalendarDate | null;
  seed: string;
  seed_published_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface LotteryApplicationsTable {
  id: Id;
  tenant_id: string;
  period_id: string;
  household_id: string;
  child_id: string;
  unit_id: string;
  day: CalendarDate;
  created_at: Timestamp;
  created_by: string | null;
  result: ApplicationResult | null;
  result_rank: number | null;
  result_reason: string | null;
  booking_id: string | null;
}

export interface LotteryDrawsTable {
  period_id: string;
  tenant_id: string;
  seed: string;
  criteria: Criterion[];
  resident_postcodes: string[];
  quotient_threshold: number | null;
  drawn_at: Timestamp;
  drawn_by: string | null;
  households: Generated<number>;
  applications: Generated<number>;
}

export interface LotteryDrawHouseholdsTable {
  period_id: string;
  tenant_id: string;
  position: number;
  household_id: string;
  level: number[];
  hash: string;
}

export interface LotteryTables {
  lottery_settings: LotterySettingsTable;
  lottery_applications: LotteryApplicationsTable;
  lottery_draws: LotteryDrawsTable;
  lottery_draw_households: LotteryDrawHouseholdsTable;
}
