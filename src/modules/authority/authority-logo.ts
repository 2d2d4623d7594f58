import { createHash } from 'node:crypto';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { sniffContentType } from '../documents/documents.js';
import type { Scope } from '../scope.js';
import type { LogoContentType } from './authority.tables.js';

/**
 * The authority's logo, shown in the header of every page beside its name. Its bytes are kept in
 * the database like the documents' (one place to back up, the same on both databases), and served
 * to anyone at `/logo/<version>.<ext>` (the login page shows it too). The tenant's `logo_path`
 * holds that address, so the header needs no query.
 */

/** A logo is a small picture: a heavier one would slow every first page. */
export const MAX_LOGO_BYTES = 500 * 1024;

export type LogoProblem = 'missing' | 'too_large' | 'type';

const EXTENSIONS: Record<LogoContentType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * What the image really is, from its bytes: PNG, JPEG or WebP. Never SVG, which can carry scripts,
 * nor anything a browser could run as a page, whatever its name or declared type.
 */
export function logoContentType(data: Buffer): LogoContentType | null {
  const sniffed = sniffContentType(data);
  if (sniffed === 'image/png' || sniffed === 'image/jpeg') return sniffed;
  const webp = data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP';
  return webp ? 'image/webp' : null;
}

/** The logo's address inside the tenant: it changes with the bytes. */
function logoPath(version: string, contentType: LogoContentType): string {
  return `/logo/${version}.${EXTENSIONS[contentType]}`;
}

/** Keeps the image sent as the authority's logo (administrators), in place of the one before. */
export async function saveAuthorityLogo(
  scope: Scope,
  file: { data: Buffer } | null,
  tooLarge: boolean,
): Promise<{ kind: 'saved' } | { kind: 'forbidden' } | { kind: 'invalid'; problem: LogoProblem }> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  if (tooLarge || (file && file.data.length > MAX_LOGO_BYTES)) return { kind: 'invalid', problem: 'too_large' };
  if (!file || file.data.length === 0) return { kind: 'invalid', problem: 'missing' };
  const contentType = logoContentType(file.data);
  if (!contentType) return { kind: 'invalid', problem: 'type' };
  const version = createHash('sha256').update(file.data).digest('hex').slice(0, 16);
  const row = {
    version,
    content_type: contentType,
    size_bytes: file.data.length,
    content: file.data,
    updated_by: accountIdOf(scope.actor),
    updated_at: scope.now,
  };
  await scope.tx
    .insertInto('authority_logos')
    .values({ tenant_id: scope.tenantId, ...row })
    .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet(row))
    .execute();
  const path = logoPath(version, contentType);
  await scope.tx.updateTable('tenants').set({ logo_path: path }).where('id', '=', scope.tenantId).execute();
  await recordAudit(scope, {
    action: 'tenant.logo_set',
    objectType: 'tenant',
    objectId: scope.tenantId,
    details: { path, contentType, sizeBytes: file.data.length },
  });
  return { kind: 'saved' };
}

/** Takes the logo off every page (administrators); 'none' when there was none. */
export async function removeAuthorityLogo(scope: Scope): Promise<'removed' | 'none' | 'forbidden'> {
  if (!may(scope, 'service.administer')) return 'forbidden';
  const removed = await scope.tx.deleteFrom('authority_logos').where('tenant_id', '=', scope.tenantId).returning('version').executeTakeFirst();
  await scope.tx.updateTable('tenants').set({ logo_path: null }).where('id', '=', scope.tenantId).execute();
  if (!removed) return 'none';
  await recordAudit(scope, { action: 'tenant.logo_removed', objectType: 'tenant', objectId: scope.tenantId, details: { version: removed.version } });
  return 'removed';
}

/**
 * The logo at this address (`<version>.<ext>`), for anyone: it is on every page, the public ones
 * included. An old version, or another authority's, is not found.
 */
export async function authorityLogoFile(scope: Scope, fileName: string): Promise<{ contentType: LogoContentType; content: Buffer } | null> {
  const logo = await scope.tx
    .selectFrom('authority_logos')
    .select(['version', 'content_type', 'content'])
    .where('tenant_id', '=', scope.tenantId)
    .executeTakeFirst();
  if (!logo || `${logo.version}.${EXTENSIONS[logo.content_type]}` !== fileName) return null;
  return { contentType: logo.content_type, content: logo.content };
}
