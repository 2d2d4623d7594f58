import { recordAudit } from '../audit/audit-log.js';
import { may, refusal } from '../access.js';
import type { Scope } from '../scope.js';
import { updateTenantSettings } from '../tenancy/tenant-settings.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { email, type FieldError, required } from '../validation/fields.js';

/**
 * The subjects a family may write about, each answered by one staff team: the authority sets them
 * (restauration, périscolaire, facturation…). A subject in use is never deleted, only withdrawn
 * from the families' form, so that old threads keep their subject and team.
 */

export interface MessageSubject {
  id: string;
  label: string;
  team: string;
  teamEmail: string | null;
  active: boolean;
}

export async function listSubjects(scope: Scope, options: { activeOnly?: boolean } = {}): Promise<MessageSubject[]> {
  let query = scope.tx.selectFrom('message_subjects').select(['id', 'label', 'team', 'team_email', 'active']).orderBy('position').orderBy('label');
  if (options.activeOnly) query = query.where('active', '=', true);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, label: row.label, team: row.team, teamEmail: row.team_email, active: row.active }));
}

/** The teams named by the subjects, for the inbox's filter. */
export async function listTeams(scope: Scope): Promise<string[]> {
  const rows = await scope.tx.selectFrom('message_subjects').select('team').distinct().orderBy('team').execute();
  return rows.map((row) => row.team);
}

export interface SubjectForm {
  label: string | undefined;
  team: string | undefined;
  teamEmail: string | undefined;
  active: boolean;
}

export type SubjectField = 'label' | 'team' | 'teamEmail';
export type SubjectError = FieldError | 'duplicate';

/** Adds a subject (`subjectId` undefined) or changes one; administrators only. */
export async function saveSubject(
  scope: Scope,
  subjectId: string | undefined,
  form: SubjectForm,
): Promise<{ kind: 'saved'; id: string } | { kind: 'invalid'; errors: Partial<Record<SubjectField, SubjectError>> } | { kind: 'forbidden' | 'not_found' }> {
  if (!may(scope, 'service.administer')) return { kind: refusal(scope) };
  const label = required(form.label, 100);
  const team = required(form.team, 100);
  const teamEmail = (form.teamEmail ?? '').trim() === '' ? ({ ok: true, value: null } as const) : email(form.teamEmail);
  const errors: Partial<Record<SubjectField, SubjectError>> = {};
  if (!label.ok) errors.label = label.error;
  if (!team.ok) errors.team = team.error;
  if (!teamEmail.ok) errors.teamEmail = teamEmail.error;
  if (!label.ok || !team.ok || !teamEmail.ok) return { kind: 'invalid', errors };
  const same = await scope.tx
    .selectFrom('message_subjects')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['label']), '=', label.value.toLowerCase()))
    .executeTakeFirst();
  if (same && same.id !== subjectId) return { kind: 'invalid', errors: { label: 'duplicate' } };
  const values = { label: label.value, team: team.value, team_email: teamEmail.value, active: form.active };
  let id = subjectId;
  if (subjectId) {
    const updated = await scope.tx.updateTable('message_subjects').set(values).where('id', '=', subjectId).returning('id').executeTakeFirst();
    if (!updated) return { kind: 'not_found' };
  } else {
    const count = await scope.tx
      .selectFrom('message_subjects')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    id = (
      await scope.tx
        .insertInto('message_subjects')
        .values({ tenant_id: scope.tenantId, ...values, position: Number(count.n) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }
  await recordAudit(scope, {
    action: subjectId ? 'message_subject.changed' : 'message_subject.added',
    objectType: 'message_subject',
    objectId: id!,
    details: values,
  });
  return { kind: 'saved', id: id! };
}

export type MessageSignature = NonNullable<TenantSettings['messageSignature']>;

/** Whether families see the name of the staff member who answered, or the team only (the default). */
export async function setMessageSignature(scope: Scope, signature: MessageSignature): Promise<'done' | 'forbidden' | 'not_found'> {
  if (!may(scope, 'service.administer')) return refusal(scope);
  await updateTenantSettings(scope, { messageSignature: signature });
  return 'done';
}

/** A first set of subjects for a new authority (the demo's). */
export async function addDefaultSubjects(scope: Scope, subjects: { label: string; team: string; teamEmail?: string }[]): Promise<void> {
  if (subjects.length === 0) return;
  await scope.tx
    .insertInto('message_subjects')
    .values(
      subjects.map((subject, position) => ({
        tenant_id: scope.tenantId,
        label: subject.label,
        team: subject.team,
        team_email: subject.teamEmail ?? null,
        position,
      })),
    )
    .execute();
}
