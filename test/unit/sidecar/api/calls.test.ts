import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../../sidecar/calls/call-registry.js';
import { auth, buildFixture, card, seedCalls, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

async function seeded(): Promise<Fixture> {
  const f = await buildFixture();
  seedCalls(f.registry);
  f.registry.publish({ type: 'transcript.final', callId: 'call-anna', segment: { utteranceId: 'u1', streamLabel: '1', role: 'customer', text: 'Det er dyrere end det vi betaler i dag', startMs: 5200, endMs: 7400 } });
  f.registry.publish({ type: 'card.created', callId: 'call-anna', card: card() });
  return f;
}

describe('call routes', () => {
  it('lists only the calls an agent takes part in, and every call for a supervisor', async () => {
    fx = await seeded();
    const anna = await fx.app.inject({ url: '/api/calls', headers: auth(TOKENS.anna) });
    expect(anna.statusCode).toBe(200);
    expect(anna.json().calls.map((c: { callId: string }) => c.callId)).toEqual(['call-anna']);
    const bo = await fx.app.inject({ url: '/api/calls', headers: auth(TOKENS.bo) });
    expect(bo.json().calls.map((c: { callId: string }) => c.callId)).toEqual(['call-bo']);
    const sup = await fx.app.inject({ url: '/api/calls?state=live', headers: auth(TOKENS.sup) });
    expect(sup.json().calls.map((c: { callId: string }) => c.callId)).toEqual(['call-bo', 'call-anna']);
    fx.registry.endCall('call-bo', 'bye');
    const recent = await fx.app.inject({ url: '/api/calls?state=recent', headers: auth(TOKENS.sup) });
    expect(recent.json().calls).toMatchObject([{ callId: 'call-bo', state: 'ended' }]);
    const bad = await fx.app.inject({ url: '/api/calls?state=soon', headers: auth(TOKENS.sup) });
    expect(bad.statusCode).toBe(400);
  });

  it('returns one call with participants, roles, CRM context, transcript and cards', async () => {
    fx = await seeded();
    const res = await fx.app.inject({ url: '/api/calls/call-anna', headers: auth(TOKENS.anna) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.seq).toBe(2);
    expect(body.call.participants).toEqual([
      { id: 'p1', aor: 'sip:+4520123456@carrier.example', name: 'Jens Kunde', role: 'customer' },
      { id: 'p2', aor: 'sip:1001@pbx.example.com', name: 'Anna Holm', role: 'agent' },
    ]);
    expect(body.call.customer).toEqual({ name: 'Jens Kunde', number: '+4520123456', company: 'Kunde A/S', employees: 40, facts: { plan: 'Pro' } });
    expect(body.call.transcript[0]).toMatchObject({ role: 'customer', text: 'Det er dyrere end det vi betaler i dag', startMs: 5200 });
    expect(body.call.cards[0]).toMatchObject({ cardId: 'card-1', objectionClass: 'price', confidence: 0.86 });
    expect(body.call.cards[0].citations[0]).toEqual({ factId: 'F-012', text: 'Customers with 20-50 seats save 12 % on licences.', source: 'pricing.md', location: 'Savings' });
    expect(body.call.summary).toMatchObject({ callId: 'call-anna', language: 'da', cardsShown: 1 });
  });

  it('refuses an agent another agent\'s call with 403, and an unknown call with the same 403', async () => {
    fx = await seeded();
    for (const url of ['/api/calls/call-bo', '/api/calls/no-such-call', '/api/calls/call-bo/cards/card-1/feedback']) {
      const res = await fx.app.inject({ method: url.endsWith('feedback') ? 'POST' : 'GET', url, headers: auth(TOKENS.anna), payload: url.endsWith('feedback') ? { kind: 'used' } : undefined });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden' });
    }
    const sup = await fx.app.inject({ url: '/api/calls/no-such-call', headers: auth(TOKENS.sup) });
    expect(sup.statusCode).toBe(404);
    const supOk = await fx.app.inject({ url: '/api/calls/call-bo', headers: auth(TOKENS.sup) });
    expect(supOk.statusCode).toBe(200);
  });

  it('records card feedback from the agent on the call and publishes the updated card', async () => {
    fx = await seeded();
    const records: FeedbackRecord[] = [];
    fx.registry.observer.on('feedback', (r) => records.push(r));
    const res = await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/card-1/feedback', headers: auth(TOKENS.anna), payload: { kind: 'wrong' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().card.feedback).toMatchObject({ kind: 'wrong', by: 'token:T_ANNA' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ callId: 'call-anna', kind: 'wrong', by: 'token:T_ANNA', card: { cardId: 'card-1' } });
    const snap = fx.registry.snapshot('call-anna')!;
    expect(snap.seq).toBe(3);
    expect(snap.call.cards[0].feedback?.kind).toBe('wrong');
    expect(snap.call.summary.alerts).toContain('flagged');
  });

  it('rejects bad feedback: unknown kind 400, unknown card 404', async () => {
    fx = await seeded();
    const bad = await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/card-1/feedback', headers: auth(TOKENS.anna), payload: { kind: 'love' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('bad_request');
    const missing = await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/nope/feedback', headers: auth(TOKENS.anna), payload: { kind: 'used' } });
    expect(missing.statusCode).toBe(404);
    expect(fx.registry.snapshot('call-anna')!.seq).toBe(2);
  });

  it('gives supervisors the day\'s cards by class and feedback rates', async () => {
    fx = await seeded();
    await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/card-1/feedback', headers: auth(TOKENS.anna), payload: { kind: 'used' } });
    const res = await fx.app.inject({ url: '/api/stats/today', headers: auth(TOKENS.sup) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ cardsByClass: { price: 1 }, feedback: { used: 1, dismissed: 0, wrong: 0 }, cardsShown: 1, feedbackRate: 1, usedRate: 1 });
  });

  it('serves the event protocol\'s JSON schema to authenticated clients', async () => {
    fx = await seeded();
    const res = await fx.app.inject({ url: '/api/schema/call-events', headers: auth(TOKENS.anna) });
    expect(res.statusCode).toBe(200);
    expect(res.json().oneOf.map((b: { properties: { type: { const: string } } }) => b.properties.type.const)).toContain('card.created');
  });
});
