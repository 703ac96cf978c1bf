import type { Logger } from 'pino';
import { EnhancedEmitter } from '../../sidecar/core/enhanced-emitter.js';
import type { AsrSession, AsrSessionOptions } from './asr-provider.js';
import { DecodePool, type DecodePoolStats } from './decode-pool.js';
import type { DecodeSchedulerOptions } from './decode-scheduler.js';
import { probeSherpaModel } from './sherpa-onnx-model.js';
import { offlineRecognizerConfig, resolveOfflineModel, type OfflineModelType } from './sherpa-onnx-offline-model.js';
import { SegmentedSession, type SegmentedDecodeEvent } from './segmented-session.js';
import type { VadOptions } from './vad.js';
import { VadPool } from './vad-pool.js';

/** Settings of the segmented mode (config `asr.sherpaOnnx.segmented`); see {@link DecodeSchedulerOptions} for the interim policy. */
export interface SegmentedOptions extends DecodeSchedulerOptions {
  /** Offline decoding worker threads (each loads every segmented model once: ≈1 GB for Parakeet TDT 0.6B int8). */
  workers: number;
  /** onnxruntime threads per decoding worker. */
  numThreads: number;
  /** Audio kept before the VAD's speech start, ms. Default 200. */
  padMs: number;
  /** Longest utterance: the VAD cuts speech this long (bounds the decode of one final), ms. Default 15000. */
  maxUtteranceMs: number;
}

/** Monitoring events of the segmented mode (the provider's `observer`). */
export type SegmentedObserverEvents = {
  decode: [SegmentedDecodeEvent];
};

/**
 * Local recognition for languages without a streaming model: Silero VAD cuts each stream into
 * utterances, and sherpa-onnx's OfflineRecognizer decodes each one whole as soon as it ends, with
 * interims from decoding the audio so far (see {@link SegmentedSession}, {@link DecodePool},
 * `decode-scheduler.ts` for the CPU budget). Owned by the sherpa-onnx provider, which routes the
 * languages configured `mode: segmented` here.
 */
export class SegmentedRecognizer {
  readonly observer: EnhancedEmitter<SegmentedObserverEvents>;
  readonly #pool: DecodePool;
  readonly #vad: VadPool;
  readonly #modelOf: Record<string, string>;
  readonly #silenceOf: Record<string, number | undefined>;
  readonly #padMs: number;
  readonly #maxHistoryMs: number;
  readonly #sessions = new Map<number, SegmentedSession>();
  #nextId = 1;

  private constructor(
    pool: DecodePool, vad: VadPool, modelOf: Record<string, string>, silenceOf: Record<string, number | undefined>, o: SegmentedOptions, logger: Logger,
  ) {
    this.#pool = pool;
    this.#vad = vad;
    this.#modelOf = modelOf;
    this.#silenceOf = silenceOf;
    this.#padMs = o.padMs;
    this.#maxHistoryMs = o.maxUtteranceMs + o.padMs + 5000;
    this.observer = new EnhancedEmitter<SegmentedObserverEvents>(logger);
  }

  /**
   * Resolves (and with `probeModels`, test-loads in a child process) each language's model, starts
   * the decoding workers and the VAD workers. Languages sharing one model folder share one recognizer.
   *
   * @throws ModelFileError naming a missing or corrupt model file (or the VAD model); ProviderError
   *   when a worker cannot load a model.
   */
  static async create(o: {
    /** Per language: model folder, family, and the silence that ends an utterance (ms; default the VAD's). */
    models: Record<string, { dir: string; modelType?: OfflineModelType; minSilenceMs?: number }>;
    modelsDir: string;
    segmented: SegmentedOptions;
    vad: VadOptions & { workers: number };
    probeModels: boolean;
    engineModule?: string;
    logger: Logger;
  }): Promise<SegmentedRecognizer> {
    const configs: Record<string, object> = {};
    const modelOf: Record<string, string> = {};
    for (const [lang, spec] of Object.entries(o.models)) {
      const files = resolveOfflineModel(spec.dir, o.modelsDir, spec.modelType);
      const config = offlineRecognizerConfig(files, { numThreads: o.segmented.numThreads, language: lang });
      const key = JSON.stringify(config);
      if (!configs[key] && o.probeModels) probeSherpaModel(files, config, 300_000, 'OfflineRecognizer');
      configs[key] = config;
      modelOf[lang] = key;
    }
    const keys = Object.keys(configs);
    const short = Object.fromEntries(keys.map((k, i) => [k, `m${i}`]));
    const pool = await DecodePool.create({
      workers: o.segmented.workers, engineModule: o.engineModule, logger: o.logger,
      models: Object.fromEntries(keys.map((k) => [short[k], configs[k]])),
      scheduler: {
        interimIntervalMs: o.segmented.interimIntervalMs, interimCpuShare: o.segmented.interimCpuShare,
        maxInterimIntervalMs: o.segmented.maxInterimIntervalMs, saturationWaitMs: o.segmented.saturationWaitMs,
      },
    });
    let vad: VadPool;
    try {
      vad = await VadPool.create({ ...o.vad, maxSpeechMs: o.segmented.maxUtteranceMs });
    } catch (err) {
      await pool.close();
      throw err;
    }
    const langModel = Object.fromEntries(Object.entries(modelOf).map(([lang, k]) => [lang, short[k]]));
    o.logger.info({ languages: Object.keys(langModel), models: keys.length, workers: o.segmented.workers }, 'sherpa-onnx segmented mode ready');
    const silenceOf = Object.fromEntries(Object.entries(o.models).map(([lang, m]) => [lang, m.minSilenceMs]));
    return new SegmentedRecognizer(pool, vad, langModel, silenceOf, o.segmented, o.logger);
  }

  get languages(): string[] {
    return Object.keys(this.#modelOf);
  }

  /** Live segmented sessions. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Pool counters and gauges (for metrics). */
  stats(): DecodePoolStats {
    return this.#pool.stats();
  }

  /** Opens a session for a configured language key (the provider has checked it). */
  open(language: string, opts: AsrSessionOptions): AsrSession {
    const id = this.#nextId++;
    const session = new SegmentedSession({
      id, pool: this.#pool, vadPool: this.#vad, model: this.#modelOf[language], padMs: this.#padMs, tailPadMs: 100, maxHistoryMs: this.#maxHistoryMs,
      minSilenceMs: this.#silenceOf[language],
      onDecode: (e) => this.observer.safeEmit('decode', e),
      onClosed: (sid) => this.#sessions.delete(sid),
    }, opts);
    this.#sessions.set(id, session);
    return session;
  }

  async close(): Promise<void> {
    for (const s of [...this.#sessions.values()]) s.close('shutdown');
    await Promise.allSettled([this.#pool.close(), this.#vad.close()]);
  }
}
