import { allowedHouseholds, may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { childMemberships } from '../bookings/enrollments.js';
import { tenantToday } from '../calendar/local-date.js';
import { checkDocument, type DocumentProblem, storeDocument } from '../documents/documents.js';
import type { Scope } from '../scope.js';
import { required } from '../validation/fields.js';
import { tellHousehold } from './document-notifications.js';
import type { Validity } from './document-space.tables.js';
import { expiryOf, type RequirementState, requirementState, TO_PROVIDE } from './validity.js';
import { fullName } from '../person-name.js';

/**
 * The documents activities ask for: a household is asked, for each kind, by the activities its
 * children are enrolled in (or ask to be); it sends a file, staff accept it or refuse it with a
 * reason, and the family may send another. The last file sent for a kind decides where the
 * household stands (validity.ts).
 */

/** One kind asked of one household (or of one of its children), the activities asking for it, and where it stands. */
export interface Requirement {
  householdId: string;
  householdName: string;
  typeId: string;
  label: string;
  validity: Validity;
  validityMonths: number | null;
  /** The child it is asked for, for a kind asked per child (vaccinations, PAI); null: the household's. */
  child: { id: string; name: string } | null;
  activities: { id: string; name: string }[];
  state: RequirementState;
  /** The last file sent for the kind, whatever its state. */
  documentId: string | null;
}

/** Where a kind asked of a household, or of one of its children, is kept and looked up. */
const keyOf = (householdId: string, typeId: string, childId: string | null) => `${householdId}|${typeId}|${childId ?? ''}`;

/**
 * The kinds asked of the households given (all of the authority's when `householdIds` is null),
 * ordered by household, kind and child. Only kinds still asked for count; a kind asked per child
 * is asked once for each child enrolled in an activity asking for it.
 */
async function requirementsOf(scope: Scope, householdIds: string[] | null): Promise<Requirement[]> {
  if (householdIds !== null && householdIds.length === 0) return [];
  let asked = scope.tx
    .selectFrom(childMemberships(scope.tx).as('m'))
    .innerJoin('activity_document_types as r', 'r.activity_id', 'm.activity_id')
    .innerJoin('document_types as t', 't.id', 'r.document_type_id')
    .innerJoin('activities as a', 'a.id', 'm.activity_id')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .innerJoin('persons as c', 'c.id', 'm.child_id')
    .select([
      'm.household_id',
      'h.name as household_name',
      't.id as type_id',
      't.label',
      't.validity',
      't.validity_months',
      't.per_child',
      'm.child_id',
      'c.first_name as child_first_name',
      'c.last_name as child_last_name',
      'a.id as activity_id',
      'a.name as activity_name',
    ])
    .where('t.active', '=', true)
    .orderBy('h.name')
    .orderBy('t.label')
    .orderBy('c.first_name')
    .orderBy('m.child_id')
    .orderBy('a.name');
  if (householdIds !== null) asked = asked.where('m.household_id', 'in', householdIds);
  const rows = await asked.execute();
  if (rows.length === 0) return [];
  let sent = scope.tx
    .selectFrom('document_submissions')
    .select(['household_id', 'document_type_id', 'child_id', 'document_id', 'status', 'reason', 'expires_on', 'sent_at'])
    .orderBy('sent_at', 'desc')
    .orderBy('seq', 'desc');
  if (householdIds !== null) sent = sent.where('household_id', 'in', householdIds);
  const latest = new Map<string, Awaited<ReturnType<typeof sent.execute>>[number]>();
  for (const submission of await sent.execute()) {
    const key = keyOf(submission.household_id, submission.document_type_id, submission.child_id);
    if (!latest.has(key)) latest.set(key, submission);
  }
  const today = await tenantToday(scope);
  const requirements = new Map<string, Requirement>();
  for (const row of rows) {
    const childId = row.per_child ? row.child_id : null;
    const key = keyOf(row.household_id, row.type_id, childId);
    const known = requirements.get(key);
    if (known) {
      // Two children in the same activity ask a household's kind once: the activity is listed once.
      if (!known.activities.some((activity) => activity.id === row.activity_id)) known.activities.push({ id: row.activity_id, name: row.activity_name });
      continue;
    }
    // A kind made per child after documents were sent for the household: that one counts until the child's own is sent.
    const last = latest.get(key) ?? (childId ? latest.get(keyOf(row.household_id, row.type_id, null)) : undefined);
    requirements.set(key, {
      householdId: row.household_id,
      householdName: row.household_name,
      typeId: row.type_id,
      label: row.label,
      validity: row.validity,
      validityMonths: row.validity_months,
      child: childId ? { id: childId, name: fullName(row.child_first_name, row.child_last_name!) } : null,
      activities: [{ id: row.activity_id, name: row.activity_name }],
      state: requirementState(last, today),
      documentId: last?.document_id ?? null,
    });
  }
  return [...requirements.values()];
}

/** What a household is asked for and where it stands; null when the household is not the actor's to read. */
export async function householdRequirements(scope: Scope, householdId: string): Promise<Requirement[] | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  return requirementsOf(scope, [householdId]);
}

/** For staff: the kinds each household given is asked for (the households of the enrollments waiting for a decision). */
export async function requirementsOfHouseholds(scope: Scope, householdIds: string[]): Promise<Requirement[]> {
  return requirementsOf(scope, [...allowedHouseholds(scope, 'household.read', householdIds)]);
}

/** For staff: every household that has a document to provide, missing, refused or expired. */
export async function documentsToProvide(scope: Scope): Promise<Requirement[]> {
  if (!may(scope, 'service.read')) return [];
  return (await requirementsOf(scope, null)).filter((requirement) => TO_PROVIDE.includes(requirement.state.kind));
}

export type SendOutcome = { kind: 'sent' } | { kind: 'invalid'; problem: DocumentProblem } | { kind: 'not_found' };

/**
 * A family (or staff for it) sends the file of a kind the household is asked for, for the child
 * named when the kind is asked per child; another household's, another household's child, or a
 * kind not asked, is not found.
 */
export async function sendRequestedDocument(
  scope: Scope,
  householdId: string,
  typeId: string,
  input: { file: { filename: string; data: Buffer } | null; fileTooLarge: boolean; childId?: string | null | undefined },
): Promise<SendOutcome> {
  if (!may(scope, 'household.act', householdId)) return { kind: 'not_found' };
  const childId = input.childId ?? null;
  const requirement = (await requirementsOf(scope, [householdId])).find(
    (candidate) => candidate.typeId === typeId && (candidate.child?.id ?? null) === childId,
  );
  if (!requirement) return { kind: 'not_found' };
  const checked = checkDocument(input.file, input.fileTooLarge);
  if (!checked.ok || !input.file) return { kind: 'invalid', problem: checked.ok ? 'missing' : checked.problem };
  const documentId = await storeDocument(scope, {
    householdId,
    kind: 'requested',
    filename: input.file.filename,
    contentType: checked.contentType,
    data: input.file.data,
  });
  const row = await scope.tx
    .insertInto('document_submissions')
    .values({
      tenant_id: scope.tenantId,
      household_id: householdId,
      document_type_id: typeId,
      child_id: childId,
      document_id: documentId,
      expires_on: expiryOf({ validity: requirement.validity, validity_months: requirement.validityMonths }, await tenantToday(scope)),
      sent_at: scope.now,
      sent_by: accountIdOf(scope.actor),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, {
    action: 'document.sent',
    objectType: 'document_submission',
    objectId: row.id,
    details: { householdId, type: requirement.label, childId },
  });
  return { kind: 'sent' };
}

/** The documents families sent that wait for staff, oldest first. */
export async function pendingSubmissions(scope: Scope) {
  if (!may(scope, 'service.read')) return [];
  return scope.tx
    .selectFrom('document_submissions as s')
    .innerJoin('document_types as t', 't.id', 's.document_type_id')
    .innerJoin('households as h', 'h.id', 's.household_id')
    .innerJoin('documents as d', 'd.id', 's.document_id')
    .leftJoin('persons as c', 'c.id', 's.child_id')
    .select([
      's.id',
      's.household_id',
      'h.name as household_name',
      't.label',
      'c.first_name as child_first_name',
      'c.last_name as child_last_name',
      's.sent_at',
      's.document_id',
      'd.filename',
      'd.size_bytes',
    ])
    .where('s.status', '=', 'pending')
    .orderBy('s.sent_at')
    .limit(500)
    .execute();
}

export type SubmissionDecision = { accept: true } | { accept: false; reason: string | undefined };
export type DecisionOutcome = 'done' | 'reason_required' | 'reason_too_long' | 'already_decided' | 'not_found' | 'forbidden';

/** Staff accept a document sent, or refuse it with a reason the family reads (and is told of by an email without it). */
export async function decideSubmission(scope: Scope, submissionId: string, decision: SubmissionDecision): Promise<DecisionOutcome> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  let reason: string | null = null;
  if (!decision.accept) {
    const checked = required(decision.reason, 500);
    if (!checked.ok) return checked.error === 'required' ? 'reason_required' : 'reason_too_long';
    reason = checked.value;
  }
  const updated = await scope.tx
    .updateTable('document_submissions')
    .set({ status: decision.accept ? 'accepted' : 'refused', reason, decided_by: accountIdOf(scope.actor), decided_at: scope.now })
    .where('id', '=', submissionId)
    .where('status', '=', 'pending')
    .returning(['household_id'])
    .executeTakeFirst();
  if (!updated) {
    const exists = await scope.tx.selectFrom('document_submissions').select('id').where('id', '=', submissionId).executeTakeFirst();
    return exists ? 'already_decided' : 'not_found';
  }
  await recordAudit(scope, {
    action: decision.accept ? 'document.accepted' : 'document.refused',
    objectType: 'document_submission',
    objectId: submissionId,
    details: { householdId: updated.household_id, ...(reason ? { reason } : {}) },
  });
  if (!decision.accept) await tellHousehold(scope, updated.household_id, 'refused');
  return 'done';
}
