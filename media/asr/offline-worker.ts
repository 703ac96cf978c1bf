/**
 * Worker thread of the {@link ../decode-pool.ts DecodePool}: holds one sherpa-onnx OfflineRecognizer
 * per model and decodes one utterance clip per `decode` message, synchronously, so the main event loop
 * (RTP, web server) never waits for the model. The pool sends a worker one job at a time; the queue and
 * its priorities live in the pool. Messages: {@link ToOfflineWorker} in, {@link FromOfflineWorker} out.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export type ToOfflineWorker =
  /** Decode `pcm` (PCM16 mono, 16 kHz) with model `model`; answer `result` or `failed` with the same `jobId`. */
  | { op: 'decode'; jobId: number; model: string; pcm: Int16Array }
  /** Finish the queued messages, then exit (terminating a busy worker aborts inside the native addon). */
  | { op: 'shutdown' };

/** The fields of sherpa-onnx's OfflineRecognizerResult JSON the segmented mode uses. */
export interface OfflineDecodeResult {
  text: string;
  tokens: string[];
  /** Token start times, seconds from the clip start. */
  timestamps: number[];
  /** Per-token log-probabilities, when the model gives them. */
  logProbs?: number[];
  /** Language the model reports (Whisper), when it does. */
  lang?: string;
}

export type FromOfflineWorker =
  | { op: 'ready'; models: string[] }
  | { op: 'result'; jobId: number; result: OfflineDecodeResult; decodeMs: number }
  | { op: 'failed'; jobId?: number; message: string };

export interface OfflineWorkerInit {
  /** model key → OfflineRecognizer config. */
  models: Record<string, object>;
  /** Module providing OfflineRecognizer (default `sherpa-onnx-node`; tests pass a scripted engine). */
  engineModule?: string;
}

interface Stream { acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void }
interface Recognizer {
  createStream(): Stream;
  decode(s: Stream): void;
  getResult(s: Stream): { text?: string; tokens?: string[]; timestamps?: number[]; ys_log_probs?: number[]; lang?: string };
}

const RATE = 16_000;
const init = workerData as OfflineWorkerInit;
const port = parentPort!;

function post(m: FromOfflineWorker): void {
  port.postMessage(m);
}

const engine = await import(init.engineModule ?? 'sherpa-onnx-node');
const OfflineRecognizer = (engine.default ?? engine).OfflineRecognizer as new (c: object) => Recognizer;
const recognizers = new Map<string, Recognizer>();
try {
  for (const [key, config] of Object.entries(init.models)) recognizers.set(key, new OfflineRecognizer(config));
  post({ op: 'ready', models: [...recognizers.keys()] });
} catch (err) {
  post({ op: 'failed', message: `cannot create offline recognizer: ${(err as Error).message}` });
}

port.on('message', (m: ToOfflineWorker) => {
  if (m.op === 'shutdown') {
    recognizers.clear();
    port.close();
    return;
  }
  try {
    const rec = recognizers.get(m.model);
    if (!rec) throw new Error(`no model ${m.model}`);
    const t0 = performance.now();
    const samples = new Float32Array(m.pcm.length);
    for (let i = 0; i < samples.length; i++) samples[i] = m.pcm[i] / 32768;
    const stream = rec.createStream();
    stream.acceptWaveform({ samples, sampleRate: RATE });
    rec.decode(stream);
    const r = rec.getResult(stream);
    const decodeMs = performance.now() - t0;
    const tokens = r.tokens ?? [];
    const timestamps = r.timestamps ?? [];
    post({
      op: 'result', jobId: m.jobId, decodeMs,
      result: {
        text: (r.text ?? '').trim(), tokens, timestamps,
        logProbs: r.ys_log_probs?.length === tokens.length ? r.ys_log_probs : undefined,
        lang: r.lang ? r.lang.replace(/[<>|]/g, '') || undefined : undefined,
      },
    });
  } catch (err) {
    post({ op: 'failed', jobId: m.jobId, message: (err as Error).message });
  }
});
