import type { Generated } from 'kysely';
import type { Id, NullableTimestamp, Timestamp } from '../../db/column-types.js';
import type { StaffRole } from '../actor.js';
import type { Transitions } from '../state-machine.js';

export type { StaffRole };

export type AccountKind = 'family' | 'staff';
export type AccountStatus = 'invited' | 'active' | 'disabled';

export interface AccountsTable {
  id: Id;
  tenant_id: string;
  email: string;
  kind: AccountKind;
  staff_role: StaffRole | null;
  household_id: string | null;
  person_id: string | null;
  display_name: string;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  status: Generated<AccountStatus>;
  /** Encrypted by src/modules/identity/totp.ts; set while enrolling, kept once enabled. */
  totp_secret: string | null;
  totp_enabled_at: NullableTimestamp;
  /** Last 30-second step a code was accepted for: a code is never accepted twice. */
  totp_last_step: number | null;
  created_at: Timestamp;
  last_login_at: NullableTimestamp;
  password_changed_at: NullableTimestamp;
  locale: Generated<'fr' | 'en'>;
}

export interface SessionsTable {
  token_hash: string;
  tenant_id: string;
  account_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  awaiting_second_factor: Generated<boolean>;
  ip: string | null;
  user_agent: string | null;
}

export type TokenPurpose = 'invitation' | 'password_reset';

export interface AccountTokensTable {
  token_hash: string;
  tenant_id: string;
  account_id: string;
  purpose: TokenPurpose;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface LoginFailuresTable {
  tenant_id: string;
  key: string;
  failures: Generated<number>;
  last_failure_at: Timestamp;
}

export interface AltchaSpentTable {
  tenant_id: string;
  signature: string;
  expires_at: Timestamp;
}

export type AccountRequestStatus = 'pending' | 'accepted' | 'refused';

/** An account request is decided once by staff. */
export const ACCOUNT_REQUEST_MOVES: Transitions<AccountRequestStatus> = { pending: ['accepted', 'refused'], accepted: [], refused: [] };

export interface AccountRequestsTable {
  id: Id;
  tenant_id: string;
  email: string;
  civility: 'mme' | 'm' | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  address_line1: string | null;
  postcode: string | null;
  city: string | null;
  children: string | null;
  message: string | null;
  status: Generated<AccountRequestStatus>;
  reason: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  account_id: string | null;
  created_at: Timestamp;
}

/** Bearer tokens of the families' JSON API; only the hash is stored (api-tokens.ts). */
export interface ApiTokensTable {
  token_hash: string;
  tenant_id: string;
  account_id: string;
  created_at: Timestamp;
  last_used_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface IdentityTables {
  accounts: AccountsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  account_tokens: AccountTokensTable;
  login_failures: LoginFailuresTable;
  altcha_spent: AltchaSpentTable;
  account_requests: AccountRequestsTable;
}
