import type { Generated } from 'kysely';
import type { Id, Json, Timestamp } from '../../db/column-types.js';

export interface TenantSettings {
  /** How a household created by staff gets in: an invitation link, or a temporary password. */
  firstAccess?: 'invitation' | 'temporary_password';
  /** Per record field (households/record-fields.ts): a family's change applies at once, or is a request. */
  fieldPolicies?: Record<string, 'direct' | 'request'>;
  /** The oldest age, in years, of a child the service takes. */
  maxChildAge?: number;
  /** How many days after a day an absence may still be declared for it (absences.ts ABSENCE_LATE_DAYS by default). */
  absenceLateDays?: number;
  /** Bookings on the days of a school year whose holidays are not imported: refused until they are (default), or taken as school days. */
  unknownSchoolYearBookings?: 'closed' | 'open';
  /** Billing: how long a quotient familial stays valid after its date (12 months by default). */
  qfValidityMonths?: number;
  /** Billing: the postcodes of the authority's residents; none set: every household is resident. */
  residentPostcodes?: string[];
  /** The authority's SIRET, printed on invoices and certificates. */
  siret?: string;
  /** Who signs the certificates: name and role (the tax certificate is dated and signed). */
  signatory?: string;
  /** Who signs the service's messages for families: the answering team (default), or the staff member and the team. */
  messageSignature?: 'team' | 'person';
  /** The name the authority's emails are sent under (the authority's name when unset). */
  emailSenderName?: string;
  /** The authority's own legal mentions (publisher, data protection officer…), shown on its legal page. */
  legalNotice?: string;
  /** How many months each kind of personal data is kept (retention/retention-policy.ts); unset: its default. */
  retention?: Partial<Record<'closedHouseholdMonths' | 'messageMonths' | 'fileMonths' | 'emailMonths' | 'connectionMonths' | 'auditMonths', number>>;
}

export interface TenantsTable {
  id: Id;
  slug: string;
  name: string;
  hosts: Generated<string[]>;
  time_zone: Generated<string>;
  school_zone: Generated<string>;
  public_holiday_region: string | null;
  website_url: string | null;
  /** The logo's address inside the tenant (`/logo/<version>.<ext>`, authority/authority-logo.ts), or none. */
  logo_path: string | null;
  contact_name: string | null;
  contact_address: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_hours: string | null;
  settings: Json<TenantSettings>;
  is_demo: Generated<boolean>;
  created_at: Timestamp;
}

export interface CountersTable {
  tenant_id: string;
  name: string;
  value: number;
}

export interface TenancyTables {
  tenants: TenantsTable;
  counters: CountersTable;
}
