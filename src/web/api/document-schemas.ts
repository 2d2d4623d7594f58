import { MAX_DOCUMENT_BYTES } from '../../modules/documents/documents.js';
import { VALIDITIES } from '../../modules/document-space/document-types.js';

/**
 * The JSON schemas of the API's document routes: the routes validate their input and serialise
 * their answers with them, and @fastify/swagger documents them in /api/openapi.json.
 */

const id = { type: 'string', format: 'uuid' } as const;
const text = { type: 'string' } as const;
const day = { type: 'string', format: 'date' } as const;
const nullableDay = { type: ['string', 'null'], format: 'date' } as const;
const url = { ...text, description: 'Where to download it, with the same bearer token.' } as const;

const publishedProperties = {
  id,
  title: text,
  activityName: { type: ['string', 'null'], description: 'The activity whose families it is for; null: every family.' },
  visibleFrom: day,
  visibleUntil: { ...nullableDay, description: 'The last day it is shown; null: without end.' },
  fileName: text,
  sizeBytes: { type: 'integer' },
  url,
} as const;

const fromServiceProperties = {
  id,
  title: text,
  fileName: text,
  sizeBytes: { type: 'integer' },
  addedAt: { type: 'string', format: 'date-time' },
  url,
} as const;

export const REQUIREMENT_STATES = ['missing', 'pending', 'refused', 'valid', 'expired'] as const;

const requestedProperties = {
  typeId: id,
  label: text,
  validity: {
    type: 'string',
    enum: [...VALIDITIES],
    description: 'none: valid without end; school_year: until the end of the school year it was sent in; months: for validityMonths months.',
  },
  validityMonths: { type: ['integer', 'null'] },
  child: {
    type: ['object', 'null'],
    description: 'The child it is asked for, for a kind asked once per child (vaccinations, PAI); null: asked once of the household.',
    required: ['id', 'name'],
    properties: { id, name: text },
  },
  activities: {
    type: 'array',
    items: { type: 'object', required: ['id', 'name'], properties: { id, name: text } },
    description: 'The activities asking for it.',
  },
  state: {
    type: 'string',
    enum: [...REQUIREMENT_STATES],
    description:
      'missing: none sent; pending: sent, waiting for the service; refused: see refusalReason, send another; valid: accepted (until validUntil); expired: send a new one.',
  },
  sentAt: { type: ['string', 'null'], format: 'date-time', description: 'When the document waiting for the service was sent.' },
  refusalReason: { type: ['string', 'null'] },
  validUntil: { ...nullableDay, description: 'The last day the accepted document is valid; null: without end, or not valid.' },
  expiredOn: nullableDay,
  document: {
    type: ['object', 'null'],
    description: 'The last file sent for it, whatever its state.',
    required: ['id', 'url'],
    properties: { id, url },
  },
} as const;

const listOf = <P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'array', items: { type: 'object', required: Object.keys(properties), properties } }) as const;

export const documentsResponse = {
  description: 'The household’s documents space: what the service publishes for it today, the files the service added for it, and what its activities ask for.',
  type: 'object',
  required: ['published', 'fromService', 'requested'],
  properties: {
    published: listOf(publishedProperties),
    fromService: listOf(fromServiceProperties),
    requested: listOf(requestedProperties),
  },
} as const;

export const documentParams = { type: 'object', required: ['id'], properties: { id } } as const;
export const requestedParams = {
  type: 'object',
  required: ['typeId'],
  properties: { typeId: { ...id, description: 'One of `requested[].typeId`.' } },
} as const;

/** Base64 makes a file a third larger; the body may hold the largest file and its name. */
export const UPLOAD_BODY_LIMIT = Math.ceil((MAX_DOCUMENT_BYTES * 4) / 3) + 4096;

export const uploadBody = {
  type: 'object',
  required: ['fileName', 'content'],
  additionalProperties: false,
  properties: {
    fileName: { type: 'string', minLength: 1, maxLength: 200, description: 'The file’s name on the phone; its extension is set from its content.' },
    childId: { ...id, description: 'For a kind asked per child: `requested[].child.id`. Another household’s child is not found.' },
    content: {
      type: 'string',
      minLength: 1,
      maxLength: UPLOAD_BODY_LIMIT,
      contentEncoding: 'base64',
      description: `The file, in base64: a PDF, PNG or JPEG (checked by its bytes) of ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB at most.`,
    },
  },
} as const;

export const requestedResponse = {
  description: 'Sent: where the household now stands for this kind (pending, until the service decides).',
  ...listOf(requestedProperties).items,
} as const;

export const fileResponse = {
  description: 'The file, as an attachment download (PDF, PNG or JPEG).',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;
