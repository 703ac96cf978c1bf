import { afterEach, describe, expect, it } from 'vitest';
import { ReconnectingAsrProvider } from '../../../../media/asr/reconnecting.js';
import { DeepgramProvider } from '../../../../media/asr/deepgram.js';
import type { AsrEvent, AsrFinalEvent } from '../../../../media/asr/asr-provider.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramTestServer } from '../../../servers/deepgram-server.js';
import { collect, writeFrames } from '../../../helpers/asr.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];
const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };
const connectivity = () => new ProviderError('fake', 'connectivity', 'fake: connection lost', { status: 1006 });

/** Two utterances: words 1–3, a 500 ms pause, words 4–8, no trailing pause. */
function twoUtterances(): Int16Array {
  const items = [{ k: 0, ms: 100 }];
  for (const k of [1, 2, 3]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 500 });
  for (const k of [4, 5, 6, 7, 8]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  return scriptedSpeech(items);
}

const finals = (ev: AsrEvent[]) => ev.filter((e): e is AsrFinalEvent => e.type === 'final');
const words = (ev: AsrEvent[]) => finals(ev).flatMap((f) => f.words.map((w) => [w.text, w.startMs, w.endMs]));

async function run(provider: FakeAsrProvider | DeepgramProvider, opts: ConstructorParameters<typeof ReconnectingAsrProvider>[1] = fast) {
  const p = new ReconnectingAsrProvider(provider, opts);
  const s = p.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
  const r = collect(s);
  writeFrames(s, twoUtterances());
  await s.finish();
  return r.done;
}

let server: DeepgramTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('ReconnectingAsrProvider', () => {
  it('passes a healthy session through unchanged', async () => {
    const fake = new FakeAsrProvider({ vocabulary: VOCAB });
    const events = await run(fake);
    expect(fake.opened).toBe(1);
    expect(finals(events).map((f) => f.text)).toEqual(['honestly that is', 'more than we pay today']);
    expect(events.some((e) => e.type === 'degraded')).toBe(false);
  });

  it('loses and duplicates no word when the connection drops mid-utterance, keeping times continuous', async () => {
    const baseline = words(await run(new FakeAsrProvider({ vocabulary: VOCAB })));
    const fake = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, afterAudioMs: 1500, error: connectivity() }] });
    const events = await run(fake);
    expect(fake.opened).toBe(2);
    expect(words(events)).toEqual(baseline);
    // The second session got the audio since the last final (ended 1080 ms), not the whole call.
    expect(fake.receivedMs[1]).toBe(2520 - 1080);
    const types = events.map((e) => e.type).filter((t) => t === 'degraded' || t === 'recovered');
    expect(types).toEqual(['degraded', 'recovered']);
    const degraded = events.find((e) => e.type === 'degraded')!;
    expect(degraded).toMatchObject({ retrying: true, lostAudioMs: 0, error: { category: 'connectivity' } });
  });

  it('drops words re-recognised from resent audio that were already final', async () => {
    // Attempt 0 fails right after the first final (1080 ms): the resend starts at the final's end.
    const fake = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, afterAudioMs: 1100, error: connectivity() }] });
    const events = await run(fake);
    const all = finals(events).flatMap((f) => f.words.map((w) => w.text));
    expect(all).toEqual(VOCAB);
  });

  it('retries with backoff until the provider is back and reports one outage', async () => {
    const fake = new FakeAsrProvider({
      vocabulary: VOCAB,
      failures: [
        { attempt: 0, afterAudioMs: 700, error: connectivity() },
        { attempt: 1, error: connectivity() },
        { attempt: 2, error: new ProviderError('fake', 'server', 'fake: 503', { status: 503 }) },
      ],
    });
    const events = await run(fake);
    expect(fake.opened).toBe(4);
    expect(events.filter((e) => e.type === 'degraded')).toHaveLength(1);
    expect(events.find((e) => e.type === 'recovered')).toEqual({ type: 'recovered', attempts: 3, provider: 'fake' });
    expect(finals(events).flatMap((f) => f.words.map((w) => w.text))).toEqual(VOCAB);
  });

  it('ends with the error and no retry when the failure cannot be fixed by retrying (bad key)', async () => {
    const auth = new ProviderError('fake', 'authentication', 'fake: API key rejected', { status: 401 });
    const fake = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, error: auth }] });
    const p = new ReconnectingAsrProvider(fake, fast);
    const s = p.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const events = await collect(s).done;
    expect(fake.opened).toBe(1);
    expect(events).toEqual([{ type: 'error', error: auth }]);
    expect(() => s.write(new Int16Array(320))).toThrow(/after finish\/close/);
  });

  it('gives up after maxAttempts with a degraded (not retrying) and an error event', async () => {
    const fake = new FakeAsrProvider({
      vocabulary: VOCAB,
      failures: [0, 1, 2].map((attempt) => ({ attempt, error: connectivity() })),
    });
    const p = new ReconnectingAsrProvider(fake, { ...fast, maxAttempts: 2 });
    const s = p.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const events = await collect(s).done;
    expect(fake.opened).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['degraded', 'degraded', 'error']);
    expect(events[1]).toMatchObject({ retrying: false });
  });

  it('says how much audio it could not resend when the resend buffer overflowed', async () => {
    const fake = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, afterAudioMs: 400, error: connectivity() }] });
    const p = new ReconnectingAsrProvider(fake, { ...fast, resendBufferMs: 200 });
    const s = p.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    const pcm = twoUtterances();
    writeFrames(s, pcm);
    await s.finish();
    const events = await r.done;
    const totalMs = (pcm.length / 16000) * 1000;
    const degraded = events.find((e) => e.type === 'degraded');
    expect(degraded).toMatchObject({ lostAudioMs: totalMs - 200 });
  });

  it('keeps the last words when finish() comes while reconnecting', async () => {
    const fake = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, afterAudioMs: 2500, error: connectivity() }] });
    const events = await run(fake, { ...fast, initialDelayMs: 20 });
    expect(finals(events).flatMap((f) => f.words.map((w) => w.text))).toEqual(VOCAB);
  });

  it('recovers a Deepgram connection dropped mid-utterance (1011) without losing or duplicating words', async () => {
    server = await startDeepgramServer({
      apiKey: 'k', vocabulary: VOCAB, faults: [{ connection: 0, afterAudioMs: 1800, code: 1011, reason: 'NET-0000' }],
    });
    const dg = new DeepgramProvider({
      apiKey: 'k', baseUrl: server.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
      smartFormat: true, punctuate: true, vadEvents: false, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
    });
    const events = await run(dg);
    expect(server.connections).toHaveLength(2);
    expect(finals(events).flatMap((f) => f.words.map((w) => w.text))).toEqual(VOCAB);
    const second = finals(events)[1];
    expect(second.words.map((w) => [w.startMs, w.endMs])).toEqual(
      [1320, 1560, 1800, 2040, 2280].map((s) => [s, s + 200]));
    // Connection 1 received only audio from the end of the first final on (1080 ms → 2520 ms), 32 bytes/ms.
    expect(server.connections[1].audioBytes).toBe((2520 - 1080) * 32);
  });
});
