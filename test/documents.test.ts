import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createActivity } from '../src/modules/activities/activity-setup.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { emailsTo, linkIn } from './support/outbox.js';
import { createFamily, createStaff, familyActor, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('Attestation d’assurance de Noé')]);
const DISGUISED = Buffer.from('<html><script>alert(1)</script></html>');

describe('the documents space: published, for one household, asked for', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let other: TestFamily;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let ana: TestBrowser;
  let bo: TestBrowser;
  let wednesdays: string;
  let holidays: string;
  let insurance: string;
  let accounts: { manager: string; reader: string };

  /** Everyone signs in again: a session left unused while the clock jumps months ends, as it should. */
  async function signInAll() {
    manager = await signedInBrowser(portal, tenant, accounts.manager);
    reader = await signedInBrowser(portal, tenant, accounts.reader);
    ana = await signedInBrowser(portal, tenant, family.accountId);
    bo = await signedInBrowser(portal, tenant, other.accountId);
  }

  async function setClock(instant: string) {
    portal.clock.set(instant);
    await signInAll();
  }

  before(async () => {
    // Saint-Pierre-et-Miquelon (UTC−3, UTC−2 in summer): its days end hours after those of UTC.
    portal = await startTestPortal({ now: '2026-11-23T12:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'America/Miquelon' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', firstName: 'Ana', lastName: 'LOPEZ', children: ['Noé'] });
    other = await createFamily(portal, tenant, { email: 'bo@example.test', lastName: 'BO', children: ['Lou'] });
    const staff = await createStaff(portal, tenant, { email: 'agent@example.test' });
    const readOnly = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: { kind: 'staff' as const, accountId: staff.accountId, role: 'manager' as const, label: 'Agent' } };
      const activity = (name: string) =>
        createActivity(scope, { name, kind: 'alsh_wednesday', site_id: null, starts_on: '2026-09-01', ends_on: '2027-07-03', weekdays: [3] });
      wednesdays = await activity('Mercredis');
      holidays = await activity('Vacances');
      await requestEnrollment(
        { ...base, actor: familyActor(family) },
        { householdId: family.householdId, childId: family.childIds[0]!, activityId: wednesdays },
      );
      await requestEnrollment({ ...base, actor: familyActor(other) }, { householdId: other.householdId, childId: other.childIds[0]!, activityId: holidays });
    });
    accounts = { manager: staff.accountId, reader: readOnly.accountId };
    await signInAll();
  });
  after(() => portal.close());

  it('staff set the kinds the authority asks for, with their validity; bad input comes back next to its field; read-only staff are refused', async () => {
    await manager.get('/ville/gestion/documents/types');
    const empty = await manager.post('/ville/gestion/documents/types', { libelle: '', validite: 'months', mois: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Ce champ est obligatoire/);
    const added = await manager.post('/ville/gestion/documents/types', { libelle: 'Attestation d’assurance', validite: 'school_year', mois: '' });
    assert.equal(added.statusCode, 302);
    await manager.post('/ville/gestion/documents/types', { libelle: 'Justificatif de domicile', validite: 'months', mois: '3' });
    const twice = await manager.post('/ville/gestion/documents/types', { libelle: 'Attestation d’assurance', validite: 'none' });
    assert.match(twice.body, /Ce type de document existe déjà/);
    assert.match(twice.body, /value="Attestation d’assurance"/);
    const types = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('document_types').select(['id', 'label', 'validity', 'validity_months']).orderBy('label').execute(),
    );
    assert.deepEqual(
      types.map((type) => [type.label, type.validity, type.validity_months]),
      [
        ['Attestation d’assurance', 'school_year', null],
        ['Justificatif de domicile', 'months', 3],
      ],
    );
    insurance = types[0]!.id;

    await reader.get('/ville/gestion/documents/types');
    assert.equal((await reader.post('/ville/gestion/documents/types', { libelle: 'PAI', validite: 'none' })).statusCode, 403);
    assert.equal((await reader.post(`/ville/gestion/activites/${wednesdays}/documents`, { types: insurance })).statusCode, 403);
    const page = await manager.get(`/ville/gestion/activites/${wednesdays}/documents`);
    assert.match(page.body, /Justificatif de domicile — valable 3 mois/);
    assert.equal((await manager.post(`/ville/gestion/activites/${wednesdays}/documents`, { types: insurance })).statusCode, 302);
    assert.match((await manager.get(`/ville/gestion/activites/${wednesdays}/documents`)).body, new RegExp(`value="${insurance}" checked`));
  });

  it('a family is asked only what its children’s activities ask; a wrong file is refused next to its field, and nothing is kept', async () => {
    const page = await ana.get('/ville/mes-documents');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Attestation d’assurance/);
    assert.match(page.body, /Demandé pour : Mercredis — valable une année scolaire/);
    assert.match(page.body, /À fournir/);
    assert.doesNotMatch((await bo.get('/ville/mes-documents')).body, /Attestation d’assurance/);
    assert.match((await ana.get('/ville/inscriptions')).body, /Mercredis — Documents demandés : Attestation d’assurance/);

    const field = `fichier-${insurance}`;
    const url = `/ville/mes-documents/envoi/${insurance}`;
    const disguised = await postMultipart(portal, ana, url, {}, { name: field, filename: 'assurance.pdf', data: DISGUISED });
    assert.equal(disguised.statusCode, 400);
    assert.match(disguised.body, new RegExp(`<p class="fr-error-text" id="field-${field}-error">Ce fichier n’est ni un PDF ni une image PNG ou JPEG.`));
    const none = await postMultipart(portal, ana, url, {});
    assert.match(none.body, /Choisissez le fichier à envoyer/);
    const tooLarge = await postMultipart(
      portal,
      ana,
      url,
      {},
      { name: field, filename: 'gros.pdf', data: Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024)]) },
    );
    assert.match(tooLarge.body, /dépasse 2 Mo/);
    const english = await ana.get('/ville/mes-documents?lang=en');
    assert.match(english.body, /To provide/);
    await ana.get('/ville/mes-documents?lang=fr');
    const kept = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('document_submissions').select('id').execute());
    assert.equal(kept.length, 0);
    // A kind the household is not asked for, or sent by another household: not found.
    assert.equal((await postMultipart(portal, bo, url, {}, { name: field, filename: 'a.pdf', data: PDF })).statusCode, 404);
  });

  it('staff refuse with a reason the family reads (told by an email without it), the family sends another, staff accept it', async () => {
    const field = `fichier-${insurance}`;
    await ana.get('/ville/inscriptions');
    const sent = await postMultipart(portal, ana, `/ville/inscriptions/documents/${insurance}`, {}, { name: field, filename: 'assurance noé.pdf', data: PDF });
    assert.equal(sent.statusCode, 302);
    assert.match(String(sent.headers.location), /\/ville\/inscriptions\?document=1$/);
    assert.match((await ana.get('/ville/mes-documents')).body, /En cours de vérification/);

    // The enrollment decision shows what the activity asks and where the household stands.
    const validations = await manager.get('/ville/gestion/validations');
    assert.match(validations.body, /Documents demandés :/);
    assert.match(validations.body, /Attestation d’assurance : <p class="fr-badge[^"]*">En cours de vérification/);

    const review = await manager.get('/ville/gestion/documents/a-verifier');
    const submissionId = /envois\/([0-9a-f-]{36})\/decision/.exec(review.body)![1]!;
    const documentId = /\/documents\/([0-9a-f-]{36})"/.exec(review.body)![1]!;
    const download = await manager.get(`/ville/documents/${documentId}`);
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="assurance_no_.pdf"; filename\*=UTF-8''assurance%20no%C3%A9\.pdf$/);
    assert.equal((await bo.get(`/ville/documents/${documentId}`)).statusCode, 404);

    await reader.get('/ville/gestion/documents/a-verifier');
    assert.equal((await reader.post(`/ville/gestion/documents/envois/${submissionId}/decision`, { act: 'accept' })).statusCode, 403);
    const noReason = await manager.post(`/ville/gestion/documents/envois/${submissionId}/decision`, { act: 'refuse', [`motif-${submissionId}`]: ' ' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Indiquez le motif du refus/);
    const refused = await manager.post(`/ville/gestion/documents/envois/${submissionId}/decision`, {
      act: 'refuse',
      [`motif-${submissionId}`]: 'Attestation illisible',
    });
    assert.equal(refused.statusCode, 302);
    const mail = (await emailsTo(portal, tenant, family.email)).find((email) => /refusé/.test(email.subject));
    assert.doesNotMatch(mail!.text_body, /illisible/);
    assert.equal(linkIn(mail!.text_body, '/ville/mes-documents'), '/ville/mes-documents');
    const again = await manager.post(`/ville/gestion/documents/envois/${submissionId}/decision`, { act: 'accept' });
    assert.match(String(again.headers.location), /fait=deja/);

    const refusedPage = await ana.get('/ville/mes-documents');
    assert.match(refusedPage.body, /Refusé : Attestation illisible\. Vous pouvez envoyer un autre document\./);
    assert.match((await manager.get('/ville/gestion/documents/a-verifier')).body, /Documents manquants, refusés ou expirés \(1\)/);
    assert.equal(
      (await postMultipart(portal, ana, `/ville/mes-documents/envoi/${insurance}`, {}, { name: field, filename: 'b.pdf', data: PDF })).statusCode,
      302,
    );
    const second = /envois\/([0-9a-f-]{36})\/decision/.exec((await manager.get('/ville/gestion/documents/a-verifier')).body)![1]!;
    assert.equal((await manager.post(`/ville/gestion/documents/envois/${second}/decision`, { act: 'accept' })).statusCode, 302);
    const accepted = await ana.get('/ville/mes-documents');
    assert.match(accepted.body, /Accepté<\/p><span class="fr-text--xs fr-ml-1w">valable jusqu’au 31\/08\/2027/);
    assert.match((await manager.get(`/ville/gestion/foyers/${family.householdId}`)).body, /valable jusqu’au 31\/08\/2027/);
  });

  it('a document valid for the school year expires on 1 September of the authority, not of UTC', async () => {
    // 01:30 UTC on 1 September is still 31 August, 23:30, in Miquelon (UTC−2 in summer).
    await setClock('2027-09-01T01:30:00Z');
    assert.match((await ana.get('/ville/mes-documents')).body, /valable jusqu’au 31\/08\/2027/);
    await setClock('2027-09-01T02:30:00Z');
    const expired = await ana.get('/ville/mes-documents');
    assert.match(expired.body, /Expiré<\/p><span class="fr-text--xs fr-ml-1w">expiré le 01\/09\/2027/);
    assert.match(expired.body, new RegExp(`name="fichier-${insurance}"`), 'the family may send a new one');
    const staffList = await manager.get('/ville/gestion/documents/a-verifier');
    assert.match(staffList.body, /LOPEZ Ana[\s\S]*Attestation d’assurance[\s\S]*expiré le 01\/09\/2027/);
    assert.match((await manager.get(`/ville/gestion/foyers/${family.householdId}`)).body, /expiré le 01\/09\/2027/);
    await setClock('2026-11-23T12:00:00Z');
  });

  it('published documents: for every family or an activity’s, within their window, downloaded as attachments; never another activity’s', async () => {
    const publish = (browser: TestBrowser, fields: Record<string, string>, data = PDF) =>
      postMultipart(portal, browser, '/ville/gestion/documents', fields, { name: 'fichier', filename: 'programme.pdf', data });
    await manager.get('/ville/gestion/documents');
    const wrongType = await publish(manager, { titre: 'Programme', activite: wednesdays, du: '', au: '' }, DISGUISED);
    assert.equal(wrongType.statusCode, 400);
    assert.match(wrongType.body, /id="field-fichier-error">Ce fichier n’est ni un PDF/);
    assert.match(wrongType.body, /value="Programme"/);
    const backwards = await publish(manager, { titre: 'Programme', activite: wednesdays, du: '10/12/2026', au: '01/12/2026' });
    assert.match(backwards.body, /La date de fin ne peut pas précéder la date de début/);
    const foreignActivity = await publish(manager, { titre: 'Programme', activite: '00000000-0000-4000-8000-000000000000' });
    assert.match(foreignActivity.body, /id="field-activite-error"/);
    await reader.get('/ville/gestion/documents');
    assert.equal((await publish(reader, { titre: 'Programme' })).statusCode, 403);

    assert.equal((await publish(manager, { titre: 'Programme des mercredis', activite: wednesdays, du: '', au: '' })).statusCode, 302);
    assert.equal((await publish(manager, { titre: 'Règlement intérieur', activite: '', du: '', au: '' })).statusCode, 302);
    assert.equal((await publish(manager, { titre: 'Menus de janvier', activite: '', du: '01/01/2027', au: '' })).statusCode, 302);
    const ids = new Map(
      (await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('published_documents').select(['id', 'title']).execute())).map((row) => [row.title, row.id]),
    );

    const anaPage = (await ana.get('/ville/mes-documents')).body;
    assert.match(anaPage, /Programme des mercredis/);
    assert.match(anaPage, /Règlement intérieur/);
    assert.doesNotMatch(anaPage, /Menus de janvier/, 'not before its first day');
    const boPage = (await bo.get('/ville/mes-documents')).body;
    assert.doesNotMatch(boPage, /Programme des mercredis/);
    assert.match(boPage, /Règlement intérieur/);

    const file = await ana.get(`/ville/mes-documents/publies/${ids.get('Programme des mercredis')}`);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(String(file.headers['content-disposition']), /^attachment; filename="programme.pdf"$/);
    assert.deepEqual(file.rawPayload, PDF);
    assert.equal((await bo.get(`/ville/mes-documents/publies/${ids.get('Programme des mercredis')}`)).statusCode, 404);
    assert.equal((await ana.get(`/ville/mes-documents/publies/${ids.get('Menus de janvier')}`)).statusCode, 404);
    assert.equal((await manager.get(`/ville/mes-documents/publies/${ids.get('Menus de janvier')}`)).statusCode, 200);
    await setClock('2027-01-01T12:00:00Z');
    assert.equal((await bo.get(`/ville/mes-documents/publies/${ids.get('Menus de janvier')}`)).statusCode, 200);
    await setClock('2026-11-23T12:00:00Z');

    await reader.get('/ville/gestion/documents');
    const list = await manager.get('/ville/gestion/documents');
    // Deleting posts at once from the list (no confirmation page answers for a published document).
    assert.match(list.body, new RegExp(`<form method="post" action="/ville/gestion/documents/${ids.get('Règlement intérieur')}/suppression">`));
    assert.equal((await reader.post(`/ville/gestion/documents/${ids.get('Règlement intérieur')}/suppression`, {})).statusCode, 403);
    assert.equal((await manager.post(`/ville/gestion/documents/${ids.get('Règlement intérieur')}/suppression`, {})).statusCode, 302);
    assert.equal((await bo.get(`/ville/mes-documents/publies/${ids.get('Règlement intérieur')}`)).statusCode, 404);
    // Staff pages are not the families'.
    assert.equal((await ana.get('/ville/gestion/documents')).statusCode, 404);
    assert.equal((await ana.get('/ville/gestion/documents/a-verifier')).statusCode, 404);
  });

  it('staff add a file for one household: the family is told by an email without it, and only that family downloads it', async () => {
    const path = `/ville/gestion/foyers/${family.householdId}/documents`;
    await manager.get(path);
    const untitled = await postMultipart(portal, manager, path, { titre: '' }, { name: 'fichier', filename: 'courrier.pdf', data: PDF });
    assert.equal(untitled.statusCode, 400);
    assert.match(untitled.body, /id="field-titre-error">Ce champ est obligatoire/);
    assert.equal((await reader.get(path)).statusCode, 403);
    await reader.get(`/ville/gestion/foyers/${family.householdId}`);
    assert.equal((await postMultipart(portal, reader, path, { titre: 'Courrier' }, { name: 'fichier', filename: 'c.pdf', data: PDF })).statusCode, 403);
    assert.equal((await ana.get(path)).statusCode, 404);

    const added = await postMultipart(portal, manager, path, { titre: 'Courrier sur le PAI de Noé' }, { name: 'fichier', filename: 'courrier.pdf', data: PDF });
    assert.equal(added.statusCode, 302);
    const mail = (await emailsTo(portal, tenant, family.email)).find((email) => /un document vous attend/.test(email.subject));
    assert.doesNotMatch(`${mail!.subject}\n${mail!.text_body}`, /PAI|Courrier/);
    assert.match((await manager.get(`/ville/gestion/foyers/${family.householdId}`)).body, /Courrier sur le PAI de Noé/);

    const page = (await ana.get('/ville/mes-documents')).body;
    const documentId = /href="\/ville\/documents\/([0-9a-f-]{36})"[^>]*>Télécharger Courrier sur le PAI de Noé/.exec(page)![1]!;
    const file = await ana.get(`/ville/documents/${documentId}`);
    assert.match(String(file.headers['content-disposition']), /^attachment; filename="courrier.pdf"$/);
    assert.equal((await bo.get(`/ville/documents/${documentId}`)).statusCode, 404);
    assert.doesNotMatch((await bo.get('/ville/mes-documents')).body, /Courrier/);
    assert.equal((await manager.get(`/ville/gestion/foyers/00000000-0000-4000-8000-000000000000/documents`)).statusCode, 404);
  });
});
