/**
 * Request and response schemas of the REST routes. Responses reuse the event definitions of
 * `calls/call-event-schema.ts`, so REST and WebSocket clients see the same shapes; fastify serialises
 * through them (unknown properties never leave the server).
 */
import { OBJECTION_CLASSES } from '../assist/ports.js';
import { callEventDefinitions } from '../calls/call-event-schema.js';

const definitions = callEventDefinitions;
const ref = (name: keyof typeof callEventDefinitions) => ({ $ref: `#/definitions/${name}` });
const withDefs = (schema: object) => ({ ...schema, definitions });

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema, 503: errorSchema };

export const callIdParams = {
  type: 'object',
  properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['callId'],
} as const;

export const listCallsSchema = {
  querystring: {
    type: 'object',
    properties: { state: { type: 'string', enum: ['live', 'recent', 'all'], default: 'live' } },
    additionalProperties: false,
  },
  response: {
    200: withDefs({ type: 'object', properties: { calls: { type: 'array', items: ref('Summary') } }, required: ['calls'] }),
    ...errors,
  },
};

export const getCallSchema = {
  params: callIdParams,
  response: {
    200: withDefs({
      type: 'object',
      properties: { seq: { type: 'integer' }, call: ref('Snapshot') },
      required: ['seq', 'call'],
    }),
    ...errors,
  },
};

export const feedbackSchema = {
  params: {
    type: 'object',
    properties: {
      callId: { type: 'string', minLength: 1, maxLength: 256 },
      cardId: { type: 'string', minLength: 1, maxLength: 256 },
    },
    required: ['callId', 'cardId'],
  },
  body: {
    type: 'object',
    properties: { kind: { type: 'string', enum: ['used', 'dismissed', 'wrong'] } },
    required: ['kind'],
    additionalProperties: false,
  },
  response: { 200: withDefs({ type: 'object', properties: { card: ref('Card') }, required: ['card'] }), ...errors },
};

export const knowledgeSearchSchema = {
  querystring: {
    type: 'object',
    properties: {
      q: { type: 'string', minLength: 1, maxLength: 500 },
      lang: { type: 'string', minLength: 2, maxLength: 8 },
      class: { type: 'string', enum: [...OBJECTION_CLASSES] },
      k: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
    },
    required: ['q'],
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              factId: { type: 'string' }, text: { type: 'string' }, source: { type: 'string' },
              location: { type: 'string' }, language: { type: 'string' },
              classes: { type: 'array', items: { type: 'string' } }, score: { type: 'number' },
            },
            required: ['factId', 'text', 'source', 'location', 'score'],
          },
        },
      },
      required: ['results'],
    },
    ...errors,
  },
};

const countsByClass = { type: 'object', additionalProperties: { type: 'integer' } };
const feedbackCounts = {
  type: 'object',
  properties: { used: { type: 'integer' }, dismissed: { type: 'integer' }, wrong: { type: 'integer' } },
  required: ['used', 'dismissed', 'wrong'],
};
export const statsSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        day: { type: 'string' }, calls: { type: 'integer' }, objectionsByClass: countsByClass, cardsByClass: countsByClass,
        feedback: feedbackCounts, feedbackByClass: { type: 'object', additionalProperties: feedbackCounts },
        cardsShown: { type: 'integer' }, feedbackRate: { type: 'number' }, usedRate: { type: 'number' },
        wrongRate: { type: 'number' },
      },
      required: ['day', 'calls', 'cardsByClass', 'feedback', 'cardsShown', 'feedbackRate'],
    },
    ...errors,
  },
};

export const loginSchema = {
  body: {
    type: 'object',
    properties: { token: { type: 'string', minLength: 1, maxLength: 8192 } },
    required: ['token'],
    additionalProperties: false,
  },
};

export const meSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        name: { type: 'string' }, role: { type: 'string' }, aors: { type: 'array', items: { type: 'string' } },
      },
      required: ['name', 'role', 'aors'],
    },
    ...errors,
  },
};

export const resumeQuery = {
  type: 'object',
  properties: { since: { type: 'integer', minimum: 0 } },
  additionalProperties: false,
} as const;
