import { join } from 'node:path';
import type { Config } from '../config.js';
import { type Database, openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { asSystem, inTenant } from '../db/tenant-scope.js';
import { SYSTEM } from '../modules/actor.js';
import { seedSchoolHolidays } from '../modules/calendar/school-holidays.js';
import { createAccount, normalizeEmail } from '../modules/identity/accounts.js';
import { email } from '../modules/validation/fields.js';
import { invitationLink } from '../modules/identity/invitations.js';
import type { Scope } from '../modules/scope.js';
import { RESERVED_SLUGS } from '../modules/tenancy/tenant-directory.js';
import { createTenant, isTimeZone, tenantPublicBase } from '../modules/tenancy/tenants.js';
import { OperationError } from './operation-command.js';

export interface NewAuthority {
  slug: string;
  name: string;
  adminEmail: string;
  adminName: string;
  schoolZone: string;
  timeZone: string;
  /** Host names that serve this authority at their root (its own domain); none: served at PUBLIC_URL/<slug>. */
  hosts: string[];
}

export interface CreatedAuthority {
  address: string;
  schoolHolidayPeriods: number;
  /** Single-use, for the operator to hand to the first administrator; it is not sent by email. */
  invitationLink: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

/**
 * Creates an authority in production: the tenant, its zone's school holidays, and its first
 * administrator, invited by a link the command prints (a fresh installation may have no mail server
 * yet). The administrator then sets the rest from the back office. Migrates the database first, so
 * it works before the first start too. The portals that run see the new authority at once
 * (tenants_changed); the embedded database is changed with its portal stopped.
 */
export async function createAuthority(config: Config, input: NewAuthority, now: Date): Promise<CreatedAuthority> {
  refuseInvalid(input);
  // As the portal opens it: the embedded database refuses a second user (its portal must be stopped).
  const db = await openDatabase({ databaseUrl: config.databaseUrl, serverWaitSeconds: config.databaseWaitSeconds, dataDir: join(config.dataDir, 'pglite') });
  try {
    await migrate(db);
    return await createIn(db, config.publicUrl, input, now);
  } finally {
    await db.close();
  }
}

function refuseInvalid(input: NewAuthority): void {
  if (!SLUG.test(input.slug) || RESERVED_SLUGS.has(input.slug))
    throw new OperationError(
      `"${input.slug}" cannot name an authority: 2 to 40 lower-case letters, digits or hyphens, not one of ${[...RESERVED_SLUGS].join(', ')}.`,
    );
  if (input.name.trim() === '') throw new OperationError('The authority needs a name (--name).');
  if (!email(input.adminEmail).ok) throw new OperationError(`"${input.adminEmail}" is not an email address (--admin).`);
  if (!isTimeZone(input.timeZone)) throw new OperationError(`"${input.timeZone}" is not a time zone (--time-zone, e.g. Europe/Paris, America/Cayenne).`);
}

async function createIn(db: Database, publicUrl: string, input: NewAuthority, now: Date): Promise<CreatedAuthority> {
  const tenant = await asSystem(db, async (tx) => {
    const taken = await tx.selectFrom('tenants').select('slug').where('slug', '=', input.slug).executeTakeFirst();
    if (taken) throw new OperationError(`An authority named "${input.slug}" exists already.`);
    return createTenant(tx, {
      slug: input.slug,
      name: input.name.trim(),
      hosts: input.hosts.map((host) => host.toLowerCase()),
      time_zone: input.timeZone,
      school_zone: input.schoolZone,
      settings: { firstAccess: 'invitation' },
    });
  });
  const address = tenantPublicBase(publicUrl, tenant);
  return inTenant(db, tenant.id, async (tx) => {
    const scope: Scope = { tx, tenantId: tenant.id, actor: SYSTEM, now };
    const schoolHolidayPeriods = await seedSchoolHolidays(tx, tenant.id, tenant.school_zone);
    const adminId = await createAccount(scope, { kind: 'staff', email: normalizeEmail(input.adminEmail), displayName: input.adminName, role: 'admin' });
    return { address, schoolHolidayPeriods, invitationLink: await invitationLink(scope, adminId, address) };
  });
}
