import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { SherpaOnnxProvider, type SherpaOnnxOptions } from '../../../../media/asr/sherpa-onnx.js';
import type { AsrFinalEvent } from '../../../../media/asr/asr-provider.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';
import { collect, finalText, writeFrames } from '../../../helpers/asr.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';
import { readWavPcm16 } from '../../../helpers/media.js';
import { wordErrorRate } from '../../../helpers/wer.js';
import { asrProviderConformance } from '../../../conformance/asr-provider.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];
const engineModule = fileURLToPath(new URL('../../../fakes/fake-sherpa-engine.ts', import.meta.url));

function options(over: Partial<SherpaOnnxOptions> = {}): SherpaOnnxOptions {
  const dir = fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx'], VOCAB);
  return {
    models: { en: { dir } }, modelsDir: '/unused', workers: 1, numThreads: 1, decodingMethod: 'greedy_search',
    endpoint: { rule1MinTrailingSilenceMs: 1500, rule2MinTrailingSilenceMs: 300, rule3MinUtteranceLengthMs: 20000 },
    batchMs: 60, probeModels: false, engineModule, logger: silentLogger(), ...over,
  };
}

function speech(): Int16Array {
  const items = [{ k: 0, ms: 100 }];
  for (const k of [1, 2, 3]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 500 });
  for (const k of [4, 5, 6, 7, 8]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 100 });
  return scriptedSpeech(items);
}

describe('SherpaOnnxProvider (worker threads, scripted engine)', () => {
  let provider: SherpaOnnxProvider;
  beforeAll(async () => {
    provider = await SherpaOnnxProvider.create(options({ workers: 2 }));
  });
  afterAll(async () => {
    await provider.close();
  });

  it('decodes in a worker: an endpoint final at the configured trailing silence, the rest at finish()', async () => {
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, speech());
    await s.finish();
    const events = await r.done;
    const finals = events.filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals.map((f) => [f.text, f.endOfUtterance, f.fromFinalize])).toEqual([
      ['honestly that is', true, false],
      ['more than we pay today', true, true],
    ]);
    expect(finals[0].words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['honestly', 100, 340], ['that', 340, 580], ['is', 580, 830],
    ]);
    expect(finals[0].words[0].confidence).toBeCloseTo(0.9, 6);
    expect(finals[1].words[0].startMs).toBe(1320);
    expect(finals[1].endMs).toBe(2530);
    expect(events.filter((e) => e.type === 'interim').length).toBeGreaterThan(0);
  });

  it('finalizes on request (local end-of-speech) without waiting for the endpoint rule', async () => {
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }, { k: 0, ms: 100 }]));
    s.finalize();
    writeFrames(s, scriptedSpeech([{ k: 5, ms: 200 }, { k: 0, ms: 100 }]));
    await s.finish();
    const finals = (await r.done).filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals.map((f) => [f.text, f.fromFinalize, f.endOfUtterance])).toEqual([['more', true, false], ['than', true, true]]);
  });

  it('marks long silence settled with an empty endpoint final (rule 1), so resend buffers stay small', async () => {
    const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    writeFrames(s, scriptedSpeech([{ k: 0, ms: 2000 }]));
    await s.finish();
    const finals = (await r.done).filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals.map((f) => [f.text, f.words.length, f.endOfUtterance, f.fromFinalize])).toEqual([['', 0, true, false]]);
  });

  it('spreads sessions over the workers and refuses a language without a model', () => {
    const a = provider.open({ language: 'en-US', sampleRateHz: 16000, logger: silentLogger() });
    const b = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
    expect(provider.load).toEqual([1, 1]);
    a.close();
    b.close();
    expect(provider.load).toEqual([0, 0]);
    let err: unknown;
    try {
      provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).category).toBe('invalid_request');
    expect((err as Error).message).toContain('no model for language da');
    expect(() => provider.open({ language: 'en', sampleRateHz: 8000, logger: silentLogger() })).toThrow(TypeError);
  });
});

asrProviderConformance('sherpa-onnx (scripted engine)', async () => {
  const provider = await SherpaOnnxProvider.create(options());
  return { provider, speech: speech(), expectedWords: VOCAB, cleanup: () => provider.close() };
});

// Real speech with a real model: runs when SHERPA_ONNX_MODEL_DIR points at an English streaming model.
const modelDir = process.env.SHERPA_ONNX_MODEL_DIR;
const librivox = (f: string) => fileURLToPath(new URL(`../../../fixtures/librivox/${f}`, import.meta.url));
if (!modelDir) {
  process.stdout.write('sherpa-onnx real-speech tests skipped: set SHERPA_ONNX_MODEL_DIR to an English streaming model folder ' +
    '(e.g. models/sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06 after `make models`).\n');
}

describe.skipIf(!modelDir)('SherpaOnnxProvider with a real model (SHERPA_ONNX_MODEL_DIR)', () => {
  const refs = new Map(readFileSync(librivox('transcription'), 'utf8').split('\n').filter(Boolean).map((l) => {
    const m = /^<s> (.*) <\/s> \((.*)\)$/.exec(l)!;
    return [m[2], m[1]] as const;
  }));

  it('transcribes LibriVox speech from the Debian test data with a word error rate under 25 %', async () => {
    const provider = await SherpaOnnxProvider.create({ ...options(), models: { en: { dir: modelDir! } }, engineModule: undefined, probeModels: true });
    try {
      let errors = 0;
      let words = 0;
      for (const [id, ref] of refs) {
        const wav = readWavPcm16(librivox(`${id}.wav`));
        const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
        const r = collect(s);
        writeFrames(s, wav.samples);
        await s.finish({ timeoutMs: 30_000 });
        const hyp = finalText(await r.done);
        const wer = wordErrorRate(ref, hyp);
        const n = ref.split(' ').length;
        errors += wer * n;
        words += n;
        process.stdout.write(`  ${id}: WER ${(wer * 100).toFixed(1)} %  "${hyp}"\n`);
      }
      const total = errors / words;
      process.stdout.write(`  LibriVox WER ${(total * 100).toFixed(1)} % over ${words} words\n`);
      expect(total).toBeLessThan(0.25);
    } finally {
      await provider.close();
    }
  });
});
