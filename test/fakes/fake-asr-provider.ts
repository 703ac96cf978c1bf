import { InvalidStateError, type ProviderError } from '../../sidecar/core/errors.js';
import type {
  AsrCapabilities, AsrEvent, AsrFinishOptions, AsrProvider, AsrSession, AsrSessionOptions, AsrWord,
} from '../../media/asr/asr-provider.js';
import { EventQueue } from '../../media/asr/event-queue.js';

/**
 * A scripted in-process AsrProvider for calls/assist tests and the conformance suite.
 *
 * Recognition follows the audio content like the Deepgram test server: a run of PCM16 samples of
 * amplitude `k × 1000` is the word `vocabulary[k-1]` (negative = speaker 1), 0 is silence. It yields an
 * interim after each word, a final after `endpointingMs` of silence (`endOfUtterance`), and the pending
 * words on `finalize()`/`finish()`. Failures are injected per attempt (`failures`), and `opened`
 * counts sessions, so decorator tests can assert attempts.
 */
export interface FakeAsrOptions {
  vocabulary: string[];
  endpointingMs?: number;
  /** Fail session number `attempt` (0-based, in open order) once it has received `afterAudioMs`. */
  failures?: Array<{ attempt: number; afterAudioMs?: number; error: ProviderError }>;
  capabilities?: Partial<AsrCapabilities>;
  name?: string;
}

export class FakeAsrProvider implements AsrProvider {
  readonly name: string;
  readonly capabilities: AsrCapabilities;
  /** Sessions opened so far (attempt counter). */
  opened = 0;
  /** Audio ms each opened session received, by attempt. */
  readonly receivedMs: number[] = [];
  closed = false;

  constructor(readonly options: FakeAsrOptions) {
    this.name = options.name ?? 'fake';
    this.capabilities = {
      interim: true, wordTimings: true, diarization: true, languages: 'any', encodings: ['linear16'], finalize: true,
      ...options.capabilities,
    };
  }

  open(opts: AsrSessionOptions): AsrSession {
    if ((opts.encoding ?? 'linear16') !== 'linear16') throw new TypeError('fake: linear16 only');
    const attempt = this.opened++;
    this.receivedMs[attempt] = 0;
    const failure = this.options.failures?.find((f) => f.attempt === attempt);
    return new FakeSession(this, attempt, opts, failure);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeSession implements AsrSession {
  readonly #q = new EventQueue<AsrEvent>();
  readonly #p: FakeAsrProvider;
  readonly #attempt: number;
  readonly #rate: number;
  readonly #lang: string;
  readonly #failure?: { afterAudioMs?: number; error: ProviderError };
  #samples = 0;
  #segStart = 0;
  #pending: AsrWord[] = [];
  #cur: { k: number; speaker: number; start: number } | undefined;
  #silenceSince = 0;
  #state: 'open' | 'finishing' | 'failed' | 'closed' = 'open';
  #finishing: Promise<void> | undefined;
  readonly ready: Promise<boolean>;

  constructor(p: FakeAsrProvider, attempt: number, opts: AsrSessionOptions, failure?: { afterAudioMs?: number; error: ProviderError }) {
    this.#p = p;
    this.#attempt = attempt;
    this.#rate = opts.sampleRateHz;
    this.#lang = opts.language;
    this.#failure = failure;
    if (failure && !failure.afterAudioMs) {
      // Refused at once, like an HTTP error at the upgrade: nothing written is recognised.
      this.ready = Promise.resolve(false);
      this.#fail(failure.error);
    } else {
      this.ready = Promise.resolve(true);
    }
  }

  get writtenMs(): number {
    return (this.#samples * 1000) / this.#rate;
  }

  [Symbol.asyncIterator](): AsyncIterator<AsrEvent> {
    return this.#q[Symbol.asyncIterator]();
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.#rate);
  }

  write(audio: Int16Array | Uint8Array): void {
    if (this.#state === 'failed') return;
    if (this.#state !== 'open') throw new InvalidStateError('fake session: write after finish/close');
    if (!(audio instanceof Int16Array)) throw new TypeError('fake session: linear16 takes Int16Array');
    const endpointing = this.#p.options.endpointingMs ?? 300;
    for (const v of audio) {
      const k = Math.round(Math.abs(v) / 1000);
      const speaker = v < 0 ? 1 : 0;
      if (this.#cur && (k !== this.#cur.k || speaker !== this.#cur.speaker)) this.#closeWord();
      if (k > 0 && !this.#cur) this.#cur = { k, speaker, start: this.#samples };
      this.#samples++;
      if (!this.#cur && this.#pending.length && this.#ms(this.#samples - this.#silenceSince) >= endpointing) this.#final(true, false);
    }
    this.#p.receivedMs[this.#attempt] = this.writtenMs;
    const f = this.#failure;
    if (f?.afterAudioMs && this.writtenMs >= f.afterAudioMs) this.#fail(f.error);
  }

  #closeWord(): void {
    const c = this.#cur!;
    const text = this.#p.options.vocabulary[c.k - 1] ?? `w${c.k}`;
    this.#pending.push({ text, startMs: this.#ms(c.start), endMs: this.#ms(this.#samples), confidence: 0.9, speaker: c.speaker });
    this.#cur = undefined;
    this.#silenceSince = this.#samples;
    if (this.#p.capabilities.interim) this.#q.push({ type: 'interim', ...this.#transcript() });
  }

  #transcript() {
    const words = this.#pending.map((w) => ({ ...w }));
    return {
      text: words.map((w) => w.text).join(' '), words, confidence: words.length ? 0.9 : 0, language: this.#lang,
      startMs: this.#ms(this.#segStart), endMs: this.#ms(this.#samples),
    };
  }

  #final(endOfUtterance: boolean, fromFinalize: boolean): void {
    if (this.#cur) this.#closeWord();
    if (!this.#pending.length) return;
    this.#q.push({ type: 'final', ...this.#transcript(), endOfUtterance, fromFinalize });
    this.#pending = [];
    this.#segStart = this.#samples;
  }

  #fail(error: ProviderError): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#q.push({ type: 'error', error });
    this.#q.end();
  }

  finalize(): void {
    if (this.#state === 'open') this.#final(false, true);
  }

  finish(_o?: AsrFinishOptions): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = this.#q.ended;
    if (this.#state === 'open') {
      this.#state = 'finishing';
      // Like a cloud provider: the last final arrives asynchronously, after finish() returned.
      setImmediate(() => {
        this.#final(true, true);
        this.#state = 'closed';
        this.#q.end();
      });
    }
    return this.#finishing;
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#q.end();
  }
}
