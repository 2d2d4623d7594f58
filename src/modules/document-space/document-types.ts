import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { type FieldError, integer, required } from '../validation/fields.js';
import type { Validity } from './document-space.tables.js';

/**
 * The kinds of documents the authority asks for (assurance, vaccinations, PAI, justificatif de
 * domicile…), each with how long one stays valid. Staff who run the service set them; a kind no
 * longer asked for is withdrawn (what families sent for it stays).
 */

export interface DocumentType {
  id: string;
  label: string;
  validity: Validity;
  validityMonths: number | null;
  /** Asked once per child (vaccinations, PAI) rather than once per household. */
  perChild: boolean;
  active: boolean;
}

export const VALIDITIES: readonly Validity[] = ['none', 'school_year', 'months'];

export type DocumentTypeField = 'label' | 'validity' | 'months';
export type DocumentTypeError = FieldError | 'taken';
export type DocumentTypeErrors = Partial<Record<DocumentTypeField, DocumentTypeError>>;

export async function listDocumentTypes(scope: Scope, options: { activeOnly?: boolean } = {}): Promise<DocumentType[]> {
  if (!may(scope, 'service.read')) return [];
  let query = scope.tx
    .selectFrom('document_types')
    .select(['id', 'label', 'validity', 'validity_months as validityMonths', 'per_child as perChild', 'active'])
    .orderBy('active', 'desc')
    .orderBy('label');
  if (options.activeOnly) query = query.where('active', '=', true);
  return query.execute();
}

export async function addDocumentType(
  scope: Scope,
  form: { label?: string; validity?: string; months?: string; perChild?: boolean },
): Promise<{ kind: 'added'; id: string } | { kind: 'invalid'; errors: DocumentTypeErrors } | { kind: 'forbidden' | 'not_found' }> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const errors: DocumentTypeErrors = {};
  const label = required(form.label, 100);
  if (!label.ok) errors.label = label.error;
  const validity = VALIDITIES.find((candidate) => candidate === form.validity);
  if (!validity) errors.validity = 'choice';
  const months = integer(form.months, 1, 120);
  if (validity === 'months' && (!months.ok || months.value === null)) errors.months = months.ok ? 'required' : months.error;
  if (label.ok) {
    const same = await scope.tx.selectFrom('document_types').select('id').where('label', '=', label.value).executeTakeFirst();
    if (same) errors.label = 'taken';
  }
  if (!label.ok || !validity || Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const validityMonths = validity === 'months' && months.ok ? months.value : null;
  const row = await scope.tx
    .insertInto('document_types')
    .values({ tenant_id: scope.tenantId, label: label.value, validity, validity_months: validityMonths, per_child: form.perChild === true })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'document_type.added',
    objectType: 'document_type',
    objectId: row.id,
    details: { label: label.value, validity, validityMonths, perChild: form.perChild === true },
  });
  return { kind: 'added', id: row.id };
}

/** Withdraws a kind (no activity asks for it any more) or asks for it again. */
export async function setDocumentTypeActive(scope: Scope, typeId: string, active: boolean): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const updated = await scope.tx.updateTable('document_types').set({ active }).where('id', '=', typeId).returning('label').executeTakeFirst();
  if (!updated) return 'not_found';
  await recordAudit(scope, {
    action: active ? 'document_type.restored' : 'document_type.withdrawn',
    objectType: 'document_type',
    objectId: typeId,
    details: { label: updated.label },
  });
  return 'done';
}

/** The kinds the demo authority asks for. */
export async function addDefaultDocumentTypes(
  scope: Scope,
  kinds: { label: string; validity: Validity; validityMonths?: number; perChild?: boolean }[],
): Promise<string[]> {
  const rows = await scope.tx
    .insertInto('document_types')
    .values(
      kinds.map((kind) => ({
        tenant_id: scope.tenantId,
        label: kind.label,
        validity: kind.validity,
        validity_months: kind.validityMonths ?? null,
        per_child: kind.perChild ?? false,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}
