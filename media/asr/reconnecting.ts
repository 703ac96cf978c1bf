import type { AsrProvider, AsrSession, AsrSessionOptions } from './asr-provider.js';
import { ResilientSession, type ResilienceOptions } from './resilient-session.js';

/** Backoff and resend settings (config `asr.reconnect`); see {@link ResilienceOptions}. */
export type ReconnectOptions = Omit<ResilienceOptions, 'fallbackAfterAttempts'>;

/**
 * A decorator that keeps one logical session alive over provider reconnects (STYLE §4).
 *
 * - It keeps the audio written since the last final (bounded by `resendBufferMs`). When the inner
 *   session fails with a retryable {@link ProviderError}, it yields `degraded` (retrying), reopens the
 *   inner session with exponential backoff and jitter, resends that audio, and yields `recovered`.
 * - Times of the new inner session restart at 0 on its first resent sample; they are shifted onto this
 *   session's timeline, so times stay continuous.
 * - Dedupe by audio time: a word whose midpoint lies before the end of the last final already passed
 *   on is dropped, so resent audio never duplicates words; audio after that point is always resent,
 *   so no word is lost unless the buffer overflowed (then `degraded.lostAudioMs` says how much).
 * - A non-retryable error (bad key, rejected language, quota) ends the session with that `error`.
 */
export class ReconnectingAsrProvider implements AsrProvider {
  readonly name: string;
  readonly capabilities;

  constructor(readonly inner: AsrProvider, readonly options: ReconnectOptions = {}) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
  }

  open(opts: AsrSessionOptions): AsrSession {
    return new ResilientSession([this.inner], opts, this.options);
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
