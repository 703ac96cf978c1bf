/**
 * The whole product path for one recorded call: sipp (SIPREC SRC) → fake drachtio-server → real
 * drachtio-srf → RecordingSession → RTP (sipp stream 1, rtp-sender stream 2) → CallHub → Deepgram
 * adapter against the Deepgram protocol server (scripted words keyed to the audio it receives) → the
 * call's two-party transcript → objection tracker → retrieval over the test knowledge base → card →
 * ledger → CallRegistry (what the API and UI read).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import alawmulaw from 'alawmulaw';
import { DeepgramProvider } from '../../media/asr/deepgram.js';
import { ReconnectingAsrProvider } from '../../media/asr/reconnecting.js';
import { CardComposer } from '../../sidecar/assist/cards/card-composer.js';
import { playbookMoves } from '../../sidecar/assist/cards/playbook-moves.js';
import { createObjectionDetector } from '../../sidecar/assist/detection/create-detector.js';
import { createRetrieval } from '../../sidecar/assist/retrieval/create-retrieval.js';
import { CallHub } from '../../sidecar/calls/call-hub.js';
import { CallRegistry } from '../../sidecar/calls/call-registry.js';
import { attachRecordingSession } from '../../sidecar/calls/siprec-ingress.js';
import { configSchema } from '../../sidecar/config/schema.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { startHarness, type Harness } from '../unit/sidecar/sip/srf-harness.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramTestServer } from '../servers/deepgram-server.js';
import { RtpSender } from './rtp-sender.js';
import { freeUdpPort, runSipp } from './sipp.js';

const { mulaw } = alawmulaw;
const SCENARIO = fileURLToPath(new URL('./scenarios/siprec-src-hold-bye.xml', import.meta.url));
const KB_DIR = new URL('../fixtures/kb', import.meta.url).pathname;
const VOCAB = ['good', 'morning', 'that', 'is', 'too', 'expensive', 'for', 'us'];

let h: Harness | undefined;
let sender: RtpSender | undefined;
let dg: DeepgramTestServer | undefined;
let hub: CallHub | undefined;
let cwd: string | undefined;
afterEach(async () => {
  sender?.close();
  await h?.close();
  await hub?.close();
  await dg?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  h = sender = dg = hub = cwd = undefined;
});

/** 8 kHz speech for the scripted recogniser: word k = amplitude k × 1000, 200 ms each, 40 ms gaps. */
function speech8k(leadMs: number, ks: number[], tailMs: number): Int16Array {
  const items = [{ k: 0, ms: leadMs }];
  for (const k of ks) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: tailMs });
  return scriptedSpeech(items, 8000);
}

describe('SIPREC call through the CallHub: transcript, objection, card, ledger', () => {
  it('turns the customer\'s last words before the BYE into a price card, and the ledger closes it unanswered before the call ends', async () => {
    const config = configSchema.parse({});
    const { detector } = createObjectionDetector(config.detection);
    const retrieval = await createRetrieval(config.kb, config.embedder, { kbDir: KB_DIR, persist: false });
    await retrieval.index.ingest();
    const composer = new CardComposer({ retriever: retrieval.retriever, moves: playbookMoves().lookup, extractive: config.llm.cards });
    dg = await startDeepgramServer({ apiKey: 'e2e-key', vocabulary: VOCAB });
    const provider = new ReconnectingAsrProvider(new DeepgramProvider({
      apiKey: 'e2e-key', baseUrl: dg.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
      smartFormat: true, punctuate: true, vadEvents: true, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
    }));
    const registry = new CallRegistry({});
    hub = new CallHub({
      registry, asr: { forCall: (o = {}) => ({ provider, name: 'deepgram', language: o.language ?? 'en' }) },
      asrSettings: { vad: false, finishTimeoutMs: 900 }, assist: { detector, composer }, defaultLanguage: 'en', logger: silentLogger(),
    });
    h = await startHarness({ udp: true });
    // Stream 1 (customer, sent by sipp): "that is too expensive for us" from 1.4 s, no pause before the hold and BYE.
    cwd = mkdtempSync(join(tmpdir(), 'modsvar-assist-e2e-'));
    writeFileSync(join(cwd, 'speech-stream1.ulaw'), mulaw.encode(speech8k(1400, [3, 4, 5, 6, 7, 8], 0)));
    // Stream 2 (agent, sent by the RTP sender): "good morning" at the start.
    sender = await RtpSender.open({ samples: speech8k(100, [1, 2], 500) });

    let callId: string | undefined;
    const closed = new Promise<string>((resolve) => {
      h!.recordings.on('session', (s) => {
        callId = attachRecordingSession(hub!, s)?.callId;
        s.on('close', resolve);
      });
    });
    const sipp = runSipp({
      scenario: SCENARIO, remote: `127.0.0.1:${h.server.sipPort}`, cwd,
      mediaPort: await freeUdpPort(), keys: { stream2_port: String(sender.localPort) },
    });
    const ok = await h.server.waitFor(
      () => h!.server.toNetwork.find((m) => m.kind === 'response' && m.method === 'INVITE' && m.status === 200), 10_000, '200 OK to sipp');
    await sender.send('127.0.0.1', parseSdp(ok.body).media[1].port);
    const run = await sipp;
    expect(run.code, `sipp failed:\n${run.stdout.slice(-2000)}\n${run.stderr}`).toBe(0);
    expect(await closed).toBe('bye');

    expect(callId).toMatch(/^e2e-pbx-call-/);
    const events = registry.eventsSince(callId!, 0)!;
    // the two-party transcript, in spoken order, with roles and speakers from the rs-metadata
    const finals = events.filter((e) => e.type === 'transcript.final').map((e) => e.segment);
    expect(finals.map((s) => [s.streamLabel, s.role, s.text])).toEqual([
      ['2', 'agent', 'good morning'],
      ['1', 'customer', 'that is too expensive for us'],
    ]);
    expect(finals[1].startMs).toBeGreaterThan(finals[0].endMs);

    // the customer's words raise a price objection and a card citing verified facts; the agent's never
    // one objection raised (later `updated` events re-judge the same one on the final words)
    const objections = events.filter((e) => e.type === 'objection' && (e.state ?? 'raised') === 'raised').map((e) => e.type === 'objection' && e.objection).filter((o) => o !== false);
    expect(objections).toHaveLength(1);
    expect(events.filter((e) => e.type === 'objection' && e.objection.objectionId !== objections[0].objectionId)).toEqual([]);
    // raised from a stable interim hypothesis, before the customer finished the sentence
    expect(objections[0]).toMatchObject({ objectionClass: 'price', text: expect.stringMatching(/^that is too expensive/), raisedMs: finals[1].startMs });
    const cards = events.filter((e) => e.type === 'card.created').map((e) => e.card);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ cardId: objections[0].objectionId, objectionClass: 'price', status: 'final', language: 'en' });
    expect(cards[0].citations.length).toBeGreaterThan(0);
    for (const c of cards[0].citations) expect(retrieval.index.facts.has(c.factId) || retrieval.index.calculators.has(c.factId)).toBe(true);
    const st = cards[0].stages;
    expect(st.asrAtMs).toBeLessThanOrEqual(st.detectedAtMs!);
    expect(st.detectedAtMs).toBeLessThanOrEqual(st.retrievedAtMs!);
    expect(st.retrievedAtMs).toBeLessThanOrEqual(st.extractiveAtMs!);

    // close cascade: ASR drained (last final) → card → ledger unanswered → call ended, in that order
    const types = events.map((e) => e.type);
    const ledger = events.filter((e) => e.type === 'ledger').map((e) => e.entry.state);
    expect(ledger).toEqual(['raised', 'card_shown', 'unanswered']);
    const unansweredAt = events.findIndex((e) => e.type === 'ledger' && e.entry.state === 'unanswered');
    expect(unansweredAt).toBeGreaterThan(types.indexOf('card.created'));
    expect(events.at(-1)).toMatchObject({ type: 'call.state', state: 'ended' });
    expect(events.some((e) => e.type === 'call.state' && e.state === 'held')).toBe(true);
    const summary = registry.list('all').find((s) => s.callId === callId)!;
    expect(summary).toMatchObject({ state: 'ended', objectionsRaised: 1, cardsShown: 1, objectionsUnanswered: 1 });
    expect(hub.size).toBe(0);
    // one Deepgram session per stream, each drained with CloseStream
    expect(dg.connections).toHaveLength(2);
    for (const c of dg.connections) expect(c.controls.at(-1)).toEqual({ type: 'CloseStream' });
  });
});
