/**
 * ASR benchmark: our own overhead between the end of an utterance's audio and its final, and what the
 * ASR path costs per stream.
 *
 * 1. Latency to final through the pipeline: StreamTranscriber → ReconnectingAsrProvider → DeepgramProvider
 *    (@deepgram/sdk over a real WebSocket) → the local Deepgram protocol server, which answers at once
 *    (no model), → Transcript. Each utterance's audio (words, then the 300 ms endpointing pause) is
 *    handed over as one burst; the delay from handing over the audio holding its last word to the
 *    final in the transcript is the `asrDelayMs` the product exports — here our overhead only.
 *    Also through finish() (the hang-up flush: CloseStream → last final).
 * 2. Main-thread cost per 20 ms frame of the Deepgram path (transcriber + SDK send) with 50 sessions, as
 *    16 kHz linear16 and as the stream's G.711 payload (mulaw, 8 kHz: a quarter of the bytes).
 * 3. Silero VAD cost per 20 ms frame on real speech, in this thread and what the VadPool (worker threads)
 *    leaves on the main thread.
 * 4. sherpa-onnx: worker plumbing cost with the scripted engine; with SHERPA_ONNX_MODEL_DIR set, the real
 *    model's real-time factor on LibriVox speech and the streams one decoding core sustains.
 * 5. sherpa-onnx segmented mode (asr-segmented.ts): end of utterance → final, overhead with the scripted
 *    engine; with SHERPA_ONNX_OFFLINE_MODEL_DIR the real model's delay, real-time factor and capacity.
 * Prints figures only.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DeepgramProvider } from '../../media/asr/deepgram.js';
import { ReconnectingAsrProvider } from '../../media/asr/reconnecting.js';
import { SherpaOnnxProvider } from '../../media/asr/sherpa-onnx.js';
import { StreamTranscriber } from '../../media/asr/stream-transcriber.js';
import { SpeechEndDetector } from '../../media/asr/vad.js';
import { encodeG711 } from '../../media/codecs/g711.js';
import { VadPool } from '../../media/asr/vad-pool.js';
import type { PcmFrame } from '../../media/stream-pipeline-types.js';
import { Transcript } from '../../sidecar/calls/transcript.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { fakeModelDir } from '../helpers/fake-model-dir.js';
import { readWavPcm16 } from '../helpers/media.js';
import { scriptedSpeech, startDeepgramServer } from '../servers/deepgram-server.js';
import { segmentedFigures } from './asr-segmented.js';
import { registerBench, type Figures } from './bench-registry.js';

const logger = silentLogger();
const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];
const librivox = (f: string) => fileURLToPath(new URL(`../fixtures/librivox/${f}`, import.meta.url));

function frames(pcm: Int16Array, startMs: number): PcmFrame[] {
  const out: PcmFrame[] = [];
  for (let i = 0; i < pcm.length; i += 320) out.push({ samples: pcm.slice(i, i + 320), startMs: startMs + i / 16, concealed: false });
  return out;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function deepgramLatency(): Promise<Figures> {
  const server = await startDeepgramServer({ apiKey: 'bench', vocabulary: VOCAB });
  const dg = new DeepgramProvider({
    apiKey: 'bench', baseUrl: server.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
    smartFormat: true, punctuate: true, vadEvents: false, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
  });
  const provider = new ReconnectingAsrProvider(dg);
  const figures: Figures = {};
  try {
    const transcript = new Transcript();
    const t = new StreamTranscriber({ provider, language: 'en', transcript, streamLabel: '2', role: 'customer', streamOffsetMs: 0, vad: false, logger });
    const utterance = scriptedSpeech([{ k: 0, ms: 60 }, { k: 1, ms: 200 }, { k: 0, ms: 40 }, { k: 4, ms: 200 }, { k: 0, ms: 40 }, { k: 7, ms: 200 }, { k: 0, ms: 320 }]);
    const delays: number[] = [];
    let at = 0;
    for (let i = 0; i < 60; i++) {
      const done = new Promise<number>((resolve) => transcript.once('final', (u) => resolve(u.asrDelayMs ?? NaN)));
      for (const f of frames(utterance, at)) t.write(f);
      at += utterance.length / 16;
      delays.push(await done);
    }
    const warm = delays.slice(5);
    figures.endpointFinalDelayP50Ms = pct(warm, 50);
    figures.endpointFinalDelayP95Ms = pct(warm, 95);
    figures.endpointFinalDelayMaxMs = Math.max(...warm);
    // Hang-up: words without a pause, then finish(): CloseStream → last final.
    const flushes: number[] = [];
    for (let i = 0; i < 15; i++) {
      const tr = new Transcript();
      const s = new StreamTranscriber({ provider, language: 'en', transcript: tr, streamLabel: '1', role: 'agent', streamOffsetMs: 0, vad: false, logger });
      for (const f of frames(scriptedSpeech([{ k: 0, ms: 60 }, { k: 2, ms: 200 }, { k: 0, ms: 40 }, { k: 3, ms: 200 }]), 0)) s.write(f);
      const t0 = performance.now();
      await s.finish();
      if (tr.utterances.length === 1) flushes.push(performance.now() - t0);
    }
    figures.hangupFlushP50Ms = pct(flushes, 50);
    figures.hangupFlushP95Ms = pct(flushes, 95);
    await t.finish();

    // Main-thread cost per frame with 50 concurrent sessions (transcriber + SDK send, no VAD).
    const n = 50;
    const ts = Array.from({ length: n }, (_v, i) => new StreamTranscriber({
      provider, language: 'en', transcript: new Transcript(), streamLabel: String(i), role: 'customer', streamOffsetMs: 0, vad: false, logger,
    }));
    const fs = frames(scriptedSpeech([{ k: 0, ms: 100 }, { k: 5, ms: 400 }, { k: 0, ms: 500 }]), 0);
    await new Promise((r) => setTimeout(r, 200)); // sockets open
    const t1 = performance.now();
    for (const f of fs) for (const s of ts) s.write(f);
    const perFrameUs = ((performance.now() - t1) * 1000) / (fs.length * n);
    figures.deepgramWritePerFrameUs = perFrameUs;
    figures.deepgramStreamsPerCoreWriteOnly = Math.floor(20_000 / perFrameUs);
    await Promise.all(ts.map((s) => s.finish()));

    // The same with the stream's G.711 payload sent as it came (asr.deepgram.sendG711: mulaw, 8 kHz).
    const g = Array.from({ length: n }, (_v, i) => new StreamTranscriber({
      provider, language: 'en', transcript: new Transcript(), streamLabel: String(i), role: 'customer', streamOffsetMs: 0, vad: false,
      encoding: 'mulaw', logger,
    }));
    const gs = fs.map((f) => ({ ...f, g711: encodeG711('PCMU', f.samples.filter((_v, i) => i % 2 === 0)), g711Codec: 'PCMU' as const }));
    await new Promise((r) => setTimeout(r, 200));
    const t2 = performance.now();
    for (const f of gs) for (const s of g) s.write(f);
    const g711PerFrameUs = ((performance.now() - t2) * 1000) / (gs.length * n);
    figures.deepgramWriteG711PerFrameUs = g711PerFrameUs;
    figures.deepgramG711VsLinear16WriteCost = g711PerFrameUs / perFrameUs;
    figures.deepgramUplinkKbitPerStreamLinear16 = (640 * 8 * 50) / 1000;
    figures.deepgramUplinkKbitPerStreamG711 = (160 * 8 * 50) / 1000;
    await Promise.all(g.map((s) => s.finish()));
  } finally {
    await server.close();
  }
  return figures;
}

async function vadCost(): Promise<Figures> {
  const wav = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0870.wav'));
  const vad = new SpeechEndDetector();
  const fs = frames(wav.samples, 0);
  let t0 = performance.now();
  for (let rep = 0; rep < 3; rep++) for (const f of fs) vad.push(f.samples);
  const us = ((performance.now() - t0) * 1000) / (fs.length * 3);
  // In worker threads (production): what stays on the main thread is batching and posting.
  const pool = await VadPool.create({ workers: 1 });
  const streams = Array.from({ length: 20 }, () => pool.open(() => {}));
  t0 = performance.now();
  for (const f of fs) for (const s of streams) s.push(f.samples);
  const mainUs = ((performance.now() - t0) * 1000) / (fs.length * streams.length);
  for (const s of streams) s.close();
  await pool.close();
  return { vadPerFrameUs: us, vadStreamsPerCore: Math.floor(20_000 / us), vadPoolMainThreadPerFrameUs: mainUs };
}

async function sherpaFigures(): Promise<{ figures: Figures; details: string[] }> {
  const figures: Figures = {};
  const details: string[] = [];
  const base = {
    modelsDir: '/unused', workers: 1, numThreads: 1, decodingMethod: 'greedy_search' as const,
    endpoint: { rule1MinTrailingSilenceMs: 1500, rule2MinTrailingSilenceMs: 600, rule3MinUtteranceLengthMs: 20000 },
    batchMs: 60, logger,
  };
  // Worker plumbing only (scripted engine): main-thread cost of handing a frame to the decoding worker.
  const fake = await SherpaOnnxProvider.create({
    ...base, models: { en: { dir: fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx'], VOCAB) } }, probeModels: false,
    engineModule: fileURLToPath(new URL('../fakes/fake-sherpa-engine.ts', import.meta.url)),
  });
  try {
    const sessions = Array.from({ length: 50 }, () => fake.open({ language: 'en', sampleRateHz: 16000, logger }));
    const pcm = new Int16Array(320);
    const t0 = performance.now();
    for (let i = 0; i < 250; i++) for (const s of sessions) s.write(pcm);
    const us = ((performance.now() - t0) * 1000) / (250 * 50);
    figures.sherpaHandoffPerFrameUs = us;
    await Promise.all(sessions.map((s) => s.finish()));
  } finally {
    await fake.close();
  }
  const dir = process.env.SHERPA_ONNX_MODEL_DIR;
  if (!dir) {
    details.push('sherpa-onnx model figures skipped: set SHERPA_ONNX_MODEL_DIR to a streaming model folder (make models)');
    return { figures, details };
  }
  const real = await SherpaOnnxProvider.create({ ...base, models: { en: { dir } }, probeModels: true });
  try {
    const wav = readWavPcm16(librivox('sense_and_sensibility_01_austen_64kb-0870.wav'));
    const audioS = wav.samples.length / 16000;
    // One stream, audio as fast as the worker decodes: RTF = decode time / audio time.
    let t0 = performance.now();
    const one = real.open({ language: 'en', sampleRateHz: 16000, logger });
    const drain = (async () => { for await (const _e of one) { /* consume */ } })();
    for (const f of frames(wav.samples, 0)) one.write(f.samples);
    await one.finish({ timeoutMs: 60_000 });
    await drain;
    const rtf = (performance.now() - t0) / 1000 / audioS;
    figures.sherpaRealTimeFactor = rtf;
    // N streams at once on one worker (one core): audio seconds decoded per wall second.
    const n = 8;
    t0 = performance.now();
    const many = Array.from({ length: n }, () => real.open({ language: 'en', sampleRateHz: 16000, logger }));
    const drains = many.map((s) => (async () => { for await (const _e of s) { /* consume */ } })());
    for (const f of frames(wav.samples, 0)) for (const s of many) s.write(f.samples);
    await Promise.all(many.map((s) => s.finish({ timeoutMs: 120_000 })));
    await Promise.all(drains);
    const wallS = (performance.now() - t0) / 1000;
    figures.sherpaStreamsPerCore = Math.floor((n * audioS) / wallS);
    details.push(`sherpa-onnx ${dir}: ${n} streams × ${audioS.toFixed(1)} s decoded in ${wallS.toFixed(1)} s on one worker`);
  } finally {
    await real.close();
  }
  return { figures, details };
}

registerBench({
  name: 'asr-latency',
  async run() {
    const figures: Figures = { ...(await deepgramLatency()), ...(await vadCost()) };
    const sherpa = await sherpaFigures();
    const segmented = await segmentedFigures();
    return { figures: { ...figures, ...sherpa.figures, ...segmented.figures }, details: [...sherpa.details, ...segmented.details] };
  },
});
