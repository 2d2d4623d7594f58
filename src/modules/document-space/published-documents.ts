import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { activityMemberships } from '../bookings/enrollments.js';
import { tenantToday } from '../calendar/local-date.js';
import { checkDocument, type DocumentProblem, documentFileName } from '../documents/documents.js';
import type { Scope } from '../scope.js';
import { dateWindow, type WindowError } from '../validation/date-window.js';
import { type FieldError, required } from '../validation/fields.js';

/**
 * Documents the service publishes (règlement intérieur, menus, programmes): for every family of
 * the authority, or for the families of one activity, from a first day to a last one. Families see
 * them signed in only (never on the public pages); another activity's document is "not found" to them.
 */

export interface PublishForm {
  title?: string;
  activityId?: string;
  visibleFrom?: string;
  visibleUntil?: string;
  file: { filename: string; data: Buffer } | null;
  fileTooLarge: boolean;
}

export type PublishField = 'title' | 'activityId' | 'visibleFrom' | 'visibleUntil' | 'file';
export type PublishError = FieldError | WindowError | DocumentProblem;
export type PublishErrors = Partial<Record<PublishField, PublishError>>;

export async function publishDocument(
  scope: Scope,
  form: PublishForm,
): Promise<{ kind: 'published'; id: string } | { kind: 'invalid'; errors: PublishErrors } | { kind: 'forbidden' | 'not_found' }> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const today = await tenantToday(scope);
  const errors: PublishErrors = {};
  const title = required(form.title, 200);
  if (!title.ok) errors.title = title.error;
  const activity = form.activityId ? await scope.tx.selectFrom('activities').select('id').where('id', '=', form.activityId).executeTakeFirst() : undefined;
  if (form.activityId && !activity) errors.activityId = 'choice';
  const window = dateWindow(form.visibleFrom, form.visibleUntil, today);
  if (!window.ok) {
    if (window.errors.startsOn) errors.visibleFrom = window.errors.startsOn;
    if (window.errors.endsOn) errors.visibleUntil = window.errors.endsOn;
  }
  const checked = checkDocument(form.file, form.fileTooLarge);
  if (!checked.ok) errors.file = checked.problem;
  if (!title.ok || !window.ok || !checked.ok || !form.file || Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const row = await scope.tx
    .insertInto('published_documents')
    .values({
      tenant_id: scope.tenantId,
      title: title.value,
      activity_id: activity?.id ?? null,
      visible_from: window.value.startsOn ?? today,
      visible_until: window.value.endsOn,
      filename: documentFileName(form.file.filename, checked.contentType),
      content_type: checked.contentType,
      size_bytes: form.file.data.length,
      content: form.file.data,
      created_by: accountIdOf(scope.actor),
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'document.published',
    objectType: 'published_document',
    objectId: row.id,
    details: { title: title.value, activityId: activity?.id ?? null, from: window.value.startsOn ?? today, until: window.value.endsOn },
  });
  return { kind: 'published', id: row.id };
}

export async function deletePublishedDocument(scope: Scope, documentId: string): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  const deleted = await scope.tx.deleteFrom('published_documents').where('id', '=', documentId).returning('title').executeTakeFirst();
  if (!deleted) return 'not_found';
  await recordAudit(scope, { action: 'document.unpublished', objectType: 'published_document', objectId: documentId, details: { title: deleted.title } });
  return 'done';
}

const listed = (scope: Scope) =>
  scope.tx
    .selectFrom('published_documents as p')
    .leftJoin('activities as a', 'a.id', 'p.activity_id')
    .select(['p.id', 'p.title', 'p.activity_id', 'a.name as activity_name', 'p.visible_from', 'p.visible_until', 'p.filename', 'p.size_bytes', 'p.created_at'])
    .orderBy('p.visible_from', 'desc')
    .orderBy('p.created_at', 'desc');

/** Every published document, scheduled and ended ones included, for staff. */
export async function allPublishedDocuments(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  return listed(scope).limit(500).execute();
}

/** The published documents a household sees on a day: within their window, for everyone or for an activity it is in. */
const seenBy = (scope: Scope, householdId: string, today: string) =>
  listed(scope)
    .where('p.visible_from', '<=', today)
    .where((eb) => eb.or([eb('p.visible_until', 'is', null), eb('p.visible_until', '>=', today)]))
    .where((eb) =>
      eb.or([
        eb('p.activity_id', 'is', null),
        eb('p.activity_id', 'in', activityMemberships(scope.tx).clearSelect().select('activity_id').where('household_id', '=', householdId)),
      ]),
    );

/** The published documents a household sees today. */
export async function householdPublishedDocuments(scope: Scope, householdId: string) {
  if (!may(scope, 'household.read', householdId)) return null;
  return seenBy(scope, householdId, await tenantToday(scope)).execute();
}

/** A published document's file: any for staff; for a family, only one it sees today (else "not found"). */
export async function readPublishedDocument(scope: Scope, documentId: string) {
  if (may(scope, 'service.read'))
    return (
      (await scope.tx
        .selectFrom('published_documents')
        .select(['id', 'filename', 'content_type', 'content'])
        .where('id', '=', documentId)
        .executeTakeFirst()) ?? null
    );
  if (scope.actor.kind !== 'family' || !may(scope, 'household.read', scope.actor.householdId)) return null;
  const file = await seenBy(scope, scope.actor.householdId, await tenantToday(scope))
    .clearSelect()
    .clearOrderBy()
    .select(['p.id', 'p.filename', 'p.content_type', 'p.content'])
    .where('p.id', '=', documentId)
    .executeTakeFirst();
  return file ?? null;
}
