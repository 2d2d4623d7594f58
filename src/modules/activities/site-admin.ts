import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';
import { optional, required } from '../validation/fields.js';
import type { SiteKind } from './activities.tables.js';
import { choice, type SaveResult, type SetupErrors } from './setup-forms.js';
import { may } from '../access.js';

/** Sites (structures, accueils): where activities happen — a school, a leisure centre. */

export const SITE_KINDS = ['school', 'leisure_centre', 'other'] as const satisfies readonly SiteKind[];

export interface Site {
  id: string;
  name: string;
  kind: SiteKind;
  address: string | null;
  /** How many activities take place there. */
  activityCount: number;
}

export type SiteForm = { name?: string; kind?: string; address?: string };
export type SiteField = keyof SiteForm;

export async function listSites(scope: Scope): Promise<Site[]> {
  if (!may(scope, 'service.read')) return [];
  const rows = await scope.tx
    .selectFrom('sites as s')
    .select(['s.id', 's.name', 's.kind', 's.address'])
    .select((eb) => eb.selectFrom('activities as a').select(eb.fn.countAll<string>().as('n')).whereRef('a.site_id', '=', 's.id').as('activityCount'))
    .orderBy('s.name')
    .execute();
  return rows.map((row) => ({ ...row, activityCount: Number(row.activityCount ?? 0) }));
}

export async function getSite(scope: Scope, id: string): Promise<Site | null> {
  if (!may(scope, 'service.read')) return null;
  return (await listSites(scope)).find((site) => site.id === id) ?? null;
}

function validateSite(form: SiteForm) {
  const errors: SetupErrors<SiteField> = {};
  const name = required(form.name, 200);
  if (!name.ok) errors.name = name.error;
  const kind = choice(form.kind, SITE_KINDS);
  if (!kind.ok) errors.kind = kind.error;
  const address = optional(form.address, 500);
  if (!address.ok) errors.address = address.error;
  if (!name.ok || !kind.ok || !address.ok) return { ok: false as const, errors };
  return { ok: true as const, value: { name: name.value, kind: kind.value, address: address.value } };
}

/** Creates a site (`id` null) or changes one. */
export async function saveSite(scope: Scope, id: string | null, form: SiteForm): Promise<SaveResult<SiteField>> {
  if (!may(scope, 'service.manage')) return { kind: 'forbidden' };
  const before = id ? await scope.tx.selectFrom('sites').select(['name', 'kind', 'address']).where('id', '=', id).executeTakeFirst() : undefined;
  if (id && !before) return { kind: 'not_found' };
  const valid = validateSite(form);
  if (!valid.ok) return { kind: 'invalid', errors: valid.errors };
  if (id) {
    await scope.tx.updateTable('sites').set(valid.value).where('id', '=', id).execute();
    await recordAudit(scope, { action: 'site.updated', objectType: 'site', objectId: id, details: { before, after: valid.value } });
    return { kind: 'saved', id };
  }
  const row = await scope.tx
    .insertInto('sites')
    .values({ ...valid.value, tenant_id: scope.tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(scope, { action: 'site.created', objectType: 'site', objectId: row.id, details: valid.value });
  return { kind: 'saved', id: row.id };
}
