import type { DeepgramClient } from '@deepgram/sdk';
import type { Logger } from 'pino';
import { InvalidStateError, type ProviderError } from '../../sidecar/core/errors.js';
import {
  bytesPerMs, type AsrEvent, type AsrFinishOptions, type AsrSession, type AsrSessionOptions, type AsrTranscript,
} from './asr-provider.js';
import { serverMessageSchema, secondsToMs, toProviderError, type DeepgramResults } from './deepgram-messages.js';
import { EventQueue } from './event-queue.js';

/** Connect arguments of the 5.x SDK (query parameters plus socket options). */
export type ConnectArgs = Parameters<DeepgramClient['listen']['v1']['connect']>[0];
type V1Socket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;
/** `failed`: the provider ended the session; writes are dropped (counted) so the caller never crashes. */
type State = 'connecting' | 'open' | 'finishing' | 'failed' | 'closed';

/**
 * One Deepgram live connection (`/v1/listen`) behind the AsrSession contract; created by
 * {@link ./deepgram.ts DeepgramProvider}. Vendor quirks are commented where they are handled.
 */
export class DeepgramSession implements AsrSession {
  readonly #queue = new EventQueue<AsrEvent>();
  readonly #log: Logger;
  readonly #language: string;
  readonly #encoding: string;
  readonly #bytesPerMs: number;
  #conn: V1Socket | undefined;
  #state: State = 'connecting';
  #wasOpen = false;
  #gotMetadata = false;
  #preOpen: Uint8Array[] = [];
  #writtenBytes = 0;
  #lastSendAt = Date.now();
  #keepAlive: NodeJS.Timeout | undefined;
  #finishTimer: NodeJS.Timeout | undefined;
  #finishing: Promise<void> | undefined;
  #readyResolve!: (ok: boolean) => void;
  readonly ready: Promise<boolean> = new Promise((r) => { this.#readyResolve = r; });
  /** Bytes written after the provider failed, dropped. */
  droppedBytes = 0;

  constructor(client: DeepgramClient, args: ConnectArgs,
    opts: AsrSessionOptions & { encoding: string }, keepAliveMs: number) {
    this.#log = opts.logger;
    this.#language = opts.language;
    this.#encoding = opts.encoding;
    this.#bytesPerMs = bytesPerMs(opts.encoding as 'linear16', opts.sampleRateHz);
    void this.#connect(client, args, keepAliveMs);
  }

  get writtenMs(): number {
    return this.#writtenBytes / this.#bytesPerMs;
  }

  [Symbol.asyncIterator](): AsyncIterator<AsrEvent> {
    return this.#queue[Symbol.asyncIterator]();
  }

  async #connect(client: DeepgramClient, args: ConnectArgs, keepAliveMs: number) {
    let conn: V1Socket;
    try {
      conn = await client.listen.v1.connect(args);
      // on() replaces the previous handler for an event: register each exactly once.
      conn.on('message', (m) => this.#onMessage(m));
      conn.on('close', (e) => this.#onClose(e.code, e.reason));
      conn.on('error', (err) => this.#log.debug({ err: err.message }, 'deepgram socket error'));
      this.#conn = conn;
      if (this.#state === 'closed') return conn.close();
      conn.connect();
      await conn.waitForOpen();
    } catch (err) {
      // A refused upgrade (401/400/402/429) arrives here; the SDK's preceding close(1000) was ignored.
      return this.#fail(toProviderError(err));
    }
    if (this.#isClosed()) return conn.close();
    this.#wasOpen = true;
    this.#readyResolve(true);
    for (const chunk of this.#preOpen) conn.sendMedia(chunk);
    this.#preOpen = [];
    this.#lastSendAt = Date.now();
    if (this.#state === 'finishing') {
      conn.sendCloseStream({ type: 'CloseStream' });
    } else {
      this.#state = 'open';
      this.#keepAlive = setInterval(() => this.#sendKeepAlive(keepAliveMs), Math.max(50, keepAliveMs / 4));
    }
  }

  #isClosed(): boolean {
    return this.#state === 'closed' || this.#state === 'failed';
  }

  #sendKeepAlive(intervalMs: number): void {
    if (this.#state !== 'open' || Date.now() - this.#lastSendAt < intervalMs) return;
    try {
      this.#conn?.sendKeepAlive({ type: 'KeepAlive' });
      this.#lastSendAt = Date.now();
    } catch { /* the close handler reports it */ }
  }

  write(audio: Int16Array | Uint8Array): void {
    if (this.#state === 'failed') {
      this.droppedBytes += audio.byteLength;
      return;
    }
    if (this.#state === 'closed' || this.#state === 'finishing') throw new InvalidStateError('deepgram session: write after finish/close');
    if (this.#encoding === 'linear16' ? !(audio instanceof Int16Array) : !(audio instanceof Uint8Array)) {
      throw new TypeError(`deepgram session: ${this.#encoding} takes ${this.#encoding === 'linear16' ? 'Int16Array' : 'Uint8Array'}`);
    }
    if (audio.byteLength === 0) return; // a zero-length binary frame means end-of-stream to Deepgram
    // linear16 is little-endian: Int16Array bytes are LE on every platform Node ships for.
    const bytes = new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
    this.#writtenBytes += bytes.byteLength;
    if (this.#state === 'connecting') {
      this.#preOpen.push(bytes.slice());
      return;
    }
    try {
      this.#conn?.sendMedia(bytes);
      this.#lastSendAt = Date.now();
    } catch { /* socket closing: the close handler reports it */ }
  }

  finalize(): void {
    if (this.#state !== 'open') return;
    try {
      this.#conn?.sendFinalize({ type: 'Finalize' });
    } catch { /* closing */ }
  }

  finish(options: AsrFinishOptions = {}): Promise<void> {
    if (this.#finishing) return this.#finishing;
    if (this.#isClosed()) return (this.#finishing = this.#queue.ended);
    const wasOpen = this.#state === 'open';
    this.#state = 'finishing';
    clearInterval(this.#keepAlive);
    // CloseStream: Deepgram processes the buffered audio, sends the last Results and Metadata, then
    // closes with 1000. Before open, #connect sends it once connected.
    if (wasOpen) {
      try {
        this.#conn?.sendCloseStream({ type: 'CloseStream' });
      } catch { /* closing */ }
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    this.#finishTimer = setTimeout(() => {
      this.#log.warn({ timeoutMs }, 'deepgram: no close after CloseStream within the deadline; closing');
      this.close('finish-timeout');
    }, timeoutMs);
    this.#finishing = this.#queue.ended;
    return this.#finishing;
  }

  close(reason = 'closed'): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'failed') {
      this.#state = 'closed';
      return;
    }
    this.#state = 'closed';
    this.#log.debug({ reason }, 'deepgram session closed');
    this.#teardown();
  }

  #teardown(): void {
    this.#readyResolve(false);
    clearInterval(this.#keepAlive);
    clearTimeout(this.#finishTimer);
    try {
      this.#conn?.close();
    } catch { /* already closed */ }
    this.#queue.end();
  }

  #fail(error: ProviderError): void {
    if (this.#isClosed()) return;
    this.#state = 'failed';
    this.#queue.push({ type: 'error', error });
    this.#teardown();
  }

  #onClose(code: number, reason: string): void {
    // The SDK reports a refused upgrade as close(1000) *before* the error: only an opened socket counts.
    if (!this.#wasOpen || this.#isClosed()) return;
    if (this.#state === 'finishing' && (code === 1000 || code === 1005 || this.#gotMetadata)) {
      // After CloseStream Deepgram sends Metadata and closes with 1000; ws may report a bare close as
      // 1005. Any other code while finishing (1011 …) means the last finals may be missing: a failure.
      this.#state = 'closed';
      this.#teardown();
      return;
    }
    this.#fail(toProviderError(undefined, code, reason));
  }

  #onMessage(raw: unknown): void {
    if (this.#isClosed()) return;
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.#log.debug({ type: (raw as { type?: unknown })?.type }, 'deepgram: unrecognised message ignored');
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'Results': {
        const t = this.#transcript(m);
        if (m.is_final) {
          this.#queue.push({ type: 'final', ...t, endOfUtterance: m.speech_final === true, fromFinalize: m.from_finalize === true });
        } else if (t.text) {
          this.#queue.push({ type: 'interim', ...t });
        }
        break;
      }
      case 'UtteranceEnd':
        this.#queue.push({ type: 'utterance-end', lastWordEndMs: secondsToMs(m.last_word_end) });
        break;
      case 'SpeechStarted':
        this.#queue.push({ type: 'speech-started', atMs: secondsToMs(m.timestamp) });
        break;
      case 'Metadata':
        this.#gotMetadata = true;
        this.#log.debug({ requestId: m.request_id, durationS: m.duration }, 'deepgram: session summary');
        break;
    }
  }

  #transcript(m: DeepgramResults): AsrTranscript {
    const alt = m.channel.alternatives[0];
    return {
      text: alt.transcript,
      words: alt.words.map((w) => ({
        text: w.punctuated_word ?? w.word,
        startMs: secondsToMs(w.start),
        endMs: secondsToMs(w.end),
        confidence: w.confidence,
        ...(w.speaker !== undefined ? { speaker: w.speaker } : {}),
      })),
      confidence: alt.confidence,
      language: alt.languages?.[0] ?? this.#language,
      startMs: secondsToMs(m.start),
      endMs: secondsToMs(m.start + m.duration),
    };
  }
}
