import type { Logger } from 'pino';
import type { ProviderError } from '../../sidecar/core/errors.js';

/**
 * The speech-recognition port. One {@link AsrSession} per audio stream (one SIPREC stream, or one mixed
 * stream carrying both parties); the session turns audio into interim and final transcripts.
 *
 * Adapters (`deepgram.ts`, `sherpa-onnx.ts`) map a vendor's wire format to {@link AsrEvent}s and do
 * nothing else. Retries, resending audio and fallback are decorators implementing the same port
 * (`reconnecting.ts`, `fallback.ts`). Callers branch on {@link AsrCapabilities}, never on `name`.
 *
 * Times: every `*Ms` in an event is in ms **from the first audio sample written to this session**
 * (the session's audio timeline, counted from the bytes written, not wall-clock time). The stream
 * transcriber adds the stream's offset to get ms from call start.
 *
 * @example
 * const session = provider.open({ language: 'da', encoding: 'linear16', sampleRateHz: 16000, logger });
 * const reader = (async () => { for await (const ev of session) handle(ev); })();
 * pipeline.on('frame', (f) => session.write(f.samples));
 * // BYE: drain, so the words spoken just before hang-up are kept
 * await session.finish();   // resolves after the last final; the for-await loop then ends
 * await reader;
 */

/**
 * Audio encodings a session can take. `linear16` = PCM16 signed little-endian mono; `mulaw`/`alaw` =
 * G.711 bytes as carried in RTP (ITU-T G.711, RFC 3551 §4.5.14), 8 kHz.
 */
export type AsrEncoding = 'linear16' | 'mulaw' | 'alaw';

/** What a provider can do; decorators declare what they keep of their inner providers. */
export interface AsrCapabilities {
  /** Emits `interim` hypotheses before each final. */
  interim: boolean;
  /** Finals carry per-word start/end times. */
  wordTimings: boolean;
  /** Words carry a `speaker` index on mixed (two-party) audio. */
  diarization: boolean;
  /** BCP-47 language codes accepted in {@link AsrSessionOptions.language}, or `'any'`. */
  languages: readonly string[] | 'any';
  /** Encodings accepted by `write()`. */
  encodings: readonly AsrEncoding[];
  /** `finalize()` makes the provider emit the pending final at once (used after local end-of-speech). */
  finalize: boolean;
}

/** Options to open one session. */
export interface AsrSessionOptions {
  /** BCP-47 language code, e.g. `da`, `de`, `en`, `en-US`. */
  language: string;
  /** Encoding of the audio passed to `write()`. Default `linear16`. */
  encoding?: AsrEncoding;
  /** Sample rate of that audio in Hz: 16000 for linear16 from the media pipeline, 8000 for G.711. */
  sampleRateHz: number;
  /** Ask for speaker diarization (mixed streams). Ignored when the provider cannot diarize. */
  diarize?: boolean;
  /** Logger bound to the call and stream (`callId`, `streamLabel`). */
  logger: Logger;
  /** Cancels connecting and the session. */
  signal?: AbortSignal;
}

/** One recognised word. */
export interface AsrWord {
  /** The word as recognised (with punctuation when the provider formats). */
  text: string;
  /** Start and end in ms on the session's audio timeline. */
  startMs: number;
  endMs: number;
  /** 0–1; 1 when the provider gives no per-word confidence. */
  confidence: number;
  /** Speaker index from diarization (0, 1, …); absent without diarization. */
  speaker?: number;
}

/** The recognised text of one segment. */
export interface AsrTranscript {
  text: string;
  /** Words with times; empty when the provider has no word timings. */
  words: AsrWord[];
  /** Segment confidence 0–1. */
  confidence: number;
  /** Language of the text (the requested one unless the provider detected another). */
  language: string;
  /** Audio covered by this segment, in ms on the session timeline. */
  startMs: number;
  endMs: number;
}

/** A hypothesis that may still change; the next interim or final of the same segment replaces it. */
export interface AsrInterimEvent extends AsrTranscript {
  type: 'interim';
}

/** Text that will not change. A final's words never appear again in a later final. */
export interface AsrFinalEvent extends AsrTranscript {
  type: 'final';
  /** The provider saw the end of the utterance (a pause); several finals may make up one utterance. */
  endOfUtterance: boolean;
  /** This final was forced by `finalize()` or `finish()`. */
  fromFinalize: boolean;
}

/** The provider saw a gap after the last final word (Deepgram `UtteranceEnd`). */
export interface AsrUtteranceEndEvent {
  type: 'utterance-end';
  /** End of the last finalized word, session timeline. */
  lastWordEndMs: number;
}

/** The provider detected the start of speech. */
export interface AsrSpeechStartedEvent {
  type: 'speech-started';
  atMs: number;
}

/**
 * The provider failed. Emitted by adapters as the last event before the iterator ends; the
 * reconnecting decorator turns retryable ones into `degraded` + `recovered`.
 */
export interface AsrErrorEvent {
  type: 'error';
  error: ProviderError;
}

/** The session lost its provider (decorators only); `retrying` says whether it is trying again. */
export interface AsrDegradedEvent {
  type: 'degraded';
  error: ProviderError;
  retrying: boolean;
  /** Audio that could not be resent (the resend buffer overflowed), in ms. 0 normally. */
  lostAudioMs: number;
}

/** The session is back after a `degraded` event. */
export interface AsrRecoveredEvent {
  type: 'recovered';
  /** Reconnect attempts it took. */
  attempts: number;
  /** The provider serving the session now (differs from before after a fallback). */
  provider?: string;
}

/** Everything an {@link AsrSession} yields, discriminated on `type`. */
export type AsrEvent =
  | AsrInterimEvent
  | AsrFinalEvent
  | AsrUtteranceEndEvent
  | AsrSpeechStartedEvent
  | AsrErrorEvent
  | AsrDegradedEvent
  | AsrRecoveredEvent;

/** Options for {@link AsrSession.finish}. */
export interface AsrFinishOptions {
  /** Longest wait for the last final in ms; then the session is closed anyway. Default 5000. */
  timeoutMs?: number;
}

/**
 * One recognition session. It is an `AsyncIterable<AsrEvent>` with exactly one reader: the iterator ends
 * after `finish()` has delivered the last final, after `close()`, or after a terminal `error` event.
 *
 * - `write(audio)`: synchronous, never blocks and never throws for a provider problem (those arrive as
 *   events); throws `InvalidStateError` after `finish()`/`close()`, `TypeError` for the wrong audio type.
 * - `finalize()`: ask for the pending final now (local end-of-speech); a no-op without the capability.
 * - `finish()`: drain. Flushes the provider and resolves after the last final, or at the deadline.
 *   Idempotent: repeated calls return the same promise.
 * - `close(reason)`: cancel at once; pending words are dropped. Idempotent.
 */
export interface AsrSession extends AsyncIterable<AsrEvent> {
  /**
   * Audio in the session's encoding: `Int16Array` of PCM16 samples for `linear16` (e.g. one 20 ms
   * frame = 320 samples at 16 kHz), `Uint8Array` of G.711 bytes for `mulaw`/`alaw`.
   */
  write(audio: Int16Array | Uint8Array): void;
  finalize(): void;
  finish(options?: AsrFinishOptions): Promise<void>;
  close(reason?: string): void;
  /** ms of audio written so far (the session timeline's current end). */
  readonly writtenMs: number;
  /**
   * Resolves `true` once the provider accepted the session (socket open, stream created), `false` if
   * it failed first (the failure itself arrives as an `error` event). Never rejects.
   */
  readonly ready: Promise<boolean>;
}

/** A speech-recognition provider. */
export interface AsrProvider {
  /** Short name for logs and events, e.g. `deepgram`. */
  readonly name: string;
  readonly capabilities: AsrCapabilities;
  /**
   * Opens a session at once; connecting happens in the background and audio written meanwhile is
   * kept. Throws `TypeError` for an encoding/sample rate the provider does not take and
   * `ProviderError` (category `invalid_request`) for an unsupported language.
   */
  open(options: AsrSessionOptions): AsrSession;
  /** Releases shared resources (worker threads, models). Idempotent. */
  close?(): Promise<void>;
}

/** Bytes per ms of audio for an encoding and rate: linear16 = 2 bytes per sample, G.711 = 1. */
export function bytesPerMs(encoding: AsrEncoding, sampleRateHz: number): number {
  return ((encoding === 'linear16' ? 2 : 1) * sampleRateHz) / 1000;
}

/**
 * Checks `language` against a capability list: `en-US` is accepted where `en` is listed.
 * @returns true when supported.
 */
export function supportsLanguage(capabilities: AsrCapabilities, language: string): boolean {
  if (capabilities.languages === 'any') return true;
  const base = language.toLowerCase().split('-')[0];
  return capabilities.languages.some((l) => l.toLowerCase() === language.toLowerCase() || l.toLowerCase() === base);
}
