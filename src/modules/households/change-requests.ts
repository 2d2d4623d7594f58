import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { MailSender } from '../notifications/compose-email.js';
import { decisionBatch, type FamilyNews } from '../notifications/family-news.js';
import type { Scope } from '../scope.js';
import { PAGES } from '../page-paths.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { phone as checkPhone, required, type FieldError } from '../validation/fields.js';
import { applyFieldValues, currentValue, getHouseholdRecord, memberFor, type ChildContact, type HouseholdRecord } from './household-record.js';
import type { ChangeRequestKind, ChangeRequestStatus, MemberRole } from './households.tables.js';
import {
  checkFieldValue,
  CHILD_SECTIONS,
  DEFAULT_MAX_CHILD_AGE,
  fieldsOf,
  policyOf,
  recordField,
  sameValue,
  type CheckContext,
  type RecordField,
  type RecordSection,
  type StoredValue,
} from './record-fields.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { canMove, sourcesOf } from '../state-machine.js';
import { CHANGE_REQUEST_MOVES } from './households.tables.js';

/**
 * How a household's record changes: staff change it directly; a family's change applies at once
 * for the fields the tenant lets families change, and becomes a request for the others, which
 * staff accept (the change is applied in the same transaction as the decision) or refuse with a
 * reason. Every change and decision is audited; the family is told of each decision by email.
 */

export type FieldChanges = Record<string, { old: StoredValue; new: StoredValue }>;
export interface ContactInput {
  name: string;
  relationship: string | null;
  phone: string;
  canPickUp: boolean;
  emergency: boolean;
}
export type RequestPayload =
  | { fields: FieldChanges }
  | { role: 'child' | 'partner'; fields: Record<string, StoredValue> }
  | { old: ContactInput[]; new: ContactInput[] };

export type ChangeOutcome =
  | { kind: 'not_found' }
  | { kind: 'invalid'; errors: Record<string, FieldError> }
  | { kind: 'saved'; applied: string[]; requested: string[] };

export function checkContext(settings: TenantSettings, today: string): CheckContext {
  return { today, maxChildAge: settings.maxChildAge ?? DEFAULT_MAX_CHILD_AGE };
}

/** Checks the submitted values of one section of the record; errors by field key. */
function checkSection(fields: RecordField[], form: Record<string, string | undefined>, context: CheckContext) {
  const errors: Record<string, FieldError> = {};
  const values: [RecordField, StoredValue][] = [];
  for (const def of fields) {
    if (!(def.key in form)) continue;
    const checked = checkFieldValue(def, form[def.key], context);
    if (checked.ok) values.push([def, checked.value]);
    else errors[def.key] = checked.error;
  }
  return { errors, values };
}

function sectionTarget(section: RecordSection): 'household' | 'adult' | 'child' {
  return fieldsOf(section)[0]!.target;
}

/** A change of one section of the record (the household's, or one person's). */
export async function changeRecordSection(
  scope: Scope,
  settings: TenantSettings,
  context: CheckContext,
  input: { householdId: string; personId: string | null; section: RecordSection; form: Record<string, string | undefined> },
): Promise<ChangeOutcome> {
  const record = await getHouseholdRecord(scope, input.householdId);
  if (!record) return { kind: 'not_found' };
  const target = sectionTarget(input.section);
  if (target === 'household' ? input.personId !== null : !input.personId || !memberFor(record, input.personId, target)) return { kind: 'not_found' };

  const { errors, values } = checkSection(fieldsOf(input.section), input.form, context);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const changed = values.filter(([def, value]) => !sameValue(currentValue(record, def, input.personId), value));
  const staff = scope.actor.kind === 'staff';
  const direct = changed.filter(([def]) => staff || policyOf(def, settings) === 'direct');
  const requested = changed.filter(([def]) => !staff && policyOf(def, settings) === 'request');

  if (direct.length > 0) {
    await applyFieldValues(scope, input.householdId, input.personId, direct);
    await recordAudit(scope, {
      action: 'household.record_changed',
      objectType: input.personId ? 'person' : 'household',
      objectId: input.personId ?? input.householdId,
      details: { householdId: input.householdId, changes: describeChanges(record, input.personId, direct) },
    });
  }
  if (requested.length > 0) await fileRecordRequest(scope, record, input.personId, describeChanges(record, input.personId, requested));
  return { kind: 'saved', applied: direct.map(([def]) => def.key), requested: requested.map(([def]) => def.key) };
}

function describeChanges(record: HouseholdRecord, personId: string | null, values: [RecordField, StoredValue][]): FieldChanges {
  return Object.fromEntries(values.map(([def, value]) => [def.key, { old: currentValue(record, def, personId), new: value }]));
}

/**
 * Files the family's request; a pending request on the same household or person is completed
 * rather than doubled, so staff decide once on the latest wish.
 */
async function fileRecordRequest(scope: Scope, record: HouseholdRecord, personId: string | null, changes: FieldChanges): Promise<void> {
  const pending = await scope.tx
    .selectFrom('change_requests')
    .select(['id', 'payload'])
    .where('household_id', '=', record.household.id)
    .where('kind', '=', 'record')
    .where('status', '=', 'pending')
    .where((eb) => (personId ? eb('target_person_id', '=', personId) : eb('target_person_id', 'is', null)))
    .forUpdate()
    .executeTakeFirst();
  if (pending) {
    const merged = { fields: { ...(pending.payload as { fields: FieldChanges }).fields, ...changes } };
    await scope.tx
      .updateTable('change_requests')
      .set({ payload: JSON.stringify(merged), created_at: scope.now })
      .where('id', '=', pending.id)
      .execute();
    await recordAudit(scope, { action: 'change_request.updated', objectType: 'change_request', objectId: pending.id, details: { changes } });
    return;
  }
  await createRequest(scope, record.household.id, 'record', personId, { fields: changes });
}

async function createRequest(scope: Scope, householdId: string, kind: ChangeRequestKind, personId: string | null, payload: RequestPayload): Promise<string> {
  const row = await scope.tx
    .insertInto('change_requests')
    .values({
      tenant_id: scope.tenantId,
      household_id: householdId,
      kind,
      target_person_id: personId,
      payload: JSON.stringify(payload),
      created_by: scope.actor.kind === 'family' ? accountIdOf(scope.actor) : null,
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'change_request.created', objectType: 'change_request', objectId: row.id, details: { householdId, kind, payload } });
  return row.id;
}

/**
 * A child written in an account request, waiting in its new household for staff to check and
 * accept it, as a family's own request to add a child would.
 */
export async function requestSignupChild(scope: Scope, householdId: string, fields: Record<string, StoredValue>): Promise<string> {
  return createRequest(scope, householdId, 'add_member', null, { role: 'child', fields });
}

/** A family asks to add a child or a partner to its household; staff create them on acceptance. */
export async function requestNewMember(
  scope: Scope,
  context: CheckContext,
  input: { householdId: string; role: 'child' | 'partner'; form: Record<string, string | undefined> },
): Promise<{ kind: 'not_found' } | { kind: 'invalid'; errors: Record<string, FieldError> } | { kind: 'saved'; requestId: string }> {
  if (!may(scope, 'household.read', input.householdId)) return { kind: 'not_found' };
  const sections: RecordSection[] = input.role === 'child' ? CHILD_SECTIONS : ['identity', 'contact'];
  const fields = sections.flatMap(fieldsOf);
  const form = Object.fromEntries(fields.map((def) => [def.key, input.form[def.key] ?? '']));
  const { errors, values } = checkSection(fields, form, context);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const filled = Object.fromEntries(
    values.filter(([def, value]) => value !== null && !(def.kind === 'boolean' && value === false)).map(([def, value]) => [def.key, value]),
  );
  const requestId = await createRequest(scope, input.householdId, 'add_member', null, { role: input.role, fields: filled });
  return { kind: 'saved', requestId };
}

export function checkContacts(rows: { name?: string; relationship?: string; phone?: string; canPickUp?: boolean; emergency?: boolean }[]) {
  const errors: Record<string, FieldError> = {};
  const contacts: ContactInput[] = [];
  rows.forEach((row, index) => {
    const blank = !row.name?.trim() && !row.phone?.trim();
    if (blank) return;
    const name = required(row.name, 100);
    const phone = checkPhone(row.phone);
    if (!name.ok) errors[`contact.${index}.name`] = name.error;
    if (!phone.ok) errors[`contact.${index}.phone`] = phone.error;
    else if (phone.value === null) errors[`contact.${index}.phone`] = 'required';
    if (name.ok && phone.ok && phone.value) {
      contacts.push({
        name: name.value,
        relationship: row.relationship?.trim() || null,
        phone: phone.value,
        canPickUp: row.canPickUp ?? false,
        emergency: row.emergency ?? false,
      });
    }
  });
  return { errors, contacts };
}

/** The people allowed to pick a child up and to be called in an emergency, as one list. */
export async function changeChildContacts(
  scope: Scope,
  input: { householdId: string; childId: string; rows: Parameters<typeof checkContacts>[0] },
): Promise<ChangeOutcome> {
  const record = await getHouseholdRecord(scope, input.householdId);
  if (!record || !memberFor(record, input.childId, 'child')) return { kind: 'not_found' };
  const { errors, contacts } = checkContacts(input.rows);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const old = (record.contacts.get(input.childId) ?? []).map(contactInput);
  if (JSON.stringify(old) === JSON.stringify(contacts)) return { kind: 'saved', applied: [], requested: [] };
  if (scope.actor.kind === 'staff') {
    await replaceContacts(scope, input.childId, contacts);
    await recordAudit(scope, { action: 'child.contacts_changed', objectType: 'person', objectId: input.childId, details: { old, new: contacts } });
    return { kind: 'saved', applied: ['child.contacts'], requested: [] };
  }
  await scope.tx
    .updateTable('change_requests')
    .set({ status: 'withdrawn', decided_at: scope.now })
    .where('household_id', '=', input.householdId)
    .where('kind', '=', 'contacts')
    .where('target_person_id', '=', input.childId)
    .where('status', 'in', sourcesOf(CHANGE_REQUEST_MOVES, 'withdrawn'))
    .execute();
  await createRequest(scope, input.householdId, 'contacts', input.childId, { old, new: contacts });
  return { kind: 'saved', applied: [], requested: ['child.contacts'] };
}

function contactInput(contact: ChildContact): ContactInput {
  return { name: contact.name, relationship: contact.relationship, phone: contact.phone, canPickUp: contact.can_pick_up, emergency: contact.emergency };
}

async function replaceContacts(scope: Scope, childId: string, contacts: ContactInput[]): Promise<void> {
  await scope.tx.deleteFrom('child_contacts').where('child_id', '=', childId).execute();
  if (contacts.length === 0) return;
  await scope.tx
    .insertInto('child_contacts')
    .values(
      contacts.map((contact, position) => ({
        tenant_id: scope.tenantId,
        child_id: childId,
        name: contact.name,
        relationship: contact.relationship,
        phone: contact.phone,
        can_pick_up: contact.canPickUp,
        emergency: contact.emergency,
        position,
      })),
    )
    .execute();
}

export interface RequestRow {
  id: string;
  household_id: string;
  household_name: string;
  kind: ChangeRequestKind;
  target_person_id: string | null;
  target_name: string | null;
  payload: RequestPayload;
  status: ChangeRequestStatus;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

function requestQuery(scope: Scope) {
  return scope.tx
    .selectFrom('change_requests as r')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .leftJoin('persons as p', 'p.id', 'r.target_person_id')
    .select([
      'r.id',
      'r.household_id',
      'h.name as household_name',
      'r.kind',
      'r.target_person_id',
      'r.payload',
      'r.status',
      'r.reason',
      'r.created_at',
      'r.decided_at',
    ])
    .select(sql<string | null>`case when p.id is null then null else p.first_name || ' ' || p.last_name end`.as('target_name'));
}

/** A household's requests, newest first, optionally of one kind. */
export async function householdRequests(
  scope: Scope,
  householdId: string,
  filter: { kind?: ChangeRequestKind; pendingOnly?: boolean } = {},
): Promise<RequestRow[] | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  let query = requestQuery(scope).where('r.household_id', '=', householdId).orderBy('r.created_at', 'desc');
  if (filter.kind) query = query.where('r.kind', '=', filter.kind);
  if (filter.pendingOnly) query = query.where('r.status', '=', 'pending');
  return (await query.execute()) as RequestRow[];
}

/**
 * The values waiting for the service's decision, by person id ('household' for the household's own
 * fields) then by field key, so the record can show them next to the current ones.
 */
export async function pendingFieldValues(scope: Scope, householdId: string): Promise<Map<string, Record<string, StoredValue>>> {
  const pending = new Map<string, Record<string, StoredValue>>();
  if (!may(scope, 'household.read', householdId)) return pending;
  const rows = await scope.tx
    .selectFrom('change_requests')
    .select(['target_person_id', 'payload'])
    .where('household_id', '=', householdId)
    .where('kind', '=', 'record')
    .where('status', '=', 'pending')
    .execute();
  for (const row of rows) {
    const fields = (row.payload as { fields: FieldChanges }).fields;
    pending.set(row.target_person_id ?? 'household', Object.fromEntries(Object.entries(fields).map(([key, change]) => [key, change.new])));
  }
  return pending;
}

/** How many record changes wait for staff: a household's (its family or staff), or the whole service's (staff). */
export async function countPendingChangeRequests(scope: Scope, householdId?: string): Promise<number> {
  if (householdId === undefined ? !may(scope, 'service.read') : !may(scope, 'household.read', householdId)) return 0;
  let query = scope.tx
    .selectFrom('change_requests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending');
  if (householdId !== undefined) query = query.where('household_id', '=', householdId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Staff's inbox: every pending request of the tenant, oldest first, optionally of one kind. */
export async function pendingRequests(scope: Scope, kind?: ChangeRequestKind): Promise<RequestRow[]> {
  if (!may(scope, 'service.read')) return [];
  let query = requestQuery(scope).where('r.status', '=', 'pending').orderBy('r.created_at');
  if (kind) query = query.where('r.kind', '=', kind);
  return (await query.execute()) as RequestRow[];
}

/** The family takes back a request staff have not decided yet. */
export async function withdrawRequest(scope: Scope, requestId: string): Promise<'done' | 'not_found' | 'already_decided'> {
  if (scope.actor.kind !== 'family') return 'not_found';
  const row = await scope.tx.selectFrom('change_requests').select(['household_id', 'status']).where('id', '=', requestId).executeTakeFirst();
  if (!row || row.household_id !== scope.actor.householdId) return 'not_found';
  const updated = await scope.tx
    .updateTable('change_requests')
    .set({ status: 'withdrawn', decided_at: scope.now })
    .where('id', '=', requestId)
    .where('status', 'in', sourcesOf(CHANGE_REQUEST_MOVES, 'withdrawn'))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return 'already_decided';
  await recordAudit(scope, { action: 'change_request.withdrawn', objectType: 'change_request', objectId: requestId });
  return 'done';
}

export type Decision = { accept: true } | { accept: false; reason: string };
export type DecisionResult = 'done' | 'not_found' | 'already_decided' | 'reason_required' | 'forbidden' | 'email_taken';

/** Staff decide one request; the family is told by email. */
export async function decideRequest(scope: Scope, requestId: string, decision: Decision, mail: MailSender): Promise<DecisionResult> {
  const news = decisionBatch();
  const result = await decideRequestInBatch(scope, requestId, decision, news);
  await news.send(scope, mail);
  return result;
}

/**
 * Staff decide a request; on acceptance its change is applied in the same transaction. A request
 * is decided once, even when two staff members decide it at the same moment. The family's news
 * joins `news`, sent by the caller once the batch is decided.
 */
export async function decideRequestInBatch(scope: Scope, requestId: string, decision: Decision, news: FamilyNews): Promise<DecisionResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (!decision.accept && decision.reason.trim() === '') return 'reason_required';
  const request = await scope.tx.selectFrom('change_requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
  if (!request) return 'not_found';
  if (!canMove(CHANGE_REQUEST_MOVES, request.status, decision.accept ? 'accepted' : 'refused')) return 'already_decided';
  const payload = request.payload as RequestPayload;

  if (decision.accept) {
    const applied = await applyRequest(scope, request.household_id, request.kind, request.target_person_id, payload);
    if (applied !== 'done') return applied;
  }
  await scope.tx
    .updateTable('change_requests')
    .set({
      status: decision.accept ? 'accepted' : 'refused',
      reason: decision.accept ? null : decision.reason.trim(),
      decided_by: accountIdOf(scope.actor),
      decided_at: scope.now,
    })
    .where('id', '=', requestId)
    .execute();
  await recordAudit(scope, {
    action: decision.accept ? 'change_request.accepted' : 'change_request.refused',
    objectType: 'change_request',
    objectId: requestId,
    details: { householdId: request.household_id, kind: request.kind, ...(decision.accept ? {} : { reason: decision.reason.trim() }) },
  });
  news.add(
    request.household_id,
    decision.accept
      ? {
          line: 'mail.decisions.line.request.accepted',
          params: {},
          alone: { subject: 'mail.request.accepted.subject', body: 'mail.request.accepted.body', link: PAGES.requests },
        }
      : {
          line: 'mail.decisions.line.request.refused',
          params: { reason: decision.reason.trim() },
          alone: { subject: 'mail.request.refused.subject', body: 'mail.request.refused.body', link: PAGES.requests },
        },
  );
  return 'done';
}

async function applyRequest(
  scope: Scope,
  householdId: string,
  kind: ChangeRequestKind,
  personId: string | null,
  payload: RequestPayload,
): Promise<DecisionResult> {
  if (kind === 'record' && 'fields' in payload && !('role' in payload)) {
    const values = Object.entries(payload.fields)
      .map(([key, change]) => [recordField(key), change.new] as const)
      .filter((entry): entry is [RecordField, StoredValue] => entry[0] !== undefined);
    const email = values.find(([def]) => def.key === 'adult.email')?.[1];
    if (typeof email === 'string') {
      const taken = await scope.tx
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', email)
        .where('person_id', '!=', personId ?? '')
        .executeTakeFirst();
      if (taken) return 'email_taken';
    }
    await applyFieldValues(scope, householdId, personId, values);
    return 'done';
  }
  if (kind === 'add_member' && 'role' in payload) {
    await addMember(scope, householdId, payload.role, payload.fields);
    return 'done';
  }
  if (kind === 'contacts' && 'new' in payload && personId) {
    await replaceContacts(scope, personId, payload.new);
    return 'done';
  }
  throw new Error(`request of kind ${kind} has an unexpected payload`);
}

async function addMember(scope: Scope, householdId: string, role: MemberRole, fields: Record<string, StoredValue>): Promise<string> {
  const columns = Object.fromEntries(
    Object.entries(fields)
      .map(([key, value]) => [recordField(key), value] as const)
      .filter(([def]) => def !== undefined)
      .map(([def, value]) => [def!.column, value]),
  );
  const person = await scope.tx
    .insertInto('persons')
    .values({ first_name: '', last_name: '', ...columns, tenant_id: scope.tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await scope.tx
    .insertInto('household_members')
    .values({ tenant_id: scope.tenantId, household_id: householdId, person_id: person.id, role, quality: null })
    .execute();
  return person.id;
}
