import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { InvalidStateError, ProviderError } from '../../sidecar/core/errors.js';
import { DecodeScheduler, type DecodeSchedulerOptions, type DecodeSchedulerStats, type SaturationChange } from './decode-scheduler.js';
import type { FromOfflineWorker, OfflineDecodeResult, OfflineWorkerInit, ToOfflineWorker } from './offline-worker.js';
import { startWorker, stopWorker } from './start-worker.js';

/** `final`: a whole utterance, never dropped, served first. `interim`: the utterance so far, may be cancelled. */
export type DecodeJobKind = 'final' | 'interim';

/** One clip to decode. */
export interface DecodeJob {
  /** The session it belongs to: one job per session runs at a time, so its results arrive in order. */
  sessionId: number;
  kind: DecodeJobKind;
  /** Model key (as given to {@link DecodePool.create}). */
  model: string;
  /** PCM16 mono 16 kHz; the pool transfers its buffer to the worker (do not reuse it). */
  pcm: Int16Array;
  onDone(r: { result: OfflineDecodeResult; decodeMs: number; queueWaitMs: number }): void;
  /** The worker failed on this job or exited while decoding it. */
  onFailed(error: ProviderError): void;
}

/** A queued job; `cancel()` removes it when it has not started (returns whether it did). */
export interface DecodeJobHandle {
  cancel(): boolean;
}

/**
 * Counters and gauges for monitoring (e.g. a prom-client `collect()` reading {@link DecodePool.stats}).
 * Times in ms; counters count since start.
 */
export interface DecodePoolStats extends DecodeSchedulerStats {
  workers: number;
  busyWorkers: number;
  queuedFinals: number;
  queuedInterims: number;
  finalsDecoded: number;
  interimsDecoded: number;
  /** Interims cancelled before they ran (replaced by a newer one, or their utterance ended first). */
  interimsCancelled: number;
  jobsFailed: number;
  /** Sum of decode times and of decoded audio: their ratio is the pool's real-time factor. */
  decodeMsTotal: number;
  audioMsDecoded: number;
  lastQueueWaitMs: number;
  maxQueueWaitMs: number;
}

interface Queued { job: DecodeJob; id: number; queuedAt: number }
interface Slot { worker: Worker; ready: boolean; job?: Queued & { startedAt: number }; terminating: boolean }

/**
 * A bounded pool of offline-decoding worker threads (`offline-worker.ts`) with one queue: finals
 * first (oldest first), then interims; one job per session at a time. The {@link DecodeScheduler}
 * sees every job's wait for a worker (counted from when its session's previous job ended, so a
 * session's own backlog is not taken for a busy pool) and decides when the pool is saturated; the pool logs each change once
 * (`warn` on saturation, `info` on recovery) and exposes {@link stats}. A worker that exits is
 * replaced; the job it held fails (retryable), queued jobs go on.
 */
export class DecodePool {
  readonly scheduler: DecodeScheduler;
  readonly #slots: Slot[] = [];
  readonly #queue: Queued[] = [];
  readonly #inFlight = new Set<number>();
  /** When each session's last job ended: a job waiting for its own session is not waiting for the pool. */
  readonly #sessionFreeAt = new Map<number, number>();
  readonly #init: OfflineWorkerInit;
  readonly #log: Logger;
  #nextId = 1;
  #closed = false;
  #c = { finalsDecoded: 0, interimsDecoded: 0, interimsCancelled: 0, jobsFailed: 0, decodeMsTotal: 0, audioMsDecoded: 0, lastQueueWaitMs: 0, maxQueueWaitMs: 0 };

  private constructor(init: OfflineWorkerInit, scheduler: DecodeScheduler, log: Logger) {
    this.#init = init;
    this.scheduler = scheduler;
    this.#log = log;
  }

  /**
   * Starts `workers` threads and waits until each has loaded every model.
   * @throws ProviderError (`server`) when a worker cannot load a model.
   */
  static async create(o: OfflineWorkerInit & { workers: number; scheduler?: Partial<DecodeSchedulerOptions>; logger: Logger }): Promise<DecodePool> {
    const pool = new DecodePool({ models: o.models, engineModule: o.engineModule }, new DecodeScheduler(o.scheduler), o.logger);
    try {
      for (let i = 0; i < o.workers; i++) pool.#slots.push(await pool.#spawn());
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Queues a job. @throws InvalidStateError after close(). */
  submit(job: DecodeJob): DecodeJobHandle {
    if (this.#closed) throw new InvalidStateError('decode pool: closed');
    const q: Queued = { job, id: this.#nextId++, queuedAt: performance.now() };
    this.#queue.push(q);
    this.#pump();
    return {
      cancel: () => {
        const i = this.#queue.indexOf(q);
        if (i < 0) return false;
        this.#queue.splice(i, 1);
        if (job.kind === 'interim') this.#c.interimsCancelled++;
        if (!this.#queue.some((x) => x.job.sessionId === job.sessionId)) this.#sessionFreeAt.delete(job.sessionId);
        return true;
      },
    };
  }

  /** Drops a session's queued jobs (its running job finishes; its result is ignored by the session). */
  cancelSession(sessionId: number): void {
    this.#sessionFreeAt.delete(sessionId);
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (this.#queue[i].job.sessionId !== sessionId) continue;
      if (this.#queue[i].job.kind === 'interim') this.#c.interimsCancelled++;
      this.#queue.splice(i, 1);
    }
  }

  stats(): DecodePoolStats {
    return {
      ...this.scheduler.stats(), ...this.#c,
      workers: this.#slots.length,
      busyWorkers: this.#slots.filter((s) => s.job).length,
      queuedFinals: this.#queue.filter((q) => q.job.kind === 'final').length,
      queuedInterims: this.#queue.filter((q) => q.job.kind === 'interim').length,
    };
  }

  /** Fails queued jobs and lets each worker finish its job and exit (see {@link stopWorker}). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const queued = this.#queue.splice(0);
    for (const q of queued) q.job.onFailed(new ProviderError('sherpa-onnx', 'server', 'sherpa-onnx: decode pool closed'));
    await Promise.all(this.#slots.map((s) => {
      s.terminating = true;
      return stopWorker(s.worker, { op: 'shutdown' } satisfies ToOfflineWorker);
    }));
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job || this.#closed) continue;
      const pick = (kind: DecodeJobKind) => this.#queue.findIndex((q) => q.job.kind === kind && !this.#inFlight.has(q.job.sessionId));
      let i = pick('final');
      if (i < 0) i = pick('interim');
      if (i < 0) return;
      const [q] = this.#queue.splice(i, 1);
      const startedAt = performance.now();
      const waitMs = startedAt - Math.max(q.queuedAt, this.#sessionFreeAt.get(q.job.sessionId) ?? 0);
      this.#sessionFreeAt.delete(q.job.sessionId);
      this.#c.lastQueueWaitMs = waitMs;
      this.#c.maxQueueWaitMs = Math.max(this.#c.maxQueueWaitMs, waitMs);
      this.#report(this.scheduler.onJobStarted(waitMs, this.#queue.length));
      slot.job = { ...q, startedAt };
      this.#inFlight.add(q.job.sessionId);
      const pcm = q.job.pcm;
      this.#c.audioMsDecoded += pcm.length / 16;
      slot.worker.postMessage({ op: 'decode', jobId: q.id, model: q.job.model, pcm } satisfies ToOfflineWorker, [pcm.buffer as ArrayBuffer]);
    }
  }

  #report(change: SaturationChange | undefined): void {
    if (!change) return;
    const queued = { finals: this.#queue.filter((q) => q.job.kind === 'final').length, interims: this.#queue.filter((q) => q.job.kind === 'interim').length };
    if (change.type === 'saturated') {
      this.#log.warn({ queueWaitMs: Math.round(change.queueWaitMs), queued, workers: this.#slots.length, interimIntervalMs: change.interimIntervalMs },
        'segmented asr: decode pool saturated; interim interval lengthened (finals keep priority)');
    } else {
      this.#log.info({ interimIntervalMs: change.interimIntervalMs }, 'segmented asr: decode pool recovered; interim interval back to normal');
    }
  }

  #finishJob(slot: Slot): (Queued & { startedAt: number }) | undefined {
    const q = slot.job;
    slot.job = undefined;
    if (q) {
      this.#inFlight.delete(q.job.sessionId);
      if (this.#queue.some((x) => x.job.sessionId === q.job.sessionId)) this.#sessionFreeAt.set(q.job.sessionId, performance.now());
    }
    return q;
  }

  #afterJob(): void {
    this.#pump();
    if (!this.#closed && this.#queue.length === 0 && this.#slots.every((s) => !s.job)) this.#report(this.scheduler.onIdle());
  }

  #spawn(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const slot: Slot = { worker: startWorker('offline-worker', this.#init), ready: false, terminating: false };
      slot.worker.on('message', (m: FromOfflineWorker) => {
        if (m.op === 'ready') {
          slot.ready = true;
          resolve(slot);
          this.#pump();
        } else if (m.op === 'result') {
          const q = this.#finishJob(slot);
          if (q) {
            if (q.job.kind === 'final') this.#c.finalsDecoded++;
            else this.#c.interimsDecoded++;
            this.#c.decodeMsTotal += m.decodeMs;
            this.#safe(() => q.job.onDone({ result: m.result, decodeMs: m.decodeMs, queueWaitMs: q.startedAt - q.queuedAt }));
          }
          this.#afterJob();
        } else if (m.op === 'failed') {
          if (!slot.ready) {
            reject(new ProviderError('sherpa-onnx', 'server', `sherpa-onnx offline worker: ${m.message}`));
            return;
          }
          const q = this.#finishJob(slot);
          this.#c.jobsFailed++;
          if (q) this.#safe(() => q.job.onFailed(new ProviderError('sherpa-onnx', 'server', `sherpa-onnx decode failed: ${m.message}`)));
          this.#afterJob();
        }
      });
      slot.worker.on('error', (err) => this.#log.error({ err }, 'sherpa-onnx offline worker error'));
      slot.worker.on('exit', (code) => {
        if (!slot.ready) reject(new ProviderError('sherpa-onnx', 'server', `sherpa-onnx offline worker exited with code ${code} while loading`));
        slot.ready = false;
        const q = this.#finishJob(slot);
        if (q) {
          this.#c.jobsFailed++;
          this.#safe(() => q.job.onFailed(new ProviderError('sherpa-onnx', 'server', `sherpa-onnx: decoder worker exited (code ${code})`)));
        }
        if (slot.terminating || this.#closed) return;
        const i = this.#slots.indexOf(slot);
        this.#spawn().then((s) => {
          if (i >= 0) this.#slots[i] = s;
          this.#pump();
        }, (err) => this.#log.error({ err }, 'sherpa-onnx offline worker restart failed'));
      });
    });
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error({ err }, 'segmented asr: job callback threw');
    }
  }
}
