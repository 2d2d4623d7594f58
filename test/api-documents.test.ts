import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setActivityRequirements } from '../src/modules/document-space/activity-requirements.js';
import { addDefaultDocumentTypes } from '../src/modules/document-space/document-types.js';
import { addHouseholdDocument } from '../src/modules/document-space/household-documents.js';
import { publishDocument } from '../src/modules/document-space/published-documents.js';
import { apiLogin, callApi, startApiScenario, type ApiScenario } from './support/api-scenario.js';
import { signedInBrowser } from './support/http-client.js';
import { createStaff } from './support/scenario.js';

const PDF = Buffer.from('%PDF-1.4\nAttestation d’assurance');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('carnet')]);

interface Listing {
  published: { id: string; title: string; activityName: string | null; url: string }[];
  fromService: { id: string; title: string; url: string }[];
  requested: { typeId: string; label: string; state: string; refusalReason: string | null; document: { id: string; url: string } | null }[];
}

describe('documents in the families’ API', () => {
  let scenario: ApiScenario;
  let token: string;
  let neighbourToken: string;
  let insurance: string;
  let notAsked: string;
  let rules: string;
  let summerProgramme: string;
  let letter: string;
  let neighbourLetter: string;
  const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

  before(async () => {
    scenario = await startApiScenario();
    const { portal, tenant, family, neighbour, wednesdays, summer } = scenario;
    await portal.inTenant(tenant, async (scope) => {
      const kinds = await addDefaultDocumentTypes(scope, [
        { label: 'Attestation d’assurance', validity: 'school_year' },
        { label: 'Justificatif de domicile', validity: 'months', validityMonths: 3 },
      ]);
      insurance = kinds[0]!;
      notAsked = kinds[1]!;
      await setActivityRequirements(scope, wednesdays.id, [insurance]);
      const publish = async (title: string, activityId: string) => {
        const outcome = await publishDocument(scope, {
          title,
          activityId,
          visibleFrom: '',
          visibleUntil: '',
          file: { filename: `${title}.pdf`, data: PDF },
          fileTooLarge: false,
        });
        assert.equal(outcome.kind, 'published', JSON.stringify(outcome));
        return (outcome as { id: string }).id;
      };
      rules = await publish('Règlement intérieur', '');
      summerProgramme = await publish('Programme de l’été', summer.id);
      const add = async (householdId: string, title: string) => {
        const outcome = await addHouseholdDocument(scope, householdId, { title, file: { filename: 'courrier.pdf', data: PDF }, fileTooLarge: false });
        return (outcome as { id: string }).id;
      };
      letter = await add(family.householdId, 'Courrier du service');
      neighbourLetter = await add(neighbour.householdId, 'Courrier du voisin');
    });
    token = await apiLogin(portal, family);
    neighbourToken = await apiLogin(portal, neighbour);
  });
  after(() => scenario.portal.close());

  const list = async (as = token) => {
    const response = await callApi(scenario.portal, { url: '/ville/api/v1/documents', token: as });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Listing;
  };

  it('lists what is published for the household, what the service added for it, and what it is asked for', async () => {
    const documents = await list();
    assert.deepEqual(
      documents.published.map((document) => [document.title, document.activityName]),
      [['Règlement intérieur', null]],
      'the summer programme is for the summer’s families only',
    );
    assert.deepEqual(
      documents.fromService.map((document) => document.title),
      ['Courrier du service'],
    );
    assert.deepEqual(
      documents.requested.map((requirement) => [requirement.label, requirement.state, requirement.document]),
      [['Attestation d’assurance', 'missing', null]],
    );
    const published = await callApi(scenario.portal, { url: path(documents.published[0]!.url), token });
    assert.equal(published.statusCode, 200);
    assert.match(String(published.headers['content-disposition']), /^attachment/);
    const own = await callApi(scenario.portal, { url: path(documents.fromService[0]!.url), token });
    assert.equal(own.statusCode, 200);
    assert.equal(own.rawPayload.subarray(0, 5).toString(), '%PDF-');
  });

  it('another household’s files, and documents published for others, are not found', async () => {
    for (const url of [
      `/ville/api/v1/documents/${neighbourLetter}`,
      `/ville/api/v1/documents/published/${summerProgramme}`,
      '/ville/api/v1/documents/00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await callApi(scenario.portal, { url, token });
      assert.equal(response.statusCode, 404, url);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'not_found');
    }
    assert.equal((await callApi(scenario.portal, { url: `/ville/api/v1/documents/${letter}`, token: neighbourToken })).statusCode, 404);
    assert.equal((await callApi(scenario.portal, { url: `/ville/api/v1/documents/${rules}`, token })).statusCode, 404, 'a published id is no household file');
    assert.equal((await callApi(scenario.portal, { url: '/ville/api/v1/documents/pas-un-id', token })).statusCode, 400);
  });

  it('sends a document asked for: a wrong file is a field error, a kind not asked is not found, a good one waits for the service', async () => {
    const send = (typeId: string, content: Buffer, as = token) =>
      callApi(scenario.portal, {
        method: 'POST',
        url: `/ville/api/v1/documents/requested/${typeId}`,
        token: as,
        body: { fileName: 'assurance.pdf', content: content.toString('base64') },
      });
    const disguised = await send(insurance, Buffer.from('<html><script>alert(1)</script></html>'));
    assert.equal(disguised.statusCode, 400);
    assert.deepEqual((disguised.json() as { error: { fields: unknown[] } }).error.fields, [
      { field: 'content', code: 'type', message: 'Ce fichier n’est ni un PDF ni une image PNG ou JPEG.' },
    ]);
    const tooLarge = await send(insurance, Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024)]));
    assert.equal(tooLarge.statusCode, 400);
    assert.equal((tooLarge.json() as { error: { fields: { code: string }[] } }).error.fields[0]!.code, 'too_large');
    assert.equal((await send(notAsked, PDF)).statusCode, 404, 'a kind no activity of the household asks for');
    assert.equal((await send('00000000-0000-4000-8000-000000000000', PDF)).statusCode, 404);
    const nothingStored = await scenario.portal.inTenant(scenario.tenant, ({ tx }) => tx.selectFrom('document_submissions').select('id').execute());
    assert.equal(nothingStored.length, 0);

    const sent = await send(insurance, PNG);
    assert.equal(sent.statusCode, 201, sent.body);
    const state = sent.json() as Listing['requested'][number] & { sentAt: string };
    assert.equal(state.state, 'pending');
    assert.equal(state.sentAt, '2026-11-23T08:00:00.000Z');
    const file = await callApi(scenario.portal, { url: path(state.document!.url), token });
    assert.equal(file.statusCode, 200);
    assert.match(String(file.headers['content-disposition']), /assurance\.png/, 'named after its real type');
    assert.equal((await callApi(scenario.portal, { url: path(state.document!.url), token: neighbourToken })).statusCode, 404);
    assert.equal((await list()).requested[0]!.state, 'pending');
    const audit = await scenario.portal.inTenant(scenario.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select('action').where('action', '=', 'document.sent').execute(),
    );
    assert.equal(audit.length, 1);
  });

  it('staff, read-only or not, get no token for the families’ API and their session opens none of it', async () => {
    const { portal, tenant } = scenario;
    const reader = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    const login = await callApi(portal, { method: 'POST', url: '/ville/api/v1/session', body: { email: reader.email, password: reader.password } });
    assert.equal(login.statusCode, 403);
    assert.equal((login.json() as { error: { code: string } }).error.code, 'family_only');
    const browser = await signedInBrowser(portal, tenant, reader.accountId);
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const withCookie = await callApi(portal, { url: `/ville/api/v1/documents/${letter}`, headers: { cookie } });
    assert.equal(withCookie.statusCode, 401);
  });
});
