import type { FastifyInstance, FastifyRequest } from 'fastify';
import { documentFileName, readDocument } from '../../modules/documents/documents.js';
import { householdDocuments } from '../../modules/document-space/household-documents.js';
import { householdPublishedDocuments, readPublishedDocument } from '../../modules/document-space/published-documents.js';
import { householdRequirements, type Requirement, sendRequestedDocument } from '../../modules/document-space/requested-documents.js';
import { DOCUMENT_PROBLEM_KEYS } from '../components/required-documents.js';
import { sendAttachment } from '../downloads.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { notFound, sendApiError } from './api-errors.js';
import { bearer, errors } from './api-schemas.js';
import { documentParams, documentsResponse, fileResponse, requestedParams, requestedResponse, UPLOAD_BODY_LIMIT, uploadBody } from './document-schemas.js';

/** A kind asked of the household, where it stands, and the address of its last file. */
function requirementOut(request: FastifyRequest, requirement: Requirement) {
  const { state } = requirement;
  return {
    typeId: requirement.typeId,
    label: requirement.label,
    validity: requirement.validity,
    validityMonths: requirement.validityMonths,
    child: requirement.child,
    activities: requirement.activities,
    state: state.kind,
    sentAt: state.kind === 'pending' ? state.sentAt.toISOString() : null,
    refusalReason: state.kind === 'refused' ? state.reason : null,
    validUntil: state.kind === 'valid' ? state.validUntil : null,
    expiredOn: state.kind === 'expired' ? state.expiredOn : null,
    document: requirement.documentId ? { id: requirement.documentId, url: `${request.publicBase}/api/v1/documents/${requirement.documentId}` } : null,
  };
}

/**
 * The household's documents space in JSON, as on Mes documents: what the service publishes for it,
 * the files the service added for it, what its activities ask for and sending those. Another
 * household's files, and kinds the household is not asked for, are not found.
 */
export function apiDocumentRoutes(app: FastifyInstance): void {
  app.get(
    '/v1/documents',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['documents'],
        operationId: 'listDocuments',
        summary: 'The household’s documents: published for it, added for it by the service, and asked of it',
        security: bearer,
        response: { 200: documentsResponse, ...errors(401, 403, 429) },
      },
    },
    async (request) => {
      const householdId = householdOf(request);
      const data = await request.inScope(async (scope) => ({
        published: (await householdPublishedDocuments(scope, householdId)) ?? [],
        fromService: (await householdDocuments(scope, householdId)) ?? [],
        requested: (await householdRequirements(scope, householdId)) ?? [],
      }));
      const base = `${request.publicBase}/api/v1/documents`;
      return {
        published: data.published.map((document) => ({
          id: document.id,
          title: document.title,
          activityName: document.activity_name,
          visibleFrom: document.visible_from,
          visibleUntil: document.visible_until,
          fileName: document.filename,
          sizeBytes: document.size_bytes,
          url: `${base}/published/${document.id}`,
        })),
        fromService: data.fromService.map((document) => ({
          id: document.id,
          title: document.title ?? document.filename,
          fileName: document.filename,
          sizeBytes: document.size_bytes,
          addedAt: document.created_at.toISOString(),
          url: `${base}/${document.id}`,
        })),
        requested: data.requested.map((requirement) => requirementOut(request, requirement)),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/documents/published/:id',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['documents'],
        operationId: 'publishedDocumentFile',
        summary: 'A document published for the household, within its publication window',
        security: bearer,
        params: documentParams,
        response: { 200: fileResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const document = await request.inScope((scope) => readPublishedDocument(scope, request.params.id));
      if (!document) return notFound(request, reply);
      return sendAttachment(reply, documentFileName(document.filename, document.content_type), document.content_type, document.content);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/documents/:id',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['documents'],
        operationId: 'householdDocumentFile',
        summary: 'A file of the household: added by the service, or sent by the family',
        security: bearer,
        params: documentParams,
        response: { 200: fileResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const document = await request.inScope((scope) => readDocument(scope, request.params.id));
      if (!document) return notFound(request, reply);
      return sendAttachment(reply, documentFileName(document.filename, document.content_type), document.content_type, document.content);
    },
  );

  app.post<{ Params: { typeId: string }; Body: { fileName: string; content: string; childId?: string } }>(
    '/v1/documents/requested/:typeId',
    {
      onRequest: requireFamilyToken,
      bodyLimit: UPLOAD_BODY_LIMIT + 1024,
      config: { csrf: false },
      schema: {
        tags: ['documents'],
        operationId: 'sendRequestedDocument',
        summary: 'Send the document of a kind the household is asked for',
        description:
          'The file is checked by its bytes (PDF, PNG or JPEG, 2 MB at most): a refused file is a field error on `content`. ' +
          'A kind the household is not asked for (or, for a kind asked per child, a child it is not asked for) is not found. The service then accepts or refuses it.',
        security: bearer,
        params: requestedParams,
        body: uploadBody,
        response: { 201: requestedResponse, ...errors(400, 401, 403, 404, 413, 429) },
      },
    },
    async (request, reply) => {
      const householdId = householdOf(request);
      const { typeId } = request.params;
      const childId = request.body.childId ?? null;
      const data = Buffer.from(request.body.content, 'base64');
      const outcome = await request.inScope(async (scope) => {
        const sent = await sendRequestedDocument(scope, householdId, typeId, { file: { filename: request.body.fileName, data }, fileTooLarge: false, childId });
        const now =
          sent.kind === 'sent'
            ? (await householdRequirements(scope, householdId))?.find(
                (requirement) => requirement.typeId === typeId && (requirement.child?.id ?? null) === childId,
              )
            : undefined;
        return { sent, now };
      });
      if (outcome.sent.kind === 'not_found') return notFound(request, reply);
      if (outcome.sent.kind === 'invalid') {
        const { problem } = outcome.sent;
        return sendApiError(reply, 400, 'invalid_request', request.t('api.error.invalid'), {
          fields: [{ field: 'content', code: problem, message: request.t(DOCUMENT_PROBLEM_KEYS[problem]) }],
        });
      }
      return reply.code(201).send(requirementOut(request, outcome.now!));
    },
  );
}
