import type { Worker } from 'node:worker_threads';
import { ModelFileError, type VadEvent, type VadOptions } from './vad.js';
import type { FromVadWorker, ToVadWorker } from './vad-worker.js';
import { startWorker, stopWorker } from './start-worker.js';

/** One stream's handle on the pool: feed frames, get events through the callback given to `open`. */
export interface VadStream {
  /** PCM16 mono 16 kHz; gathered to `batchMs` before it goes to the worker. */
  push(pcm: Int16Array): void;
  /**
   * Ends the audio: sends the partly filled batch, closes a segment still open (its `speech-end`
   * arrives before this resolves). Resolves at once after `close()`.
   */
  flush(): Promise<void>;
  close(): void;
}

/** Optional callbacks of {@link VadPool.open}. */
export interface VadStreamHooks {
  /** After each batch: the detector has read `atMs` of the stream (its events for that audio came first). */
  onProgress?: (atMs: number) => void;
  /** This stream's silence that ends speech, ms (default: the pool's `minSilenceMs`), e.g. per language. */
  minSilenceMs?: number;
}

interface StreamSink {
  onEvent: (ev: VadEvent, fromFlush: boolean) => void;
  hooks: VadStreamHooks;
  flushed?: () => void;
}

/**
 * Silero VAD for many streams in worker threads (config `asr.vad.workers`). Measured on this class of
 * machine, Silero costs ~0.17 ms per 20 ms frame: on the main thread it would cap one core at ~120
 * streams and delay RTP handling; here the main thread only copies frames into a batch. A stream's
 * events arrive at most `batchMs` plus one message hop after its audio.
 */
export class VadPool {
  readonly #workers: Array<{ worker: Worker; streams: Map<number, StreamSink> }> = [];
  readonly #batchSamples: number;
  #nextId = 1;

  private constructor(batchMs: number) {
    this.#batchSamples = Math.max(320, Math.round(batchMs * 16));
  }

  /**
   * Starts `workers` threads, each loading the model once.
   * @throws ModelFileError naming the model file when it is missing or empty.
   */
  static async create(options: VadOptions & { workers: number; batchMs?: number }): Promise<VadPool> {
    const { workers, batchMs, ...vad } = options;
    const pool = new VadPool(batchMs ?? 60);
    for (let i = 0; i < workers; i++) {
      const worker = startWorker('vad-worker', vad);
      const streams = new Map<number, StreamSink>();
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: FromVadWorker) => {
          if (m.op === 'ready') resolve();
          else if (m.op === 'failed') {
            void worker.terminate();
            reject(m.file ? new ModelFileError(m.code === 'ASR_MODEL_CORRUPT' ? 'ASR_MODEL_CORRUPT' : 'ASR_MODEL_MISSING', m.file, m.message) : new Error(m.message));
          } else if (m.op === 'event') streams.get(m.id)?.onEvent(m.event, m.fromFlush === true);
          else if (m.op === 'progress') streams.get(m.id)?.hooks.onProgress?.(m.atMs);
          else if (m.op === 'flushed') {
            const s = streams.get(m.id);
            const done = s?.flushed;
            if (s) s.flushed = undefined;
            done?.();
          }
        });
        worker.once('exit', (code) => reject(new Error(`vad worker exited with code ${code}`)));
      });
      pool.#workers.push({ worker, streams });
    }
    return pool;
  }

  /**
   * Opens a stream on the least-loaded worker; `onEvent` gets its speech-start/speech-end events
   * (`fromFlush`: a segment cut at the end of the audio by `flush()`).
   */
  open(onEvent: (ev: VadEvent, fromFlush: boolean) => void, hooks: VadStreamHooks = {}): VadStream {
    const w = this.#workers.reduce((a, b) => (b.streams.size < a.streams.size ? b : a));
    const id = this.#nextId++;
    const sink: StreamSink = { onEvent, hooks };
    w.streams.set(id, sink);
    w.worker.postMessage({ op: 'open', id, progress: !!hooks.onProgress, minSilenceMs: hooks.minSilenceMs } satisfies ToVadWorker);
    const batch = new Int16Array(this.#batchSamples);
    let fill = 0;
    let closed = false;
    return {
      push: (pcm) => {
        if (closed) return;
        let off = 0;
        while (off < pcm.length) {
          const n = Math.min(pcm.length - off, batch.length - fill);
          batch.set(pcm.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === batch.length) {
            w.worker.postMessage({ op: 'audio', id, pcm: batch.slice() } satisfies ToVadWorker);
            fill = 0;
          }
        }
      },
      flush: () => {
        if (closed) return Promise.resolve();
        if (fill > 0) {
          w.worker.postMessage({ op: 'audio', id, pcm: batch.slice(0, fill) } satisfies ToVadWorker);
          fill = 0;
        }
        return new Promise<void>((resolve) => {
          const prev = sink.flushed;
          sink.flushed = () => { prev?.(); resolve(); };
          w.worker.postMessage({ op: 'flush', id } satisfies ToVadWorker);
        });
      },
      close: () => {
        if (closed) return;
        closed = true;
        w.streams.delete(id);
        const done = sink.flushed;
        sink.flushed = undefined;
        done?.();
        w.worker.postMessage({ op: 'close', id } satisfies ToVadWorker);
      },
    };
  }

  /** Streams per worker. */
  get load(): number[] {
    return this.#workers.map((w) => w.streams.size);
  }

  /** Lets each worker finish its queue and exit (see {@link stopWorker}). */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => stopWorker(w.worker, { op: 'shutdown' })));
  }
}
