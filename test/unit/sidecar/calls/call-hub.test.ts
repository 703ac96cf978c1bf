import { afterEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../../sidecar/assist/cards/card.js';
import type { CardComposer, CardRequest } from '../../../../sidecar/assist/cards/card-composer.js';
import { CallContextCache } from '../../../../sidecar/assist/crm/call-context-cache.js';
import { createObjectionDetector } from '../../../../sidecar/assist/detection/create-detector.js';
import type { CustomerContext } from '../../../../sidecar/assist/ports.js';
import type { CallEvent } from '../../../../sidecar/calls/call-events.js';
import { CallHub } from '../../../../sidecar/calls/call-hub.js';
import { CallIdUsedError } from '../../../../sidecar/calls/call-hub-types.js';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import { Call } from '../../../../sidecar/calls/call.js';
import { configSchema } from '../../../../sidecar/config/schema.js';
import { InvalidStateError, ProviderError } from '../../../../sidecar/core/errors.js';
import type { Participant } from '../../../../sidecar/sip/siprec-types.js';
import { captureLogger } from '../sip/srf-harness.js';
import { ManualAsrProvider } from '../../../fakes/manual-asr-provider.js';

const { detector } = createObjectionDetector(configSchema.parse({}).detection);
const PARTICIPANTS: Participant[] = [
  { id: 'p-a', aor: 'sip:2001@pbx.example.com', name: 'Agent', role: 'agent' },
  { id: 'p-c', aor: 'sip:+4520123456@carrier.example', name: 'Customer', role: 'customer' },
];
const STREAMS = [{ label: '1', role: 'agent' as const, participantId: 'p-a' }, { label: '2', role: 'customer' as const, participantId: 'p-c' }];

/** A composer stand-in: one extractive card per request, optionally a draft outcome after it. */
function fakeComposer(outcome?: 'accepted' | 'provider-error'): CardComposer & { requests: CardRequest[] } {
  const requests: CardRequest[] = [];
  return {
    requests,
    drafting: outcome !== undefined,
    async compose(req: CardRequest, o: { onCard?: (c: Card) => void } = {}) {
      requests.push(req);
      const card: Card = {
        id: req.objectionId, callId: req.callId, objectionId: req.objectionId, objectionClass: req.objectionClass, language: req.language,
        utterance: req.text, status: outcome ? 'extractive' : 'final', facts: [{ id: 'F-105', text: 'Seasonal staff cost nothing in months they do not work.', source: 'price-list.csv', location: 'row 5', score: 0.6, internal: false }],
        calculations: [], reply: 'Seasonal staff cost nothing in months they do not work. [F-105]', replySource: 'extractive', cited: ['F-105'],
        noVerifiedAnswer: false, confidence: { value: 0.9, detection: 0.9, retrieval: 0.9, grounding: 1 }, flagged: false, removed: [],
        stages: { ...req.stages, retrievedAtMs: req.stages.detectedAtMs + 1, cardPushedAtMs: req.stages.detectedAtMs + 2 },
      };
      o.onCard?.(structuredClone(card));
      if (outcome) {
        card.status = 'final';
        card.draft = { model: 'ollama:test', outcome, rawText: '', text: '', ...(outcome === 'provider-error' && { errorCode: 'PROVIDER_CONNECTIVITY' }) };
        card.stages.finalDraftAtMs = card.stages.cardPushedAtMs! + 5;
        o.onCard?.(structuredClone(card));
      }
      return card;
    },
  } as unknown as CardComposer & { requests: CardRequest[] };
}

let registry: CallRegistry;
let hub: CallHub | undefined;
afterEach(async () => {
  await hub?.close();
  registry?.close();
  hub = undefined;
});

function events(callId: string): CallEvent[] {
  return registry.eventsSince(callId, 0) ?? [];
}

describe('CallHub', () => {
  it('refuses an empty call ID, a repeated stream label and a second live call with the same ID', () => {
    registry = new CallRegistry();
    hub = new CallHub({ registry, defaultLanguage: 'en', logger: captureLogger().logger });
    expect(() => hub!.startCall({ callId: '', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' })).toThrow(TypeError);
    expect(() => hub!.startCall({ callId: 'c1', participants: PARTICIPANTS, streams: [STREAMS[0], { ...STREAMS[1], label: '1' }], source: 'transcript' })).toThrow(TypeError);
    hub.startCall({ callId: 'c1', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    expect(() => hub!.startCall({ callId: 'c1', participants: PARTICIPANTS, streams: STREAMS, source: 'replay' })).toThrow(InvalidStateError);
    expect(hub.size).toBe(1);
    expect(hub.get('c1')?.source).toBe('transcript');
  });

  it('turns transcript turns into finals with roles and participants; customer objections become cards, agent turns never do', async () => {
    registry = new CallRegistry();
    const composer = fakeComposer();
    hub = new CallHub({ registry, assist: { detector, composer }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c2', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'agent', text: 'Honestly that is more expensive than the others, but it pays back.', startMs: 1000, endMs: 3000 });
    const u = call.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 3500, endMs: 5000 });
    expect(u).toMatchObject({ streamLabel: '2', participantId: 'p-c', role: 'customer', final: true, language: 'en' });
    await new Promise((r) => setTimeout(r, 5));
    await call.end('replay-finished');
    const ev = events('c2');
    expect(ev.filter((e) => e.type === 'transcript.final').map((e) => [e.segment.role, e.segment.streamLabel, e.segment.speaker])).toEqual([
      ['agent', '1', 'Agent'], ['customer', '2', 'Customer'],
    ]);
    expect(composer.requests.map((r) => [r.objectionClass, r.text])).toEqual([['price', 'That is too expensive for us.']]);
    const card = ev.find((e) => e.type === 'card.created');
    expect(card).toMatchObject({ card: { objectionClass: 'price', status: 'final', citations: [{ factId: 'F-105', source: 'price-list.csv', location: 'row 5' }] } });
    expect(ev.filter((e) => e.type === 'ledger').map((e) => e.entry.state)).toEqual(['raised', 'card_shown', 'unanswered']);
    // a transcript replay runs unpaced: the card is timed on the transcript's timeline, not by the wall clock
    expect(ev.filter((e) => e.type === 'ledger').map((e) => e.type === 'ledger' && [e.entry.raisedMs, e.entry.cardShownMs])).toEqual([[3500, undefined], [3500, 5000], [3500, 5000]]);
    expect(ev.at(-1)).toMatchObject({ type: 'call.state', state: 'ended' });
    expect(hub.size).toBe(0);
    // after the end: counted and dropped, never thrown
    expect(call.addTranscriptTurn({ role: 'customer', text: 'Too expensive.', startMs: 9000, endMs: 9500 })).toBeUndefined();
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 0, concealed: false });
    expect(call.droppedAfterEnd).toBe(2);
    expect(call.end('again')).toBe(call.end('again'));
  });

  it('opens one ASR session per stream at its first frame, maps ASR finals to the transcript, and drains them at end', async () => {
    registry = new CallRegistry();
    const asr = new ManualAsrProvider();
    hub = new CallHub({
      registry, asr: { forCall: (o = {}) => ({ provider: asr, name: 'deepgram', language: o.language ?? 'en' }) }, asrSettings: { vad: false },
      defaultLanguage: 'da', logger: captureLogger().logger,
    });
    const call = hub.startCall({ callId: 'c3', participants: PARTICIPANTS, streams: STREAMS, source: 'replay' });
    expect(call.language).toBe('da');
    call.writeFrame('1', { samples: new Int16Array(320), startMs: 0, concealed: false });
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 0, concealed: false });
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 20, concealed: false });
    call.writeFrame('9', { samples: new Int16Array(320), startMs: 0, concealed: false });
    expect(asr.sessions.map((s) => [s.options.language, s.writtenMs])).toEqual([['da', 20], ['da', 40]]);
    asr.sessions[1].push({ type: 'final', text: 'det er for dyrt', words: [], confidence: 0.9, language: 'da', startMs: 0, endMs: 800, endOfUtterance: true, fromFinalize: false });
    await call.end('replay-finished');
    expect(asr.sessions.every((s) => s.finished)).toBe(true);
    expect(call.transcript.utterances.map((u) => [u.role, u.participantId, u.text])).toEqual([['customer', 'p-c', 'det er for dyrt']]);
    expect(events('c3').at(-1)).toMatchObject({ type: 'call.state', state: 'ended', reason: 'replay-finished' });
  });

  it('gives a stream rebound by a transfer its new role: the same ASR session, later utterances as the new party', async () => {
    registry = new CallRegistry();
    const asr = new ManualAsrProvider();
    hub = new CallHub({ registry, asr: { forCall: () => ({ provider: asr, name: 'deepgram', language: 'en' }) }, asrSettings: { vad: false }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c14', participants: PARTICIPANTS, streams: STREAMS, source: 'replay' });
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 0, concealed: false });
    asr.sessions[0].push({ type: 'final', text: 'can I talk to your colleague', words: [], confidence: 0.9, language: 'en', startMs: 0, endMs: 800, endOfUtterance: true, fromFinalize: false });
    await new Promise((r) => setTimeout(r, 5));
    // what siprec-ingress does when a re-INVITE's metadata binds label 2 to another participant and role
    call.addStream({ label: '2', role: 'agent', participantId: 'p-a' });
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 20, concealed: false });
    asr.sessions[0].push({ type: 'final', text: 'hello this is sales', words: [], confidence: 0.9, language: 'en', startMs: 1000, endMs: 1800, endOfUtterance: true, fromFinalize: false });
    await call.end('replay-finished');
    expect(asr.sessions).toHaveLength(1);
    expect(call.transcript.utterances.map((u) => [u.streamLabel, u.role, u.participantId, u.text])).toEqual([
      ['2', 'customer', 'p-c', 'can I talk to your colleague'], ['2', 'agent', 'p-a', 'hello this is sales'],
    ]);
    expect(events('c14').filter((e) => e.type === 'transcript.final').map((e) => e.type === 'transcript.final' && e.segment.role)).toEqual(['customer', 'agent']);
  });

  it('reports ASR degradation and recovery as health events; the call goes on', async () => {
    registry = new CallRegistry();
    const asr = new ManualAsrProvider();
    hub = new CallHub({ registry, asr: { forCall: () => ({ provider: asr, name: 'deepgram', language: 'en' }) }, asrSettings: { vad: false }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c4', participants: PARTICIPANTS, streams: STREAMS, source: 'replay' });
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 0, concealed: false });
    asr.sessions[0].push(
      { type: 'degraded', error: new ProviderError('deepgram', 'connectivity', 'connection reset'), retrying: true, lostAudioMs: 0 },
      { type: 'recovered', attempts: 2 },
    );
    await new Promise((r) => setTimeout(r, 10));
    const health = events('c4').filter((e) => e.type === 'health').map((e) => e.health);
    expect(health).toEqual([
      { component: 'asr', status: 'degraded', category: 'connectivity', retrying: true, detail: 'connection reset' },
      { component: 'asr', status: 'ok', detail: 'manual reconnected after 2 attempt(s)' },
    ]);
    expect(call.call.state).toBe('active');
  });

  it('looks the customer up once at call start, and a CRM that is down is a degraded event, not a failed call', async () => {
    registry = new CallRegistry();
    const keys: unknown[] = [];
    const up: CustomerContext = { name: 'csv', lookup: async (k) => (keys.push(k), { company: 'Fjordhotel A/S', contactName: 'Mette Lund', employees: 260, fields: { plan: 'Pro' }, source: 'csv' }) };
    hub = new CallHub({ registry, assist: { detector, composer: fakeComposer(), contexts: new CallContextCache(up) }, defaultLanguage: 'en', logger: captureLogger().logger });
    hub.startCall({ callId: 'c5', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    await new Promise((r) => setTimeout(r, 5));
    expect(keys).toEqual([{ aor: 'sip:+4520123456@carrier.example' }]);
    expect(events('c5').find((e) => e.type === 'call.customer')).toMatchObject({
      customer: { name: 'Mette Lund', company: 'Fjordhotel A/S', employees: 260, number: '+4520123456', facts: { plan: 'Pro' }, source: 'csv' },
    });
    await hub.close();

    const down: CustomerContext = { name: 'hubspot', lookup: async () => { throw new ProviderError('hubspot', 'connectivity', 'ECONNREFUSED'); } };
    hub = new CallHub({ registry, assist: { detector, composer: fakeComposer(), contexts: new CallContextCache(down) }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c6', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    await new Promise((r) => setTimeout(r, 5));
    expect(events('c6').find((e) => e.type === 'health')).toMatchObject({ health: { component: 'crm', status: 'degraded', category: 'connectivity', retrying: false } });
    expect(events('c6').some((e) => e.type === 'call.customer')).toBe(false);
    expect(call.call.state).toBe('active');
  });

  it('re-classifies an objection in place: one objection counted, its card recomposed under the same id', async () => {
    registry = new CallRegistry();
    const zero = { price: 0, timing: 0, trust: 0, authority: 0, need: 0, competitor: 0, status_quo: 0, compliance: 0, none: 0 };
    const scripted = {
      detect: (text: string) => text.includes('timing')
        ? { label: 'timing', confidence: 0.9, margin: 3, scores: { ...zero, timing: 4 }, dismissed: ['price'], evidence: [], language: 'en', normalisedText: text }
        : { label: 'price', confidence: 0.9, margin: 3, scores: { ...zero, price: 4 }, dismissed: [], evidence: [], language: 'en', normalisedText: text },
    } as unknown as typeof detector;
    const composer = fakeComposer();
    hub = new CallHub({ registry, assist: { detector: scripted, composer }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c12', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'the price is not the issue, the timing is', startMs: 1000, endMs: 3000 });
    const u = call.transcript.utterances[0];
    // a later hypothesis of the same utterance moves the class (as the tracker sees an ASR final after interims)
    call.transcript.interim({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is', words: [], startMs: 5000, endMs: 5600, confidence: 1, language: 'en' });
    call.transcript.interim({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is too high', words: [], startMs: 5000, endMs: 6000, confidence: 1, language: 'en' });
    call.transcript.final({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is fine, the timing is wrong', words: [], startMs: 5000, endMs: 7000, confidence: 1, language: 'en' });
    await new Promise((r) => setTimeout(r, 5));
    await call.end('replay-finished');
    expect(u.text).toContain('timing');
    const ev = events('c12');
    const objections = ev.filter((e) => e.type === 'objection').map((e) => e.type === 'objection' && [e.state, e.objection.objectionId, e.objection.objectionClass, e.previousClass]);
    expect(objections).toEqual([['raised', 'c12:1', 'timing', undefined], ['raised', 'c12:2', 'price', undefined], ['updated', 'c12:2', 'timing', 'price']]);
    // the snapshot holds each objection once, with its latest class
    expect(registry.snapshot('c12')!.call.objections.map((o) => [o.objectionId, o.objectionClass, o.state]))
      .toEqual([['c12:1', 'timing', 'raised'], ['c12:2', 'timing', 'updated']]);
    expect(registry.stats().objectionsByClass).toEqual({ timing: 2, price: 0 });
    const second = ev.filter((e) => (e.type === 'card.created' || e.type === 'card.updated') && e.card.cardId === 'c12:2').map((e) => 'card' in e && [e.type, e.card.objectionClass]);
    expect(second).toEqual([['card.created', 'price'], ['card.updated', 'timing']]);
    expect(registry.list('all').find((s) => s.callId === 'c12')!.objectionsRaised).toBe(2);
  });

  it('withdraws an objection the final shows was none: not raised, not unanswered, out of the ledger', async () => {
    registry = new CallRegistry();
    const zero = { price: 0, timing: 0, trust: 0, authority: 0, need: 0, competitor: 0, status_quo: 0, compliance: 0, none: 0 };
    const scripted = {
      detect: (text: string) => text.includes('kidding')
        ? { label: 'none', confidence: 0.9, margin: 3, scores: { ...zero, none: 4 }, dismissed: ['price'], evidence: [], language: 'en', normalisedText: text }
        : text.includes('timing')
          ? { label: 'timing', confidence: 0.9, margin: 3, scores: { ...zero, timing: 4 }, dismissed: [], evidence: [], language: 'en', normalisedText: text }
          : { label: 'price', confidence: 0.9, margin: 3, scores: { ...zero, price: 4 }, dismissed: [], evidence: [], language: 'en', normalisedText: text },
    } as unknown as typeof detector;
    hub = new CallHub({ registry, assist: { detector: scripted, composer: fakeComposer() }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c13', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'the timing is wrong for us', startMs: 1000, endMs: 3000 });
    call.transcript.interim({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is', words: [], startMs: 5000, endMs: 5600, confidence: 1, language: 'en' });
    call.transcript.interim({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is too high', words: [], startMs: 5000, endMs: 6000, confidence: 1, language: 'en' });
    await new Promise((r) => setTimeout(r, 5));
    const live = () => registry.list('live').find((s) => s.callId === 'c13')!;
    expect([live().objectionsRaised, live().objectionsUnanswered]).toEqual([2, 2]);
    call.transcript.final({ streamLabel: '2', role: 'customer', roleGuessed: false, text: 'the price is too high, just kidding', words: [], startMs: 5000, endMs: 7000, confidence: 1, language: 'en' });
    await new Promise((r) => setTimeout(r, 5));
    const ev = events('c13');
    expect(ev.filter((e) => e.type === 'objection').map((e) => e.type === 'objection' && [e.state, e.objection.objectionId, e.objection.objectionClass]))
      .toEqual([['raised', 'c13:1', 'timing'], ['raised', 'c13:2', 'price'], ['withdrawn', 'c13:2', 'price']]);
    expect([live().objectionsRaised, live().objectionsUnanswered]).toEqual([1, 1]);
    const snap = registry.snapshot('c13')!.call;
    expect(snap.objections.map((o) => [o.objectionId, o.state])).toEqual([['c13:1', 'raised'], ['c13:2', 'withdrawn']]);
    expect(snap.ledger.map((l) => l.objectionId)).toEqual(['c13:1']);
    expect(registry.stats().objectionsByClass).toEqual({ timing: 1, price: 0 });
    await call.end('replay-finished');
    const ended = registry.list('all').find((s) => s.callId === 'c13')!;
    expect([ended.objectionsRaised, ended.objectionsUnanswered]).toEqual([1, 1]);
  });

  it('never holds a card back for a CRM lookup still running', async () => {
    registry = new CallRegistry();
    const slow: CustomerContext = { name: 'csv', lookup: () => new Promise((r) => setTimeout(() => r({ company: 'Fjordhotel A/S', fields: {}, source: 'csv' }), 100)) };
    hub = new CallHub({ registry, assist: { detector, composer: fakeComposer(), contexts: new CallContextCache(slow) }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c11', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 1000, endMs: 2000 });
    await new Promise((r) => setTimeout(r, 150));
    const types = events('c11').map((e) => e.type);
    expect(types.indexOf('card.created')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('card.created')).toBeLessThan(types.indexOf('call.customer'));
  });

  it('marks the language model degraded once while drafts fail and recovered when one succeeds', async () => {
    registry = new CallRegistry();
    const failing = fakeComposer('provider-error');
    const services = { detector, composer: failing as CardComposer };
    hub = new CallHub({ registry, assist: services, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c7', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 1000, endMs: 2000 });
    call.addTranscriptTurn({ role: 'customer', text: 'We have no budget this year and we are happy with our current system.', startMs: 9000, endMs: 12_000 });
    await new Promise((r) => setTimeout(r, 5));
    services.composer = fakeComposer('accepted');
    call.addTranscriptTurn({ role: 'customer', text: 'Our data protection officer needs to know where the data is stored.', startMs: 20_000, endMs: 23_000 });
    await call.end('replay-finished');
    const llm = events('c7').filter((e) => e.type === 'health' && e.health.component === 'llm').map((e) => e.type === 'health' && [e.health.status, e.health.category]);
    expect(llm).toEqual([['degraded', 'PROVIDER_CONNECTIVITY'], ['ok', undefined]]);
    // each card still reached the agent as extractive first
    expect(events('c7').filter((e) => e.type === 'card.created').length).toBeGreaterThanOrEqual(3);
  });

  it('shows the language model degraded on a call whose cards are composed while the configured model is unreachable', async () => {
    registry = new CallRegistry();
    let down = true;
    const services = { detector, composer: fakeComposer() as CardComposer, llmDown: () => down };
    hub = new CallHub({ registry, assist: services, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c10', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 1000, endMs: 2000 });
    await new Promise((r) => setTimeout(r, 5));
    down = false;
    services.composer = fakeComposer('accepted');
    call.addTranscriptTurn({ role: 'customer', text: 'Our data protection officer needs to know where the data is stored.', startMs: 20_000, endMs: 23_000 });
    await call.end('replay-finished');
    const llm = events('c10').filter((e) => e.type === 'health' && e.health.component === 'llm').map((e) => e.type === 'health' && [e.health.status, e.health.category]);
    expect(llm).toEqual([['degraded', 'connectivity'], ['ok', undefined]]);
  });

  it('routes the agent\'s "used" feedback to the ledger: the objection counts as answered', async () => {
    registry = new CallRegistry();
    hub = new CallHub({ registry, assist: { detector, composer: fakeComposer() }, defaultLanguage: 'en', logger: captureLogger().logger });
    const call = hub.startCall({ callId: 'c8', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    call.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 1000, endMs: 2000 });
    await new Promise((r) => setTimeout(r, 5));
    const card = events('c8').find((e) => e.type === 'card.created')!;
    registry.giveFeedback('c8', card.type === 'card.created' ? card.card.cardId : '', 'used', 'token:AGENT');
    await call.end('replay-finished');
    expect(events('c8').filter((e) => e.type === 'ledger').map((e) => e.entry.state)).toEqual(['raised', 'card_shown', 'answered']);
  });

  it('adopts a Call owned by its ingress: the ingress ends it, the hub drains and forgets it', async () => {
    registry = new CallRegistry();
    const { logger, lines } = captureLogger();
    hub = new CallHub({ registry, defaultLanguage: 'en', logger });
    const owned = new Call({ callId: 'c9', participants: PARTICIPANTS });
    const ended: string[] = [];
    hub.on('call-ended', (e) => ended.push(`${e.callId}:${e.source}:${e.reason}`));
    const call = hub.startCall({ callId: 'c9', participants: PARTICIPANTS, streams: STREAMS, source: 'siprec', call: owned });
    call.setHold(true); // the ingress decides hold for a Call it owns
    expect(owned.state).toBe('active');
    // no ASR: the call still shows, with its participants
    expect(registry.snapshot('c9')!.call.participants.map((p) => [p.name, p.role])).toEqual([['Agent', 'agent'], ['Customer', 'customer']]);
    call.writeFrame('2', { samples: new Int16Array(320), startMs: 0, concealed: false });
    expect(call.transcript.open).toEqual([]);
    owned.end('bye');
    await new Promise((r) => setTimeout(r, 5));
    expect(ended).toEqual(['c9:siprec:bye']);
    expect(hub.size).toBe(0);
    // no ASR configured: said once, with how to enable it
    expect(lines.filter((l) => l.msg.includes('no ASR provider')).length).toBe(1);
    expect(lines.find((l) => l.msg.includes('no ASR provider'))!.msg).toContain('MODSVAR_ASR__DEEPGRAM__API_KEY');
    expect(lines.find((l) => l.msg.includes('no ASR provider'))!.msg).toContain('`make models` (or `modsvar models [--dir DIR]`)');
    expect(lines.find((l) => l.msg.includes('no ASR provider'))!.msg).toContain('transcript replays are not affected');
  });

  it('refuses a replay or transcript call with the ID of a recent ended call, which stays as it was', async () => {
    registry = new CallRegistry();
    hub = new CallHub({ registry, defaultLanguage: 'en', logger: captureLogger().logger });
    const first = hub.startCall({ callId: 'reuse-1', participants: PARTICIPANTS, streams: STREAMS, source: 'transcript' });
    first.addTranscriptTurn({ role: 'customer', text: 'First call.', startMs: 0, endMs: 500 });
    await first.end('replay-finished');
    const before = registry.snapshot('reuse-1')!;
    for (const source of ['transcript', 'replay'] as const) {
      let err: unknown;
      try {
        hub.startCall({ callId: 'reuse-1', participants: PARTICIPANTS, streams: STREAMS, source });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CallIdUsedError);
      expect(err).toMatchObject({ code: 'CALL_ID_USED', callId: 'reuse-1', endedAtMs: before.call.summary.endedAtMs });
      expect((err as Error).message).toBe(`call ID reuse-1 was used by a call that ended at ${new Date(before.call.summary.endedAtMs!).toISOString().slice(0, 19).replace('T', ' ')} UTC (still in the recent calls)`);
    }
    expect(hub.size).toBe(0);
    expect(registry.snapshot('reuse-1')).toEqual({ ...before, atMs: expect.any(Number) });
  });

  it('starts a SIPREC call whose ID the PBX recycled fresh: the ended call\'s record, cards and feedback are gone', async () => {
    registry = new CallRegistry();
    hub = new CallHub({ registry, assist: { detector, composer: fakeComposer() }, defaultLanguage: 'en', logger: captureLogger().logger });
    const removed: string[] = [];
    registry.observer.on('callremoved', (id) => removed.push(id));
    const old = new Call({ callId: 'pbx-42', participants: PARTICIPANTS, startedAtMs: Date.now() - 60_000 });
    const first = hub.startCall({ callId: 'pbx-42', participants: PARTICIPANTS, streams: STREAMS, source: 'siprec', call: old });
    first.addTranscriptTurn({ role: 'customer', text: 'That is too expensive for us.', startMs: 1000, endMs: 2000 });
    await new Promise((r) => setTimeout(r, 5));
    const card = events('pbx-42').find((e) => e.type === 'card.created')!;
    registry.giveFeedback('pbx-42', card.type === 'card.created' ? card.card.cardId : '', 'used', 'token:AGENT');
    await first.drain();
    old.end('bye');
    await new Promise((r) => setTimeout(r, 5));
    expect(registry.get('pbx-42')!.state).toBe('ended');

    const fresh = new Call({ callId: 'pbx-42', participants: PARTICIPANTS });
    const second = hub.startCall({ callId: 'pbx-42', participants: PARTICIPANTS, streams: STREAMS, source: 'siprec', call: fresh });
    expect(removed).toEqual(['pbx-42']);
    const snap = registry.snapshot('pbx-42')!.call;
    expect(snap.summary.state).toBe('active');
    expect(snap.summary.startedAtMs).toBe(fresh.startedAtMs);
    expect(snap.summary.endedAtMs).toBeUndefined();
    expect(snap.transcript).toEqual([]);
    expect(snap.cards).toEqual([]);
    expect(snap.objections).toEqual([]);
    second.addTranscriptTurn({ role: 'customer', text: 'We have no budget this year.', startMs: 500, endMs: 1500 });
    await new Promise((r) => setTimeout(r, 5));
    await second.drain();
    fresh.end('bye');
    const after = registry.snapshot('pbx-42')!.call;
    expect(after.transcript.map((t) => t.text)).toEqual(['We have no budget this year.']);
    expect(after.cards).toHaveLength(1);
    expect(after.cards[0].feedback).toBeUndefined();
    expect(after.summary.endedAtMs).toBeGreaterThanOrEqual(after.summary.startedAtMs);
  });
});
