import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import { checkDocument, type DocumentProblem, storeDocument } from '../documents/documents.js';
import type { Scope } from '../scope.js';
import { type FieldError, required } from '../validation/fields.js';
import { tellHousehold } from './document-notifications.js';

/**
 * Files the service adds for one household (a letter, a certificate made by hand): the family finds
 * them in its documents space and is told by an email without the file. They are documents of the
 * household (documents/), downloaded where the household's other documents are.
 */

export type HouseholdDocumentErrors = { title?: FieldError; file?: DocumentProblem };

export async function addHouseholdDocument(
  scope: Scope,
  householdId: string,
  input: { title: string | undefined; file: { filename: string; data: Buffer } | null; fileTooLarge: boolean },
): Promise<{ kind: 'added'; id: string } | { kind: 'invalid'; errors: HouseholdDocumentErrors } | { kind: 'forbidden' | 'not_found' }> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const household = await scope.tx.selectFrom('households').select('id').where('id', '=', householdId).executeTakeFirst();
  if (!household) return { kind: 'not_found' };
  const title = required(input.title, 200);
  const checked = checkDocument(input.file, input.fileTooLarge);
  const errors: HouseholdDocumentErrors = {};
  if (!title.ok) errors.title = title.error;
  if (!checked.ok) errors.file = checked.problem;
  if (!title.ok || !checked.ok || !input.file) return { kind: 'invalid', errors };
  const id = await storeDocument(scope, {
    householdId,
    kind: 'from_service',
    title: title.value,
    filename: input.file.filename,
    contentType: checked.contentType,
    data: input.file.data,
  });
  await recordAudit(scope, { action: 'document.added', objectType: 'household', objectId: householdId, details: { title: title.value } });
  await tellHousehold(scope, householdId, 'added');
  return { kind: 'added', id };
}

/** The files the service added for a household, newest first. */
export async function householdDocuments(scope: Scope, householdId: string) {
  if (!may(scope, 'household.read', householdId)) return null;
  return scope.tx
    .selectFrom('documents')
    .select(['id', 'title', 'filename', 'size_bytes', 'created_at'])
    .where('household_id', '=', householdId)
    .where('kind', '=', 'from_service')
    .orderBy('created_at', 'desc')
    .execute();
}
