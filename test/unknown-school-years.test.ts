import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asSystem } from '../src/db/tenant-scope.js';
import { addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { addSchoolHoliday } from '../src/modules/calendar/school-holidays.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { createTenant } from '../src/modules/tenancy/tenants.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * A fresh install in December 2026 (issue #15): the shipped holidays stop after the summer of 2026,
 * so the portal cannot tell a school day of 2026-2027 or 2027-2028 from a holiday. Staff are told
 * on their home page and on the calendar, with the way to import them; families book nothing on
 * those days until they are imported, unless the authority's administrator chooses to open them.
 */
describe('a school year whose holidays are not imported', () => {
  const AUTHORITY = '/ville/gestion/parametres/collectivite';
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let parent: TestBrowser;
  let admin: TestBrowser;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let activityId: string;
  let unitId: string;

  const profile = (unknownSchoolYearBookings: string) => ({
    name: 'Ville Test',
    contactName: '',
    contactAddress: '',
    contactPhone: '',
    contactEmail: '',
    contactHours: '',
    websiteUrl: '',
    emailSenderName: '',
    legalNotice: '',
    timeZone: 'Europe/Paris',
    schoolZone: 'A',
    publicHolidayRegion: '',
    unknownSchoolYearBookings,
    absenceLateDays: '7',
  });

  async function book(day: string): Promise<string> {
    await parent.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${activityId}&mois=${day.slice(0, 7)}`);
    const sent = await parent.post('/ville/reservations', { activite: activityId, choix: [`${family.childIds[0]}|${unitId}|${day}`], retour: '' });
    assert.equal(sent.statusCode, 303);
    return (await parent.follow(sent)).body;
  }

  const bookings = (day: string) =>
    portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('status').where('day', '=', day).where('status', '!=', 'cancelled').execute());

  async function addHolidays(name: string, firstDay: string, lastDay: string) {
    const saved = await portal.inTenant(tenant, (scope) => addSchoolHoliday(scope, { name, firstDay, lastDay }));
    assert.equal(saved.kind, 'saved');
  }

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    // Created as the operator creates an authority: no choice made about unknown school years.
    await asSystem(portal.db, (tx) => createTenant(tx, { slug: 'ville', name: 'Ville Test', time_zone: 'Europe/Paris', school_zone: 'A' }));
    await portal.services.tenants.reload();
    tenant = portal.services.tenants.all().find((candidate) => candidate.slug === 'ville')!;
    family = await createFamily(portal, tenant, { email: 'lina@example.test', firstName: 'Lina', lastName: 'ROUX', children: ['Théo'] });
    const browserOf = async (email: string, role: 'admin' | 'manager' | 'reader') =>
      signedInBrowser(portal, tenant, (await createStaff(portal, tenant, { email, role })).accountId);
    admin = await browserOf('admin@example.test', 'admin');
    manager = await browserOf('gestion@example.test', 'manager');
    reader = await browserOf('lecture@example.test', 'reader');
    parent = await signedInBrowser(portal, tenant, family.accountId);
    await portal.inTenant(tenant, async (scope) => {
      activityId = await createActivity(scope, {
        name: 'Mercredis loisirs',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2028-06-30',
        weekdays: [3],
        opening: 'school_days',
        requires_enrollment: false,
        booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
      });
      unitId = await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J' });
    });
  });
  after(() => portal.close());

  it('is said on the staff home page and the calendar page, with the way to import the holidays for those who may', async () => {
    for (const path of ['/ville/gestion', '/ville/gestion/calendrier']) {
      const page = await manager.get(path);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Vacances scolaires à importer/);
      assert.match(
        page.body,
        /ne connaît pas les vacances scolaires de 2026-2027 et 2027-2028 : les familles ne peuvent pas réserver les jours de ces années scolaires/,
      );
      assert.match(page.body, /href="\/ville\/gestion\/calendrier\/import"/);
      assert.doesNotMatch(page.body, /href="\/ville\/gestion\/parametres\/collectivite#/, 'only an administrator chooses');
    }
    const admins = await admin.get('/ville/gestion');
    assert.match(admins.body, /href="\/ville\/gestion\/parametres\/collectivite#field-unknownSchoolYearBookings">Choisir ce que les familles peuvent réserver/);
    const readers = await reader.get('/ville/gestion');
    assert.match(readers.body, /Vacances scolaires à importer/);
    assert.doesNotMatch(readers.body, /href="\/ville\/gestion\/calendrier\/import"/, 'read-only staff cannot import');
    const setting = await admin.get(AUTHORITY);
    assert.match(setting.body, /value="closed" checked/, 'a new authority keeps such days closed');
  });

  it('closed: the family calendar says why, and the server refuses a day sent anyway', async () => {
    const calendar = await parent.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${activityId}&mois=2026-12`);
    assert.match(calendar.body, /Le calendrier scolaire 2026-2027 n’est pas encore connu : les réservations ouvriront quand le service l’aura importé\./);
    assert.match(calendar.body, /calendrier scolaire pas encore connu/, 'each day says it too');
    assert.doesNotMatch(calendar.body, /name="choix"/, 'no box to tick');
    const answer = await book('2026-12-09');
    assert.match(answer, /calendrier scolaire pas encore connu/);
    assert.deepEqual(await bookings('2026-12-09'), []);
  });

  it('once a school year’s holidays are imported, its days are booked and the warning names only the other year', async () => {
    await addHolidays('Vacances de Noël', '2026-12-19', '2027-01-03');
    assert.match(await book('2026-12-09'), /Réservée/);
    assert.equal((await bookings('2026-12-09')).length, 1);
    const calendar = await parent.get(`/ville/reservations?enfant=${family.childIds[0]}&activite=${activityId}&mois=2026-12`);
    assert.doesNotMatch(calendar.body, /pas encore connu/);
    assert.match(calendar.body, /vacances scolaires/, 'the imported holidays close the Wednesdays of Christmas');
    const home = await manager.get('/ville/gestion');
    assert.match(home.body, /ne connaît pas les vacances scolaires de 2027-2028 : les familles ne peuvent pas réserver les jours de cette année scolaire/);
    assert.match(await book('2027-09-15'), /calendrier scolaire pas encore connu/, '2027-2028 stays closed');
  });

  it('only an administrator opens such days: managers and read-only staff are refused', async () => {
    for (const staff of [manager, reader]) {
      assert.equal((await staff.get(AUTHORITY)).statusCode, 403);
      assert.equal((await staff.post(AUTHORITY, profile('open'))).statusCode, 403);
    }
    assert.match(await book('2027-09-15'), /calendrier scolaire pas encore connu/);
  });

  it('a wrong choice is said next to the field and nothing is saved', async () => {
    await admin.get(AUTHORITY);
    const page = await admin.post(AUTHORITY, profile('maybe'));
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /id="field-unknownSchoolYearBookings-error"[^>]*>Choisissez une des valeurs proposées\./);
    assert.match(page.body, /href="#field-unknownSchoolYearBookings"/, 'the error summary links to it');
    const row = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('tenants').select('settings').where('id', '=', tenant.id).executeTakeFirstOrThrow());
    assert.notEqual(row.settings.unknownSchoolYearBookings, 'open');
  });

  it('open: the family books those days as school days, the staff are told so, and the journal says who opened them', async () => {
    await admin.get(AUTHORITY);
    const saved = await admin.post(AUTHORITY, profile('open'));
    assert.equal(saved.statusCode, 303);
    assert.match((await admin.follow(saved)).body, /value="open" checked/);
    assert.match(await book('2027-09-15'), /Réservée/);
    const home = await manager.get('/ville/gestion');
    assert.match(home.body, /ne connaît pas les vacances scolaires de 2027-2028 : chacun de ses jours est pris pour un jour d’école/);
    const journal = await admin.get('/ville/gestion/journal');
    assert.match(journal.body, /Réservations ouvertes même quand les vacances d’une année scolaire ne sont pas importées/);
    assert.doesNotMatch(journal.body, /Informations de la collectivité modifiées/, 'nothing else changed');
  });

  it('once both years are known, the warning is gone', async () => {
    await addHolidays('Vacances de la Toussaint', '2027-10-16', '2027-11-01');
    for (const path of ['/ville/gestion', '/ville/gestion/calendrier']) {
      assert.doesNotMatch((await manager.get(path)).body, /Vacances scolaires à importer/);
    }
  });
});
