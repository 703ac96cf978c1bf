import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { SherpaOnnxProvider, type SherpaOnnxOptions } from '../../../../media/asr/sherpa-onnx.js';
import type { AsrEvent, AsrFinalEvent, AsrInterimEvent } from '../../../../media/asr/asr-provider.js';
import type { SegmentedDecodeEvent } from '../../../../media/asr/segmented-session.js';
import { ModelFileError } from '../../../../media/asr/vad.js';
import { InvalidStateError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';
import { collect, writeFrames } from '../../../helpers/asr.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';
import { readWavPcm16, seededRandom } from '../../../helpers/media.js';
import { fakeClipHash, type FakeOfflineBehaviour } from '../../../fakes/fake-sherpa-engine.js';
import { asrProviderConformance } from '../../../conformance/asr-provider.js';

const engineModule = fileURLToPath(new URL('../../../fakes/fake-sherpa-engine.ts', import.meta.url));
const librivox = (f: string) => fileURLToPath(new URL(`../../../fixtures/librivox/${f}`, import.meta.url));
const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];

function parakeetDir(behaviour: FakeOfflineBehaviour): string {
  const dir = fakeModelDir(['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx'], VOCAB);
  writeFileSync(join(dir, 'fake-engine.json'), JSON.stringify(behaviour));
  return dir;
}

function options(behaviour: FakeOfflineBehaviour, over: Partial<SherpaOnnxOptions> = {}, segmented: Partial<SherpaOnnxOptions['segmented']> = {}): SherpaOnnxOptions {
  return {
    models: { da: { dir: parakeetDir(behaviour), mode: 'segmented' } }, modelsDir: '/unused', workers: 1, numThreads: 1,
    decodingMethod: 'greedy_search', endpoint: { rule1MinTrailingSilenceMs: 1500, rule2MinTrailingSilenceMs: 300, rule3MinUtteranceLengthMs: 20000 },
    batchMs: 60, probeModels: false, engineModule, logger: silentLogger(), vad: { workers: 1 },
    segmented: {
      workers: 1, numThreads: 1, padMs: 200, maxUtteranceMs: 15000, interimIntervalMs: 500, interimCpuShare: 0.25,
      maxInterimIntervalMs: 4000, saturationWaitMs: 300, ...segmented,
    },
    ...over,
  };
}

/** Low white noise (about -60 dBFS), as on a quiet phone line. */
function quiet(ms: number, rnd: () => number): Int16Array {
  const out = new Int16Array(ms * 16);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rnd() * 2 - 1) * 30);
  return out;
}

/** quiet 1000 ms | LibriVox 0880 | quiet 1500 ms | LibriVox 0930 | quiet 1000 ms, with the clips' spans in ms. */
function twoUtterances(seed = 7) {
  const rnd = seededRandom(seed);
  const a = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0880.wav')).samples;
  const b = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0930.wav')).samples;
  const parts = [quiet(1000, rnd), a, quiet(1500, rnd), b, quiet(1000, rnd)];
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    pcm.set(p, at);
    at += p.length;
  }
  const aStart = 1000;
  const aEnd = aStart + a.length / 16;
  const bStart = aEnd + 1500;
  return { pcm, spans: [[aStart, aEnd], [bStart, bStart + b.length / 16]] as const };
}

/**
 * Writes in 100 ms pieces with a 10 ms pause between them: a live stream arriving over time, at about
 * ten times real time (the scripted decoder is fast enough for that; a long pause is not needed).
 */
async function writePaced(s: { write(a: Int16Array): void }, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += 1600) {
    s.write(pcm.slice(i, i + 1600));
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `describe` mode names the decoded audio: its sample count and hash. */
function expectDecoded(text: string, pcm: Int16Array, clipStartMs: number, clipEndMs: number): void {
  const clip = pcm.slice(Math.round(clipStartMs * 16), Math.round(clipEndMs * 16));
  expect(text).toBe(`s${clip.length} h${fakeClipHash(clip)}`);
}

describe('sherpa-onnx segmented mode (Silero VAD on real speech, scripted OfflineRecognizer in worker threads)', () => {
  let provider: SherpaOnnxProvider;
  const decodes: SegmentedDecodeEvent[] = [];
  beforeAll(async () => {
    // Decoding takes 20 ms per second of audio; a 5 % CPU share makes the budget (d / 0.05) exceed the
    // 500 ms interval once the utterance so far passes about 1.25 s, so both rules are exercised.
    provider = await SherpaOnnxProvider.create(options({ mode: 'describe', msPerAudioSecond: 20 }, {}, { interimCpuShare: 0.05 }));
    provider.segmented!.observer.on('decode', (e) => decodes.push(e));
  });
  afterAll(async () => {
    await provider.close();
  });

  it('decodes each utterance whole as soon as the VAD ends it: one final per utterance, exactly its audio plus padding', async () => {
    decodes.length = 0;
    const { pcm, spans } = twoUtterances();
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, pcm);
    await s.finish();
    const events = await r.done;
    const finals = events.filter((e): e is AsrFinalEvent => e.type === 'final');
    const finalDecodes = decodes.filter((d) => d.kind === 'final');
    expect(finals).toHaveLength(2);
    expect(finalDecodes.map((d) => d.utterance)).toEqual([1, 2]);
    finals.forEach((f, i) => {
      const d = finalDecodes[i];
      const [start, end] = spans[i];
      expect([f.endOfUtterance, f.fromFinalize, f.language]).toEqual([true, false, 'da']);
      // The clip is the VAD segment with 200 ms before and up to 100 ms after: inside the clip's span, covering most of it.
      expect(d.clipStartMs).toBeGreaterThanOrEqual(start - 400);
      expect(d.clipEndMs).toBeLessThanOrEqual(end + 350);
      expect(d.clipEndMs - d.clipStartMs).toBeGreaterThan((end - start) * 0.7);
      expectDecoded(f.text, pcm, d.clipStartMs, d.clipEndMs);
      // Token times (seconds from the clip start) land on the session timeline.
      const n = (d.clipEndMs - d.clipStartMs) * 16;
      expect(f.words.map((w) => w.startMs)).toEqual([Math.round(d.clipStartMs), Math.round(d.clipStartMs + n / 32)]);
      expect(f.startMs).toBe(Math.round(d.clipStartMs));
      expect(f.endMs).toBeLessThanOrEqual(d.clipEndMs);
    });
    // Each utterance: speech-started, then (interims and) its final.
    const starts = events.flatMap((e, i) => (e.type === 'speech-started' ? [i] : []));
    const finalIdx = events.flatMap((e, i) => (e.type === 'final' ? [i] : []));
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBeLessThan(finalIdx[0]);
    expect(starts[1]).toBeLessThan(finalIdx[1]);
    expect(s.writtenMs).toBe(pcm.length / 16);
  });

  it('emits interims of the utterance so far at the interval, or later as the CPU budget asks, and only before its final', async () => {
    decodes.length = 0;
    const { pcm } = twoUtterances(3);
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, pcm);
    await s.finish();
    const events = await r.done;
    const finalAt = (u: number) => events.filter((e) => e.type === 'final').map((e) => events.indexOf(e))[u - 1];
    for (const u of [1, 2]) {
      const interims = decodes.filter((d) => d.kind === 'interim' && d.utterance === u);
      const final = decodes.find((d) => d.kind === 'final' && d.utterance === u)!;
      expect(interims.length).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < interims.length; i++) {
        const d = interims[i];
        expect(d.clipEndMs).toBeLessThanOrEqual(final.clipEndMs);
        if (i === 0) continue;
        // Rule 1 + 2: the next interim starts after max(interval, previous decode time / CPU share) of audio.
        const prev = interims[i - 1];
        expect(d.clipStartMs).toBe(prev.clipStartMs);
        expect(d.clipEndMs - prev.clipEndMs).toBeGreaterThanOrEqual(Math.max(500, prev.decodeMs / 0.05) - 1);
      }
    }
    // Each interim event is the decode of exactly the audio so far, and comes before its utterance's final.
    const interimEvents = events.filter((e): e is AsrInterimEvent => e.type === 'interim');
    expect(interimEvents.length).toBeGreaterThanOrEqual(2);
    for (const e of interimEvents) {
      const d = decodes.find((x) => x.kind === 'interim' && Math.round(x.clipStartMs) === e.startMs && e.text.startsWith(`s${(x.clipEndMs - x.clipStartMs) * 16} `))!;
      expect(d).toBeDefined();
      expectDecoded(e.text, pcm, d.clipStartMs, d.clipEndMs);
      expect(events.indexOf(e)).toBeLessThan(finalAt(d.utterance));
    }
  });

  it('at finish(), turns speech still running into the last final and ends; refuses audio after', async () => {
    const { pcm, spans } = twoUtterances(5);
    const cut = pcm.subarray(0, Math.round((spans[0][0] + 1500) * 16)); // hang-up in the middle of utterance 1
    const s = provider.open({ language: 'da-DK', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, cut);
    const done = s.finish();
    expect(s.finish()).toBe(done);
    expect(() => s.write(new Int16Array(320))).toThrow(InvalidStateError);
    await done;
    const finals = (await r.done).filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals).toHaveLength(1);
    expect([finals[0].fromFinalize, finals[0].endOfUtterance, finals[0].language]).toEqual([true, true, 'da-DK']);
    expect(finals[0].text).toMatch(/^s\d+ h[0-9a-f]{8}$/);
    expect(finals[0].endMs).toBeLessThanOrEqual(cut.length / 16);
    expect(provider.segmented!.sessions).toBe(0);
  });

  it('drops pending work on close() and keeps the pool usable', async () => {
    const { pcm } = twoUtterances(9);
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    s.write(pcm.slice(0, 16000 * 3));
    s.close('test');
    s.close('again');
    expect((await r.done).some((e) => e.type === 'error' || e.type === 'final')).toBe(false);
    expect(() => s.write(new Int16Array(320))).toThrow(InvalidStateError);
    expect(provider.segmented!.stats().queuedFinals + provider.segmented!.stats().queuedInterims).toBe(0);
  });
});

describe('sherpa-onnx segmented mode under load', () => {
  it('says so in logs and stats when the pool saturates, lengthens the interim interval, still delivers every final, and recovers', async () => {
    const lines: Array<{ level: number; msg: string; interimIntervalMs?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
    // One worker; each decode sleeps 100 ms per second of audio; a 50 ms queue wait counts as saturated.
    const provider = await SherpaOnnxProvider.create(options({ mode: 'describe', msPerAudioSecond: 100 }, { logger }, { saturationWaitMs: 50 }));
    try {
      const decodes: SegmentedDecodeEvent[] = [];
      provider.segmented!.observer.on('decode', (e) => decodes.push(e));
      const streams = [1, 2, 3].map((seed) => ({ ...twoUtterances(seed), s: provider.open({ language: 'da', sampleRateHz: 16000, logger }) }));
      const readers = streams.map((x) => collect(x.s));
      await Promise.all(streams.map((x) => writePaced(x.s, x.pcm)));
      await Promise.all(streams.map((x) => x.s.finish({ timeoutMs: 20_000 })));
      for (const [i, x] of streams.entries()) {
        const finals = (await readers[i].done).filter((e): e is AsrFinalEvent => e.type === 'final');
        const fd = decodes.filter((d) => d.kind === 'final' && d.sessionId === finalsSession(decodes, x, finals));
        expect(finals).toHaveLength(2);
        finals.forEach((f, j) => expectDecoded(f.text, x.pcm, fd[j].clipStartMs, fd[j].clipEndMs));
      }
      const stats = provider.segmented!.stats();
      expect(stats.saturationEpisodes).toBeGreaterThanOrEqual(1);
      expect(stats.maxInterimIntervalFactor).toBeGreaterThanOrEqual(2);
      expect(stats.maxQueueWaitMs).toBeGreaterThanOrEqual(50);
      expect(stats.finalsDecoded).toBe(6);
      expect(stats.audioMsDecoded).toBeGreaterThan(0);
      const warn = lines.find((l) => l.level === 40 && l.msg.includes('decode pool saturated'));
      expect(warn?.interimIntervalMs).toBeGreaterThanOrEqual(1000);
      // Drained: recovered, logged, normal interval again.
      expect([stats.saturated, stats.interimIntervalFactor, stats.busyWorkers, stats.queuedFinals]).toEqual([false, 1, 0, 0]);
      expect(lines.some((l) => l.level === 30 && l.msg.includes('decode pool recovered'))).toBe(true);
    } finally {
      await provider.close();
    }
  });
});

/** The session id whose final decodes produced these finals (matched by decoded text). */
function finalsSession(decodes: SegmentedDecodeEvent[], x: { pcm: Int16Array }, finals: AsrFinalEvent[]): number {
  const d = decodes.find((e) => e.kind === 'final' && finals[0].text === describeText(x.pcm, e));
  return d?.sessionId ?? -1;
}

function describeText(pcm: Int16Array, d: SegmentedDecodeEvent): string {
  const clip = pcm.slice(Math.round(d.clipStartMs * 16), Math.round(d.clipEndMs * 16));
  return `s${clip.length} h${fakeClipHash(clip)}`;
}

describe('sherpa-onnx with streaming and segmented languages side by side', () => {
  it('serves English from a streaming model and Danish from a segmented one in the same provider', async () => {
    const enDir = fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx'], VOCAB);
    const o = options({ mode: 'describe' });
    const provider = await SherpaOnnxProvider.create({ ...o, models: { en: { dir: enDir }, ...o.models } });
    try {
      expect(provider.capabilities.languages).toEqual(['en', 'da']);
      expect(provider.capabilities.finalize).toBe(true);
      const en = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
      const da = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
      expect(provider.load).toEqual([1]);
      expect(provider.segmented!.sessions).toBe(1);
      const ren = collect(en);
      const rda = collect(da);
      writeFrames(en, scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }, { k: 0, ms: 40 }, { k: 5, ms: 200 }, { k: 0, ms: 500 }]));
      const { pcm } = twoUtterances(4);
      await writePaced(da, pcm);
      await Promise.all([en.finish(), da.finish()]);
      const text = (evs: AsrEvent[]) => evs.filter((e): e is AsrFinalEvent => e.type === 'final').map((e) => e.text);
      expect(text(await ren.done)).toEqual(['more than']);
      const daFinals = text(await rda.done);
      expect(daFinals).toHaveLength(2);
      for (const t of daFinals) expect(t).toMatch(/^s\d+ h[0-9a-f]{8}$/);
    } finally {
      await provider.close();
    }
  });

  it('declares no finalize() when every language is segmented (its own VAD ends utterances)', async () => {
    const provider = await SherpaOnnxProvider.create(options({ mode: 'words' }));
    try {
      expect(provider.capabilities.finalize).toBe(false);
      expect(provider.load).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it('refuses to start when a segmented model folder is missing, naming it', async () => {
    const err = await SherpaOnnxProvider.create({ ...options({ mode: 'words' }), models: { da: { dir: '/nonexistent/parakeet', mode: 'segmented' } } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.code).toBe('ASR_MODEL_MISSING');
    expect(err.file).toBe('/nonexistent/parakeet');
  });
});

asrProviderConformance('sherpa-onnx segmented (scripted offline engine, real VAD)', async () => {
  const provider = await SherpaOnnxProvider.create(options({ mode: 'describe' }));
  return { provider, speech: twoUtterances(11).pcm, expectedWords: [], minRecall: 0, language: 'da', cleanup: () => provider.close() };
});
