import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { addDays } from '../src/modules/calendar/calendar-dates.js';
import { apiLogin, callApi, lotteryPeriod, offeredPlace, startApiScenario, type ApiScenario } from './support/api-scenario.js';
import { billHousehold, type BilledHousehold } from './support/family-billing.js';
import { TestBrowser } from './support/http-client.js';
import { familyActor } from './support/scenario.js';
import { addDefaultSubjects, listSubjects } from '../src/modules/messages/subjects.js';
import { startThread } from '../src/modules/messages/threads.js';
import { setActivityRequirements } from '../src/modules/document-space/activity-requirements.js';
import { addDefaultDocumentTypes } from '../src/modules/document-space/document-types.js';
import { publishDocument } from '../src/modules/document-space/published-documents.js';

// ajv-formats is CommonJS: its default export arrives wrapped under tsx.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: object }[];
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<
    string,
    { content?: { 'application/json'?: { schema: object }; 'application/pdf'?: { schema: object }; 'application/octet-stream'?: { schema: object } } }
  >;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

interface Example {
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** The token to send (null: none); the family's by default. */
  token?: string | null;
}

/**
 * Walks /api/openapi.json: every documented operation is called with valid example inputs, and
 * answers what the document says — its success status and a body valid against its schema; the
 * operations that require a token refuse a call without one, and a browser's session cookie alone.
 */
/** A subject, and a thread of the family about it with a PDF attached, written as the family. */
async function startedThread(scenario: ApiScenario): Promise<{ subjectId: string; threadId: string; documentId: string }> {
  const { portal, tenant, family } = scenario;
  return portal.inTenant(tenant, async (system) => {
    await addDefaultSubjects(system, [{ label: 'Cantine', team: 'Restauration scolaire' }]);
    const subjectId = (await listSubjects(system))[0]!.id;
    const scope = { ...system, actor: familyActor(family) };
    const started = await startThread(scope, family.householdId, {
      subjectId,
      childId: undefined,
      title: 'PAI',
      body: 'Ci-joint le PAI.',
      file: { filename: 'pai.pdf', data: Buffer.from('%PDF-1.4\nPAI') },
      fileTooLarge: false,
    });
    assert.equal(started.kind, 'sent');
    const message = await system.tx.selectFrom('messages').select(['thread_id', 'document_id']).executeTakeFirstOrThrow();
    return { subjectId, threadId: message.thread_id, documentId: message.document_id! };
  });
}

/** A kind of document Mercredis loisirs asks for, and a document published for every family. */
async function documentsSpace(scenario: ApiScenario): Promise<{ typeId: string; publishedId: string }> {
  return scenario.portal.inTenant(scenario.tenant, async (scope) => {
    const [typeId] = await addDefaultDocumentTypes(scope, [{ label: 'Attestation d’assurance', validity: 'school_year' }]);
    await setActivityRequirements(scope, scenario.wednesdays.id, [typeId!]);
    const published = await publishDocument(scope, {
      title: 'Règlement intérieur',
      visibleFrom: '',
      visibleUntil: '',
      file: { filename: 'reglement.pdf', data: Buffer.from('%PDF-1.4\nRèglement') },
      fileTooLarge: false,
    });
    assert.equal(published.kind, 'published');
    return { typeId: typeId!, publishedId: (published as { id: string }).id };
  });
}

describe('the OpenAPI document of the families’ API', () => {
  let scenario: ApiScenario;
  let document: Document;
  let ajv: Ajv;
  /** Path and query parameters arrive as texts: checked as Fastify checks them, numbers read from their text. */
  let parameterAjv: Ajv;
  let token: string;
  let billed: BilledHousehold;
  /** A thread the family started with an attachment. */
  let messages: { subjectId: string; threadId: string; documentId: string };
  /** A kind of document asked of the family, and a document published for it. */
  let documents: { typeId: string; publishedId: string };

  before(async () => {
    scenario = await startApiScenario();
    const response = await scenario.portal.app.inject({ url: '/ville/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    document = response.json() as Document;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
    parameterAjv = new Ajv({ strict: false, coerceTypes: true });
    addFormats(parameterAjv);
    token = await apiLogin(scenario.portal, scenario.family);
    // Money for the family: two Wednesdays' meals of October invoiced, a credit of 2025, a cheque.
    billed = await billHousehold(scenario.portal, scenario.tenant, {
      householdId: scenario.family.householdId,
      childId: scenario.family.childIds[0]!,
      unitId: scenario.wednesdays.meal,
      days: ['2026-10-07', '2026-10-14'],
      creditOn: '2025-06-11',
      payer: 'Lina ROUX',
    });
    messages = await startedThread(scenario);
    documents = await documentsSpace(scenario);
  });
  after(() => scenario.portal.close());

  const pointer = (...parts: string[]) => `openapi.json#/${parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  const validator = (...parts: string[]): ValidateFunction => ajv.compile({ $ref: pointer(...parts) });

  function operations(): { path: string; method: string; operation: Operation }[] {
    return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  }

  /** Valid inputs of each documented operation; a new route without an example fails the walk. */
  let offers = 0;
  let draws = 0;
  function examples(): Record<string, () => Promise<Example>> {
    const { portal, family, wednesdays, summer } = scenario;
    return {
      login: async () => ({ body: { email: family.email, password: family.password }, token: null }),
      logout: async () => ({ token: await apiLogin(portal, family) }),
      me: async () => ({}),
      listActivities: async () => ({}),
      activityCalendar: async () => ({
        params: { id: wednesdays.id },
        query: { children: [family.childIds[0]!, family.childIds[1]!], from: '2026-12-01', to: '2026-12-31' },
      }),
      book: async () => ({ body: { activityId: wednesdays.id, choices: [{ childId: family.childIds[0]!, unitId: wednesdays.meal, day: '2026-12-09' }] } }),
      cancelBooking: async () => {
        const booked = await callApi(portal, {
          method: 'POST',
          url: '/ville/api/v1/bookings',
          token,
          body: { activityId: wednesdays.id, choices: [{ childId: family.childIds[1]!, unitId: wednesdays.meal, day: '2026-12-16' }] },
        });
        return { params: { id: (booked.json() as { results: { bookingId: string }[] }).results[0]!.bookingId } };
      },
      // A Wednesday of its own at each call: an offer is confirmed once.
      confirmOffer: async () => ({ params: { id: await offeredPlace(scenario, addDays('2027-01-13', 7 * offers++)) } }),
      listBookings: async () => ({ query: { from: '2026-12-01', to: '2026-12-31' } }),
      // A week of its own at each call: its periods must not overlap.
      applyForLottery: async () => {
        const monday = addDays('2027-08-02', 7 * draws++);
        return {
          params: { id: summer.id, periodId: await lotteryPeriod(scenario, monday, addDays(monday, 4)) },
          body: { choices: [{ childId: family.childIds[0]!, unitId: summer.unit, day: monday }] },
        };
      },
      listInvoices: async () => ({ query: { year: '2026', regieId: billed.regieId, unpaid: 'true' } }),
      getInvoice: async () => ({ params: { id: billed.invoiceId } }),
      invoicePdf: async () => ({ params: { id: billed.invoiceId } }),
      listPayments: async () => ({}),
      paymentReceipt: async () => ({ params: { id: billed.paymentId } }),
      accountStatement: async () => ({ query: { schoolYear: '2026' } }),
      taxCertificate: async () => ({ params: { year: String(billed.taxYear) } }),
      messageSubjects: async () => ({}),
      threads: async () => ({ query: { folder: 'sent' } }),
      thread: async () => ({ params: { id: messages.threadId } }),
      threadAttachment: async () => ({ params: { id: messages.threadId, documentId: messages.documentId } }),
      writeToService: async () => ({ body: { subjectId: messages.subjectId, childId: family.childIds[0]!, title: 'Repas', body: 'Bonjour,\nune question.' } }),
      reply: async () => ({ params: { id: messages.threadId }, body: { body: 'Merci' } }),
      listDocuments: async () => ({}),
      publishedDocumentFile: async () => ({ params: { id: documents.publishedId } }),
      // The message's attachment is a file of the household.
      householdDocumentFile: async () => ({ params: { id: messages.documentId } }),
      sendRequestedDocument: async () => ({
        params: { typeId: documents.typeId },
        body: { fileName: 'assurance.pdf', content: Buffer.from('%PDF-1.4\nAssurance').toString('base64') },
      }),
    };
  }

  function urlOf(path: string, example: Example): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(example.params?.[name] ?? `missing-${name}`));
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(example.query ?? {})) for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
    return `/ville${filled}${query.size > 0 ? `?${query}` : ''}`;
  }

  it('documents the API’s routes, each with its schemas, under a bearer security scheme', () => {
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/api/v1/activities',
      '/api/v1/activities/{id}/calendar',
      '/api/v1/activities/{id}/periods/{periodId}/applications',
      '/api/v1/bookings',
      '/api/v1/bookings/{id}',
      '/api/v1/bookings/{id}/confirmation',
      '/api/v1/documents',
      '/api/v1/documents/published/{id}',
      '/api/v1/documents/requested/{typeId}',
      '/api/v1/documents/{id}',
      '/api/v1/invoices',
      '/api/v1/invoices/{id}',
      '/api/v1/invoices/{id}/pdf',
      '/api/v1/me',
      '/api/v1/message-subjects',
      '/api/v1/payments',
      '/api/v1/payments/{id}/receipt',
      '/api/v1/session',
      '/api/v1/statement',
      '/api/v1/tax-certificates/{year}',
      '/api/v1/threads',
      '/api/v1/threads/{id}',
      '/api/v1/threads/{id}/attachments/{documentId}',
      '/api/v1/threads/{id}/messages',
    ]);
    assert.ok(document.components.securitySchemes.bearer);
    const me = validator('paths', '/api/v1/me', 'get', 'responses', '200', 'content', 'application/json', 'schema');
    assert.equal(me({ account: {} }), false, 'the documented schemas are compiled, not skipped');
    const error = validator('paths', '/api/v1/me', 'get', 'responses', '404', 'content', 'application/json', 'schema');
    assert.equal(error({ error: { code: 'not_found' } }), false, 'shared schemas resolve');
    for (const { path, method, operation } of operations()) {
      assert.ok(operation.operationId, `${method} ${path} has an operationId`);
      const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      assert.equal(success.length, 1, `${operation.operationId} documents one success answer`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status !== '204')
          assert.ok(
            (response.content?.['application/json'] ?? response.content?.['application/pdf'] ?? response.content?.['application/octet-stream'])?.schema,
            `${operation.operationId} documents the body of its ${status}`,
          );
      }
    }
  });

  it('answers every documented operation as documented, called with valid example inputs', async () => {
    const table = examples();
    const documented = operations();
    assert.deepEqual(documented.map(({ operation }) => operation.operationId).sort(), Object.keys(table).sort(), 'one example per documented operation');
    for (const { path, method, operation } of documented) {
      const example = await table[operation.operationId]!();
      // The example itself is valid input by the document.
      for (const parameter of operation.parameters ?? []) {
        const value = parameter.in === 'path' ? example.params?.[parameter.name] : example.query?.[parameter.name];
        if (value === undefined) {
          assert.ok(!parameter.required, `${operation.operationId}: required ${parameter.name} given`);
          continue;
        }
        const check = parameterAjv.compile(parameter.schema);
        assert.ok(check(value), `${operation.operationId}: ${parameter.name} ${JSON.stringify(check.errors)}`);
      }
      if (operation.requestBody) {
        const check = validator('paths', path, method, 'requestBody', 'content', 'application/json', 'schema');
        assert.ok(check(example.body), `${operation.operationId} body: ${JSON.stringify(check.errors)}`);
      }

      const response = await callApi(scenario.portal, {
        method: method.toUpperCase() as 'GET',
        url: urlOf(path, example),
        token: example.token === undefined ? token : example.token,
        body: example.body,
      });
      const status = String(response.statusCode);
      assert.ok(operation.responses[status], `${operation.operationId} answered ${status}, which is not documented: ${response.body}`);
      assert.ok(status.startsWith('2'), `${operation.operationId} succeeds: ${status} ${response.body}`);
      if (status === '204') {
        assert.equal(response.body, '');
        continue;
      }
      if (operation.responses[status]!.content?.['application/octet-stream']) {
        assert.match(String(response.headers['content-disposition']), /^attachment/, `${operation.operationId} answers a download`);
        continue;
      }
      if (operation.responses[status]!.content?.['application/pdf']) {
        assert.equal(response.headers['content-type'], 'application/pdf', `${operation.operationId} answers a PDF`);
        assert.equal(response.rawPayload.subarray(0, 5).toString(), '%PDF-');
        continue;
      }
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const check = validator('paths', path, method, 'responses', status, 'content', 'application/json', 'schema');
      assert.ok(check(response.json()), `${operation.operationId} answer: ${JSON.stringify(check.errors)} in ${response.body}`);
    }
  });

  it('refuses every operation under the bearer scheme without a token, and with a browser’s session cookie alone', async () => {
    const table = examples();
    const browser = new TestBrowser(scenario.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: scenario.family.email, password: scenario.family.password });
    assert.ok(browser.cookies.get('pf_session'), 'the browser is logged in on the pages');
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const guarded = operations().filter(({ operation }) => (operation.security ?? []).some((scheme) => 'bearer' in scheme));
    assert.equal(guarded.length, 26, 'every operation but the login needs a token');
    for (const { path, method, operation } of guarded) {
      const example = await table[operation.operationId]!();
      const url = urlOf(path, example);
      const requests: { label: string; headers: Record<string, string> }[] = [
        { label: 'no token', headers: {} },
        { label: 'session cookie', headers: { cookie, 'x-csrf-token': browser.csrfToken() ?? '' } },
      ];
      for (const request of requests) {
        const response = await callApi(scenario.portal, {
          method: method.toUpperCase() as 'GET',
          url,
          token: null,
          body: example.body,
          headers: request.headers,
        });
        assert.equal(response.statusCode, 401, `${operation.operationId} with ${request.label}: ${response.body}`);
        assert.equal(response.headers['www-authenticate'], 'Bearer');
        const check = validator('paths', path, method, 'responses', '401', 'content', 'application/json', 'schema');
        assert.ok(check(response.json()), `${operation.operationId} 401: ${JSON.stringify(check.errors)}`);
        assert.equal((response.json() as { error: { code: string } }).error.code, 'unauthorized');
      }
    }
  });
});
