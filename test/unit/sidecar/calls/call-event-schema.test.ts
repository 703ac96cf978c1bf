import { describe, expect, it } from 'vitest';
import { callEventSchema, callEventSchemas, serializeEvent } from '../../../../sidecar/calls/call-event-schema.js';
import {
  CALL_EVENT_TYPES, callStateChanged, cardCreated, customerResolved, healthChanged, ledgerChanged, objectionRaised,
  objectionUpdated, objectionWithdrawn, participantsChanged, transcriptFinal, transcriptInterim, type CallEvent,
} from '../../../../sidecar/calls/call-events.js';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import { card } from '../api/api-fixture.js';

const segment = { utteranceId: 'u1', streamLabel: '1', role: 'customer' as const, text: 'Det er for dyrt', startMs: 1200, endMs: 2400, confidence: 0.93, language: 'da' };

function publishedSample(): CallEvent[] {
  const r = new CallRegistry();
  const callId = 'c-1';
  const t0 = Date.now();
  const out = [
    r.publish(participantsChanged({ callId, atMs: t0 + 1, participants: [{ id: 'p1', aor: 'sip:1001@pbx', name: 'Anna', role: 'agent' }] })),
    r.publish(customerResolved({ callId, atMs: t0 + 2, customer: { name: 'Jens', company: 'Kunde A/S', employees: 40, facts: { plan: 'Pro', seats: 12 }, source: 'csv' } })),
    r.publish(transcriptInterim({ callId, atMs: t0 + 3, segment: { ...segment, text: 'Det er' } })),
    r.publish(transcriptFinal({ callId, atMs: t0 + 4, segment, asrDelayMs: 180 })),
    r.publish(objectionRaised({ callId, atMs: t0 + 5, objection: { objectionId: 'o1', objectionClass: 'price', confidence: 0.91, utteranceId: 'u1', text: 'Det er for dyrt', raisedMs: 2400 } })),
    r.publish(objectionUpdated({ callId, atMs: t0 + 5, previousClass: 'price', objection: { objectionId: 'o1', objectionClass: 'timing', confidence: 0.8, utteranceId: 'u1', text: 'Det er for dyrt lige nu', raisedMs: 2400 } })),
    r.publish(objectionRaised({ callId, atMs: t0 + 5, objection: { objectionId: 'o2', objectionClass: 'need', confidence: 0.7, utteranceId: 'u2', text: 'Vi har ikke brug for', raisedMs: 3000 } })),
    r.publish(objectionWithdrawn({ callId, atMs: t0 + 5, objection: { objectionId: 'o2', objectionClass: 'need', confidence: 0.2, utteranceId: 'u2', text: 'Vi har ikke brug for mere end det', raisedMs: 3000 } })),
    r.publish(cardCreated({ callId, atMs: t0 + 6, card: card() })),
    r.publish(ledgerChanged({ callId, atMs: t0 + 7, entry: { objectionId: 'o1', objectionClass: 'price', state: 'card_shown', raisedMs: 2400, cardShownMs: 2420, cardId: 'card-1' } })),
    r.publish(healthChanged({ callId, atMs: t0 + 8, health: { component: 'media', status: 'degraded', detail: 'packet loss 4 %', streams: [{ label: '1', role: 'customer', packetsReceived: 960, packetsLost: 40, jitterMs: 3.5 }] } })),
    r.publish(callStateChanged({ callId, atMs: t0 + 9, state: 'ended', reason: 'bye' })),
  ];
  out.push(r.snapshot(callId)!);
  r.close();
  return out;
}

describe('call event schema', () => {
  it('serialises every event type to exactly the object it was given', () => {
    const events = publishedSample();
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(CALL_EVENT_TYPES.filter((t) => t !== 'card.updated')));
    for (const e of events) expect(JSON.parse(serializeEvent(e))).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it('carries the objection state and the previous class, and folds them into the snapshot', () => {
    const events = publishedSample();
    const objections = events.filter((e) => e.type === 'objection').map((e) => JSON.parse(serializeEvent(e)));
    expect(objections.map((o) => [o.state, o.objection.objectionId, o.objection.objectionClass, o.previousClass])).toEqual([
      ['raised', 'o1', 'price', undefined], ['updated', 'o1', 'timing', 'price'], ['raised', 'o2', 'need', undefined], ['withdrawn', 'o2', 'need', undefined],
    ]);
    const snap = JSON.parse(serializeEvent(events.at(-1)!));
    expect(snap.call.objections.map((o: { objectionId: string; objectionClass: string; state: string }) => [o.objectionId, o.objectionClass, o.state]))
      .toEqual([['o1', 'timing', 'updated'], ['o2', 'need', 'withdrawn']]);
    expect(snap.call.summary.objectionsRaised).toBe(1);
  });

  it('serialises the summary\'s timeline position (callMs) in snapshots and wall rows', () => {
    const events = publishedSample();
    const snap = JSON.parse(serializeEvent(events.at(-1)!));
    expect(typeof snap.call.summary.callMs).toBe('number');
    const summary = { ...snap.call.summary, callMs: 98_000 };
    expect(JSON.parse(serializeEvent({ type: 'wall.call', atMs: 1, seq: 1, summary } as never)).summary.callMs).toBe(98_000);
    expect(JSON.parse(serializeEvent({ type: 'wall.snapshot', atMs: 1, seq: 1, calls: [summary] } as never)).calls[0].callMs).toBe(98_000);
  });

  it('drops properties the schema does not name, so nothing unlisted reaches a client', () => {
    const e = { ...cardCreated({ callId: 'c', atMs: 1, card: { ...card(), secretNote: 'x' } as never }), seq: 1, internal: true } as CallEvent;
    const out = JSON.parse(serializeEvent(e));
    expect(out.internal).toBeUndefined();
    expect(out.card.secretNote).toBeUndefined();
    expect(out.card.cardId).toBe('card-1');
  });

  it('refuses an unknown type with a TypeError', () => {
    expect(() => serializeEvent({ type: 'nope' } as never)).toThrow(TypeError);
  });

  it('documents every event type as one oneOf branch with callId, atMs and seq required', () => {
    expect(Object.keys(callEventSchemas).sort()).toEqual([...CALL_EVENT_TYPES].sort());
    const branches = callEventSchema.oneOf as { required: string[]; properties: { type: { const: string } } }[];
    for (const t of CALL_EVENT_TYPES) {
      const b = branches.find((x) => x.properties.type.const === t)!;
      expect(b.required).toEqual(expect.arrayContaining(['type', 'callId', 'atMs', 'seq']));
    }
  });
});
