/**
 * Segmented-mode figures for `npm run bench` (called from asr-latency.ts): the delay from the end of an
 * utterance to its final through the whole path (VadPool worker → DecodePool worker → session events).
 *
 * The clock starts when the audio frame that completes the VAD's silence rule (speech end +
 * `minSilenceMs`, 250 ms) is written: no VAD could know the utterance ended sooner. Before that the
 * utterance is written at once; the silence after it is paced at real time (20 ms frames), so the
 * VAD's batching (60 ms) counts as it would on a live call.
 *
 * - Always, with the scripted OfflineRecognizer (decoding costs nothing): our pipeline overhead, and
 *   the main thread's cost per 20 ms frame of a segmented stream.
 * - With SHERPA_ONNX_OFFLINE_MODEL_DIR (e.g. Parakeet TDT 0.6B v3 int8): the real end-of-utterance →
 *   final delay, the model's real-time factor on finals and interims, and what one decoding thread
 *   sustains under the CPU budget. The machine (cores, CPU model) is printed with them.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SherpaOnnxProvider, type SherpaOnnxOptions } from '../../media/asr/sherpa-onnx.js';
import type { SegmentedDecodeEvent } from '../../media/asr/segmented-session.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { fakeModelDir } from '../helpers/fake-model-dir.js';
import { readWavPcm16 } from '../helpers/media.js';
import type { Figures } from './bench-registry.js';

const logger = silentLogger();
const librivox = (f: string) => fileURLToPath(new URL(`../fixtures/librivox/${f}`, import.meta.url));
const CLIPS = ['0870', '0880', '0890', '0920', '0930'].map((n) => `sense_and_sensibility_01_austen_64kb-${n}.wav`);
const MIN_SILENCE_MS = 250;
const SHARE = 0.25;

function base(dir: string, engineModule?: string): SherpaOnnxOptions {
  return {
    models: { da: { dir, mode: 'segmented' } }, modelsDir: '/unused', workers: 1, numThreads: 1, decodingMethod: 'greedy_search',
    endpoint: { rule1MinTrailingSilenceMs: 1500, rule2MinTrailingSilenceMs: 600, rule3MinUtteranceLengthMs: 20000 }, batchMs: 60,
    probeModels: !engineModule, engineModule, logger, vad: { workers: 1, minSilenceMs: MIN_SILENCE_MS },
    segmented: {
      workers: 1, numThreads: 1, padMs: 200, maxUtteranceMs: 15000, interimIntervalMs: 500, interimCpuShare: SHARE,
      maxInterimIntervalMs: 4000, saturationWaitMs: 300,
    },
  };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One utterance per clip; returns end-of-speech → final delays (ms) and every decode event. */
async function measure(provider: SherpaOnnxProvider): Promise<{ delays: number[]; decodes: SegmentedDecodeEvent[]; audioMs: number }> {
  const decodes: SegmentedDecodeEvent[] = [];
  provider.segmented!.observer.on('decode', (e) => decodes.push(e));
  const delays: number[] = [];
  let audioMs = 0;
  for (const clip of CLIPS) {
    const speech = readWavPcm16(librivox(clip)).samples;
    audioMs += speech.length / 16;
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger });
    const writtenAt: number[] = []; // wall time each 20 ms frame of the tail was written, by audio ms
    const final = new Promise<{ at: number }>((resolve) => {
      void (async () => {
        for await (const ev of s) if (ev.type === 'final') resolve({ at: performance.now() });
      })();
    });
    const lead = new Int16Array(8000); // 500 ms of silence first
    s.write(lead);
    s.write(speech);
    await sleep(300); // the VAD and the interims catch up with the burst
    const tailStartMs = (lead.length + speech.length) / 16;
    let first: number | undefined;
    const race = final.then((f) => { first = f.at; });
    for (let ms = 0; ms < 1500 && first === undefined; ms += 20) {
      s.write(new Int16Array(320));
      writtenAt.push(performance.now());
      await sleep(20);
    }
    await race;
    const end = decodes.filter((d) => d.kind === 'final').at(-1);
    // The VAD segment ended at clipEnd - tailPad (100 ms); its silence rule completed MIN_SILENCE_MS later.
    const knownMs = end ? end.clipEndMs - 100 + MIN_SILENCE_MS : tailStartMs;
    const frame = Math.max(0, Math.ceil((knownMs - tailStartMs) / 20) - 1);
    if (first !== undefined && writtenAt[frame] !== undefined) delays.push(first - writtenAt[frame]);
    await s.finish({ timeoutMs: 60_000 });
  }
  return { delays, decodes, audioMs };
}

/** Segmented-mode figures and detail lines. */
export async function segmentedFigures(): Promise<{ figures: Figures; details: string[] }> {
  const figures: Figures = {};
  const details: string[] = [];
  const fakeDir = fakeModelDir(['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx'], ['a']);
  writeFileSync(join(fakeDir, 'fake-engine.json'), JSON.stringify({ mode: 'describe' }));
  const fake = await SherpaOnnxProvider.create(base(fakeDir, fileURLToPath(new URL('../fakes/fake-sherpa-engine.ts', import.meta.url))));
  try {
    const { delays } = await measure(fake);
    figures.segmentedOverheadEndToFinalP50Ms = pct(delays, 50);
    figures.segmentedOverheadEndToFinalMaxMs = Math.max(...delays);
    // Main-thread cost per 20 ms frame of a segmented stream (history + hand-off to the VAD worker), 20 streams.
    const speech = readWavPcm16(librivox(CLIPS[0])).samples;
    const sessions = Array.from({ length: 20 }, () => fake.open({ language: 'da', sampleRateHz: 16000, logger }));
    const t0 = performance.now();
    for (let i = 0; i + 320 <= speech.length; i += 320) for (const s of sessions) s.write(speech.subarray(i, i + 320));
    figures.segmentedMainThreadPerFrameUs = ((performance.now() - t0) * 1000) / (Math.floor(speech.length / 320) * sessions.length);
    await Promise.all(sessions.map((s) => s.finish({ timeoutMs: 30_000 })));
  } finally {
    await fake.close();
  }
  const dir = process.env.SHERPA_ONNX_OFFLINE_MODEL_DIR;
  if (!dir) {
    details.push('segmented-mode model figures skipped: set SHERPA_ONNX_OFFLINE_MODEL_DIR to an offline model folder '
      + '(e.g. models/sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8 after make models)');
    return { figures, details };
  }
  const real = await SherpaOnnxProvider.create(base(dir));
  try {
    const { delays, decodes } = await measure(real);
    const finals = decodes.filter((d) => d.kind === 'final');
    const interims = decodes.filter((d) => d.kind === 'interim');
    const rtf = (list: SegmentedDecodeEvent[]) => list.reduce((a, d) => a + d.decodeMs, 0) / list.reduce((a, d) => a + d.clipEndMs - d.clipStartMs, 0);
    const finalRtf = rtf(finals);
    figures.segmentedEndOfUtteranceToFinalP50Ms = pct(delays, 50);
    figures.segmentedEndOfUtteranceToFinalMaxMs = Math.max(...delays);
    figures.segmentedFinalRealTimeFactor = finalRtf;
    if (interims.length) figures.segmentedInterimRealTimeFactor = rtf(interims);
    figures.segmentedDecodeMsPer5sUtterance = finalRtf * 5000;
    // Each speaking stream costs its finals (rtf) plus at most SHARE of a thread for interims.
    figures.segmentedSpeakingStreamsPerThread = 1 / (finalRtf + SHARE);
    details.push(`segmented ${dir}: ${finals.length} utterances, machine ${cpus().length} cores × ${cpus()[0]?.model ?? '?'}, 1 decoding thread`);
  } finally {
    await real.close();
  }
  return { figures, details };
}
