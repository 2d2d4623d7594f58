import type { FastifyInstance } from 'fastify';
import type { MessageField } from '../../modules/messages/message-form.js';
import { listSubjects } from '../../modules/messages/subjects.js';
import { type FamilyFolder, familyThread, familyThreads, type ThreadSummary, threadAttachment } from '../../modules/messages/thread-views.js';
import { replyToThread, startThread, type WriteOutcome } from '../../modules/messages/threads.js';
import { sendAttachment } from '../downloads.js';
import { messageErrorMessages } from '../components/message-thread.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { notFound, sendApiError } from './api-errors.js';
import { bearer, errors } from './api-schemas.js';
import {
  attachmentParams,
  attachmentResponse,
  newThreadBody,
  replyBody,
  sentResponse,
  subjectsResponse,
  threadParams,
  threadResponse,
  threadsQuery,
  threadsResponse,
} from './message-schemas.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The module's fields under the API's names, and the pages' field names they are translated under. */
const API_FIELDS: Record<MessageField, { api: string; form: string }> = {
  subject: { api: 'subjectId', form: 'sujet' },
  child: { api: 'childId', form: 'enfant' },
  title: { api: 'title', form: 'objet' },
  body: { api: 'body', form: 'message' },
  file: { api: 'file', form: 'piece' },
};

function summaryOut(thread: ThreadSummary) {
  return {
    id: thread.id,
    title: thread.title,
    subject: thread.subject,
    team: thread.team,
    childName: thread.childName,
    state: thread.state,
    lastMessageAt: thread.lastMessageAt.toISOString(),
    unread: thread.unread,
  };
}

/** A message written, or its field errors in the API's one error shape (the same sentences as the pages). */
function answerWrite(request: FastifyRequest, reply: FastifyReply, outcome: WriteOutcome) {
  if (outcome.kind === 'sent') return reply.code(201).send({ threadId: outcome.threadId, messageId: outcome.messageId });
  if (outcome.kind !== 'invalid') return notFound(request, reply);
  const sentences = messageErrorMessages(request.t, outcome.errors);
  const fields = (Object.keys(outcome.errors) as MessageField[]).map((field) => ({
    field: API_FIELDS[field].api,
    code: String(outcome.errors[field]),
    message: sentences[API_FIELDS[field].form] ?? '',
  }));
  return sendApiError(reply, 400, 'invalid_request', request.t('api.error.invalid'), { fields });
}

/** The household's messages in JSON: its threads by folder, a thread, writing to the service and replying. Attachments are listed, not sent. */
export function apiMessageRoutes(app: FastifyInstance): void {
  app.get(
    '/v1/message-subjects',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['messages'],
        operationId: 'messageSubjects',
        summary: 'The subjects to write about',
        security: bearer,
        response: { 200: subjectsResponse, ...errors(401, 403, 429) },
      },
    },
    async (request) => {
      const subjects = await request.inScope((scope) => listSubjects(scope, { activeOnly: true }));
      return { subjects: subjects.map(({ id, label, team }) => ({ id, label, team })) };
    },
  );

  app.get<{ Querystring: { folder?: FamilyFolder } }>(
    '/v1/threads',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['messages'],
        operationId: 'threads',
        summary: 'The household’s threads of a folder',
        security: bearer,
        querystring: threadsQuery,
        response: { 200: threadsResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const threads = await request.inScope((scope) => familyThreads(scope, householdOf(request), request.query.folder ?? 'received'));
      return { threads: threads.map(summaryOut) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/threads/:id',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['messages'],
        operationId: 'thread',
        summary: 'A thread and its messages, with their attachments’ download addresses',
        security: bearer,
        params: threadParams,
        response: { 200: threadResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const thread = await request.inScope((scope) => familyThread(scope, householdOf(request), request.params.id));
      if (!thread) return notFound(request, reply);
      return {
        ...summaryOut(thread),
        deleted: thread.deleted,
        messages: thread.messages.map((message) => ({
          id: message.id,
          from: message.author,
          signature: message.signature,
          body: message.body,
          createdAt: message.createdAt.toISOString(),
          attachment: message.attachment && {
            id: message.attachment.id,
            fileName: message.attachment.filename,
            sizeBytes: message.attachment.sizeBytes,
            url: `${request.publicBase}/api/v1/threads/${thread.id}/attachments/${message.attachment.id}`,
          },
        })),
      };
    },
  );

  app.get<{ Params: { id: string; documentId: string } }>(
    '/v1/threads/:id/attachments/:documentId',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['messages'],
        operationId: 'threadAttachment',
        summary: 'An attachment of a message of the thread',
        security: bearer,
        params: attachmentParams,
        response: { 200: attachmentResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const file = await request.inScope((scope) => threadAttachment(scope, request.params.id, request.params.documentId));
      if (!file) return notFound(request, reply);
      return sendAttachment(reply, file.filename, file.contentType, file.content);
    },
  );

  app.post<{ Body: { subjectId: string; childId?: string; title: string; body: string } }>(
    '/v1/threads',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false },
      schema: {
        tags: ['messages'],
        operationId: 'writeToService',
        summary: 'Write to the service: a new thread',
        description: 'A child of another household, or an unknown subject, is refused with a field error. Attachments are sent on the website only.',
        security: bearer,
        body: newThreadBody,
        response: { 201: sentResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { subjectId, childId, title, body } = request.body;
      const outcome = await request.inScope((scope) =>
        startThread(scope, householdOf(request), { subjectId, childId, title, body, file: null, fileTooLarge: false }),
      );
      return answerWrite(request, reply, outcome);
    },
  );

  app.post<{ Params: { id: string }; Body: { body: string } }>(
    '/v1/threads/:id/messages',
    {
      onRequest: requireFamilyToken,
      config: { csrf: false },
      schema: {
        tags: ['messages'],
        operationId: 'reply',
        summary: 'Reply in a thread',
        security: bearer,
        params: threadParams,
        body: replyBody,
        response: { 201: sentResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const outcome = await request.inScope((scope) => replyToThread(scope, request.params.id, { body: request.body.body, file: null, fileTooLarge: false }));
      return answerWrite(request, reply, outcome);
    },
  );
}
