import { addDefaultSubjects } from '../modules/messages/subjects.js';
import { addDefaultDocumentTypes } from '../modules/document-space/document-types.js';
import { setActivityRequirements } from '../modules/document-space/activity-requirements.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { asSystem, inTenant } from '../db/tenant-scope.js';
import { SYSTEM } from '../modules/actor.js';
import { seedSchoolHolidays } from '../modules/calendar/school-holidays.js';
import { createAccount } from '../modules/identity/accounts.js';
import { addExistingMember, createHousehold } from '../modules/households/households.js';
import type { Scope } from '../modules/scope.js';
import { createTenant, tenantPublicBase } from '../modules/tenancy/tenants.js';
import { seedDemoActivities } from './demo-activities.js';
import { type DemoHouseholds, seedDemoBilling } from './demo-billing.js';
import { seedDemoPayments } from './demo-payments.js';

export const DEMO_SLUG = 'demo';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

export const DEMO_LOGINS: DemoLogin[] = [
  { role: 'famille (Claire Martin)', email: 'claire.martin@example.org', password: 'Demo-Famille-2026' },
  { role: 'famille (Sophie Bernard)', email: 'sophie.bernard@example.org', password: 'Demo-Famille-2026' },
  { role: 'famille (Marc Dubois, mot de passe temporaire à changer)', email: 'marc.dubois@example.org', password: 'Demo-Temporaire-2026' },
  { role: 'gestion — administrateur', email: 'admin@example.org', password: 'Demo-Gestion-2026' },
  { role: 'gestion — gestionnaire', email: 'gestion@example.org', password: 'Demo-Gestion-2026' },
  { role: 'gestion — lecture seule', email: 'lecture@example.org', password: 'Demo-Gestion-2026' },
];

function password(email: string): string {
  const login = DEMO_LOGINS.find((entry) => entry.email === email);
  if (!login) throw new Error(`no demo login for ${email}`);
  return login.password;
}

/** The school year that contains `now`: from September to the next summer. */
export function schoolYearOf(now: Date): { start: number; end: number } {
  const start = now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return { start, end: start + 1 };
}

/**
 * Creates the demo authority at first start, with fictional people and the current school year's
 * activities. Does nothing if it exists. School holidays are not invented here: they come from the
 * ministry's calendar (the snapshot of zone A, as any new tenant of that zone gets).
 */
export async function ensureDemoAuthority(db: Database, now: Date, config: Pick<Config, 'publicUrl' | 'secret'>): Promise<boolean> {
  const { publicUrl } = config;
  const existing = await asSystem(db, (tx) => tx.selectFrom('tenants').select('id').where('slug', '=', DEMO_SLUG).executeTakeFirst());
  if (existing) return false;
  const tenant = await asSystem(db, (tx) =>
    createTenant(tx, {
      slug: DEMO_SLUG,
      name: 'Ville de Bellerive-sur-Loire (démonstration)',
      hosts: ['demo.localhost'],
      time_zone: 'Europe/Paris',
      school_zone: 'A',
      website_url: 'https://example.org/bellerive',
      contact_name: 'Service Enfance-Jeunesse — Relais des enfants',
      contact_address: '1 place de la Mairie, 00000 Bellerive-sur-Loire',
      contact_phone: '01 23 45 67 89',
      contact_email: 'enfance@example.org',
      contact_hours: 'Lundi au vendredi, 8 h 30 – 12 h et 13 h 30 – 17 h',
      // The shipped holidays stop after the summer of 2026: the demo's families book the school
      // year as school days, and its staff see that the holidays are to be imported.
      settings: { firstAccess: 'invitation', unknownSchoolYearBookings: 'open' },
      is_demo: true,
    }),
  );
  await inTenant(db, tenant.id, async (tx) => {
    const scope: Scope = { tx, tenantId: tenant.id, actor: SYSTEM, now };
    await seedSchoolHolidays(tx, tenant.id, tenant.school_zone);
    const sites = await seedSites(scope);
    const { children, households } = await seedFamilies(scope);
    const year = schoolYearOf(now);
    const units = await seedDemoActivities(scope, sites, year, children);
    const regies = await seedDemoBilling(scope, units, households, year.start, { tenantName: tenant.name, baseUrl: tenantPublicBase(publicUrl, tenant) });
    await seedDemoPayments(scope, regies, config);
    const [insurance, vaccinations] = await addDefaultDocumentTypes(scope, [
      { label: 'Attestation d’assurance extrascolaire', validity: 'school_year' },
      { label: 'Carnet de vaccinations (pages des vaccins)', validity: 'none', perChild: true },
      { label: 'Justificatif de domicile', validity: 'months', validityMonths: 3 },
      { label: 'PAI (projet d’accueil individualisé)', validity: 'school_year', perChild: true },
    ]);
    await setActivityRequirements(scope, units.wednesdays.activity, [insurance!, vaccinations!]);
    await addDefaultSubjects(scope, [
      { label: 'Restauration scolaire (cantine, menus, allergies)', team: 'Restauration scolaire' },
      { label: 'Accueil périscolaire et mercredis', team: 'Périscolaire' },
      { label: 'Accueil de loisirs pendant les vacances', team: 'Accueil de loisirs' },
      { label: 'Factures et paiements', team: 'Facturation', teamEmail: 'facturation@example.org' },
      { label: 'Autre demande', team: 'Relais des enfants' },
    ]);
    for (const [email, displayName, role] of [
      ['admin@example.org', 'Nadia Lefèvre', 'admin'],
      ['gestion@example.org', 'Paul Moreau', 'manager'],
      ['lecture@example.org', 'Inès Garnier', 'reader'],
    ] as const) {
      await createAccount(scope, { kind: 'staff', email, displayName, role, password: password(email) });
    }
  });
  return true;
}

async function seedSites(scope: Scope): Promise<{ school: string; centre: string }> {
  const [school, centre] = await scope.tx
    .insertInto('sites')
    .values([
      { tenant_id: scope.tenantId, name: 'École Jules-Ferry', kind: 'school', address: '12 rue des Écoles, Bellerive-sur-Loire' },
      { tenant_id: scope.tenantId, name: 'Accueil de loisirs Les Hirondelles', kind: 'leisure_centre', address: '5 chemin du Parc, Bellerive-sur-Loire' },
    ])
    .returning('id')
    .execute();
  return { school: school!.id, centre: centre!.id };
}

async function seedFamilies(
  scope: Scope,
): Promise<{ children: { householdId: string; childId: string; level: 'maternelle' | 'elementaire' }[]; households: DemoHouseholds }> {
  const address = { postcode: '00000', city: 'Bellerive-sur-Loire', isDemo: true };
  const martin = await createHousehold(scope, {
    name: 'MARTIN Claire et Julien',
    addressLine1: '8 rue des Tilleuls',
    ...address,
    members: [
      {
        role: 'guardian',
        quality: 'mother',
        person: { civility: 'mme', first_name: 'Claire', last_name: 'MARTIN', email: 'claire.martin@example.org', mobile_phone: '06 12 34 56 78' },
      },
      { role: 'partner', quality: 'father', person: { civility: 'm', first_name: 'Julien', last_name: 'MARTIN', mobile_phone: '06 98 76 54 32' } },
      { role: 'child', person: { first_name: 'Léa', last_name: 'MARTIN', birth_date: '2018-04-12', sex: 'f' } },
      { role: 'child', person: { first_name: 'Hugo', last_name: 'MARTIN', birth_date: '2021-10-03', sex: 'm' } },
    ],
  });
  await createAccount(scope, {
    kind: 'family',
    householdId: martin.householdId,
    personId: martin.personIds[0]!,
    email: 'claire.martin@example.org',
    displayName: 'Claire MARTIN',
    password: password('claire.martin@example.org'),
  });

  // Emma's parents are separated: she belongs to both households, each with its own money and messages.
  const bernard = await createHousehold(scope, {
    name: 'BERNARD Sophie',
    addressLine1: '3 allée des Acacias',
    ...address,
    members: [
      {
        role: 'guardian',
        quality: 'mother',
        person: { civility: 'mme', first_name: 'Sophie', last_name: 'BERNARD', email: 'sophie.bernard@example.org', mobile_phone: '07 11 22 33 44' },
      },
      { role: 'child', person: { first_name: 'Emma', last_name: 'DUBOIS', birth_date: '2017-06-25', sex: 'f' } },
    ],
  });
  await createAccount(scope, {
    kind: 'family',
    householdId: bernard.householdId,
    personId: bernard.personIds[0]!,
    email: 'sophie.bernard@example.org',
    displayName: 'Sophie BERNARD',
    password: password('sophie.bernard@example.org'),
  });

  const dubois = await createHousehold(scope, {
    name: 'DUBOIS Marc',
    addressLine1: '21 boulevard de la Loire',
    ...address,
    members: [
      {
        role: 'guardian',
        quality: 'father',
        person: { civility: 'm', first_name: 'Marc', last_name: 'DUBOIS', email: 'marc.dubois@example.org', mobile_phone: '06 55 44 33 22' },
      },
      { role: 'child', person: { first_name: 'Nathan', last_name: 'DUBOIS', birth_date: '2019-02-08', sex: 'm' } },
    ],
  });
  await addExistingMember(scope, dubois.householdId, bernard.personIds[1]!, 'child');
  await createAccount(scope, {
    kind: 'family',
    householdId: dubois.householdId,
    personId: dubois.personIds[0]!,
    email: 'marc.dubois@example.org',
    displayName: 'Marc DUBOIS',
    password: password('marc.dubois@example.org'),
    mustChangePassword: true,
  });

  return {
    children: [
      { householdId: martin.householdId, childId: martin.personIds[2]!, level: 'elementaire' },
      { householdId: martin.householdId, childId: martin.personIds[3]!, level: 'maternelle' },
      { householdId: bernard.householdId, childId: bernard.personIds[1]!, level: 'elementaire' },
      { householdId: dubois.householdId, childId: dubois.personIds[1]!, level: 'elementaire' },
    ],
    households: {
      martin: { householdId: martin.householdId, lea: martin.personIds[2]!, hugo: martin.personIds[3]! },
      bernard: { householdId: bernard.householdId, emma: bernard.personIds[1]! },
      dubois: { householdId: dubois.householdId, emma: bernard.personIds[1]!, nathan: dubois.personIds[1]! },
    },
  };
}
