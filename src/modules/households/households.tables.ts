import type { Generated } from 'kysely';
import type { CalendarDate, Id, Json, NullableTimestamp, Timestamp } from '../../db/column-types.js';
import type { Transitions } from '../state-machine.js';

export interface HouseholdsTable {
  id: Id;
  tenant_id: string;
  family_number: string;
  name: string;
  address_line1: string | null;
  address_line2: string | null;
  postcode: string | null;
  city: string | null;
  invoice_by_email: Generated<boolean>;
  home_phone: Generated<string | null>;
  regime: Generated<'caf' | 'msa' | 'other' | 'none' | null>;
  allocataire_number: Generated<string | null>;
  quotient_familial: Generated<number | null>;
  quotient_familial_date: Generated<CalendarDate | null>;
  /** Where the quotient familial comes from (CAF, MSA, tax notice, staff, the family, an import). */
  quotient_familial_source: Generated<'caf' | 'msa' | 'tax_notice' | 'staff' | 'family' | 'import' | null>;
  tax_dependents: Generated<number | null>;
  tax_reference_income_cents: Generated<number | null>;
  iban: Generated<string | null>;
  bic: Generated<string | null>;
  account_holder: Generated<string | null>;
  direct_debit_requested: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set by staff when the family leaves: its accounts are off, its data kept until the authority's keeping time ends. */
  closed_at: NullableTimestamp;
  /** When its personal data was erased (retention); the row stays for the accounts the law keeps. */
  erased_at: NullableTimestamp;
}

export interface PersonsTable {
  id: Id;
  tenant_id: string;
  civility: 'mme' | 'm' | null;
  first_name: string;
  last_name: string;
  birth_date: CalendarDate | null;
  sex: 'f' | 'm' | null;
  email: string | null;
  mobile_phone: string | null;
  marital_status: Generated<MaritalStatus | null>;
  address_line1: Generated<string | null>;
  postcode: Generated<string | null>;
  city: Generated<string | null>;
  home_phone: Generated<string | null>;
  work_phone: Generated<string | null>;
  profession: Generated<string | null>;
  employer: Generated<string | null>;
  consent_email: Generated<boolean>;
  consent_sms: Generated<boolean>;
  school: Generated<string | null>;
  class_level: Generated<string | null>;
  allergies: Generated<string | null>;
  pai: Generated<boolean>;
  pai_details: Generated<string | null>;
  diet: Generated<string | null>;
  doctor_name: Generated<string | null>;
  doctor_phone: Generated<string | null>;
  vaccinations_up_to_date: Generated<boolean | null>;
  vaccination_notes: Generated<string | null>;
  glasses: Generated<boolean>;
  health_notes: Generated<string | null>;
  image_consent: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MaritalStatus = 'single' | 'married' | 'pacs' | 'cohabiting' | 'separated' | 'divorced' | 'widowed';
export type MemberRole = 'guardian' | 'partner' | 'child' | 'other';
export type GuardianQuality = 'mother' | 'father' | 'guardian' | 'other';

export interface HouseholdMembersTable {
  tenant_id: string;
  household_id: string;
  person_id: string;
  role: MemberRole;
  quality: GuardianQuality | null;
}

export interface ChildContactsTable {
  id: Id;
  tenant_id: string;
  child_id: string;
  name: string;
  relationship: string | null;
  phone: string;
  can_pick_up: Generated<boolean>;
  emergency: Generated<boolean>;
  position: Generated<number>;
}

export type ChangeRequestKind = 'record' | 'add_member' | 'contacts';
export type ChangeRequestStatus = 'pending' | 'accepted' | 'refused' | 'withdrawn';

/** A change request is decided once by staff, or withdrawn by its family before. */
export const CHANGE_REQUEST_MOVES: Transitions<ChangeRequestStatus> = {
  pending: ['accepted', 'refused', 'withdrawn'],
  accepted: [],
  refused: [],
  withdrawn: [],
};

export interface ChangeRequestsTable {
  id: Id;
  tenant_id: string;
  household_id: string;
  kind: ChangeRequestKind;
  target_person_id: string | null;
  payload: Json<unknown>;
  status: Generated<ChangeRequestStatus>;
  reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface NewsTable {
  id: Id;
  tenant_id: string;
  title: string;
  body: string;
  published_at: Timestamp;
  starts_on: CalendarDate | null;
  expires_on: CalendarDate | null;
  public: Generated<boolean>;
  created_by: string | null;
}

export interface HouseholdsTables {
  households: HouseholdsTable;
  persons: PersonsTable;
  household_members: HouseholdMembersTable;
  child_contacts: ChildContactsTable;
  change_requests: ChangeRequestsTable;
  news: NewsTable;
}
