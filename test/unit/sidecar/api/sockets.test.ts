import { afterEach, describe, expect, it } from 'vitest';
import type { CallEvent, WallEvent } from '../../../../sidecar/calls/call-events.js';
import { auth, buildFixture, card, openSocket, seedCalls, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

const seg = (id: string, text: string) => ({ utteranceId: id, streamLabel: '1', role: 'customer' as const, text, startMs: 0, endMs: 500 });
const publishFinal = (f: Fixture, id: string) => f.registry.publish({ type: 'transcript.final', callId: 'call-anna', segment: seg(id, `text ${id}`) });
const closed = (ws: { on(e: 'close', cb: (code: number, reason: Buffer) => void): void }) =>
  new Promise<[number, string]>((resolve) => ws.on('close', (code, reason) => resolve([code, reason.toString()])));

describe('call WebSocket', () => {
  it('sends a snapshot, then every event of the call in order', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    publishFinal(fx, 'u1');
    const s = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.anna));
    const [snap] = await s.next(1);
    expect(snap).toMatchObject({ type: 'snapshot', callId: 'call-anna', seq: 1 });
    expect((snap as Extract<CallEvent, { type: 'snapshot' }>).call.transcript.map((t) => t.text)).toEqual(['text u1']);
    fx.registry.publish({ type: 'transcript.interim', callId: 'call-anna', segment: seg('u2', 'te') });
    fx.registry.publish({ type: 'card.created', callId: 'call-anna', card: card() });
    fx.registry.publish({ type: 'transcript.final', callId: 'call-bo', segment: seg('x', 'not for anna') });
    fx.registry.endCall('call-anna', 'bye');
    const all = await s.next(4);
    expect(all.slice(1).map((e) => [e.type, e.seq])).toEqual([['transcript.interim', 2], ['card.created', 3], ['call.state', 4]]);
    expect(all[3]).toMatchObject({ state: 'ended', reason: 'bye' });
    s.ws.terminate();
  });

  it('resumes after a reconnect with exactly the missed events: no gap, no duplicate, no snapshot', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    publishFinal(fx, 'u1');
    const first = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.anna));
    await first.next(1);
    publishFinal(fx, 'u2');
    await first.next(2);
    first.ws.terminate();
    publishFinal(fx, 'u3');
    publishFinal(fx, 'u4');
    const lastSeen = first.messages[first.messages.length - 1].seq;
    const second = await openSocket(fx.app, `/api/calls/call-anna/ws?since=${lastSeen}`, auth(TOKENS.anna));
    await second.next(2);
    publishFinal(fx, 'u5');
    const got = await second.next(3);
    expect(got.map((e) => [e.type, e.seq])).toEqual([['transcript.final', 3], ['transcript.final', 4], ['transcript.final', 5]]);
    second.ws.terminate();
  });

  it('sends a fresh snapshot when the missed events are no longer held', async () => {
    fx = await buildFixture({}, { resumeEvents: 10 });
    seedCalls(fx.registry);
    for (let i = 0; i < 25; i++) publishFinal(fx, `u${i}`);
    const s = await openSocket(fx.app, '/api/calls/call-anna/ws?since=3', auth(TOKENS.anna));
    const [snap] = await s.next(1);
    expect(snap).toMatchObject({ type: 'snapshot', seq: 25 });
    s.ws.terminate();
  });

  it('refuses the upgrade before accepting the socket: 401 without a token, 403 for another agent\'s call', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    await expect(fx.app.injectWS('/api/calls/call-anna/ws', {})).rejects.toThrow('Unexpected server response: 401');
    await expect(fx.app.injectWS('/api/calls/call-bo/ws', { headers: auth(TOKENS.anna) })).rejects.toThrow('Unexpected server response: 403');
    await expect(fx.app.injectWS('/api/calls/nope/ws', { headers: auth(TOKENS.sup) })).rejects.toThrow('Unexpected server response: 404');
    await expect(fx.app.injectWS('/api/wall/ws', { headers: auth(TOKENS.mon) })).rejects.toThrow('Unexpected server response: 403');
  });

  it('limits open sockets per user with 429', async () => {
    fx = await buildFixture({}, { rateLimit: { socketsPerPrincipal: 2 } });
    seedCalls(fx.registry);
    const a = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.anna));
    const b = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.anna));
    await expect(fx.app.injectWS('/api/calls/call-anna/ws', { headers: auth(TOKENS.anna) })).rejects.toThrow('Unexpected server response: 429');
    const c = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.bo)).catch((e: Error) => e);
    expect(c).toBeInstanceOf(Error); // Bo may not see Anna's call: 403, not a quota question
    const d = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.bo));
    a.ws.terminate();
    b.ws.terminate();
    d.ws.terminate();
  });

  it('rate-limits socket connection attempts per address', async () => {
    fx = await buildFixture({}, { rateLimit: { socketsPerMinute: 2 } });
    seedCalls(fx.registry);
    const a = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.sup));
    const b = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.sup));
    await expect(fx.app.injectWS('/api/wall/ws', { headers: auth(TOKENS.sup) })).rejects.toThrow('Unexpected server response: 429');
    a.ws.terminate();
    b.ws.terminate();
  });

  it('closes the socket with 1000 when the call leaves memory', async () => {
    fx = await buildFixture({}, { recentCalls: 0 });
    seedCalls(fx.registry);
    const s = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.anna));
    await s.next(1);
    const done = closed(s.ws);
    fx.registry.endCall('call-anna', 'bye');
    expect(await done).toEqual([1000, 'call removed']);
  });
});

describe('wall WebSocket', () => {
  it('streams every live call to a supervisor: snapshot, row changes, removal at hang-up', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const s = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.sup));
    const [snap] = (await s.next(1)) as WallEvent[];
    expect(snap.type).toBe('wall.snapshot');
    expect((snap as Extract<WallEvent, { type: 'wall.snapshot' }>).calls.map((c) => c.callId)).toEqual(['call-bo', 'call-anna']);
    fx.registry.publish({ type: 'objection', callId: 'call-bo', objection: { objectionId: 'o1', objectionClass: 'timing', confidence: 0.9, utteranceId: 'x', text: 'not now', raisedMs: 10 } });
    fx.registry.publish({ type: 'transcript.final', callId: 'call-bo', segment: seg('x', 'not now') });
    fx.registry.endCall('call-anna', 'bye');
    const got = (await s.next(3)) as WallEvent[];
    expect(got[1]).toMatchObject({ type: 'wall.call', summary: { callId: 'call-bo', objectionsRaised: 1, objectionsUnanswered: 1 } });
    expect(got[2]).toMatchObject({ type: 'wall.removed', callId: 'call-anna' });
    expect(got[2].seq).toBeGreaterThan(got[1].seq);
    s.ws.terminate();
  });

  it('shows an agent only their own calls, and never announces the removal of someone else\'s', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const s = await openSocket(fx.app, '/api/wall/ws', auth(TOKENS.anna));
    const [snap] = (await s.next(1)) as WallEvent[];
    expect((snap as Extract<WallEvent, { type: 'wall.snapshot' }>).calls.map((c) => c.callId)).toEqual(['call-anna']);
    fx.registry.endCall('call-bo', 'bye');
    fx.registry.upsertCall({ callId: 'call-new', participants: [{ id: 'a', aor: 'sip:1001@pbx.example.com', role: 'agent' }] });
    const got = (await s.next(2)) as WallEvent[];
    expect(got[1]).toMatchObject({ type: 'wall.call', summary: { callId: 'call-new' } });
    s.ws.terminate();
  });
});
