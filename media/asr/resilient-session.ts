import type { Logger } from 'pino';
import { InvalidStateError, ProviderError } from '../../sidecar/core/errors.js';
import {
  bytesPerMs, type AsrEvent, type AsrFinishOptions, type AsrProvider, type AsrSession, type AsrSessionOptions,
  type AsrTranscript, type AsrWord,
} from './asr-provider.js';
import { EventQueue } from './event-queue.js';

/** Backoff, resend and fallback settings (config `asr.reconnect`). */
export interface ResilienceOptions {
  /** First retry delay in ms. Default 250. */
  initialDelayMs?: number;
  /** Largest retry delay in ms. Default 10000. */
  maxDelayMs?: number;
  /** Delay growth per failed attempt. Default 2. */
  multiplier?: number;
  /** ± share of random spread on each delay, 0–1, so many streams don't reconnect in lockstep. Default 0.2. */
  jitter?: number;
  /** Attempts per outage before giving up (0 = keep trying while the stream lives). Default 0. */
  maxAttempts?: number;
  /** Audio kept since the last final, for resending after a reconnect, in ms. Default 30000. */
  resendBufferMs?: number;
  /** With a next provider: failed attempts on the current one before switching. Default 2. */
  fallbackAfterAttempts?: number;
  /** Random source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

interface Chunk { startMs: number; durationMs: number; audio: Int16Array | Uint8Array }
type State = 'live' | 'waiting' | 'finishing' | 'closed';

/**
 * The session behind {@link ReconnectingAsrProvider} and {@link ../fallback.ts FallbackAsrProvider}: one
 * logical session over a sequence of inner sessions. See ReconnectingAsrProvider for the resend and
 * dedupe rules. With more than one provider, a failure that retrying cannot fix (or that persists for
 * `fallbackAfterAttempts` attempts) moves the session to the next provider, with the same resend.
 */
export class ResilientSession implements AsrSession {
  readonly #queue = new EventQueue<AsrEvent>();
  readonly #providers: readonly AsrProvider[];
  #index = 0;
  readonly #opts: AsrSessionOptions;
  readonly #cfg: Required<Omit<ResilienceOptions, 'random'>> & { random: () => number };
  readonly #log: Logger;
  readonly #bytesPerMs: number;
  #inner: AsrSession;
  /** Session time of the inner session's first sample. */
  #innerBaseMs = 0;
  #buffer: Chunk[] = [];
  #bufferedMs = 0;
  #writtenMs = 0;
  /** Session time up to which finals were passed on. */
  #finalizedToMs = 0;
  #state: State = 'live';
  #attempts = 0;
  /** A degraded event was sent for the current outage. */
  #outage = false;
  #lostMs = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #finishOpts: AsrFinishOptions | undefined;
  #finishTimer: NodeJS.Timeout | undefined;
  #finishing: Promise<void> | undefined;
  readonly ready: Promise<boolean>;

  constructor(providers: readonly AsrProvider[], opts: AsrSessionOptions, cfg: ResilienceOptions) {
    if (providers.length === 0) throw new TypeError('asr session: no provider');
    this.#providers = providers;
    this.#opts = opts;
    this.#log = opts.logger;
    this.#cfg = {
      initialDelayMs: cfg.initialDelayMs ?? 250, maxDelayMs: cfg.maxDelayMs ?? 10_000, multiplier: cfg.multiplier ?? 2,
      jitter: cfg.jitter ?? 0.2, maxAttempts: cfg.maxAttempts ?? 0, resendBufferMs: cfg.resendBufferMs ?? 30_000,
      fallbackAfterAttempts: cfg.fallbackAfterAttempts ?? 2, random: cfg.random ?? Math.random,
    };
    this.#bytesPerMs = bytesPerMs(opts.encoding ?? 'linear16', opts.sampleRateHz);
    this.#inner = providers[0].open(opts);
    this.ready = this.#inner.ready;
    void this.#pump(this.#inner);
  }

  get #provider(): AsrProvider {
    return this.#providers[this.#index];
  }

  get writtenMs(): number {
    return this.#writtenMs;
  }

  [Symbol.asyncIterator](): AsyncIterator<AsrEvent> {
    return this.#queue[Symbol.asyncIterator]();
  }

  write(audio: Int16Array | Uint8Array): void {
    if (this.#state === 'closed' || this.#state === 'finishing') throw new InvalidStateError('asr session: write after finish/close');
    if ((this.#opts.encoding ?? 'linear16') === 'linear16' ? !(audio instanceof Int16Array) : !(audio instanceof Uint8Array)) {
      throw new TypeError('asr session: linear16 takes Int16Array, G.711 takes Uint8Array');
    }
    const durationMs = audio.byteLength / this.#bytesPerMs;
    // Keep a copy: the caller may reuse its buffer, and this audio may be resent.
    this.#buffer.push({ startMs: this.#writtenMs, durationMs, audio: audio.slice() });
    this.#bufferedMs += durationMs;
    this.#writtenMs += durationMs;
    while (this.#bufferedMs > this.#cfg.resendBufferMs && this.#buffer.length > 1) {
      this.#bufferedMs -= this.#buffer.shift()!.durationMs;
    }
    if (this.#state === 'live') this.#inner.write(audio);
  }

  finalize(): void {
    if (this.#state === 'live') this.#inner.finalize();
  }

  finish(options: AsrFinishOptions = {}): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = this.#queue.ended;
    if (this.#state === 'closed') return this.#finishing;
    const wasLive = this.#state === 'live';
    this.#state = 'finishing';
    this.#finishOpts = options;
    const timeoutMs = options.timeoutMs ?? 5000;
    this.#finishTimer = setTimeout(() => this.close('finish-timeout'), timeoutMs + 50);
    if (wasLive) void this.#inner.finish(options);
    // While waiting for a reconnect, #reopen finishes the new inner session after resending.
    return this.#finishing;
  }

  close(reason = 'closed'): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#finishTimer);
    this.#inner.close(reason);
    this.#queue.end();
  }

  async #pump(inner: AsrSession): Promise<void> {
    let failure: ProviderError | undefined;
    for await (const ev of inner) {
      if (inner !== this.#inner || this.#state === 'closed') break;
      if (ev.type === 'error') {
        failure = ev.error;
        break;
      }
      if (this.#attempts > 0 && ev.type !== 'degraded') this.#recovered();
      const mapped = this.#map(ev);
      if (mapped) this.#queue.push(mapped);
    }
    if (inner !== this.#inner || this.#state === 'closed') return;
    if (this.#state === 'finishing' && !failure) {
      clearTimeout(this.#finishTimer);
      this.#queue.end();
      return;
    }
    failure ??= new ProviderError(this.#provider.name, 'connectivity', `${this.#provider.name}: session ended unexpectedly`);
    this.#onFailure(failure);
  }

  /** Audio after the last final that is no longer in the buffer (lost if resent now), in ms. */
  #gapMs(): number {
    return Math.max(0, (this.#buffer[0]?.startMs ?? this.#writtenMs) - this.#finalizedToMs);
  }

  #onFailure(error: ProviderError): void {
    this.#lostMs = this.#gapMs();
    const next = this.#providers[this.#index + 1];
    if (next && (!error.retryable || this.#attempts >= this.#cfg.fallbackAfterAttempts)) {
      this.#log.warn({ category: error.category, status: error.status, provider: error.provider, next: next.name },
        `${error.message}; switching to ${next.name}`);
      this.#degraded(error);
      this.#index++;
      this.#attempts++;
      this.#schedule(0);
      return;
    }
    const giveUp = !error.retryable || (this.#cfg.maxAttempts > 0 && this.#attempts >= this.#cfg.maxAttempts);
    if (giveUp) {
      this.#queue.push(error.retryable ? { type: 'degraded', error, retrying: false, lostAudioMs: this.#lostMs } : { type: 'error', error });
      if (error.retryable) this.#queue.push({ type: 'error', error });
      this.close('provider-failed');
      return;
    }
    if (!this.#outage) this.#log.warn({ category: error.category, status: error.status, provider: error.provider }, `${error.message}; reconnecting`);
    this.#degraded(error);
    const base = Math.min(this.#cfg.maxDelayMs, this.#cfg.initialDelayMs * this.#cfg.multiplier ** this.#attempts);
    this.#attempts++;
    this.#schedule(base * (1 + this.#cfg.jitter * (2 * this.#cfg.random() - 1)));
  }

  /** One `degraded` (retrying) event per outage. */
  #degraded(error: ProviderError): void {
    if (this.#outage) return;
    this.#outage = true;
    this.#queue.push({ type: 'degraded', error, retrying: true, lostAudioMs: this.#lostMs });
  }

  #schedule(delayMs: number): void {
    if (this.#state === 'live') this.#state = 'waiting';
    this.#retryTimer = setTimeout(() => this.#reopen(), delayMs);
  }

  #reopen(): void {
    if (this.#state === 'closed') return;
    let inner: AsrSession;
    try {
      inner = this.#provider.open(this.#opts);
    } catch (err) {
      // e.g. the next provider has no model for this language
      this.#onFailure(err instanceof ProviderError ? err
        : new ProviderError(this.#provider.name, 'invalid_request', `${this.#provider.name}: ${(err as Error).message}`));
      return;
    }
    this.#inner = inner;
    this.#lostMs = this.#gapMs();
    if (this.#lostMs > 0) this.#log.warn({ lostAudioMs: this.#lostMs }, 'asr resend buffer overflowed; audio before it is not re-recognised');
    this.#innerBaseMs = this.#buffer[0]?.startMs ?? this.#writtenMs;
    for (const c of this.#buffer) inner.write(c.audio);
    if (this.#state === 'finishing') void inner.finish(this.#finishOpts);
    else this.#state = 'live';
    void inner.ready.then((ok) => { if (ok && inner === this.#inner) this.#recovered(); });
    void this.#pump(inner);
  }

  #recovered(): void {
    if (this.#attempts === 0) return;
    this.#queue.push({ type: 'recovered', attempts: this.#attempts, provider: this.#provider.name });
    this.#log.info({ attempts: this.#attempts, lostAudioMs: this.#lostMs, provider: this.#provider.name }, 'asr session recovered');
    this.#attempts = 0;
    this.#outage = false;
    this.#lostMs = 0;
  }

  /** Shifts inner times onto this session's timeline and drops words already finalized. */
  #map(ev: AsrEvent): AsrEvent | undefined {
    const base = this.#innerBaseMs;
    switch (ev.type) {
      case 'interim':
      case 'final': {
        const t = this.#shift(ev, base);
        if (ev.type === 'interim') return t.text ? { ...ev, ...t } : undefined;
        if (t.endMs > this.#finalizedToMs) this.#finalizedToMs = t.endMs;
        this.#trimBuffer();
        if (ev.words.length > 0 && t.words.length === 0) return undefined; // all words already delivered
        return { ...ev, ...t };
      }
      case 'utterance-end':
        return { ...ev, lastWordEndMs: ev.lastWordEndMs + base };
      case 'speech-started':
        return { ...ev, atMs: ev.atMs + base };
      default:
        return ev;
    }
  }

  #shift(t: AsrTranscript, base: number): AsrTranscript {
    const words: AsrWord[] = [];
    let dropped = 0;
    for (const w of t.words) {
      const s = { ...w, startMs: w.startMs + base, endMs: w.endMs + base };
      if ((s.startMs + s.endMs) / 2 < this.#finalizedToMs) dropped++;
      else words.push(s);
    }
    const text = dropped ? words.map((w) => w.text).join(' ') : t.text;
    return {
      text, words, confidence: t.confidence, language: t.language,
      startMs: Math.max(t.startMs + base, dropped ? this.#finalizedToMs : 0), endMs: t.endMs + base,
    };
  }

  /** Drops buffered audio that lies wholly before the last final. */
  #trimBuffer(): void {
    while (this.#buffer.length && this.#buffer[0].startMs + this.#buffer[0].durationMs <= this.#finalizedToMs) {
      this.#bufferedMs -= this.#buffer.shift()!.durationMs;
    }
  }
}
