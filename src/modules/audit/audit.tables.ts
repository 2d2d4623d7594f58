import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/column-types.js';

export interface AuditLogTable {
  id: Generated<number>;
  tenant_id: string;
  at: Timestamp;
  actor_account_id: string | null;
  actor_label: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: Json<Record<string, unknown>>;
  ip: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
