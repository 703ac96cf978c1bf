import { describe, expect, it, vi } from 'vitest';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import type { CallEvent, WallEvent } from '../../../../sidecar/calls/call-events.js';
import { card, seedCalls } from '../api/api-fixture.js';

const seg = (id: string, text: string, label = '1') =>
  ({ utteranceId: id, streamLabel: label, role: 'customer' as const, text, startMs: 1000, endMs: 2000 });

describe('CallRegistry', () => {
  it('numbers each call\'s events 1, 2, 3 and hands them to subscribers and the observer', () => {
    const r = new CallRegistry();
    seedCalls(r);
    const seen: CallEvent[] = [];
    const observed: CallEvent[] = [];
    r.subscribe('call-anna', (e) => seen.push(e));
    r.observer.on('event', (e) => observed.push(e));
    const a = r.publish({ type: 'transcript.interim', callId: 'call-anna', segment: seg('u1', 'det er') });
    const b = r.publish({ type: 'transcript.final', callId: 'call-anna', segment: seg('u1', 'det er for dyrt') });
    const c = r.publish({ type: 'transcript.final', callId: 'call-bo', segment: seg('u9', 'too expensive') });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 1]);
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(observed.map((e) => `${e.callId}:${e.seq}`)).toEqual(['call-anna:1', 'call-anna:2', 'call-bo:1']);
    expect(typeof a.atMs).toBe('number');
    r.close();
  });

  it('folds events into the snapshot: a final replaces its interim, a later card update keeps the agent\'s feedback', () => {
    const r = new CallRegistry();
    seedCalls(r);
    r.publish({ type: 'transcript.interim', callId: 'call-anna', segment: seg('u1', 'det er') });
    r.publish({ type: 'transcript.interim', callId: 'call-anna', segment: { ...seg('u2', 'ja', '2'), role: 'agent' } });
    r.publish({ type: 'transcript.final', callId: 'call-anna', segment: seg('u1', 'det er for dyrt') });
    r.publish({ type: 'card.created', callId: 'call-anna', card: card() });
    r.giveFeedback('call-anna', 'card-1', 'used', 'token:T_ANNA');
    r.publish({ type: 'card.updated', callId: 'call-anna', card: card({ status: 'final', text: 'Final text.' }) });
    const snap = r.snapshot('call-anna')!;
    expect(snap.seq).toBe(6);
    expect(snap.call.transcript.map((s) => s.text)).toEqual(['det er for dyrt']);
    expect(snap.call.interims.map((s) => s.utteranceId)).toEqual(['u2']);
    expect(snap.call.cards).toHaveLength(1);
    expect(snap.call.cards[0].text).toBe('Final text.');
    expect(snap.call.cards[0].feedback).toMatchObject({ kind: 'used', by: 'token:T_ANNA' });
    expect(snap.call.customer).toMatchObject({ name: 'Jens Kunde', company: 'Kunde A/S', facts: { plan: 'Pro' } });
    r.close();
  });

  it('summarises a call for the wall: counts, last card, worst health and alerts', () => {
    const r = new CallRegistry({ alertUnanswered: 2 });
    seedCalls(r);
    const obj = (id: string) => ({ objectionId: id, objectionClass: 'price' as const, confidence: 0.9, utteranceId: 'u', text: 't', raisedMs: 100 });
    r.publish({ type: 'objection', callId: 'call-anna', objection: obj('o1') });
    r.publish({ type: 'objection', callId: 'call-anna', objection: obj('o2') });
    r.publish({ type: 'ledger', callId: 'call-anna', entry: { objectionId: 'o1', objectionClass: 'price', state: 'answered', raisedMs: 100, answeredMs: 900 } });
    r.publish({ type: 'ledger', callId: 'call-anna', entry: { objectionId: 'o2', objectionClass: 'price', state: 'card_shown', raisedMs: 200 } });
    let s = r.list('live').find((x) => x.callId === 'call-anna')!;
    expect(s).toMatchObject({ objectionsRaised: 2, objectionsUnanswered: 1, alerts: [], health: 'ok', agent: { name: 'Anna Holm' },
      customer: { name: 'Jens Kunde', number: '+4520123456', company: 'Kunde A/S' } });
    r.publish({ type: 'objection', callId: 'call-anna', objection: obj('o3') });
    r.publish({ type: 'card.created', callId: 'call-anna', card: card({ cardId: 'k2', removedCount: 1, confidence: 0.6, createdAtMs: 1_700_000_020_000 }) });
    r.publish({ type: 'health', callId: 'call-anna', health: { component: 'asr', status: 'down', retrying: true } });
    s = r.list('live').find((x) => x.callId === 'call-anna')!;
    expect(s.objectionsUnanswered).toBe(2);
    expect(s.cardsFlagged).toBe(1);
    expect(s.lastCard).toMatchObject({ cardId: 'k2', confidence: 0.6 });
    expect(s.health).toBe('down');
    expect(s.alerts).toEqual(['unanswered', 'flagged', 'health']);
    r.close();
  });

  it('folds objection states: an update re-classes the snapshot\'s objection, a withdrawal leaves the counts and the ledger', () => {
    const r = new CallRegistry({ alertUnanswered: 2 });
    seedCalls(r);
    const obj = (id: string, objectionClass: 'price' | 'timing', raisedMs = 100) => ({ objectionId: id, objectionClass, confidence: 0.9, utteranceId: 'u', text: 't', raisedMs });
    r.publish({ type: 'objection', callId: 'call-anna', state: 'raised', objection: obj('o1', 'price') });
    r.publish({ type: 'objection', callId: 'call-anna', state: 'raised', objection: obj('o2', 'price', 500) });
    r.publish({ type: 'ledger', callId: 'call-anna', entry: { objectionId: 'o1', objectionClass: 'price', state: 'card_shown', raisedMs: 100 } });
    r.publish({ type: 'ledger', callId: 'call-anna', entry: { objectionId: 'o2', objectionClass: 'price', state: 'card_shown', raisedMs: 500 } });
    const row = () => r.list('live').find((x) => x.callId === 'call-anna')!;
    expect([row().objectionsRaised, row().objectionsUnanswered, row().alerts]).toEqual([2, 2, ['unanswered']]);
    r.publish({ type: 'objection', callId: 'call-anna', state: 'updated', previousClass: 'price', objection: { ...obj('o1', 'timing', 900), text: 't more' } });
    r.publish({ type: 'objection', callId: 'call-anna', state: 'withdrawn', objection: obj('o2', 'price', 500) });
    // a late ledger entry for the withdrawn objection does not bring it back
    r.publish({ type: 'ledger', callId: 'call-anna', entry: { objectionId: 'o2', objectionClass: 'price', state: 'unanswered', raisedMs: 500 } });
    expect([row().objectionsRaised, row().objectionsUnanswered, row().alerts]).toEqual([1, 1, []]);
    const snap = r.snapshot('call-anna')!.call;
    expect(snap.objections).toEqual([
      { objectionId: 'o1', objectionClass: 'timing', confidence: 0.9, utteranceId: 'u', text: 't more', raisedMs: 100, state: 'updated' },
      { objectionId: 'o2', objectionClass: 'price', confidence: 0.9, utteranceId: 'u', text: 't', raisedMs: 500, state: 'withdrawn' },
    ]);
    expect(snap.ledger.map((l) => l.objectionId)).toEqual(['o1']);
    expect(r.stats().objectionsByClass).toEqual({ price: 0, timing: 1 });
    r.close();
  });

  it('gives each wall row the call\'s timeline position (latest segment end or objection start), never moving back', () => {
    const r = new CallRegistry();
    r.upsertCall({ callId: 'rp', startedAtMs: 1_700_000_000_000, source: 'transcript' });
    const row = () => r.list('live').find((x) => x.callId === 'rp')!;
    expect(row().callMs).toBe(0);
    r.publish({ type: 'transcript.interim', callId: 'rp', segment: { ...seg('u1', 'det er'), startMs: 95_000, endMs: 96_400 } });
    expect(row().callMs).toBe(96_400);
    r.publish({ type: 'transcript.final', callId: 'rp', segment: { ...seg('u1', 'det er for dyrt'), startMs: 95_000, endMs: 98_000 } });
    expect(row().callMs).toBe(98_000);
    r.publish({ type: 'objection', callId: 'rp', objection: { objectionId: 'o1', objectionClass: 'price', confidence: 0.9, utteranceId: 'u9', text: 't', raisedMs: 99_500 } });
    expect(row().callMs).toBe(99_500);
    // a late final of an earlier utterance on another stream
    r.publish({ type: 'transcript.final', callId: 'rp', segment: { ...seg('u2', 'ja', '2'), startMs: 20_000, endMs: 21_000 } });
    expect(row().callMs).toBe(99_500);
    expect(r.snapshot('rp')!.call.summary.callMs).toBe(99_500);
    r.endCall('rp', 'replay-finished');
    expect(r.list('recent').find((x) => x.callId === 'rp')!.callMs).toBe(99_500);
    r.close();
  });

  it('resends a replay\'s wall row when its timeline moves; a live call\'s transcript alone does not (its duration is wall time)', () => {
    const r = new CallRegistry();
    const wall: WallEvent[] = [];
    r.observer.on('wall', (e) => wall.push(e));
    r.upsertCall({ callId: 'rp', startedAtMs: 1_700_000_000_000, source: 'replay' });
    r.upsertCall({ callId: 'live', startedAtMs: 1_700_000_000_000, source: 'siprec' });
    expect(wall).toHaveLength(2);
    r.publish({ type: 'transcript.final', callId: 'live', segment: { ...seg('u1', 'hej'), startMs: 1_000, endMs: 4_000 } });
    r.publish({ type: 'transcript.final', callId: 'rp', segment: { ...seg('u1', 'hej'), startMs: 1_000, endMs: 4_000 } });
    r.publish({ type: 'transcript.final', callId: 'rp', segment: { ...seg('u0', 'ja'), startMs: 500, endMs: 900 } }); // position unchanged
    expect(wall.slice(2).map((e) => e.type === 'wall.call' && [e.summary.callId, e.summary.callMs])).toEqual([['rp', 4_000]]);
    r.close();
  });

  it('announces calls on the wall and removes them at hang-up, with wall sequence numbers for resume', () => {
    const r = new CallRegistry();
    const wall: WallEvent[] = [];
    r.observer.on('wall', (e) => wall.push(e));
    seedCalls(r);
    r.endCall('call-bo', 'bye');
    r.endCall('call-bo', 'bye');
    r.upsertCall({ callId: 'call-anna', language: 'de' });
    expect(wall.map((e) => e.type)).toEqual(['wall.call', 'wall.call', 'wall.removed', 'wall.call']);
    expect(wall.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(wall[3]).toMatchObject({ summary: { callId: 'call-anna', language: 'de' } });
    expect(r.wallSnapshot()).toMatchObject({ seq: 4, calls: [{ callId: 'call-anna' }] });
    expect(r.wallEventsSince(2)!.map((e) => e.type)).toEqual(['wall.removed', 'wall.call']);
    expect(r.list('recent').map((c) => c.callId)).toEqual(['call-bo']);
    expect(r.get('call-bo')!.state).toBe('ended');
    r.close();
  });

  it('coalesces a call\'s wall row updates into one trailing update carrying the latest row', () => {
    vi.useFakeTimers();
    try {
      const r = new CallRegistry({ wallUpdateMs: 250 });
      const wall: WallEvent[] = [];
      r.observer.on('wall', (e) => wall.push(e));
      seedCalls(r);
      expect(wall.map((e) => e.type)).toEqual(['wall.call', 'wall.call']);
      const obj = (id: string) => ({ objectionId: id, objectionClass: 'need' as const, confidence: 0.8, utteranceId: 'u', text: 't', raisedMs: 1 });
      r.publish({ type: 'objection', callId: 'call-anna', objection: obj('o1') });
      r.publish({ type: 'objection', callId: 'call-anna', objection: obj('o2') });
      r.publish({ type: 'objection', callId: 'call-bo', objection: obj('o3') });
      expect(wall).toHaveLength(2);
      vi.advanceTimersByTime(250);
      expect(wall.slice(2).map((e) => e.type === 'wall.call' && [e.summary.callId, e.summary.objectionsRaised])).toEqual([['call-anna', 2], ['call-bo', 1]]);
      r.publish({ type: 'objection', callId: 'call-bo', objection: obj('o4') });
      r.endCall('call-bo', 'bye');
      vi.advanceTimersByTime(250);
      expect(wall.slice(4).map((e) => e.type)).toEqual(['wall.removed']);
      r.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('creates a call for an event that arrives before upsertCall instead of losing it', () => {
    const r = new CallRegistry();
    const e = r.publish({ type: 'transcript.final', callId: 'early', segment: seg('u1', 'hej') });
    expect(e.seq).toBe(1);
    expect(r.snapshot('early')!.call.transcript).toHaveLength(1);
    expect(() => r.publish({ type: 'snapshot', callId: 'early' } as never)).toThrow(TypeError);
    expect(() => r.publish({ type: 'health' } as never)).toThrow(TypeError);
    r.close();
  });

  it('drops ended calls beyond the recent limit and says so on the observer', () => {
    const r = new CallRegistry({ recentCalls: 1 });
    const removed: string[] = [];
    r.observer.on('callremoved', (id) => removed.push(id));
    seedCalls(r);
    r.endCall('call-anna', 'bye');
    r.endCall('call-bo', 'bye');
    expect(removed).toEqual(['call-anna']);
    expect(r.get('call-anna')).toBeUndefined();
    expect(r.get('call-bo')).toBeDefined();
    r.close();
  });

  it('records feedback with stable error codes for unknown calls and cards, and counts it for the day', () => {
    const r = new CallRegistry();
    seedCalls(r);
    r.publish({ type: 'card.created', callId: 'call-anna', card: card() });
    expect(() => r.giveFeedback('nope', 'card-1', 'used', 's')).toThrow(expect.objectContaining({ code: 'CALL_NOT_FOUND' }));
    expect(() => r.giveFeedback('call-anna', 'nope', 'used', 's')).toThrow(expect.objectContaining({ code: 'CARD_NOT_FOUND' }));
    r.giveFeedback('call-anna', 'card-1', 'dismissed', 's');
    r.giveFeedback('call-anna', 'card-1', 'wrong', 's');
    const stats = r.stats();
    expect(stats.cardsByClass).toEqual({ price: 1 });
    expect(stats.feedback).toEqual({ used: 0, dismissed: 0, wrong: 1 });
    expect(stats.feedbackByClass).toEqual({ price: { used: 0, dismissed: 0, wrong: 1 } });
    expect(stats.feedbackRate).toBe(1);
    expect(stats.wrongRate).toBe(1);
    r.close();
  });

  it('forgets an ended call on request (callremoved), never a live one', () => {
    const registry = new CallRegistry();
    const removed: string[] = [];
    registry.observer.on('callremoved', (id) => removed.push(id));
    registry.upsertCall({ callId: 'f1' });
    expect(registry.forget('f1')).toBe(false);
    expect(registry.get('f1')!.state).toBe('active');
    registry.endCall('f1', 'bye');
    expect(registry.forget('f1')).toBe(true);
    expect(registry.get('f1')).toBeUndefined();
    expect(registry.forget('f1')).toBe(false);
    expect(removed).toEqual(['f1']);
    registry.close();
  });
});
