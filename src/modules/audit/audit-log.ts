import type { Scope } from '../scope.js';
import { accountIdOf } from '../actor.js';

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Writes who did what, in the same transaction as the change itself. */
export async function recordAudit(scope: Scope, entry: AuditEntry): Promise<void> {
  const actorAccountId = accountIdOf(scope.actor);
  await scope.tx
    .insertInto('audit_log')
    .values({
      tenant_id: scope.tenantId,
      at: scope.now,
      actor_account_id: actorAccountId,
      actor_label: scope.actor.label,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}

/** What happened to these objects (a household, its people, its requests…), newest first, leaving out some actions. */
export async function auditFor(scope: Scope, objectIds: string[], options: { exceptActions?: string[]; limit?: number } = {}) {
  if (objectIds.length === 0) return [];
  let query = scope.tx
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_label', 'action', 'object_type', 'object_id', 'details'])
    .where('object_id', 'in', objectIds);
  if (options.exceptActions?.length) query = query.where('action', 'not in', options.exceptActions);
  return query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 200)
    .execute();
}
