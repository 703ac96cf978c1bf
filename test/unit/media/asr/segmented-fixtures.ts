/**
 * Shared set-up of the segmented-mode tests: a fake Parakeet folder whose scripted OfflineRecognizer
 * (test/fakes/fake-sherpa-engine.ts) runs inside the real decoding workers, and real LibriVox speech
 * between quiet stretches for the real Silero VAD.
 */
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SherpaOnnxOptions } from '../../../../media/asr/sherpa-onnx.js';
import type { SegmentedDecodeEvent } from '../../../../media/asr/segmented-session.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';
import { readWavPcm16, seededRandom } from '../../../helpers/media.js';
import { fakeClipHash, type FakeOfflineBehaviour } from '../../../fakes/fake-sherpa-engine.js';

const engineModule = fileURLToPath(new URL('../../../fakes/fake-sherpa-engine.ts', import.meta.url));
export const librivox = (f: string) => fileURLToPath(new URL(`../../../fixtures/librivox/${f}`, import.meta.url));
export const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];

export function parakeetDir(behaviour: FakeOfflineBehaviour): string {
  const dir = fakeModelDir(['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx'], VOCAB);
  writeFileSync(join(dir, 'fake-engine.json'), JSON.stringify(behaviour));
  return dir;
}

export function options(behaviour: FakeOfflineBehaviour, over: Partial<SherpaOnnxOptions> = {}, segmented: Partial<SherpaOnnxOptions['segmented']> = {}): SherpaOnnxOptions {
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
export function quiet(ms: number, rnd: () => number): Int16Array {
  const out = new Int16Array(ms * 16);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rnd() * 2 - 1) * 30);
  return out;
}

/** quiet 1000 ms | LibriVox 0880 | quiet `gapMs` (1500) | LibriVox 0930 | quiet 1000 ms, with the clips' spans in ms. */
export function twoUtterances(seed = 7, gapMs = 1500) {
  const rnd = seededRandom(seed);
  const a = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0880.wav')).samples;
  const b = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0930.wav')).samples;
  const parts = [quiet(1000, rnd), a, quiet(gapMs, rnd), b, quiet(1000, rnd)];
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    pcm.set(p, at);
    at += p.length;
  }
  const aStart = 1000;
  const aEnd = aStart + a.length / 16;
  const bStart = aEnd + gapMs;
  return { pcm, spans: [[aStart, aEnd], [bStart, bStart + b.length / 16]] as const };
}

/**
 * Writes in 100 ms pieces with a 10 ms pause between them: a live stream arriving over time, at about
 * ten times real time (the scripted decoder is fast enough for that; a long pause is not needed).
 */
export async function writePaced(s: { write(a: Int16Array): void }, pcm: Int16Array): Promise<void> {
  for (let i = 0; i < pcm.length; i += 1600) {
    s.write(pcm.slice(i, i + 1600));
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `describe` mode names the decoded audio: its sample count and hash. */
export function expectDecoded(text: string, pcm: Int16Array, clipStartMs: number, clipEndMs: number): void {
  const clip = pcm.slice(Math.round(clipStartMs * 16), Math.round(clipEndMs * 16));
  expect(text).toBe(`s${clip.length} h${fakeClipHash(clip)}`);
}

export function describeText(pcm: Int16Array, d: SegmentedDecodeEvent): string {
  const clip = pcm.slice(Math.round(d.clipStartMs * 16), Math.round(d.clipEndMs * 16));
  return `s${clip.length} h${fakeClipHash(clip)}`;
}
