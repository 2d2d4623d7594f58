import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { inTenant } from '../src/db/tenant-scope.js';
import { addClosure } from '../src/modules/calendar/closures.js';
import { seedSchoolHolidays } from '../src/modules/calendar/school-holidays.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { multipartForm } from './support/multipart.js';
import { createStaff, PASSWORD } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const SAMPLE = readFileSync(new URL('../src/modules/calendar/test-fixtures/fr-en-calendrier-scolaire.sample.csv', import.meta.url), 'utf8');

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('the staff calendar', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let other: Tenant;
  let siteId: string;
  let otherSiteId: string;

  before(async () => {
    // Autumn 2025: the snapshot covers the current school year (2025-2026).
    portal = await startTestPortal({ now: '2025-11-20T09:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', school_zone: 'A' });
    other = await portal.addTenant({ slug: 'bourg', name: 'Bourg Test', school_zone: 'B' });
    for (const t of [tenant, other]) assert.ok((await portal.inTenant(t, ({ tx }) => seedSchoolHolidays(tx, t.id, t.school_zone))) > 150);
    assert.equal(await portal.inTenant(tenant, ({ tx }) => seedSchoolHolidays(tx, tenant.id, 'Zone A')), 0, 'seeding twice adds nothing');
    await createStaff(portal, tenant, { email: 'gestion@example.test', role: 'manager' });
    await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    await createStaff(portal, other, { email: 'gestion@example.test', role: 'manager' });
    siteId = await portal.inTenant(
      tenant,
      async ({ tx }) =>
        (
          await tx
            .insertInto('sites')
            .values({ tenant_id: tenant.id, name: 'École Jules-Ferry', kind: 'school', address: null })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
    );
    otherSiteId = await portal.inTenant(
      other,
      async ({ tx }) =>
        (
          await tx
            .insertInto('sites')
            .values({ tenant_id: other.id, name: 'École du Bourg', kind: 'school', address: null })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
    );
  });
  after(() => portal.close());

  async function signIn(slug: string, email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get(`/${slug}/connexion`);
    await browser.post(`/${slug}/connexion`, { email, password: PASSWORD });
    return browser;
  }

  async function postMultipart(browser: TestBrowser, url: string, fields: Record<string, string>, file?: { filename: string; content: string | Buffer }) {
    // The token is among `fields` (or left out on purpose): the form is sent as given.
    const { payload, contentType } = multipartForm(
      fields,
      file && { name: 'file', filename: file.filename, type: 'text/csv', data: Buffer.from(file.content) },
    );
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return portal.app.inject({ method: 'POST', url, payload, headers: { cookie, 'content-type': contentType } });
  }

  const rows = (t: Tenant, table: 'school_holidays' | 'closures') =>
    portal.inTenant(t, ({ tx }) => tx.selectFrom(table).selectAll().orderBy('first_day').execute());
  const auditActions = (t: Tenant) =>
    portal.inTenant(t, async ({ tx }) => (await tx.selectFrom('audit_log').select('action').orderBy('id').execute()).map((row) => row.action));

  it('shows the school holidays of the zone, the closures and the public holidays', async () => {
    const staff = await signIn('ville', 'gestion@example.test');
    const page = await staff.get('/ville/gestion/calendrier');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Vacances scolaires — zone A/);
    assert.match(page.body, /Années scolaires 2025-2026 et 2026-2027/);
    assert.match(page.body, /Vacances de Noël<\/td><td>sam\. 20 décembre 2025<\/td><td>dim\. 4 janvier 2026/);
    assert.match(page.body, /Antoine Augusti/, 'the snapshot’s credit');
    assert.match(page.body, /jeu\. 25 décembre 2025<\/td><td>Noël/);
    assert.match(page.body, /href="\/ville\/gestion\/calendrier" aria-current="page"|aria-current="page"[^>]*>Calendrier/);
    assert.match(page.body, /Ajouter une fermeture/);
    const english = await staff.get('/ville/gestion/calendrier?lang=en');
    assert.match(english.body, /Thu, 25 December 2025<\/td><td>Christmas Day/);
  });

  it('adds, edits and deletes a holiday period, with errors next to the fields and nothing lost', async () => {
    const staff = await signIn('ville', 'gestion@example.test');
    await staff.get('/ville/gestion/calendrier/vacances/nouvelle');
    const bad = await staff.post('/ville/gestion/calendrier/vacances/nouvelle', { name: '', firstDay: '2026-05-15', lastDay: '2026-05-13' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /id="error-summary"/);
    assert.match(bad.body, /Ce champ est obligatoire|Ce champ doit être rempli|obligatoire/);
    assert.match(bad.body, /Le dernier jour doit être le même jour que le premier ou après/);
    assert.match(bad.body, /id="field-firstDay" name="firstDay" type="text" value="15\/05\/2026"/, 'one way for dates: typed JJ/MM/AAAA');
    assert.match(bad.body, /value="13\/05\/2026"/);
    assert.doesNotMatch(bad.body, /type="date"/);

    const added = await staff.post('/ville/gestion/calendrier/vacances/nouvelle', {
      name: 'Pont de l’Ascension',
      firstDay: '2026-05-14',
      lastDay: '2026-05-17',
    });
    assert.equal(added.statusCode, 302);
    const list = await staff.follow(added);
    assert.match(list.body, /La période de vacances est ajoutée/);
    assert.match(list.body, /Pont de l’Ascension<\/td><td>jeu\. 14 mai 2026/);
    const row = (await rows(tenant, 'school_holidays')).find((period) => period.name === 'Pont de l’Ascension')!;
    assert.equal(row.source, 'manual');

    const edited = await staff.post(`/ville/gestion/calendrier/vacances/${row.id}`, {
      name: 'Pont de l’Ascension',
      firstDay: '2026-05-14',
      lastDay: '2026-05-15',
    });
    assert.equal(edited.statusCode, 302);
    assert.equal((await rows(tenant, 'school_holidays')).find((period) => period.id === row.id)!.last_day, '2026-05-15');

    // Editing a snapshot period makes it the service's own.
    const toussaint = (await rows(tenant, 'school_holidays')).find((period) => period.first_day === '2025-10-18')!;
    assert.equal(toussaint.source, 'snapshot');
    await staff.post(`/ville/gestion/calendrier/vacances/${toussaint.id}`, { name: 'Vacances de la Toussaint', firstDay: '2025-10-18', lastDay: '2025-11-02' });
    assert.equal((await rows(tenant, 'school_holidays')).find((period) => period.id === toussaint.id)!.source, 'manual');

    const deleted = await staff.post(`/ville/gestion/calendrier/vacances/${row.id}/suppression`, {});
    assert.equal(deleted.statusCode, 302);
    assert.equal(
      (await rows(tenant, 'school_holidays')).some((period) => period.id === row.id),
      false,
    );
    const actions = await auditActions(tenant);
    for (const action of ['school_holiday.added', 'school_holiday.updated', 'school_holiday.deleted']) assert.ok(actions.includes(action), action);
  });

  it('adds, edits and deletes a closure of one site', async () => {
    const staff = await signIn('ville', 'gestion@example.test');
    const form = await staff.get('/ville/gestion/calendrier/fermetures/nouvelle');
    assert.match(form.body, new RegExp(`value="site:${siteId}"`));
    const missing = await staff.post('/ville/gestion/calendrier/fermetures/nouvelle', {
      target: `site:${siteId}`,
      firstDay: '2026-02-30',
      lastDay: '',
      reason: 'Travaux',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /value="Travaux"/);
    assert.match(missing.body, /<option value="site:[^"]+" selected/);

    const added = await staff.post('/ville/gestion/calendrier/fermetures/nouvelle', {
      target: `site:${siteId}`,
      firstDay: '2026-06-08',
      lastDay: '2026-06-12',
      reason: 'Travaux à l’école',
    });
    assert.equal(added.statusCode, 302);
    const list = await staff.follow(added);
    assert.match(list.body, /lun\. 8 juin 2026<\/td><td>ven\. 12 juin 2026<\/td><td>École Jules-Ferry<\/td><td>Travaux à l’école/);
    const closure = (await rows(tenant, 'closures')).find((row) => row.reason === 'Travaux à l’école')!;
    assert.equal(closure.site_id, siteId);

    const edit = await staff.get(`/ville/gestion/calendrier/fermetures/${closure.id}`);
    assert.match(edit.body, /value="Travaux à l’école"/);
    await staff.post(`/ville/gestion/calendrier/fermetures/${closure.id}`, { target: 'all', firstDay: '2026-06-08', lastDay: '2026-06-08', reason: 'Grève' });
    const changed = (await rows(tenant, 'closures')).find((row) => row.id === closure.id)!;
    assert.deepEqual([changed.site_id, changed.activity_id, changed.last_day, changed.reason], [null, null, '2026-06-08', 'Grève']);
    await staff.post(`/ville/gestion/calendrier/fermetures/${closure.id}/suppression`, {});
    assert.equal(
      (await rows(tenant, 'closures')).some((row) => row.id === closure.id),
      false,
    );
    const actions = await auditActions(tenant);
    for (const action of ['closure.added', 'closure.updated', 'closure.deleted']) assert.ok(actions.includes(action), action);
  });

  it('keeps each tenant’s closures and sites to itself', async () => {
    const theirs = await portal.inTenant(other, (scope) =>
      addClosure(scope, { target: 'all', firstDay: '2026-03-02', lastDay: '2026-03-02', reason: 'Fermeture du bourg' }),
    );
    assert.equal(theirs.kind, 'saved');
    const theirId = theirs.kind === 'saved' ? theirs.id : '';
    const staff = await signIn('ville', 'gestion@example.test');
    assert.equal((await staff.get(`/ville/gestion/calendrier/fermetures/${theirId}`)).statusCode, 404);
    assert.equal(
      (await staff.post(`/ville/gestion/calendrier/fermetures/${theirId}`, { target: 'all', firstDay: '2026-03-02', lastDay: '2026-03-03', reason: 'Piraté' }))
        .statusCode,
      404,
    );
    assert.equal((await staff.post(`/ville/gestion/calendrier/fermetures/${theirId}/suppression`, {})).statusCode, 404);
    assert.equal((await staff.get('/ville/gestion/calendrier/fermetures/pas-un-id')).statusCode, 404);
    const stillThere = await rows(other, 'closures');
    assert.deepEqual(
      stillThere.map((row) => [row.reason, row.last_day]),
      [['Fermeture du bourg', '2026-03-02']],
    );
    assert.doesNotMatch((await staff.get('/ville/gestion/calendrier')).body, /Fermeture du bourg/);

    const theirSite = await staff.post('/ville/gestion/calendrier/fermetures/nouvelle', {
      target: `site:${otherSiteId}`,
      firstDay: '2026-03-02',
      lastDay: '2026-03-02',
      reason: 'Essai',
    });
    assert.equal(theirSite.statusCode, 400);
    assert.equal(
      (await rows(tenant, 'closures')).some((row) => row.reason === 'Essai'),
      false,
    );

    const theirPeriod = (await rows(other, 'school_holidays'))[0]!;
    assert.equal((await staff.get(`/ville/gestion/calendrier/vacances/${theirPeriod.id}`)).statusCode, 404);
    assert.equal((await staff.post(`/ville/gestion/calendrier/vacances/${theirPeriod.id}/suppression`, {})).statusCode, 404);
    assert.ok((await rows(other, 'school_holidays')).some((row) => row.id === theirPeriod.id));
  });

  it('lets a read-only staff member look but not change anything', async () => {
    const reader = await signIn('ville', 'lecture@example.test');
    const page = await reader.get('/ville/gestion/calendrier');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /lecture seule/);
    assert.doesNotMatch(page.body, /Ajouter une fermeture/);
    assert.doesNotMatch(page.body, /calendrier\/vacances\/[0-9a-f-]{36}/);
    assert.equal((await reader.get('/ville/gestion/calendrier/fermetures/nouvelle')).statusCode, 403);
    assert.equal((await reader.get('/ville/gestion/calendrier/import')).statusCode, 403);
    const before = (await rows(tenant, 'closures')).length;
    const refused = await reader.post('/ville/gestion/calendrier/fermetures/nouvelle', {
      target: 'all',
      firstDay: '2026-03-02',
      lastDay: '2026-03-02',
      reason: 'Non',
    });
    assert.equal(refused.statusCode, 403);
    const period = (await rows(tenant, 'school_holidays'))[0]!;
    assert.equal((await reader.post(`/ville/gestion/calendrier/vacances/${period.id}/suppression`, {})).statusCode, 403);
    assert.equal((await rows(tenant, 'closures')).length, before);
    assert.ok((await rows(tenant, 'school_holidays')).some((row) => row.id === period.id));
  });

  it('imports the ministry’s file: preview, then replace only the imported periods of those school years', async () => {
    const staff = await signIn('ville', 'gestion@example.test');
    await staff.post('/ville/gestion/calendrier/vacances/nouvelle', { name: 'Journée du maire', firstDay: '2026-03-16', lastDay: '2026-03-16' });
    const form = await staff.get('/ville/gestion/calendrier/import');
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, /<option value="Zone A" selected/);
    const csrf = staff.csrfToken()!;
    const beforeRows = await rows(tenant, 'school_holidays');
    const snapshot2024 = beforeRows.filter((row) => row.source === 'snapshot' && row.first_day >= '2024-09-01' && row.first_day <= '2025-08-31');
    assert.ok(snapshot2024.length >= 5);

    const preview = await postMultipart(
      staff,
      '/ville/gestion/calendrier/import',
      { _csrf: csrf, zone: 'Zone A' },
      { filename: 'fr-en-calendrier-scolaire.csv', content: SAMPLE },
    );
    assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000));
    assert.match(preview.body, /Vérifier l’import/);
    assert.match(preview.body, /années scolaires 2025-2026, 2026-2027 : 7\./);
    assert.match(preview.body, /Lignes réservées aux enseignants ignorées : 2\./);
    assert.match(preview.body, /Lignes illisibles ignorées : 1 \(lignes 9\)/);
    assert.match(preview.body, /Journée du maire/, 'the manual period is listed as kept');
    assert.equal((await rows(tenant, 'school_holidays')).length, beforeRows.length, 'a preview writes nothing');

    const periods = unescapeHtml(/name="periods" value="([^"]*)"/.exec(preview.body)![1]!);
    const confirmed = await staff.post('/ville/gestion/calendrier/import/confirmation', { zone: 'Zone A', periods });
    assert.equal(confirmed.statusCode, 302);
    assert.match((await staff.follow(confirmed)).body, /Le calendrier du ministère est importé : 7 périodes de vacances\./);

    const afterRows = await rows(tenant, 'school_holidays');
    const imported = afterRows.filter((row) => row.source === 'import');
    assert.equal(imported.length, 7);
    assert.ok(imported.every((row) => row.zone === 'A'));
    assert.deepEqual(
      imported.find((row) => row.name === "Pont de l'Ascension") && [
        imported.find((row) => row.name === "Pont de l'Ascension")!.first_day,
        imported.find((row) => row.name === "Pont de l'Ascension")!.last_day,
      ],
      ['2026-05-14', '2026-05-17'],
    );
    assert.equal(
      afterRows.filter((row) => row.source === 'snapshot' && row.first_day >= '2025-09-01' && row.first_day <= '2027-08-31').length,
      0,
      'the snapshot of those years is replaced',
    );
    assert.ok(
      afterRows.some((row) => row.name === 'Journée du maire' && row.source === 'manual'),
      'typed periods stay',
    );
    assert.ok(
      afterRows.some((row) => row.name === 'Vacances de la Toussaint' && row.first_day === '2025-10-18' && row.source === 'manual'),
      'corrected periods stay',
    );
    for (const row of snapshot2024)
      assert.ok(
        afterRows.some((kept) => kept.id === row.id),
        'other school years are untouched',
      );

    // A second file for 2026-2027 only replaces that year's imported periods.
    const second =
      'description;population;start_date;end_date;location;zones;annee_scolaire\nVacances de la Toussaint;-;2026-10-16T22:00:00+00:00;2026-11-02T23:00:00+00:00;Lyon;Zone A;2026-2027\nVacances de Noël;-;2026-12-18T23:00:00+00:00;2027-01-03T23:00:00+00:00;Lyon;Zone A;2026-2027\n';
    const preview2 = await postMultipart(
      staff,
      '/ville/gestion/calendrier/import',
      { _csrf: csrf, zone: 'Zone A' },
      { filename: 'calendrier.csv', content: second },
    );
    assert.match(preview2.body, /Périodes existantes remplacées \(import ou copie initiale\) : 1\./);
    await staff.post('/ville/gestion/calendrier/import/confirmation', {
      zone: 'Zone A',
      periods: unescapeHtml(/name="periods" value="([^"]*)"/.exec(preview2.body)![1]!),
    });
    const finalRows = await rows(tenant, 'school_holidays');
    assert.deepEqual(
      finalRows.filter((row) => row.source === 'import' && row.first_day >= '2026-09-01').map((row) => [row.name, row.first_day, row.last_day]),
      [
        ['Vacances de la Toussaint', '2026-10-17', '2026-11-02'],
        ['Vacances de Noël', '2026-12-19', '2027-01-03'],
      ],
    );
    assert.equal(finalRows.filter((row) => row.source === 'import' && row.first_day < '2026-09-01').length, 6);
    assert.ok((await auditActions(tenant)).includes('school_holidays.imported'));
    assert.equal((await rows(other, 'school_holidays')).filter((row) => row.source === 'import').length, 0);
  });

  it('explains a wrong file, a missing zone or a file too large, and checks the anti-forgery token', async () => {
    const staff = await signIn('ville', 'gestion@example.test');
    await staff.get('/ville/gestion/calendrier/import');
    const csrf = staff.csrfToken()!;
    const noFile = await postMultipart(staff, '/ville/gestion/calendrier/import', { _csrf: csrf, zone: 'Zone A' });
    assert.equal(noFile.statusCode, 400);
    assert.match(noFile.body, /Choisissez le fichier CSV à importer/);
    const columns = await postMultipart(
      staff,
      '/ville/gestion/calendrier/import',
      { _csrf: csrf, zone: 'Zone A' },
      { filename: 'x.csv', content: 'nom;jour\nNoël;2025-12-20\n' },
    );
    assert.equal(columns.statusCode, 400);
    assert.match(columns.body, /il manque : description, start_date, end_date, zones/);
    const zone = await postMultipart(staff, '/ville/gestion/calendrier/import', { _csrf: csrf, zone: 'Zone C' }, { filename: 'x.csv', content: SAMPLE });
    assert.equal(zone.statusCode, 400);
    assert.match(zone.body, /aucune période pour « Zone C »/);
    assert.match(zone.body, /<option value="Guadeloupe"/, 'the zones of the file are offered');
    const large = await postMultipart(
      staff,
      '/ville/gestion/calendrier/import',
      { _csrf: csrf, zone: 'Zone A' },
      { filename: 'x.csv', content: Buffer.alloc(2 * 1024 * 1024 + 10, 'a') },
    );
    assert.equal(large.statusCode, 400);
    assert.match(large.body, /dépasse 2 Mo/);
    const forged = await postMultipart(staff, '/ville/gestion/calendrier/import', { zone: 'Zone A' }, { filename: 'x.csv', content: SAMPLE });
    assert.equal(forged.statusCode, 403);
    const tampered = await staff.post('/ville/gestion/calendrier/import/confirmation', {
      zone: 'Zone A',
      periods: '[{"name":"x","firstDay":"2026-01-01","lastDay":"2025-01-01","schoolYear":2025}]',
    });
    assert.equal(tampered.statusCode, 400);
  });

  it('keeps a tenant’s calendar in memory and reloads it after an edit', async () => {
    const calendars = portal.services.calendars;
    const first = await calendars.forTenant(portal.db, tenant);
    assert.equal(await calendars.forTenant(portal.db, tenant), first, 'loaded once');
    assert.equal(first.closedReason('2026-09-14', { siteId }), null);
    assert.ok(first.isSchoolHoliday('2025-12-24'));
    assert.equal(first.closedReason('2025-12-25'), 'public_holiday');

    const staff = await signIn('ville', 'gestion@example.test');
    await staff.get('/ville/gestion/calendrier/fermetures/nouvelle');
    await staff.post('/ville/gestion/calendrier/fermetures/nouvelle', {
      target: `site:${siteId}`,
      firstDay: '2026-09-14',
      lastDay: '2026-09-14',
      reason: 'Désinfection',
    });
    const second = await calendars.forTenant(portal.db, tenant);
    assert.notEqual(second, first);
    assert.equal(second.closedReason('2026-09-14', { siteId }), 'closure');
    assert.equal(second.closureReason('2026-09-14', { siteId }), 'Désinfection');
    assert.equal(second.closedReason('2026-09-14', { siteId: otherSiteId }), null);

    // A change rolled back is never taken for the current calendar.
    await assert.rejects(
      inTenant(portal.db, tenant.id, async (tx) => {
        await addClosure(
          { tx, tenantId: tenant.id, actor: { kind: 'system', label: 'test' }, now: portal.clock.now() },
          { target: 'all', firstDay: '2026-09-15', lastDay: '2026-09-15', reason: 'Annulée' },
        );
        assert.equal((await calendars.forTenant(tx, tenant)).closedReason('2026-09-15'), 'closure');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal((await calendars.forTenant(portal.db, tenant)).closedReason('2026-09-15'), null);

    // Other tenants are not disturbed, and a minute later the calendar is read again anyway.
    const theirs = await calendars.forTenant(portal.db, other);
    assert.equal(theirs.closedReason('2026-03-02'), 'closure');
    assert.equal(theirs.closedReason('2026-09-14', { siteId }), null);
    const kept = await calendars.forTenant(portal.db, tenant);
    portal.clock.advance(61_000);
    assert.notEqual(await calendars.forTenant(portal.db, tenant), kept);
  });
});
