import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createActivity } from '../src/modules/activities/activity-setup.js';
import { requestEnrollment } from '../src/modules/bookings/enrollments.js';
import { setActivityRequirements } from '../src/modules/document-space/activity-requirements.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { apiLogin, callApi } from './support/api-scenario.js';
import { signedInBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { createFamily, createStaff, familyActor, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const PDF = Buffer.from('%PDF-1.4\nCarnet de vaccinations');

describe('documents asked for each child', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let other: TestFamily;
  let manager: { accountId: string };
  let reader: { accountId: string };
  let vaccinations: string;
  let insurance: string;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T12:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', lastName: 'LOPEZ', children: ['Noé', 'Zoé'] });
    other = await createFamily(portal, tenant, { email: 'bo@example.test', lastName: 'BO', children: ['Lou'] });
    manager = await createStaff(portal, tenant, { email: 'agent@example.test' });
    reader = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    await staff.get('/ville/gestion/documents/types');
    assert.equal(
      (await staff.post('/ville/gestion/documents/types', { libelle: 'Carnet de vaccinations', validite: 'none', parEnfant: 'oui' })).statusCode,
      302,
    );
    assert.equal((await staff.post('/ville/gestion/documents/types', { libelle: 'Attestation d’assurance', validite: 'none' })).statusCode, 302);
    const types = await staff.get('/ville/gestion/documents/types');
    assert.match(types.body, /Carnet de vaccinations<\/td><td>Sans limite<\/td><td>Pour chaque enfant/);
    assert.match(types.body, /Attestation d’assurance<\/td><td>Sans limite<\/td><td>Une fois par foyer/);
    const kinds = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('document_types').select(['id', 'label', 'per_child']).orderBy('label').execute());
    insurance = kinds[0]!.id;
    vaccinations = kinds[1]!.id;
    assert.deepEqual(
      kinds.map((kind) => kind.per_child),
      [false, true],
    );
    await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: { kind: 'staff' as const, accountId: manager.accountId, role: 'manager' as const, label: 'Agent' } };
      const wednesdays = await createActivity(scope, {
        name: 'Mercredis',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
      });
      await setActivityRequirements(scope, wednesdays, [vaccinations, insurance]);
      for (const household of [family, other])
        for (const childId of household.childIds)
          await requestEnrollment({ ...base, actor: familyActor(household) }, { householdId: household.householdId, childId, activityId: wednesdays });
    });
  });
  after(() => portal.close());

  it('asks the family once per child for a kind asked per child, once for the household otherwise', async () => {
    const ana = await signedInBrowser(portal, tenant, family.accountId);
    const page = await ana.get('/ville/mes-documents');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Carnet de vaccinations — Noé LOPEZ/);
    assert.match(page.body, /Carnet de vaccinations — Zoé LOPEZ/);
    assert.equal(
      page.body.match(/<h3 class="fr-h6 fr-mb-1w">Attestation d’assurance<\/h3>/g)?.length,
      1,
      'the household’s kind once, with two children enrolled',
    );
    assert.match(page.body, new RegExp(`name="fichier-${vaccinations}-${family.childIds[0]}"`));
  });

  it('the family sends one child’s; the other child’s is still to provide; another household’s child is not found', async () => {
    const ana = await signedInBrowser(portal, tenant, family.accountId);
    await ana.get('/ville/mes-documents');
    const [noe, zoe] = family.childIds as [string, string];
    const field = `fichier-${vaccinations}-${noe}`;
    const empty = await postMultipart(portal, ana, `/ville/mes-documents/envoi/${vaccinations}/${noe}`, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, new RegExp(`id="field-${field}-error">Choisissez le fichier à envoyer`));
    assert.match(empty.body, /Carnet de vaccinations — Noé LOPEZ : Choisissez le fichier/, 'the summary names the child');
    const sent = await postMultipart(portal, ana, `/ville/mes-documents/envoi/${vaccinations}/${noe}`, {}, { name: field, filename: 'vaccins.pdf', data: PDF });
    assert.equal(sent.statusCode, 302, sent.body);
    const page = await ana.get('/ville/mes-documents');
    assert.doesNotMatch(page.body, new RegExp(`name="fichier-${vaccinations}-${noe}"`), 'Noé’s is sent');
    assert.match(page.body, new RegExp(`name="fichier-${vaccinations}-${zoe}"`), 'Zoé’s is still to provide');
    const stored = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('document_submissions').select(['child_id', 'household_id']).execute());
    assert.deepEqual(stored, [{ child_id: noe, household_id: family.householdId }]);

    const foreign = `/ville/mes-documents/envoi/${vaccinations}/${other.childIds[0]}`;
    assert.equal(
      (await postMultipart(portal, ana, foreign, {}, { name: `fichier-${vaccinations}-${other.childIds[0]}`, filename: 'x.pdf', data: PDF })).statusCode,
      404,
    );
    assert.equal(
      (await postMultipart(portal, ana, `/ville/mes-documents/envoi/${vaccinations}`, {}, { name: `fichier-${vaccinations}`, filename: 'x.pdf', data: PDF }))
        .statusCode,
      404,
      'a kind asked per child needs its child',
    );
    assert.equal(
      (
        await postMultipart(
          portal,
          ana,
          `/ville/mes-documents/envoi/${insurance}/${noe}`,
          {},
          { name: `fichier-${insurance}-${noe}`, filename: 'x.pdf', data: PDF },
        )
      ).statusCode,
      404,
      'a household’s kind names no child',
    );
    // The household's kind is still sent as before.
    const household = await postMultipart(
      portal,
      ana,
      `/ville/mes-documents/envoi/${insurance}`,
      {},
      { name: `fichier-${insurance}`, filename: 'a.pdf', data: PDF },
    );
    assert.equal(household.statusCode, 302);
  });

  it('staff see which child a document is for; read-only staff may not decide', async () => {
    const staff = await signedInBrowser(portal, tenant, manager.accountId);
    const review = await staff.get('/ville/gestion/documents/a-verifier');
    assert.equal(review.statusCode, 200);
    assert.match(review.body, /Carnet de vaccinations — Noé LOPEZ/);
    const householdPage = await staff.get(`/ville/gestion/foyers/${family.householdId}`);
    assert.match(householdPage.body, /Carnet de vaccinations — Zoé LOPEZ/);
    const submission = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('document_submissions').select('id').where('document_type_id', '=', vaccinations).executeTakeFirstOrThrow(),
    );
    const readOnly = await signedInBrowser(portal, tenant, reader.accountId);
    const readerReview = await readOnly.get('/ville/gestion/documents/a-verifier');
    assert.match(readerReview.body, /Carnet de vaccinations — Noé LOPEZ/);
    const refused = await readOnly.post(`/ville/gestion/documents/envois/${submission.id}/decision`, { act: 'accept' });
    assert.equal(refused.statusCode, 403);
  });

  it('the API lists each child’s requirement and sends a child’s document; another household’s child is not found', async () => {
    const token = await apiLogin(portal, family);
    const listing = (await callApi(portal, { url: '/ville/api/v1/documents', token })).json() as {
      requested: { typeId: string; child: { id: string; name: string } | null; state: string }[];
    };
    assert.deepEqual(
      listing.requested.map((requirement) => [requirement.typeId === vaccinations, requirement.child?.name ?? null, requirement.state]),
      [
        [false, null, 'pending'],
        [true, 'Noé LOPEZ', 'pending'],
        [true, 'Zoé LOPEZ', 'missing'],
      ],
    );
    const send = (childId: string) =>
      callApi(portal, {
        method: 'POST',
        url: `/ville/api/v1/documents/requested/${vaccinations}`,
        token,
        body: { fileName: 'vaccins.pdf', content: PDF.toString('base64'), childId },
      });
    assert.equal((await send(other.childIds[0]!)).statusCode, 404);
    const sent = await send(family.childIds[1]!);
    assert.equal(sent.statusCode, 201, sent.body);
    assert.deepEqual((sent.json() as { child: unknown; state: string }).child, { id: family.childIds[1], name: 'Zoé LOPEZ' });
  });
});
