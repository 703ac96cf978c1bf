import { performance } from 'node:perf_hooks';
import { InvalidStateError, type ProviderError } from '../../sidecar/core/errors.js';
import type { AsrEvent, AsrFinishOptions, AsrSession, AsrSessionOptions } from './asr-provider.js';
import type { DecodeJobHandle, DecodeJobKind, DecodePool } from './decode-pool.js';
import { EventQueue } from './event-queue.js';
import type { OfflineDecodeResult } from './offline-worker.js';
import { PcmHistory } from './pcm-history.js';
import { confidenceOf, tokensToWords } from './sherpa-words.js';
import type { VadEvent } from './vad.js';
import type { VadPool, VadStream } from './vad-pool.js';

/** One decode of a segmented session, for monitoring (the provider's `observer` `decode` event). */
export interface SegmentedDecodeEvent {
  sessionId: number;
  language: string;
  kind: DecodeJobKind;
  /** Utterance number within the session, from 1. */
  utterance: number;
  /** The decoded clip on the session timeline, ms. */
  clipStartMs: number;
  clipEndMs: number;
  decodeMs: number;
  queueWaitMs: number;
  /** Finals: wall ms from the VAD's end-of-speech reaching this thread to the final being emitted. */
  speechEndToFinalMs?: number;
}

/** What a {@link SegmentedSession} needs from its provider. */
export interface SegmentedSessionDeps {
  id: number;
  pool: DecodePool;
  vadPool: VadPool;
  /** Model key in the pool. */
  model: string;
  /** Audio kept before the VAD's speech start (Silero's window and onset), ms. */
  padMs: number;
  /** Audio added after the VAD's speech end when already written, ms. */
  tailPadMs: number;
  /** Silence that ends an utterance for this stream's language, ms (undefined: the VAD pool's). */
  minSilenceMs?: number;
  /** Most audio held even if the VAD stops reporting (a stuck VAD worker): the longest utterance plus a margin, ms. */
  maxHistoryMs: number;
  onDecode(e: SegmentedDecodeEvent): void;
  /** Private signal to the owner: the session ended (STYLE §2 `@close`). */
  onClosed(id: number): void;
}

interface Utterance {
  seq: number;
  startMs: number;
  /** Audio position (VAD progress) at which the last interim was dispatched; the utterance start before. */
  lastInterimAtMs: number;
  lastInterimDecodeMs?: number;
  /** The interim queued or running (at most one). */
  interim?: DecodeJobHandle;
  lastText: string;
}

const SAMPLES_PER_MS = 16;

/**
 * One stream in segmented mode: the stream's audio goes to a Silero VAD (VadPool worker) and into a
 * {@link PcmHistory}; each VAD segment is cut out and decoded whole by the {@link DecodePool} as soon as
 * it ends (a `final` with `endOfUtterance`), and while it runs the audio so far is decoded at the
 * scheduler's interval (an `interim`). Interims are paced by the VAD's progress through the audio, so
 * they follow the stream's clock. Results arrive in order (one job per session at a time, finals
 * first); an interim whose utterance has ended is cancelled if it has not started yet.
 *
 * `finalize()` is a no-op: utterances end at the VAD's end of speech already. `finish()` flushes the
 * VAD (a segment still open becomes the last final, `fromFinalize`), waits for the queued finals and
 * ends the iterator. A decoder failure ends the session with a retryable `error` event.
 */
export class SegmentedSession implements AsrSession {
  readonly #q = new EventQueue<AsrEvent>();
  readonly #d: SegmentedSessionDeps;
  readonly #opts: AsrSessionOptions;
  readonly #history = new PcmHistory();
  readonly #vad: VadStream;
  #state: 'open' | 'finishing' | 'failed' | 'closed' = 'open';
  #utt: Utterance | undefined;
  #seq = 0;
  #vadAtMs = 0;
  #pendingFinals = 0;
  #vadFlushed = false;
  #finishing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly ready = Promise.resolve(true);

  constructor(deps: SegmentedSessionDeps, opts: AsrSessionOptions) {
    this.#d = deps;
    this.#opts = opts;
    this.#vad = deps.vadPool.open((ev, fromFlush) => this.#onVad(ev, fromFlush), {
      onProgress: (atMs) => this.#onProgress(atMs), minSilenceMs: deps.minSilenceMs,
    });
  }

  get id(): number {
    return this.#d.id;
  }

  get writtenMs(): number {
    return this.#history.endSample / SAMPLES_PER_MS;
  }

  [Symbol.asyncIterator](): AsyncIterator<AsrEvent> {
    return this.#q[Symbol.asyncIterator]();
  }

  write(audio: Int16Array | Uint8Array): void {
    if (this.#state === 'failed') return;
    if (this.#state !== 'open') throw new InvalidStateError('sherpa-onnx session: write after finish/close');
    if (!(audio instanceof Int16Array)) throw new TypeError('sherpa-onnx session: linear16 takes Int16Array');
    this.#history.append(audio);
    const cap = this.#history.endSample - this.#d.maxHistoryMs * SAMPLES_PER_MS;
    if (cap > this.#history.startSample) this.#history.trimBefore(cap);
    this.#vad.push(audio);
  }

  finalize(): void {
    // Utterances end at the VAD's end of speech (the same Silero settings a caller would use).
  }

  finish(options: AsrFinishOptions = {}): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = this.#q.ended;
    if (this.#state !== 'open') return this.#finishing;
    this.#state = 'finishing';
    const timeoutMs = options.timeoutMs ?? 5000;
    this.#timer = setTimeout(() => {
      this.#opts.logger.warn({ timeoutMs }, 'sherpa-onnx: last final not ready within the deadline; closing');
      this.close('finish-timeout');
    }, timeoutMs);
    void this.#vad.flush().then(() => {
      if (this.#state !== 'finishing') return;
      // A segment the VAD did not close (shorter than its minimum speech) still ends here.
      if (this.#utt) this.#queueFinal(this.#utt.startMs, this.writtenMs, performance.now(), true);
      this.#vadFlushed = true;
      this.#maybeEnd();
    });
    return this.#finishing;
  }

  close(reason = 'closed'): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#teardown();
    this.#opts.logger.debug({ reason }, 'sherpa-onnx segmented session closed');
  }

  #teardown(): void {
    clearTimeout(this.#timer);
    this.#d.pool.cancelSession(this.#d.id);
    this.#vad.close();
    this.#q.end();
    this.#d.onClosed(this.#d.id);
  }

  #fail(error: ProviderError): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#q.push({ type: 'error', error });
    this.#teardown();
  }

  #live(): boolean {
    return this.#state === 'open' || this.#state === 'finishing';
  }

  #onVad(ev: VadEvent, fromFlush: boolean): void {
    if (!this.#live()) return;
    if (ev.type === 'speech-start') {
      if (this.#utt) return;
      this.#utt = { seq: ++this.#seq, startMs: ev.atMs, lastInterimAtMs: ev.atMs, lastText: '' };
      this.#q.push({ type: 'speech-started', atMs: ev.atMs });
      return;
    }
    const startMs = Math.min(ev.startMs, this.#utt?.startMs ?? ev.startMs);
    this.#queueFinal(startMs, Math.min(this.writtenMs, ev.endMs + this.#d.tailPadMs), performance.now(), fromFlush);
  }

  /** Ends the open utterance (or a segment reported without a start) and queues its whole clip. */
  #queueFinal(startMs: number, endMs: number, speechEndAt: number, fromFinalize: boolean): void {
    const utt = this.#utt;
    this.#utt = undefined;
    utt?.interim?.cancel();
    const seq = utt?.seq ?? ++this.#seq;
    const clipStartMs = Math.max(this.#history.startSample / SAMPLES_PER_MS, startMs - this.#d.padMs);
    const pcm = this.#history.slice(Math.round(clipStartMs * SAMPLES_PER_MS), Math.round(endMs * SAMPLES_PER_MS));
    const clipEndMs = clipStartMs + pcm.length / SAMPLES_PER_MS;
    if (pcm.length === 0) {
      // Nothing left to decode (the audio was already trimmed): the utterance still ends.
      this.#q.push({ type: 'final', text: '', words: [], confidence: 1, language: this.#opts.language, startMs: Math.round(clipStartMs),
        endMs: Math.round(clipStartMs), endOfUtterance: true, fromFinalize });
      return;
    }
    this.#pendingFinals++;
    this.#d.pool.submit({
      sessionId: this.#d.id, kind: 'final', model: this.#d.model, pcm,
      onDone: ({ result, decodeMs, queueWaitMs }) => {
        this.#pendingFinals--;
        if (!this.#live()) return;
        const t = this.#transcript(result, clipStartMs, clipEndMs);
        this.#q.push({ type: 'final', ...t, endOfUtterance: true, fromFinalize });
        this.#d.onDecode({
          sessionId: this.#d.id, language: t.language, kind: 'final', utterance: seq, clipStartMs, clipEndMs, decodeMs, queueWaitMs,
          speechEndToFinalMs: performance.now() - speechEndAt,
        });
        this.#maybeEnd();
      },
      onFailed: (err) => {
        this.#pendingFinals--;
        this.#fail(err);
      },
    });
    this.#trim();
  }

  #onProgress(atMs: number): void {
    this.#vadAtMs = atMs;
    this.#trim();
    this.#maybeInterim();
  }

  /** Queues an interim of the utterance so far when the scheduler's gap has passed (in audio ms). */
  #maybeInterim(): void {
    const utt = this.#utt;
    if (!utt || !this.#live() || utt.interim) return;
    const gapMs = this.#d.pool.scheduler.interimGapMs(utt.lastInterimDecodeMs);
    if (this.#vadAtMs - utt.lastInterimAtMs < gapMs) return;
    const clipStartMs = Math.max(this.#history.startSample / SAMPLES_PER_MS, utt.startMs - this.#d.padMs);
    const pcm = this.#history.slice(Math.round(clipStartMs * SAMPLES_PER_MS), Math.round(this.#vadAtMs * SAMPLES_PER_MS));
    const clipEndMs = clipStartMs + pcm.length / SAMPLES_PER_MS;
    utt.lastInterimAtMs = this.#vadAtMs;
    utt.interim = this.#d.pool.submit({
      sessionId: this.#d.id, kind: 'interim', model: this.#d.model, pcm,
      onDone: ({ result, decodeMs, queueWaitMs }) => {
        utt.interim = undefined;
        utt.lastInterimDecodeMs = decodeMs;
        // Still emitted when its utterance has just ended: one job per session runs at a time, so the
        // utterance's final comes after it and replaces it.
        if (!this.#live()) return;
        const t = this.#transcript(result, clipStartMs, clipEndMs);
        this.#d.onDecode({ sessionId: this.#d.id, language: t.language, kind: 'interim', utterance: utt.seq, clipStartMs, clipEndMs, decodeMs, queueWaitMs });
        if (t.text && t.text !== utt.lastText) {
          utt.lastText = t.text;
          this.#q.push({ type: 'interim', ...t });
        }
      },
      // A lost interim does not end the session; the final decides.
      onFailed: () => { utt.interim = undefined; },
    });
  }

  #transcript(r: OfflineDecodeResult, clipStartMs: number, clipEndMs: number) {
    const words = tokensToWords(r.tokens, r.timestamps, r.logProbs, clipStartMs, clipEndMs);
    const startMs = Math.round(words[0]?.startMs ?? clipStartMs);
    return {
      text: r.text, words, confidence: confidenceOf(words), language: r.lang || this.#opts.language,
      startMs, endMs: Math.max(startMs, Math.round(words.at(-1)?.endMs ?? clipEndMs)),
    };
  }

  /**
   * Keeps the audio an utterance may still need: from 1 s before the open utterance's start (the VAD's
   * segment may begin a little before its speech-start report), else the last 3 s.
   */
  #trim(): void {
    const keepFromMs = (this.#utt ? Math.min(this.#utt.startMs - 1000, this.#vadAtMs - 3000) : this.#vadAtMs - 3000) - this.#d.padMs;
    this.#history.trimBefore(Math.max(0, Math.floor(keepFromMs * SAMPLES_PER_MS)));
  }

  #maybeEnd(): void {
    if (this.#state !== 'finishing' || !this.#vadFlushed || this.#pendingFinals > 0) return;
    this.#state = 'closed';
    this.#teardown();
  }
}
