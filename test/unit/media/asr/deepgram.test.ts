import { afterEach, describe, expect, it } from 'vitest';
import alawmulaw from 'alawmulaw';
import { DeepgramProvider, type DeepgramOptions } from '../../../../media/asr/deepgram.js';
import type { AsrFinalEvent, AsrInterimEvent } from '../../../../media/asr/asr-provider.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramServerOptions, type DeepgramTestServer } from '../../../servers/deepgram-server.js';
import { collect, waitFor, writeFrames } from '../../../helpers/asr.js';

const VOCAB = ['Honestly,', 'that', 'is', 'more', 'than', 'we', 'pay', 'today.'];
const KEY = 'test-key-0123456789';
let server: DeepgramTestServer | undefined;

async function setup(over: Partial<DeepgramServerOptions> = {}, opts: Partial<DeepgramOptions> = {}) {
  server = await startDeepgramServer({ apiKey: KEY, vocabulary: VOCAB, ...over });
  const provider = new DeepgramProvider({
    apiKey: KEY, baseUrl: server.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
    smartFormat: true, punctuate: true, vadEvents: true, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000, ...opts,
  });
  return { server, provider };
}

/** Words 1..n, 200 ms each with 40 ms gaps (below endpointing), starting after `leadMs` of silence. */
function utterance(ks: number[], leadMs = 100, trailMs = 0) {
  const items = [{ k: 0, ms: leadMs }];
  for (const k of ks) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  if (trailMs) items.push({ k: 0, ms: trailMs });
  return scriptedSpeech(items);
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('DeepgramProvider against the local /v1/listen server', () => {
  it('opens /v1/listen with token auth and the configured conversation settings as query parameters', async () => {
    const { server, provider } = await setup({}, { languages: { da: { endpointingMs: 400, keyterms: ['Modsvar'] } } });
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1]));
    await s.finish();
    await r.done;
    const q = server.connections[0].query;
    expect(server.connections[0].authorization).toBe(`Token ${KEY}`);
    expect(q.get('model')).toBe('nova-3');
    expect(q.get('language')).toBe('da');
    expect(q.get('encoding')).toBe('linear16');
    expect(q.get('sample_rate')).toBe('16000');
    expect(q.get('channels')).toBe('1');
    expect(q.get('interim_results')).toBe('true');
    expect(q.get('endpointing')).toBe('400');
    expect(q.get('utterance_end_ms')).toBe('1000');
    expect(q.get('vad_events')).toBe('true');
    expect(q.get('smart_format')).toBe('true');
    expect(q.getAll('keyterm')).toEqual(['Modsvar']);
    expect(q.get('diarize')).toBeNull();
  });

  it('maps interim hypotheses and the final of an utterance, with word times in ms', async () => {
    const { provider } = await setup();
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1, 2, 3], 100, 1200));
    await waitFor(() => r.events.some((e) => e.type === 'utterance-end'), 'UtteranceEnd');
    await s.finish();
    const events = await r.done;
    const types = events.map((e) => e.type);
    expect(types).toEqual(['speech-started', 'interim', 'interim', 'interim', 'final', 'utterance-end']);
    const interims = events.filter((e): e is AsrInterimEvent => e.type === 'interim');
    expect(interims.map((e) => e.text)).toEqual(['Honestly,', 'Honestly, that', 'Honestly, that is']);
    const final = events.find((e): e is AsrFinalEvent => e.type === 'final')!;
    expect(final.text).toBe('Honestly, that is');
    expect(final.endOfUtterance).toBe(true);
    expect(final.fromFinalize).toBe(false);
    expect(final.language).toBe('en');
    expect(final.confidence).toBeCloseTo(0.93);
    expect(final.startMs).toBe(0);
    expect(final.words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['Honestly,', 100, 300], ['that', 340, 540], ['is', 580, 780],
    ]);
    expect(final.words[0].speaker).toBeUndefined();
    const ue = events.find((e) => e.type === 'utterance-end');
    expect(ue).toEqual({ type: 'utterance-end', lastWordEndMs: 780 });
    expect(events[0]).toEqual({ type: 'speech-started', atMs: 100 });
  });

  it('keeps the words spoken just before hang-up: finish() sends CloseStream and waits for the last final', async () => {
    const { server, provider } = await setup();
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([4, 5, 6, 7])); // no trailing pause: endpointing never fires
    await s.finish({ timeoutMs: 5000 });
    const events = await r.done;
    const finals = events.filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0].text).toBe('more than we pay');
    expect(finals[0].fromFinalize).toBe(true);
    expect(server.connections[0].controls.map((c) => c.type)).toEqual(['CloseStream']);
    await waitFor(() => server.connections[0].closeCode !== undefined, 'server-side close');
    expect(server.connections[0].closeCode).toBe(1000);
    expect(() => s.write(new Int16Array(320))).toThrow(/after finish/);
    expect(s.finish()).toBe(s.finish());
  });

  it('turns finalize() into Finalize and a final marked fromFinalize, keeping the connection open', async () => {
    const { server, provider } = await setup();
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([8]));
    await waitFor(() => r.events.some((e) => e.type === 'interim'), 'interim');
    s.finalize();
    await waitFor(() => r.events.some((e) => e.type === 'final'), 'final');
    const final = r.events.find((e): e is AsrFinalEvent => e.type === 'final')!;
    expect(final.text).toBe('today.');
    expect(final.fromFinalize).toBe(true);
    expect(final.endOfUtterance).toBe(false);
    await s.finish();
    await r.done;
    expect(server.connections[0].controls.map((c) => c.type)).toEqual(['Finalize', 'CloseStream']);
  });

  it('sends KeepAlive while the stream is silent or on hold', async () => {
    const { server, provider } = await setup({}, { keepAliveIntervalMs: 60 });
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1]));
    await waitFor(() => server.connections[0]?.controls.filter((c) => c.type === 'KeepAlive').length >= 2, 'two KeepAlives');
    await s.finish();
    await r.done;
    expect(server.connections[0].controls.at(-1)).toEqual({ type: 'CloseStream' });
  });

  it('reports a bad API key as a non-retryable authentication error event, without throwing', async () => {
    const { provider } = await setup({ apiKey: 'another-key' });
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1]));
    const events = await r.done;
    expect(events).toHaveLength(1);
    const ev = events[0];
    expect(ev.type).toBe('error');
    if (ev.type !== 'error') return;
    expect(ev.error).toBeInstanceOf(ProviderError);
    expect(ev.error.category).toBe('authentication');
    expect(ev.error.status).toBe(401);
    expect(ev.error.retryable).toBe(false);
    expect(ev.error.code).toBe('PROVIDER_AUTHENTICATION');
    expect(() => s.write(new Int16Array(320))).not.toThrow();
    await expect(s.finish()).resolves.toBeUndefined();
  });

  it.each([
    ['a rejected language', { languages: ['en'] }, 'xx', 'invalid_request', 400],
    ['an exhausted quota', { rejectStatus: 402 }, 'en', 'quota', 402],
    ['rate limiting', { rejectStatus: 429 }, 'en', 'rate_limit', 429],
  ] as const)('reports %s as a categorised error event', async (_n, over, language, category, status) => {
    const { provider } = await setup(over as Partial<DeepgramServerOptions>);
    const r = collect(provider.open({ language, sampleRateHz: 16000, logger: silentLogger() }));
    const events = await r.done;
    expect(events.map((e) => e.type)).toEqual(['error']);
    const ev = events[0] as { error: ProviderError };
    expect(ev.error.category).toBe(category);
    expect(ev.error.status).toBe(status);
  });

  it('reports a connection dropped mid-utterance as a retryable error and ends the session', async () => {
    const { provider } = await setup({ faults: [{ connection: 0, afterAudioMs: 500, code: 1011, reason: 'NET-0000' }] });
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1, 2, 3, 4]));
    const events = await r.done;
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    if (last.type !== 'error') return;
    expect(last.error.retryable).toBe(true);
    expect(last.error.status).toBe(1011);
    expect(events.some((e) => e.type === 'final')).toBe(false);
  });

  it('sends G.711 µ-law natively at 8 kHz', async () => {
    const { server, provider } = await setup();
    const s = provider.open({ language: 'en', encoding: 'mulaw', sampleRateHz: 8000, logger: silentLogger() });
    const r = collect(s);
    const pcm8k = scriptedSpeech([{ k: 0, ms: 100 }, { k: 2, ms: 200 }, { k: 0, ms: 40 }, { k: 3, ms: 200 }], 8000);
    const ulaw = alawmulaw.mulaw.encode(pcm8k);
    for (let i = 0; i < ulaw.length; i += 160) s.write(ulaw.slice(i, i + 160));
    expect(() => s.write(new Int16Array(160))).toThrow(TypeError);
    await s.finish();
    const events = await r.done;
    expect(server.connections[0].query.get('encoding')).toBe('mulaw');
    expect(server.connections[0].query.get('sample_rate')).toBe('8000');
    expect(server.connections[0].audioBytes).toBe(ulaw.length);
    const final = events.find((e): e is AsrFinalEvent => e.type === 'final')!;
    expect(final.text).toBe('that is');
    expect(final.words.map((w) => [w.startMs, w.endMs])).toEqual([[100, 300], [340, 540]]);
  });

  it('asks for diarization on a mixed stream and passes the speaker of each word', async () => {
    const { server, provider } = await setup();
    const s = provider.open({ language: 'en', sampleRateHz: 16000, diarize: true, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, utterance([1, -2]));
    await s.finish();
    const final = (await r.done).find((e): e is AsrFinalEvent => e.type === 'final')!;
    expect(server.connections[0].query.get('diarize')).toBe('true');
    expect(final.words.map((w) => [w.text, w.speaker])).toEqual([['Honestly,', 0], ['that', 1]]);
  });

  it('reports a server that never answers the upgrade as a retryable timeout', async () => {
    const { createServer } = await import('node:net');
    const blackhole = createServer(() => { /* accept the TCP connection, never answer */ });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    try {
      const provider = new DeepgramProvider({
        apiKey: KEY, baseUrl: `ws://127.0.0.1:${(blackhole.address() as { port: number }).port}`, model: 'nova-3', interimResults: true,
        endpointingMs: 300, utteranceEndMs: 1000, smartFormat: true, punctuate: true, vadEvents: false, keepAliveIntervalMs: 4000, connectTimeoutMs: 300,
      });
      const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
      writeFrames(s, utterance([1]));
      const events = await collect(s).done;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'error', error: { category: 'timeout', retryable: true } });
      await expect(s.ready).resolves.toBe(false);
    } finally {
      blackhole.close();
    }
  });
});
