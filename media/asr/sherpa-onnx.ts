import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { InvalidStateError, ProviderError } from '../../sidecar/core/errors.js';
import {
  type AsrCapabilities, type AsrEvent, type AsrFinishOptions, type AsrProvider, type AsrSession, type AsrSessionOptions,
} from './asr-provider.js';
import { EventQueue } from './event-queue.js';
import {
  probeSherpaModel, recognizerConfig, resolveSherpaModel, type SherpaEndpointRules, type SherpaModelType,
} from './sherpa-onnx-model.js';
import type { OfflineModelType } from './sherpa-onnx-offline-model.js';
import { SegmentedRecognizer, type SegmentedOptions } from './sherpa-onnx-segmented.js';
import type { FromWorker, ToWorker, WorkerInit } from './sherpa-onnx-worker.js';
import { startWorker, stopWorker } from './start-worker.js';
import type { VadOptions } from './vad.js';

/** Options of the sherpa-onnx provider (config section `asr.sherpaOnnx`). */
export interface SherpaOnnxOptions {
  /**
   * Model per language (BCP-47 base code): a folder under `modelsDir` or a path. `mode`: `streaming`
   * (OnlineRecognizer, default) or `segmented` (VAD + OfflineRecognizer, for languages without a
   * streaming model, e.g. Danish with Parakeet TDT 0.6B v3); `minSilenceMs` (segmented only): silence
   * that ends an utterance, ms (default `vad.minSilenceMs`).
   */
  models: Record<string, { dir: string; modelType?: SherpaModelType | OfflineModelType; mode?: 'streaming' | 'segmented'; minSilenceMs?: number }>;
  modelsDir: string;
  /** Worker threads; each loads every model once. */
  workers: number;
  numThreads: number;
  decodingMethod: 'greedy_search' | 'modified_beam_search';
  endpoint: SherpaEndpointRules;
  /** Audio gathered per message to the worker, ms. */
  batchMs: number;
  /** Load each model in a child process first (a corrupt file is an error naming it, not an abort). */
  probeModels: boolean;
  /** Segmented mode settings; required when a model has `mode: segmented`. */
  segmented?: SegmentedOptions;
  /** VAD that cuts segmented streams into utterances (config `asr.vad`). */
  vad?: VadOptions & { workers: number };
  /** Replaces `sherpa-onnx-node` inside the workers (tests). */
  engineModule?: string;
  logger: Logger;
}

/**
 * Local streaming recognition with sherpa-onnx's OnlineRecognizer (transducer, paraformer and
 * zipformer2-CTC models; https://k2-fsa.github.io/sherpa/onnx/). Decoding runs in worker threads
 * (`sherpa-onnx-worker.ts`); sessions are spread over the workers, least-loaded first. Endpoint rules
 * are tuned for assist (sub-second) and the stream transcriber's VAD finalizes earlier still.
 *
 * Create with {@link SherpaOnnxProvider.create}, which checks every model file first and throws a
 * ModelFileError naming a missing or corrupt one.
 */
export class SherpaOnnxProvider implements AsrProvider {
  readonly name = 'sherpa-onnx';
  readonly capabilities: AsrCapabilities;
  readonly #o: SherpaOnnxOptions;
  readonly #init: WorkerInit;
  readonly #pool: PoolWorker[] = [];
  #segmented: SegmentedRecognizer | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(o: SherpaOnnxOptions, init: WorkerInit) {
    this.#o = o;
    this.#init = init;
    const streaming = Object.values(o.models).some((m) => m.mode !== 'segmented');
    this.capabilities = {
      // finalize() only acts on streaming sessions; segmented ones end utterances at their own VAD.
      interim: true, wordTimings: true, diarization: false, languages: Object.keys(o.models), encodings: ['linear16'], finalize: streaming,
    };
  }

  /**
   * Resolves and probes the models, starts the workers (streaming; segmented decoding + VAD when a
   * language is `mode: segmented`) and waits until each has loaded them.
   * @throws ModelFileError naming a missing or corrupt model file; TypeError when a segmented model
   *   has no `segmented` settings.
   */
  static async create(o: SherpaOnnxOptions): Promise<SherpaOnnxProvider> {
    const models: Record<string, object> = {};
    const segmentedModels: Record<string, { dir: string; modelType?: OfflineModelType; minSilenceMs?: number }> = {};
    for (const [lang, spec] of Object.entries(o.models)) {
      if (spec.mode === 'segmented') {
        segmentedModels[lang] = { dir: spec.dir, modelType: spec.modelType as OfflineModelType | undefined, minSilenceMs: spec.minSilenceMs };
        continue;
      }
      const files = resolveSherpaModel(spec.dir, o.modelsDir, spec.modelType as SherpaModelType | undefined);
      const config = recognizerConfig(files, o);
      if (o.probeModels) probeSherpaModel(files, config);
      models[lang] = config;
    }
    if (Object.keys(segmentedModels).length && !o.segmented) throw new TypeError('sherpa-onnx: a segmented model needs the segmented settings');
    const p = new SherpaOnnxProvider(o, { models, engineModule: o.engineModule });
    if (o.segmented && Object.keys(segmentedModels).length) {
      p.#segmented = await SegmentedRecognizer.create({
        models: segmentedModels, modelsDir: o.modelsDir, segmented: o.segmented, vad: o.vad ?? { workers: 1 },
        probeModels: o.probeModels, engineModule: o.engineModule, logger: o.logger,
      });
    }
    const streaming = Object.keys(models).length ? o.workers : 0;
    for (let i = 0; i < streaming; i++) p.#pool.push(await p.#spawn().catch(async (err) => { await p.close(); throw err; }));
    o.logger.info({ streaming: Object.keys(models), segmented: Object.keys(segmentedModels), workers: o.workers }, 'sherpa-onnx ready');
    return p;
  }

  /** Live streaming sessions per worker (for metrics and tests). */
  get load(): number[] {
    return this.#pool.map((w) => w.sessions.size);
  }

  /** The segmented mode (its `observer` and `stats()` for monitoring), when a language uses it. */
  get segmented(): SegmentedRecognizer | undefined {
    return this.#segmented;
  }

  open(opts: AsrSessionOptions): AsrSession {
    if (this.#closed) throw new InvalidStateError('sherpa-onnx: provider closed');
    if ((opts.encoding ?? 'linear16') !== 'linear16' || opts.sampleRateHz !== 16_000) {
      throw new TypeError('sherpa-onnx: takes linear16 at 16000 Hz');
    }
    const lang = opts.language.toLowerCase();
    const model = this.#o.models[lang] ? lang : this.#o.models[lang.split('-')[0]] ? lang.split('-')[0] : undefined;
    if (!model) {
      throw new ProviderError('sherpa-onnx', 'invalid_request',
        `sherpa-onnx: no model for language ${opts.language} (configured: ${Object.keys(this.#o.models).join(', ') || 'none'})`);
    }
    if (this.#o.models[model].mode === 'segmented') return this.#segmented!.open(model, opts);
    const worker = this.#pool.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
    const session = new SherpaSession(this.#nextId++, worker, opts, Math.max(320, (this.#o.batchMs * 16_000) / 1000));
    worker.sessions.set(session.id, session);
    worker.post({ op: 'open', id: session.id, model, language: opts.language });
    return session;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#pool.map((w) => w.terminate()), this.#segmented?.close()]);
  }

  #spawn(): Promise<PoolWorker> {
    return new Promise((resolve, reject) => {
      const w = new PoolWorker(startWorker('sherpa-onnx-worker', this.#init), this.#o.logger);
      w.onReady = () => resolve(w);
      w.onFailedStart = (msg) => reject(new ProviderError('sherpa-onnx', 'server', `sherpa-onnx worker: ${msg}`));
      w.onExit = () => {
        // A crashed worker: its sessions were failed (retryable); replace it so new sessions have a home.
        const i = this.#pool.indexOf(w);
        if (i < 0 || this.#closed) return;
        this.#spawn().then((nw) => { this.#pool[i] = nw; }, (err) => this.#o.logger.error({ err }, 'sherpa-onnx worker restart failed'));
      };
    });
  }
}

class PoolWorker {
  readonly sessions = new Map<number, SherpaSession>();
  onReady: () => void = () => {};
  onFailedStart: (msg: string) => void = () => {};
  onExit: () => void = () => {};
  #ready = false;
  #terminating = false;

  constructor(readonly worker: Worker, log: Logger) {
    worker.on('message', (m: FromWorker) => {
      switch (m.op) {
        case 'ready':
          this.#ready = true;
          this.onReady();
          break;
        case 'event':
          this.sessions.get(m.id)?.onEvent(m.event);
          break;
        case 'ended':
          this.sessions.get(m.id)?.onEnded();
          this.sessions.delete(m.id);
          break;
        case 'failed':
          if (m.id === undefined && !this.#ready) this.onFailedStart(m.message);
          else if (m.id !== undefined) this.sessions.get(m.id)?.onFailed(m.message);
          else log.error({ message: m.message }, 'sherpa-onnx worker failed');
          break;
      }
    });
    worker.on('error', (err) => log.error({ err }, 'sherpa-onnx worker error'));
    worker.on('exit', (code) => {
      if (!this.#ready) this.onFailedStart(`exited with code ${code} while loading`);
      for (const s of this.sessions.values()) s.onFailed(`decoder worker exited (code ${code})`);
      this.sessions.clear();
      if (!this.#terminating) this.onExit();
    });
  }

  post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  async terminate(): Promise<void> {
    this.#terminating = true;
    await stopWorker(this.worker, { op: 'shutdown' } satisfies ToWorker);
  }
}

/** One stream's session; audio is batched to `batchSamples` before it goes to the worker. */
class SherpaSession implements AsrSession {
  readonly #q = new EventQueue<AsrEvent>();
  readonly #batch: Int16Array;
  #fill = 0;
  #written = 0;
  #state: 'open' | 'finishing' | 'failed' | 'closed' = 'open';
  #finishing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly ready = Promise.resolve(true);

  constructor(readonly id: number, readonly worker: PoolWorker, readonly opts: AsrSessionOptions, batchSamples: number) {
    this.#batch = new Int16Array(batchSamples);
  }

  get writtenMs(): number {
    return this.#written / 16;
  }

  [Symbol.asyncIterator](): AsyncIterator<AsrEvent> {
    return this.#q[Symbol.asyncIterator]();
  }

  write(audio: Int16Array | Uint8Array): void {
    if (this.#state === 'failed') return;
    if (this.#state !== 'open') throw new InvalidStateError('sherpa-onnx session: write after finish/close');
    if (!(audio instanceof Int16Array)) throw new TypeError('sherpa-onnx session: linear16 takes Int16Array');
    this.#written += audio.length;
    let off = 0;
    while (off < audio.length) {
      const n = Math.min(audio.length - off, this.#batch.length - this.#fill);
      this.#batch.set(audio.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
      if (this.#fill === this.#batch.length) this.#flush();
    }
  }

  #flush(): void {
    if (this.#fill === 0) return;
    this.worker.post({ op: 'audio', id: this.id, pcm: this.#batch.slice(0, this.#fill) });
    this.#fill = 0;
  }

  finalize(): void {
    if (this.#state !== 'open') return;
    this.#flush();
    this.worker.post({ op: 'finalize', id: this.id });
  }

  finish(options: AsrFinishOptions = {}): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = this.#q.ended;
    if (this.#state !== 'open') return this.#finishing;
    this.#state = 'finishing';
    this.#flush();
    this.worker.post({ op: 'finish', id: this.id });
    this.#timer = setTimeout(() => {
      this.opts.logger.warn({ timeoutMs: options.timeoutMs ?? 5000 }, 'sherpa-onnx: last final not ready within the deadline; closing');
      this.close('finish-timeout');
    }, options.timeoutMs ?? 5000);
    return this.#finishing;
  }

  close(reason = 'closed'): void {
    if (this.#state === 'closed') return;
    const wasLive = this.#state === 'open' || this.#state === 'finishing';
    this.#state = 'closed';
    clearTimeout(this.#timer);
    if (wasLive) this.worker.post({ op: 'close', id: this.id });
    this.worker.sessions.delete(this.id);
    this.opts.logger.debug({ reason }, 'sherpa-onnx session closed');
    this.#q.end();
  }

  onEvent(ev: AsrEvent): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#q.push(ev);
  }

  onEnded(): void {
    clearTimeout(this.#timer);
    if (this.#state === 'finishing') this.#state = 'closed';
    this.#q.end();
  }

  onFailed(message: string): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    clearTimeout(this.#timer);
    this.#q.push({ type: 'error', error: new ProviderError('sherpa-onnx', 'server', `sherpa-onnx: ${message}`) });
    this.#q.end();
  }
}
