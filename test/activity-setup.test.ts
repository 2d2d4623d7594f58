import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createActivity } from '../src/modules/activities/activity-setup.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { activityForm } from './support/activity-form.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/** The message shown under a field (`<… id="field-<name>-error">`), or null. */
function fieldError(html: string, name: string): string | null {
  const match = new RegExp(`id="field-${name}-error"[^>]*>(?:\\s*<p[^>]*>)?([^<]+)`).exec(html);
  return match ? match[1]!.replace(/&#x27;|&#39;/g, "'").trim() : null;
}

/** The deadline preview of a page (short enough to read in a failed assertion). */
function previewOf(html: string): string {
  return /<section class="fr-callout[^"]*" id="apercu"[\s\S]*?<\/section>/.exec(html)?.[0] ?? 'no preview';
}

/** The value an input shows. */
function inputValue(html: string, name: string): string | null {
  const match =
    new RegExp(`<input[^>]*id="field-${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<input[^>]*value="([^"]*)"[^>]*id="field-${name}"`).exec(html);
  return match ? match[1]! : null;
}

const unitForm = (name: string, code: string, extra: Record<string, string | string[]> = {}) => ({
  name,
  code,
  position: '0',
  weekdaysMode: 'same',
  bookingType: 'same',
  cancelType: 'same',
  action: 'save',
  ...extra,
});

describe('staff set up what families can book', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let other: Tenant;
  let family: TestFamily;
  let staffAccountId: string;
  let foreignActivity: string;

  before(async () => {
    // Tuesday 25 August 2026, noon in Paris.
    portal = await startTestPortal({ now: '2026-08-25T10:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', time_zone: 'Europe/Paris' });
    other = await portal.addTenant({ slug: 'voisine', name: 'Ville Voisine' });
    family = await createFamily(portal, tenant, { email: 'nina@example.test', firstName: 'Nina', lastName: 'PETIT', children: ['Léonie', 'Hugo'] });
    staffAccountId = (await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' })).accountId;
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    foreignActivity = await portal.inTenant(other, (scope) =>
      createActivity(scope, { name: 'Cantine voisine', kind: 'canteen', site_id: null, starts_on: '2026-09-01', ends_on: '2027-07-03' }),
    );
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    return browser;
  }

  const rows = <T>(work: (scope: Scope) => Promise<T>) => portal.inTenant(tenant, work);

  /** Creates an activity through the page and answers its id. */
  async function newActivity(staff: TestBrowser, overrides: Record<string, string | string[]> = {}): Promise<string> {
    await staff.get('/ville/gestion/activites/nouvelle');
    const saved = await staff.post('/ville/gestion/activites/nouvelle', activityForm(overrides));
    assert.equal(saved.statusCode, 302, saved.body.slice(0, 2000));
    const id = /\/gestion\/activites\/([0-9a-f-]{36})\?fait=enregistre/.exec(String(saved.headers.location))?.[1];
    assert.ok(id);
    return id;
  }

  async function newUnit(staff: TestBrowser, activityId: string, name: string, code: string, extra: Record<string, string | string[]> = {}): Promise<string> {
    await staff.get(`/ville/gestion/activites/${activityId}/prestations/nouvelle`);
    const saved = await staff.post(`/ville/gestion/activites/${activityId}/prestations/nouvelle`, unitForm(name, code, extra));
    assert.equal(saved.statusCode, 302, saved.body.slice(0, 2000));
    return rows(
      async ({ tx }) => (await tx.selectFrom('units').select('id').where('activity_id', '=', activityId).where('code', '=', code).executeTakeFirstOrThrow()).id,
    );
  }

  it('creates a site, an activity, its group, units with their rules and its places through the pages', async () => {
    const staff = await signIn('agent@example.test');
    const list = await staff.get('/ville/gestion/activites');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /href="\/ville\/gestion\/activites"[^>]*>Activités</, 'the staff menu has its entry');

    await staff.get('/ville/gestion/activites/sites/nouveau');
    const site = await staff.post('/ville/gestion/activites/sites/nouveau', {
      name: 'Relais des enfants',
      kind: 'leisure_centre',
      address: '2 rue des Écoles\n44000 Nantes',
    });
    assert.equal(site.statusCode, 302);
    const siteRow = await rows(({ tx }) => tx.selectFrom('sites').selectAll().where('name', '=', 'Relais des enfants').executeTakeFirstOrThrow());
    assert.equal(siteRow.kind, 'leisure_centre');

    const activityId = await newActivity(staff, { siteId: siteRow.id });
    const activity = await rows(({ tx }) => tx.selectFrom('activities').selectAll().where('id', '=', activityId).executeTakeFirstOrThrow());
    assert.equal(activity.site_id, siteRow.id);
    assert.equal(activity.starts_on, '2026-09-01');
    assert.equal(activity.ends_on, '2027-07-03');
    assert.deepEqual(activity.weekdays, [3]);
    assert.equal(activity.opening, 'all');
    assert.equal(activity.waitlist_mode, 'offer');
    assert.equal(activity.offer_hours, 24);
    assert.equal(activity.documents_required, 'Attestation d’assurance');
    assert.deepEqual(activity.booking_deadline, { type: 'days_before', days: 7, time: '00:00', workingDays: false });
    assert.deepEqual(activity.cancellation_deadline, { type: 'days_before', days: 2, time: '12:00', workingDays: false });

    await staff.get(`/ville/gestion/activites/${activityId}/groupes/nouveau`);
    assert.equal(
      (await staff.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: '6-11 ans', minAge: '6', maxAge: '11', position: '0' })).statusCode,
      302,
    );
    const group = await rows(({ tx }) => tx.selectFrom('activity_groups').selectAll().where('activity_id', '=', activityId).executeTakeFirstOrThrow());
    assert.deepEqual([group.name, group.min_age, group.max_age], ['6-11 ans', 6, 11]);

    const journee = await newUnit(staff, activityId, 'Journée', 'J');
    const matin = await newUnit(staff, activityId, 'Matin', 'M', { position: '1' });
    const repas = await newUnit(staff, activityId, 'Repas', 'R', {
      position: '2',
      requiresAny: [journee, matin],
      bookingType: 'weekday_before',
      bookingWeekday: '4',
      bookingTime: '12:00',
    });
    // Journée is given its rule once Matin exists.
    await staff.get(`/ville/gestion/activites/${activityId}/prestations/${journee}`);
    const edited = await staff.post(`/ville/gestion/activites/${activityId}/prestations/${journee}`, unitForm('Journée', 'J', { excludes: [matin] }));
    assert.equal(edited.statusCode, 302);

    const units = await rows(({ tx }) => tx.selectFrom('units').selectAll().where('activity_id', '=', activityId).orderBy('position').execute());
    const byCode = Object.fromEntries(units.map((unit) => [unit.code, unit]));
    assert.deepEqual(byCode.J!.excludes, [matin]);
    assert.deepEqual(byCode.J!.requires_any, []);
    assert.deepEqual(new Set(byCode.R!.requires_any), new Set([journee, matin]));
    assert.deepEqual(byCode.R!.booking_deadline, { type: 'weekday_before', weekday: 4, time: '12:00' });
    assert.equal(byCode.R!.cancellation_deadline, null, 'the cancellation deadline stays the activity’s');
    assert.equal(byCode.M!.weekdays, null);
    assert.equal(repas, byCode.R!.id);

    await staff.get(`/ville/gestion/activites/${activityId}/places/nouvelle`);
    assert.equal(
      (await staff.post(`/ville/gestion/activites/${activityId}/places/nouvelle`, { unitIds: [journee, matin], groupId: group.id, places: '16' })).statusCode,
      302,
    );
    const pool = await rows(({ tx }) => tx.selectFrom('capacity_pools').selectAll().where('activity_id', '=', activityId).executeTakeFirstOrThrow());
    assert.deepEqual(new Set(pool.unit_ids), new Set([journee, matin]));
    assert.equal(pool.group_id, group.id);
    assert.equal(pool.places, 16);

    const overview = await staff.get(`/ville/gestion/activites/${activityId}`);
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /<h1>ALSH mercredis 2026-2027<\/h1>/);
    assert.match(overview.body, /du 01\/09\/2026 au 03\/07\/2027/);
    assert.match(overview.body, /Place proposée pendant 24 h/);
    assert.match(
      overview.body,
      /<td>Repas<\/td><td>comme l’activité<\/td><td>Réservation : le jeudi précédent, à 12:00\. Annulation : comme l’activité\.<\/td><td>—<\/td><td>Journée, Matin<\/td>/,
    );
    assert.match(overview.body, /<td>Journée, Matin<\/td><td>6-11 ans<\/td><td>16<\/td>/);

    const audit = await rows(({ tx }) => tx.selectFrom('audit_log').select('action').where('actor_account_id', '=', staffAccountId).execute());
    const actions = new Set(audit.map((row) => row.action));
    for (const action of ['site.created', 'activity.created', 'activity.group_added', 'activity.unit_added', 'activity.unit_updated', 'activity.places_set']) {
      assert.ok(actions.has(action), `audited: ${action}`);
    }
  });

  it('previews the deadlines of each kind of rule, computed by the server, without saving', async () => {
    const staff = await signIn('agent@example.test');
    const countActivities = () => rows(async ({ tx }) => (await tx.selectFrom('activities').select('id').execute()).length);
    const before = await countActivities();
    await staff.get('/ville/gestion/activites/nouvelle');
    const preview = (form: Record<string, string | string[]>) =>
      staff.post('/ville/gestion/activites/nouvelle', activityForm({ name: '', weekdays: ['4'], action: 'preview', ...form }));

    const sevenDays = await preview({});
    assert.equal(sevenDays.statusCode, 200);
    assert.equal(fieldError(sevenDays.body, 'name'), null, 'a preview does not complain about fields it does not need');
    assert.equal(inputValue(sevenDays.body, 'bookingDays'), '7', 'the typed values are kept');
    assert.match(
      previewOf(sevenDays.body),
      /<strong>jeudi 3 septembre 2026<\/strong> : réservation possible jusqu’au jeudi 27 août 2026 à 00:00 ; annulation possible jusqu’au mardi 1 septembre 2026 à 12:00/,
    );
    assert.match(previewOf(sevenDays.body), /<strong>jeudi 10 septembre 2026<\/strong> : réservation possible jusqu’au jeudi 3 septembre 2026 à 00:00/);

    const workingDays = await preview({ bookingDays: '2', bookingWorkingDays: 'true', bookingTime: '10:00' });
    assert.match(previewOf(workingDays.body), /<strong>jeudi 3 septembre 2026<\/strong> : réservation possible jusqu’au mardi 1 septembre 2026 à 10:00/);
    // 11 November 2026 is a public holiday: two working days before Thursday 12 November reach Monday 9.
    const november = await preview({ startsOn: '01/11/2026', bookingDays: '2', bookingWorkingDays: 'true', bookingTime: '10:00' });
    assert.match(previewOf(november.body), /<strong>jeudi 12 novembre 2026<\/strong> : réservation possible jusqu’au lundi 9 novembre 2026 à 10:00/);

    const weekdayBefore = await preview({ bookingType: 'weekday_before', bookingWeekday: '1', bookingTime: '12:00' });
    assert.match(previewOf(weekdayBefore.body), /<strong>jeudi 3 septembre 2026<\/strong> : réservation possible jusqu’au lundi 31 août 2026 à 12:00/);

    const previousMonth = await preview({ bookingType: 'day_of_previous_month', bookingMonthDay: '20', bookingTime: '18:00' });
    assert.match(previewOf(previousMonth.body), /<strong>jeudi 3 septembre 2026<\/strong> : réservation possible jusqu’au jeudi 20 août 2026 à 18:00/);
    assert.match(previewOf(previousMonth.body), /<strong>jeudi 1 octobre 2026<\/strong> : réservation possible jusqu’au dimanche 20 septembre 2026 à 18:00/);

    const unreadable = await preview({ bookingType: 'weekday_before', bookingWeekday: '' });
    assert.equal(fieldError(unreadable.body, 'bookingWeekday'), 'Ce champ est obligatoire.');
    assert.match(unreadable.body, /Complétez les dates, les jours et les délais/);

    assert.equal(await countActivities(), before, 'previews save nothing');
  });

  it('answers bad input next to the field, keeping what was typed', async () => {
    const staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/activites/nouvelle');
    const bad = await staff.post(
      '/ville/gestion/activites/nouvelle',
      activityForm({ weekdays: [], startsOn: '10/09/2026', endsOn: '01/09/2026', bookingTime: '25:00' }),
    );
    assert.equal(bad.statusCode, 400);
    assert.equal(fieldError(bad.body, 'weekdays'), 'Cochez au moins un jour de la semaine.');
    assert.equal(fieldError(bad.body, 'endsOn'), 'Le dernier jour ne peut pas être avant le premier.');
    assert.equal(fieldError(bad.body, 'bookingTime'), 'Saisissez une heure au format HH:MM, par exemple 08:00 ou 23:59.');
    assert.match(bad.body, /id="error-summary"/);
    assert.match(bad.body, /href="#field-weekdays"/);
    assert.equal(inputValue(bad.body, 'name'), 'ALSH mercredis 2026-2027');
    assert.equal(inputValue(bad.body, 'endsOn'), '01/09/2026');

    const activityId = await newActivity(staff, { name: 'Garderie' });
    const matin = await newUnit(staff, activityId, 'Matin', 'M');
    const unknown = '0d5b8f5e-8c1a-4a43-9d7c-2f7b7e0c1a11';
    await staff.get(`/ville/gestion/activites/${activityId}/prestations/nouvelle`);
    const wrongRelation = await staff.post(`/ville/gestion/activites/${activityId}/prestations/nouvelle`, unitForm('Soir', 'S', { requiresAny: [unknown] }));
    assert.equal(wrongRelation.statusCode, 400);
    assert.equal(fieldError(wrongRelation.body, 'requiresAny'), 'Choisissez parmi les prestations de cette activité.');
    assert.equal(inputValue(wrongRelation.body, 'name'), 'Soir');
    const selfReference = await staff.post(`/ville/gestion/activites/${activityId}/prestations/${matin}`, unitForm('Matin', 'M', { excludes: [matin] }));
    assert.equal(selfReference.statusCode, 400);
    assert.equal(fieldError(selfReference.body, 'excludes'), 'Une prestation ne peut pas se citer elle-même.');
    const sameCode = await staff.post(`/ville/gestion/activites/${activityId}/prestations/nouvelle`, unitForm('Midi', 'm'));
    assert.equal(fieldError(sameCode.body, 'code'), 'Ce code est déjà celui d’une autre prestation de l’activité.');

    await staff.get(`/ville/gestion/activites/${activityId}/places/nouvelle`);
    const negative = await staff.post(`/ville/gestion/activites/${activityId}/places/nouvelle`, { unitIds: [matin], groupId: '', places: '-3' });
    assert.equal(negative.statusCode, 400);
    assert.equal(fieldError(negative.body, 'places'), 'Le nombre ne peut pas être négatif.');
    assert.equal(inputValue(negative.body, 'places'), '-3');
    const noUnit = await staff.post(`/ville/gestion/activites/${activityId}/places/nouvelle`, { groupId: '', places: '10' });
    assert.equal(fieldError(noUnit.body, 'unitIds'), 'Cochez au moins une prestation.');

    await staff.get(`/ville/gestion/activites/${activityId}/periodes/nouvelle`);
    const backwards = await staff.post(`/ville/gestion/activites/${activityId}/periodes/nouvelle`, {
      name: 'Toussaint',
      firstDay: '04/11/2026',
      lastDay: '16/12/2026',
      opensOn: '28/10/2026',
      opensAt: '08:00',
      closesOn: '21/10/2026',
      closesAt: '23:59',
      allocation: 'first_come',
    });
    assert.equal(backwards.statusCode, 400);
    assert.equal(fieldError(backwards.body, 'closesOn'), 'La clôture des réservations doit venir après leur ouverture.');
    assert.equal(inputValue(backwards.body, 'closesOn'), '21/10/2026');

    await staff.get(`/ville/gestion/activites/${activityId}/groupes/nouveau`);
    const ages = await staff.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: 'Petits', minAge: '6', maxAge: '3' });
    assert.equal(fieldError(ages.body, 'maxAge'), 'L’âge maximum ne peut pas être inférieur à l’âge minimum.');

    const units = await rows(({ tx }) => tx.selectFrom('units').select('code').where('activity_id', '=', activityId).execute());
    assert.deepEqual(
      units.map((unit) => unit.code),
      ['M'],
      'nothing refused was saved',
    );
  });

  it('stores the opening and closing moments typed in Paris time as instants, winter and summer', async () => {
    const staff = await signIn('agent@example.test');
    const activityId = await newActivity(staff, { name: 'ALSH vacances', opening: 'all', weekdays: ['1', '2', '3', '4', '5'] });
    await staff.get(`/ville/gestion/activites/${activityId}/periodes/nouvelle`);
    const winter = await staff.post(`/ville/gestion/activites/${activityId}/periodes/nouvelle`, {
      name: 'Hiver',
      firstDay: '04/11/2026',
      lastDay: '16/12/2026',
      opensOn: '04/11/2026',
      opensAt: '08:00',
      closesOn: '28/11/2026',
      closesAt: '23:59',
      allocation: 'first_come',
    });
    assert.equal(winter.statusCode, 302);
    const summer = await staff.post(`/ville/gestion/activites/${activityId}/periodes/nouvelle`, {
      name: 'Été',
      firstDay: '06/07/2027',
      lastDay: '03/07/2027',
      opensOn: '15/06/2027',
      opensAt: '08:00',
      closesOn: '30/06/2027',
      closesAt: '23:59',
      allocation: 'lottery',
    });
    assert.equal(summer.statusCode, 400, 'the last day before the first is refused');
    const summerSaved = await staff.post(`/ville/gestion/activites/${activityId}/periodes/nouvelle`, {
      name: 'Été',
      firstDay: '01/06/2027',
      lastDay: '03/07/2027',
      opensOn: '15/05/2027',
      opensAt: '08:00',
      closesOn: '30/05/2027',
      closesAt: '23:59',
      allocation: 'lottery',
    });
    assert.equal(summerSaved.statusCode, 302);
    const periods = await rows(({ tx }) => tx.selectFrom('booking_periods').selectAll().where('activity_id', '=', activityId).orderBy('first_day').execute());
    assert.equal(periods[0]!.opens_at.toISOString(), '2026-11-04T07:00:00.000Z');
    assert.equal(periods[0]!.closes_at.toISOString(), '2026-11-28T22:59:00.000Z');
    assert.equal(periods[1]!.opens_at.toISOString(), '2027-05-15T06:00:00.000Z');
    assert.equal(periods[1]!.allocation, 'lottery');

    // Shown as families will read it; and given back in Paris time to edit.
    await staff.get(`/ville/gestion/activites/${activityId}/periodes/${periods[0]!.id}`);
    const edit = await staff.post(`/ville/gestion/activites/${activityId}/periodes/${periods[0]!.id}`, {
      name: 'Mercredis',
      firstDay: '04/11/2026',
      lastDay: '16/12/2026',
      opensOn: '21/10/2026',
      opensAt: '08:00',
      closesOn: '28/10/2026',
      closesAt: '23:59',
      allocation: 'first_come',
    });
    assert.equal(edit.statusCode, 302);
    const overview = await staff.get(`/ville/gestion/activites/${activityId}`);
    assert.match(overview.body, /du 04\/11 au 16\/12, réservations du 21\/10 à 08:00 au 28\/10 à 23:59/);
    const form = await staff.get(`/ville/gestion/activites/${activityId}/periodes/${periods[0]!.id}`);
    assert.equal(inputValue(form.body, 'opensAt'), '08:00');
    assert.equal(inputValue(form.body, 'opensOn'), '21/10/2026');
    const moved = await rows(({ tx }) => tx.selectFrom('booking_periods').select('opens_at').where('id', '=', periods[0]!.id).executeTakeFirstOrThrow());
    assert.equal(moved.opens_at.toISOString(), '2026-10-21T06:00:00.000Z', '21 October is still summer time');
  });

  it('changes places on given dates, never below the places already taken, and refuses deleting what holds bookings', async () => {
    const staff = await signIn('agent@example.test');
    const activityId = await newActivity(staff, { name: 'Cantine', kind: 'canteen', weekdays: ['1', '2', '4', '5'] });
    const repas = await newUnit(staff, activityId, 'Repas', 'R');
    await staff.get(`/ville/gestion/activites/${activityId}/places/nouvelle`);
    await staff.post(`/ville/gestion/activites/${activityId}/places/nouvelle`, { unitIds: [repas], groupId: '', places: '30' });
    const pool = await rows(({ tx }) => tx.selectFrom('capacity_pools').selectAll().where('activity_id', '=', activityId).executeTakeFirstOrThrow());
    // Three families already hold a place on Thursday 10 September.
    await rows(({ tx }) =>
      tx.insertInto('capacity_days').values({ tenant_id: tenant.id, pool_id: pool.id, day: '2026-09-10', places: 30, taken: 3 }).execute(),
    );

    await staff.get(`/ville/gestion/activites/${activityId}/places/${pool.id}/dates`);
    const lower = await staff.post(`/ville/gestion/activites/${activityId}/places/${pool.id}/dates`, {
      firstDay: '07/09/2026',
      lastDay: '13/09/2026',
      places: '2',
    });
    assert.equal(lower.statusCode, 400);
    assert.equal(
      fieldError(lower.body, 'places'),
      'Plus de places sont déjà prises que ce nombre : le 10/09/2026 (3 prises). Ces jours n’ont pas été modifiés.',
    );
    assert.match(lower.body, /3 jours modifiés\./);
    const days = await rows(({ tx }) =>
      tx.selectFrom('capacity_days').select(['day', 'places', 'taken', 'overridden']).where('pool_id', '=', pool.id).orderBy('day').execute(),
    );
    assert.deepEqual(
      days,
      [
        { day: '2026-09-07', places: 2, taken: 0, overridden: true },
        { day: '2026-09-08', places: 2, taken: 0, overridden: true },
        { day: '2026-09-10', places: 30, taken: 3, overridden: false },
        { day: '2026-09-11', places: 2, taken: 0, overridden: true },
      ],
      'the open days of the range changed, not the one with more places taken, nor Wednesday and the weekend',
    );

    const alone = await staff.post(`/ville/gestion/activites/${activityId}/places/${pool.id}/dates`, { firstDay: '10/09/2026', places: '1' });
    assert.equal(alone.statusCode, 400);
    assert.match(fieldError(alone.body, 'places')!, /le 10\/09\/2026 \(3 prises\)/);
    assert.doesNotMatch(alone.body, /jours? modifiés?|Aucun jour modifié/, 'no "0 days changed" above the refusal');

    const pastEnd = await staff.post(`/ville/gestion/activites/${activityId}/places/${pool.id}/dates`, { firstDay: '01/08/2027', places: '5' });
    assert.equal(fieldError(pastEnd.body, 'firstDay'), 'Cette date est en dehors des dates de l’activité.');

    // The usual number cannot go below what is taken either; nor can the pool be deleted.
    await staff.get(`/ville/gestion/activites/${activityId}/places/${pool.id}`);
    const usual = await staff.post(`/ville/gestion/activites/${activityId}/places/${pool.id}`, { unitIds: [repas], groupId: '', places: '1' });
    assert.equal(usual.statusCode, 400);
    assert.match(fieldError(usual.body, 'places') ?? '', /le 10\/09\/2026 \(3 prises\)/);
    const deletePool = await staff.post(`/ville/gestion/activites/${activityId}/places/${pool.id}/suppression`, {});
    const refused = await staff.follow(deletePool);
    assert.match(refused.body, /Suppression impossible : 3 places sont déjà prises à partir d’aujourd’hui\./);

    await rows(({ tx }) =>
      tx
        .insertInto('bookings')
        .values({
          tenant_id: tenant.id,
          child_id: family.childIds[0]!,
          unit_id: repas,
          day: '2026-09-10',
          household_id: family.householdId,
          status: 'reserved',
          holds_pools: [pool.id],
        })
        .execute(),
    );
    const deleteUnit = await staff.post(`/ville/gestion/activites/${activityId}/prestations/${repas}/suppression`, {});
    const unitRefused = await staff.follow(deleteUnit);
    assert.match(unitRefused.body, /Suppression impossible : 1 réservation, passée ou à venir, porte sur cette prestation\./);
    const left = await rows(async ({ tx }) => ({
      units: (await tx.selectFrom('units').select('id').where('id', '=', repas).execute()).length,
      pools: (await tx.selectFrom('capacity_pools').select('id').where('id', '=', pool.id).execute()).length,
      places: (await tx.selectFrom('capacity_pools').select('places').where('id', '=', pool.id).executeTakeFirstOrThrow()).places,
    }));
    assert.deepEqual(left, { units: 1, pools: 1, places: 30 });

    // A unit never booked goes, and the others forget it.
    const soir = await newUnit(staff, activityId, 'Goûter', 'G', { requiresAny: [repas] });
    assert.equal((await staff.post(`/ville/gestion/activites/${activityId}/prestations/${soir}/suppression`, {})).statusCode, 302);
    assert.equal((await rows(({ tx }) => tx.selectFrom('units').select('id').where('id', '=', soir).execute())).length, 0);
  });

  it('enrolls a child found by name, accepted at once, and lists the enrolled children by group', async () => {
    const staff = await signIn('agent@example.test');
    const activityId = await newActivity(staff, { name: 'Études surveillées' });
    await staff.get(`/ville/gestion/activites/${activityId}/groupes/nouveau`);
    await staff.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: 'CM1-CM2', position: '0' });
    const group = await rows(({ tx }) => tx.selectFrom('activity_groups').selectAll().where('activity_id', '=', activityId).executeTakeFirstOrThrow());

    const search = await staff.get(`/ville/gestion/activites/${activityId}/inscriptions?q=petit`);
    assert.equal(search.statusCode, 200);
    const choice = `${family.householdId}:${family.childIds[0]}`;
    assert.ok(search.body.includes(`value="${choice}"`));
    const missingGroup = await staff.post(`/ville/gestion/activites/${activityId}/inscriptions`, { q: 'petit', child: choice, groupId: '' });
    assert.equal(missingGroup.statusCode, 400);
    assert.equal(fieldError(missingGroup.body, 'groupId'), 'Ce champ est obligatoire.');
    const enrolled = await staff.post(`/ville/gestion/activites/${activityId}/inscriptions`, { q: 'petit', child: choice, groupId: group.id });
    assert.equal(enrolled.statusCode, 302);
    const row = await rows(({ tx }) => tx.selectFrom('enrollments').selectAll().where('activity_id', '=', activityId).executeTakeFirstOrThrow());
    assert.deepEqual([row.child_id, row.group_id, row.status, row.decided_by], [family.childIds[0], group.id, 'accepted', staffAccountId]);

    const roster = await staff.follow(enrolled);
    assert.match(roster.body, /L’enfant est inscrit\./);
    assert.match(roster.body, /CM1-CM2 — 1 inscrit</);
    assert.match(roster.body, /PETIT Léonie/);
    const again = await staff.get(`/ville/gestion/activites/${activityId}/inscriptions?q=petit`);
    assert.ok(!again.body.includes(`value="${choice}"`), 'an enrolled child is no longer offered');
    assert.ok(again.body.includes(`value="${family.householdId}:${family.childIds[1]}"`));

    // The group now holds an enrollment: it cannot be deleted.
    const deleted = await staff.follow(await staff.post(`/ville/gestion/activites/${activityId}/groupes/${group.id}/suppression`, {}));
    assert.match(deleted.body, /Suppression impossible : 1 inscription est rattachée à ce groupe\./);
  });

  it('lets a reader see everything but change nothing', async () => {
    const manager = await signIn('agent@example.test');
    const activityId = await newActivity(manager, { name: 'Navette' });
    const reader = await signIn('lecture@example.test');
    const list = await reader.get('/ville/gestion/activites');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Navette/);
    assert.ok(!list.body.includes('/gestion/activites/nouvelle'), 'no button to create');
    const overview = await reader.get(`/ville/gestion/activites/${activityId}`);
    assert.equal(overview.statusCode, 200);
    assert.ok(!overview.body.includes(`/gestion/activites/${activityId}/modifier`));
    assert.equal((await reader.get(`/ville/gestion/activites/${activityId}/inscriptions`)).statusCode, 200);
    assert.equal((await reader.get('/ville/gestion/activites/sites')).statusCode, 200);

    assert.equal((await reader.get('/ville/gestion/activites/nouvelle')).statusCode, 403);
    assert.equal((await reader.post('/ville/gestion/activites/nouvelle', activityForm({ name: 'Pirate' }))).statusCode, 403);
    assert.equal((await reader.post(`/ville/gestion/activites/${activityId}/modifier`, activityForm({ name: 'Pirate' }))).statusCode, 403);
    assert.equal((await reader.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: 'Pirates' })).statusCode, 403);
    assert.equal((await reader.post(`/ville/gestion/activites/${activityId}/prestations/nouvelle`, unitForm('Pirate', 'P'))).statusCode, 403);
    assert.equal((await reader.post('/ville/gestion/activites/sites/nouveau', { name: 'Pirate', kind: 'other' })).statusCode, 403);
    assert.equal(
      (await reader.post(`/ville/gestion/activites/${activityId}/inscriptions`, { child: `${family.householdId}:${family.childIds[1]}` })).statusCode,
      403,
    );
    const names = await rows(async ({ tx }) => (await tx.selectFrom('activities').select('name').execute()).map((activity) => activity.name));
    assert.ok(!names.includes('Pirate'));
    assert.equal((await rows(({ tx }) => tx.selectFrom('units').select('id').where('activity_id', '=', activityId).execute())).length, 0);
  });

  it('answers 404 for another authority’s activity and for malformed ids', async () => {
    const staff = await signIn('agent@example.test');
    assert.equal((await staff.get(`/ville/gestion/activites/${foreignActivity}`)).statusCode, 404);
    assert.equal((await staff.get(`/ville/gestion/activites/${foreignActivity}/modifier`)).statusCode, 404);
    assert.equal((await staff.get(`/ville/gestion/activites/${foreignActivity}/inscriptions`)).statusCode, 404);
    assert.equal((await staff.post(`/ville/gestion/activites/${foreignActivity}/modifier`, activityForm())).statusCode, 404);
    assert.equal((await staff.post(`/ville/gestion/activites/${foreignActivity}/modifier`, activityForm({ action: 'preview' }))).statusCode, 404);
    assert.equal((await staff.post(`/ville/gestion/activites/${foreignActivity}/prestations/nouvelle`, unitForm('Intrus', 'I'))).statusCode, 404);
    assert.equal((await staff.post(`/ville/gestion/activites/${foreignActivity}/groupes/nouveau`, { name: 'Intrus' })).statusCode, 404);
    assert.equal((await staff.get('/ville/gestion/activites/pas-un-id')).statusCode, 404);
    assert.equal((await staff.get('/ville/gestion/activites/pas-un-id/prestations/nouvelle')).statusCode, 404);
    const foreign = await portal.inTenant(other, async ({ tx }) => (await tx.selectFrom('units').select('id').execute()).length);
    assert.equal(foreign, 0);
  });
});
