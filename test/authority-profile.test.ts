import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { createFamily, createStaff } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * An administrator keeps the authority's own details in the back office (issue #15): its name and
 * contact block, website, legal mentions, the name its emails go under, its time zone, school
 * holiday zone and public holidays. Families read them on every page.
 */
describe('the authority’s details, kept by its administrator', () => {
  const PATH = '/ville/gestion/parametres/collectivite';
  let portal: TestPortal;
  let tenant: Tenant;
  let admin: TestBrowser;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let family: TestBrowser;
  let childId: string;
  const valid = {
    name: 'Ville de Test-sur-Mer',
    contactName: 'Relais Enfance',
    contactAddress: '3 place de la Mairie\n99000 Test-sur-Mer',
    contactPhone: '0240000000',
    contactEmail: 'Enfance@Test-sur-mer.fr',
    contactHours: 'Du lundi au vendredi, 9 h – 17 h',
    websiteUrl: 'https://www.test-sur-mer.fr',
    emailSenderName: 'Relais Enfance de Test-sur-Mer',
    legalNotice: 'Directeur de la publication : le maire.\nDélégué à la protection des données : dpo@test-sur-mer.fr',
    timeZone: 'Europe/Paris',
    schoolZone: 'B',
    publicHolidayRegion: '',
    unknownSchoolYearBookings: 'open',
    absenceLateDays: '7',
  };

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-16T09:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris', school_zone: 'A' });
    const browserOf = async (email: string, role: 'admin' | 'manager' | 'reader') =>
      signedInBrowser(portal, tenant, (await createStaff(portal, tenant, { email, role })).accountId);
    admin = await browserOf('admin@example.test', 'admin');
    manager = await browserOf('gestion@example.test', 'manager');
    reader = await browserOf('lecture@example.test', 'reader');
    const parent = await createFamily(portal, tenant, { email: 'parent@example.test', lastName: 'PARENT', children: ['Léo'] });
    childId = parent.childIds[0]!;
    family = await signedInBrowser(portal, tenant, parent.accountId);
  });
  after(() => portal.close());

  it('is for administrators only: managers and read-only staff are refused, families never see it', async () => {
    assert.equal((await admin.get(PATH)).statusCode, 200);
    for (const staff of [manager, reader]) {
      assert.equal((await staff.get(PATH)).statusCode, 403);
      assert.equal((await staff.post(PATH, valid)).statusCode, 403);
    }
    assert.equal((await family.get(PATH)).statusCode, 404);
    assert.doesNotMatch((await manager.get('/ville/gestion')).body, /parametres\/collectivite/);
    assert.match((await admin.get('/ville/gestion')).body, /href="\/ville\/gestion\/parametres\/collectivite">Collectivité</);
  });

  it('says what is wrong next to each field and keeps everything typed', async () => {
    const wrong = { ...valid, name: '  ', contactEmail: 'enfance@', websiteUrl: 'javascript:alert(1)', timeZone: 'Mars/Olympus', schoolZone: 'Z' };
    const page = await admin.post(PATH, wrong);
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /Le formulaire contient 5 erreur/);
    assert.match(page.body, /id="field-name-error"[^>]*>Ce champ est obligatoire\./);
    assert.match(page.body, /id="field-contactEmail-error"[^>]*>Saisissez une adresse électronique valide/);
    assert.match(page.body, /id="field-websiteUrl-error"[^>]*>Saisissez une adresse web complète/);
    assert.match(page.body, /id="field-timeZone-error"[^>]*>Choisissez une des valeurs proposées\./);
    assert.match(page.body, /value="Relais Enfance de Test-sur-Mer"/, 'what was typed is kept');
    assert.match(page.body, /Directeur de la publication : le maire\./);
    const name = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('tenants').select('name').where('id', '=', tenant.id).executeTakeFirstOrThrow());
    assert.notEqual(name.name, valid.name, 'nothing saved while a field is wrong');
  });

  it('saves the details: families read the new contact block and legal mentions at once, the new zone gets its holidays, the journal says who', async () => {
    const saved = await admin.post(PATH, valid);
    assert.equal(saved.statusCode, 303);
    assert.match(saved.headers.location as string, /\?fait=vacances-\d+$/, 'zone B got its school holidays');
    const notice = await admin.get(saved.headers.location as string);
    assert.match(notice.body, /périodes de vacances de la nouvelle zone ont été ajoutées/);

    const home = await family.get('/ville/accueil');
    assert.match(home.body, /Ville de Test-sur-Mer/);
    assert.match(home.body, /Relais Enfance/);
    assert.match(home.body, /02 40 00 00 00/, 'the phone as people write it');
    assert.match(home.body, /mailto:enfance@test-sur-mer\.fr/, 'the address in lower case');
    assert.match(home.body, /href="https:\/\/www\.test-sur-mer\.fr\/"/);
    const legal = await family.get('/ville/mentions-legales');
    assert.match(legal.body, /Délégué à la protection des données : dpo@test-sur-mer\.fr/);

    const holidays = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('school_holidays').select(['zone']).where('tenant_id', '=', tenant.id).where('zone', '=', 'B').execute(),
    );
    assert.ok(holidays.length > 0);
    const journal = await admin.get('/ville/gestion/journal');
    assert.match(journal.body, /Informations de la collectivité modifiées/);

    const again = await admin.post(PATH, valid);
    assert.match(again.headers.location as string, /\?fait=rien$/, 'saving the same details changes nothing');
    const cleared = await admin.post(PATH, { ...valid, legalNotice: '', emailSenderName: '' });
    assert.match(cleared.headers.location as string, /\?fait=oui$/);
    assert.doesNotMatch((await family.get('/ville/mentions-legales')).body, /dpo@test-sur-mer\.fr/);
  });

  it('sets how many days after a day a family may still declare an absence for it: a whole number from 0 to 365, said next to the field when wrong', async () => {
    const page = await admin.get(PATH);
    assert.match(page.body, /name="absenceLateDays"[^>]*value="7"/, 'the default the portal applies');
    for (const typed of ['366', 'deux', '']) {
      const wrong = await admin.post(PATH, { ...valid, absenceLateDays: typed });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /href="#field-absenceLateDays"/, 'the error summary links to the field');
      assert.match(wrong.body, /id="field-absenceLateDays-error"[^>]*>(Saisissez un nombre entier dans les limites permises|Ce champ est obligatoire)\./);
      if (typed) assert.match(wrong.body, new RegExp(`name="absenceLateDays"[^>]*value="${typed}"`), 'what was typed is kept');
    }
    // Four days back, nothing booked: the portal looks for a booking, the day is not too old.
    const absence = { enfant: childId, du: '12/11/2026', motif: 'family' };
    assert.match((await postMultipart(portal, family, '/ville/absences', absence)).body, /Rien n’est réservé pour cet enfant/);
    for (const staff of [manager, reader]) assert.equal((await staff.post(PATH, { ...valid, absenceLateDays: '2' })).statusCode, 403);
    const saved = await admin.post(PATH, { ...valid, absenceLateDays: '2' });
    assert.equal(saved.statusCode, 303);
    assert.match((await admin.follow(saved)).body, /name="absenceLateDays"[^>]*value="2"/);
    const late = await postMultipart(portal, family, '/ville/absences', absence);
    assert.match(late.body, /id="field-du-error">Une absence se déclare au plus tard 2 jours après/);
    await admin.post(PATH, { ...valid, absenceLateDays: '1' });
    assert.match((await postMultipart(portal, family, '/ville/absences', absence)).body, /au plus tard 1 jour après/);
    const journal = await admin.get('/ville/gestion/journal');
    assert.match(journal.body, /Délai de déclaration des absences modifié/);
    assert.match(journal.body, /{&quot;new&quot;:1,&quot;old&quot;:2}/, 'the journal keeps the old and the new delay');
  });
});
