import { THREAD_STATES } from '../../modules/messages/messages.tables.js';
import { MAX_BODY, MAX_TITLE } from '../../modules/messages/message-form.js';

/**
 * The JSON schemas of the API's message routes: the routes validate their input and serialise their
 * answers with them, and @fastify/swagger documents them in /api/openapi.json.
 */

const id = { type: 'string', format: 'uuid' } as const;
const text = { type: 'string' } as const;
const instant = { type: 'string', format: 'date-time' } as const;

export const subjectsResponse = {
  description: 'The subjects a family may write about, each answered by a team.',
  type: 'object',
  required: ['subjects'],
  properties: {
    subjects: { type: 'array', items: { type: 'object', required: ['id', 'label', 'team'], properties: { id, label: text, team: text } } },
  },
} as const;

export const threadsQuery = {
  type: 'object',
  properties: {
    folder: {
      type: 'string',
      enum: ['received', 'sent', 'deleted'],
      default: 'received',
      description: 'received: the service wrote in it; sent: the family wrote in it; deleted: in the bin.',
    },
  },
} as const;

const threadSummaryProperties = {
  id,
  title: text,
  subject: text,
  team: { ...text, description: 'The team that answers: the service’s messages are signed with it.' },
  childName: { type: ['string', 'null'] },
  state: { type: 'string', enum: [...THREAD_STATES] },
  lastMessageAt: instant,
  unread: { type: 'integer', description: 'The service’s messages not opened yet.' },
} as const;

export const threadsResponse = {
  description: 'The household’s threads of the folder, the latest first.',
  type: 'object',
  required: ['threads'],
  properties: { threads: { type: 'array', items: { type: 'object', required: Object.keys(threadSummaryProperties), properties: threadSummaryProperties } } },
} as const;

export const threadParams = { type: 'object', required: ['id'], properties: { id } } as const;
export const attachmentParams = { type: 'object', required: ['id', 'documentId'], properties: { id, documentId: id } } as const;

export const threadResponse = {
  description: 'The thread and its messages, oldest first. Reading it marks the service’s messages read.',
  type: 'object',
  required: [...Object.keys(threadSummaryProperties), 'deleted', 'messages'],
  properties: {
    ...threadSummaryProperties,
    deleted: { type: 'boolean' },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'from', 'signature', 'body', 'createdAt', 'attachment'],
        properties: {
          id,
          from: { type: 'string', enum: ['family', 'service'] },
          signature: { ...text, description: 'Who signs it: the guardian, or the service’s team (the staff member’s name only if the authority chose so).' },
          body: { ...text, description: 'As typed: plain text with its line breaks, never HTML.' },
          createdAt: instant,
          attachment: {
            type: ['object', 'null'],
            required: ['id', 'fileName', 'sizeBytes', 'url'],
            properties: {
              id,
              fileName: text,
              sizeBytes: { type: 'integer' },
              url: { ...text, description: 'Where to download it, with the same bearer token.' },
            },
          },
        },
      },
    },
  },
} as const;

export const newThreadBody = {
  type: 'object',
  required: ['subjectId', 'title', 'body'],
  additionalProperties: false,
  properties: {
    subjectId: { ...id, description: 'One of GET /api/v1/message-subjects.' },
    childId: { ...id, description: 'A child of the household, when the message is about one.' },
    title: { type: 'string', minLength: 1, maxLength: MAX_TITLE },
    body: { type: 'string', minLength: 1, maxLength: MAX_BODY, description: 'Plain text; line breaks are kept.' },
  },
} as const;

export const replyBody = {
  type: 'object',
  required: ['body'],
  additionalProperties: false,
  properties: { body: newThreadBody.properties.body },
} as const;

export const sentResponse = {
  description: 'Sent: the thread and the new message’s ids. The service is told by an email that does not contain the message.',
  type: 'object',
  required: ['threadId', 'messageId'],
  properties: { threadId: id, messageId: id },
} as const;

export const attachmentResponse = {
  description: 'The attachment, as an attachment download (PDF, PNG or JPEG).',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;
