/**
 * One JSON schema (draft-07) for every event in `call-events.ts`: it documents the WebSocket protocol
 * (served at `GET /api/schema/call-events`) and compiles, per event type, into a fast-json-stringify
 * serialiser (https://github.com/fastify/fast-json-stringify). Serialising through the schema is also an
 * allow-list: a property the schema does not name never reaches a client.
 */
import fastJson from 'fast-json-stringify';
import { OBJECTION_CLASSES } from '../assist/ports.js';
import type { CallEvent, CallEventType, WallEvent } from './call-events.js';

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const arr = (items: object) => ({ type: 'array', items });
const obj = (properties: Record<string, object>, required: string[] = [], extra: object = {}) =>
  ({ type: 'object', properties, required, additionalProperties: false, ...extra });

const role = { type: 'string', enum: ['agent', 'customer', 'mixed', 'unknown'] };
const objectionClass = { type: 'string', enum: [...OBJECTION_CLASSES] };
const healthStatus = { type: 'string', enum: ['ok', 'degraded', 'down'] };
const objectionState = { type: 'string', enum: ['raised', 'updated', 'withdrawn'] };
const cardStatus = { type: 'string', enum: ['extractive', 'drafting', 'final', 'no_answer'] };

/** Shared shapes, referenced as `#/definitions/<Name>`. */
export const callEventDefinitions = {
  Participant: obj({ id: str, aor: str, name: str, role }, ['id', 'aor', 'role']),
  Customer: obj({
    name: str, number: str, company: str, employees: num, industry: str, currentVendor: str, source: str,
    facts: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
  }, ['facts']),
  StreamHealth: obj({ label: str, role, packetsReceived: int, packetsLost: int, jitterMs: num },
    ['label', 'packetsReceived', 'packetsLost', 'jitterMs']),
  ComponentHealth: obj({
    component: { type: 'string', enum: ['media', 'asr', 'llm', 'crm', 'retrieval'] },
    status: healthStatus, category: str, retrying: bool, detail: str,
    streams: arr(ref('StreamHealth')), asrDelayMs: num,
  }, ['component', 'status']),
  Segment: obj({
    utteranceId: str, streamLabel: str, role, speaker: str, text: str, startMs: num, endMs: num,
    confidence: num, language: str, roleGuessed: bool,
  }, ['utteranceId', 'streamLabel', 'role', 'text', 'startMs', 'endMs']),
  Citation: obj({ factId: str, text: str, source: str, location: str }, ['factId', 'text', 'source', 'location']),
  Card: obj({
    cardId: str, objectionId: str, objectionClass, status: cardStatus, text: str, playbookMove: str,
    citations: arr(ref('Citation')), confidence: num, removedCount: int, language: str,
    createdAtMs: num, updatedAtMs: num,
    stages: obj({
      asrAtMs: num, detectedAtMs: num, retrievedAtMs: num, extractiveAtMs: num, draftStartedAtMs: num,
      draftFirstTextAtMs: num, finalAtMs: num,
    }),
    feedback: obj({ kind: { type: 'string', enum: ['used', 'dismissed', 'wrong'] }, atMs: num, by: str },
      ['kind', 'atMs', 'by']),
  }, ['cardId', 'objectionId', 'objectionClass', 'status', 'text', 'citations', 'confidence', 'removedCount',
    'createdAtMs', 'updatedAtMs', 'stages']),
  LedgerEntry: obj({
    objectionId: str, objectionClass,
    state: { type: 'string', enum: ['raised', 'card_shown', 'answered', 'unanswered'] },
    raisedMs: num, cardShownMs: num, answeredMs: num, cardId: str,
  }, ['objectionId', 'objectionClass', 'state', 'raisedMs']),
  Objection: obj({ objectionId: str, objectionClass, confidence: num, utteranceId: str, text: str, raisedMs: num, state: objectionState },
    ['objectionId', 'objectionClass', 'confidence', 'utteranceId', 'text', 'raisedMs']),
  Summary: obj({
    callId: str, state: { type: 'string', enum: ['active', 'held', 'ended'] }, startedAtMs: num, endedAtMs: num,
    language: str, source: { type: 'string', enum: ['siprec', 'replay', 'transcript'] }, callMs: num,
    agent: obj({ name: str, aor: str }, ['aor']),
    customer: obj({ name: str, number: str, company: str }),
    objectionsRaised: int, objectionsUnanswered: int, cardsShown: int, cardsFlagged: int,
    lastCard: obj({ cardId: str, objectionClass, confidence: num, status: cardStatus, text: str },
      ['cardId', 'objectionClass', 'confidence', 'status', 'text']),
    health: healthStatus, alerts: arr(str),
  }, ['callId', 'state', 'startedAtMs', 'objectionsRaised', 'objectionsUnanswered', 'cardsShown', 'cardsFlagged',
    'health', 'alerts']),
  Snapshot: obj({
    summary: ref('Summary'), participants: arr(ref('Participant')), customer: ref('Customer'),
    transcript: arr(ref('Segment')), interims: arr(ref('Segment')), objections: arr(ref('Objection')),
    cards: arr(ref('Card')), ledger: arr(ref('LedgerEntry')), health: arr(ref('ComponentHealth')),
  }, ['summary', 'participants', 'transcript', 'interims', 'objections', 'cards', 'ledger', 'health']),
};

const base = { callId: str, atMs: num, seq: int };
const event = (type: string, properties: Record<string, object>, required: string[]) =>
  obj({ type: { type: 'string', const: type }, ...base, ...properties }, ['type', 'callId', 'atMs', 'seq', ...required]);

/** Per event type, the schema of its payload (the `oneOf` branches of {@link callEventSchema}). */
export const callEventSchemas: Record<CallEventType, object> = {
  'snapshot': event('snapshot', { call: ref('Snapshot') }, ['call']),
  'transcript.interim': event('transcript.interim', { segment: ref('Segment') }, ['segment']),
  'transcript.final': event('transcript.final', { segment: ref('Segment'), asrDelayMs: num }, ['segment']),
  'objection': event('objection', { objection: ref('Objection'), state: objectionState, previousClass: objectionClass }, ['objection']),
  'card.created': event('card.created', { card: ref('Card') }, ['card']),
  'card.updated': event('card.updated', { card: ref('Card') }, ['card']),
  'ledger': event('ledger', { entry: ref('LedgerEntry') }, ['entry']),
  'call.state': event('call.state', { state: { type: 'string', enum: ['active', 'held', 'ended'] }, reason: str }, ['state']),
  'call.participants': event('call.participants', { participants: arr(ref('Participant')) }, ['participants']),
  'call.customer': event('call.customer', { customer: ref('Customer') }, ['customer']),
  'health': event('health', { health: ref('ComponentHealth') }, ['health']),
};

const wallBase = { atMs: num, seq: int };
/** The wall socket's events. */
export const wallEventSchemas: Record<WallEvent['type'], object> = {
  'wall.snapshot': obj({ type: { type: 'string', const: 'wall.snapshot' }, ...wallBase, calls: arr(ref('Summary')) },
    ['type', 'atMs', 'seq', 'calls']),
  'wall.call': obj({ type: { type: 'string', const: 'wall.call' }, ...wallBase, summary: ref('Summary') },
    ['type', 'atMs', 'seq', 'summary']),
  'wall.removed': obj({ type: { type: 'string', const: 'wall.removed' }, ...wallBase, callId: str },
    ['type', 'atMs', 'seq', 'callId']),
};

/** The whole protocol as one document: a call event is exactly one of the branches. */
export const callEventSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://modsvar.dev/schemas/call-events.json',
  title: 'Modsvar call and wall events',
  definitions: callEventDefinitions,
  oneOf: [...Object.values(callEventSchemas), ...Object.values(wallEventSchemas)],
};

const compile = (schema: object) =>
  fastJson({ ...schema, definitions: callEventDefinitions } as unknown as Parameters<typeof fastJson>[0]) as (doc: unknown) => string;

const callSerializers = Object.fromEntries(
  Object.entries(callEventSchemas).map(([type, schema]) => [type, compile(schema)]),
) as Record<CallEventType, (doc: unknown) => string>;
const wallSerializers = Object.fromEntries(
  Object.entries(wallEventSchemas).map(([type, schema]) => [type, compile(schema)]),
) as Record<WallEvent['type'], (doc: unknown) => string>;

/**
 * Serialises an event to JSON through its schema (unknown properties dropped).
 * @throws TypeError for an unknown `type`.
 */
export function serializeEvent(event: CallEvent | WallEvent): string {
  const fn = (callSerializers as Record<string, (doc: unknown) => string>)[event.type]
    ?? (wallSerializers as Record<string, (doc: unknown) => string>)[event.type];
  if (!fn) throw new TypeError(`serializeEvent: unknown event type ${String((event as { type: unknown }).type)}`);
  return fn(event);
}

/** Schema of a single definition, with the shared definitions attached (for fastify route responses). */
export function definitionSchema(name: keyof typeof callEventDefinitions): object {
  return { ...callEventDefinitions[name], definitions: callEventDefinitions };
}
