import { describe, expect, it } from 'vitest';
import { FallbackAsrProvider } from '../../../../media/asr/fallback.js';
import type { AsrEvent, AsrFinalEvent } from '../../../../media/asr/asr-provider.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';
import { collect, writeFrames } from '../../../helpers/asr.js';
import { asrProviderConformance } from '../../../conformance/asr-provider.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];
const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };

function speech(): Int16Array {
  const items = [{ k: 0, ms: 100 }];
  for (const k of [1, 2, 3]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 500 });
  for (const k of [4, 5, 6, 7, 8]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  return scriptedSpeech(items);
}
const words = (ev: AsrEvent[]) => ev.filter((e): e is AsrFinalEvent => e.type === 'final').flatMap((f) => f.words.map((w) => [w.text, w.startMs, w.endMs]));

async function run(p: FallbackAsrProvider, language = 'en') {
  const s = p.open({ language, sampleRateHz: 16000, logger: silentLogger() });
  const r = collect(s);
  writeFrames(s, speech());
  await s.finish();
  return r.done;
}

describe('FallbackAsrProvider', () => {
  it('moves a session to the next provider on a quota error, resending audio since the last final', async () => {
    const quota = new ProviderError('cloud', 'quota', 'cloud: quota exhausted', { status: 402 });
    const cloud = new FakeAsrProvider({ name: 'cloud', vocabulary: VOCAB, failures: [{ attempt: 0, afterAudioMs: 1500, error: quota }] });
    const local = new FakeAsrProvider({ name: 'local', vocabulary: VOCAB });
    const events = await run(new FallbackAsrProvider([cloud, local], fast));
    expect(words(events)).toEqual(words(await run(new FallbackAsrProvider([new FakeAsrProvider({ vocabulary: VOCAB })], fast))));
    expect([cloud.opened, local.opened]).toEqual([1, 1]);
    expect(local.receivedMs[0]).toBe(2520 - 1080);
    const health = events.filter((e) => e.type === 'degraded' || e.type === 'recovered');
    expect(health).toEqual([
      { type: 'degraded', error: quota, retrying: true, lostAudioMs: 0 },
      { type: 'recovered', attempts: 1, provider: 'local' },
    ]);
  });

  it('retries a provider that is down before falling back, then stays on the fallback', async () => {
    const down = () => new ProviderError('cloud', 'connectivity', 'cloud: connection refused');
    const cloud = new FakeAsrProvider({ name: 'cloud', vocabulary: VOCAB, failures: [0, 1, 2].map((attempt) => ({ attempt, error: down() })) });
    const local = new FakeAsrProvider({ name: 'local', vocabulary: VOCAB });
    const events = await run(new FallbackAsrProvider([cloud, local], { ...fast, fallbackAfterAttempts: 2 }));
    expect([cloud.opened, local.opened]).toEqual([3, 1]);
    expect(events.filter((e) => e.type === 'degraded')).toHaveLength(1);
    expect(events.find((e) => e.type === 'recovered')).toEqual({ type: 'recovered', attempts: 3, provider: 'local' });
    expect(words(events).map((w) => w[0])).toEqual(VOCAB);
  });

  it('skips providers without the language and declares the intersection of capabilities', () => {
    const cloud = new FakeAsrProvider({ name: 'cloud', vocabulary: VOCAB, capabilities: { languages: 'any', encodings: ['linear16', 'mulaw'] } });
    const local = new FakeAsrProvider({ name: 'local', vocabulary: VOCAB, capabilities: { languages: ['en', 'de'], diarization: false } });
    const p = new FallbackAsrProvider([cloud, local]);
    expect(p.name).toBe('cloud>local');
    expect(p.capabilities).toEqual({ interim: true, wordTimings: true, diarization: false, finalize: true, encodings: ['linear16'], languages: 'any' });
    const only = new FallbackAsrProvider([local]);
    expect(() => only.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() })).toThrow(/no provider takes language da/);
  });

  it('ends with the error when the last provider fails for good', async () => {
    const auth = (n: string) => new ProviderError(n, 'authentication', `${n}: bad key`, { status: 401 });
    const p = new FallbackAsrProvider([
      new FakeAsrProvider({ name: 'a', vocabulary: VOCAB, failures: [{ attempt: 0, error: auth('a') }] }),
      new FakeAsrProvider({ name: 'b', vocabulary: VOCAB, failures: [{ attempt: 0, error: auth('b') }] }),
    ], fast);
    const events = await collect(p.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() })).done;
    expect(events.map((e) => e.type)).toEqual(['degraded', 'error']);
    expect((events[1] as { error: ProviderError }).error.provider).toBe('b');
  });
});

asrProviderConformance('fallback(fake>fake)', async () => ({
  provider: new FallbackAsrProvider([new FakeAsrProvider({ name: 'a', vocabulary: VOCAB }), new FakeAsrProvider({ name: 'b', vocabulary: VOCAB })]),
  speech: speech(), expectedWords: VOCAB,
}));
