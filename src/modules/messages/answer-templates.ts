import { may, refusal } from '../access.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { type FieldError, required } from '../validation/fields.js';
import { MAX_BODY } from './message-form.js';
import { listTeams } from './subjects.js';

/**
 * Answer templates: named texts the service keeps to answer families ("Votre dossier est complet…"),
 * for every team or for the team of one subject. Staff who run the service keep them (read-only
 * staff only read them); answering a thread, a template fills the answer, which staff then adapt.
 */

export interface AnswerTemplate {
  id: string;
  name: string;
  /** Null: offered in every thread; else in the threads this team answers. */
  team: string | null;
  body: string;
}

export type TemplateForm = { name?: string | undefined; team?: string | undefined; body?: string | undefined };
export type TemplateField = keyof TemplateForm;

export type TemplateSave =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: Partial<Record<TemplateField, FieldError>> }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** The templates, by name; with `forTeam`, those offered in a thread of that team (the team's and everyone's). */
export async function listTemplates(scope: Scope, options: { forTeam?: string } = {}): Promise<AnswerTemplate[]> {
  if (!may(scope, 'service.read')) return [];
  let query = scope.tx.selectFrom('answer_templates').select(['id', 'name', 'team', 'body']).orderBy('name').orderBy('id');
  const { forTeam } = options;
  if (forTeam !== undefined) query = query.where((eb) => eb.or([eb('team', 'is', null), eb('team', '=', forTeam)]));
  return query.execute();
}

export async function getTemplate(scope: Scope, id: string): Promise<AnswerTemplate | null> {
  if (!may(scope, 'service.read')) return null;
  return (await scope.tx.selectFrom('answer_templates').select(['id', 'name', 'team', 'body']).where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Adds a template (`id` null) or changes one: a name, the team it is for (one the subjects name, or none), a text. */
export async function saveTemplate(scope: Scope, id: string | null, form: TemplateForm): Promise<TemplateSave> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const before = id ? await getTemplate(scope, id) : null;
  if (id && !before) return { kind: 'not_found' };
  const errors: Partial<Record<TemplateField, FieldError>> = {};
  const name = required(form.name, 100);
  if (!name.ok) errors.name = name.error;
  const body = required(form.body, MAX_BODY);
  if (!body.ok) errors.body = body.error;
  const team = (form.team ?? '').trim() || null;
  // A team no subject names any more is kept on a template that already had it, so that changing
  // its text does not force a new team on it.
  if (team !== null && team !== before?.team && !(await listTeams(scope)).includes(team)) errors.team = 'choice';
  if (!name.ok || !body.ok || errors.team) return { kind: 'invalid', errors };
  const values = { name: name.value, team, body: body.value };
  if (id) {
    await scope.tx
      .updateTable('answer_templates')
      .set({ ...values, updated_at: scope.now })
      .where('id', '=', id)
      .execute();
    await recordAudit(scope, { action: 'answer_template.changed', objectType: 'answer_template', objectId: id, details: { name: values.name, team } });
    return { kind: 'saved', id };
  }
  const row = await scope.tx
    .insertInto('answer_templates')
    .values({ tenant_id: scope.tenantId, ...values, created_at: scope.now, updated_at: scope.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'answer_template.added', objectType: 'answer_template', objectId: row.id, details: { name: values.name, team } });
  return { kind: 'saved', id: row.id };
}

export async function deleteTemplate(scope: Scope, id: string): Promise<{ kind: 'deleted' } | { kind: 'forbidden' } | { kind: 'not_found' }> {
  if (!may(scope, 'service.manage')) return { kind: refusal(scope) };
  const deleted = await scope.tx.deleteFrom('answer_templates').where('id', '=', id).returning('name').executeTakeFirst();
  if (!deleted) return { kind: 'not_found' };
  await recordAudit(scope, { action: 'answer_template.deleted', objectType: 'answer_template', objectId: id, details: { name: deleted.name } });
  return { kind: 'deleted' };
}

/**
 * The answer once a template is chosen: the template's text, after what was typed already (so
 * that nothing typed is lost); null when the template is unknown or not offered for this team.
 */
export async function answerWithTemplate(scope: Scope, team: string, templateId: string, typed: string | undefined): Promise<string | null> {
  const template = (await listTemplates(scope, { forTeam: team })).find((candidate) => candidate.id === templateId);
  if (!template) return null;
  const before = (typed ?? '').trimEnd();
  return before === '' ? template.body : `${before}\n\n${template.body}`;
}
