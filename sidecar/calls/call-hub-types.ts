import type { PcmFrame } from '../../media/stream-pipeline-types.js';
import { ModsvarError } from '../core/errors.js';
import type { AsrCallOverride } from '../../media/asr/create-asr.js';
import type { Participant, Role } from '../sip/siprec-types.js';
import type { Call } from './call.js';
import type { ComponentHealth } from './call-events.js';
import type { Transcript, Utterance } from './transcript.js';

/**
 * The public interface of {@link ../calls/call-hub.ts CallHub}: the one entry point every media ingress
 * uses from PCM (or text) on. SIPREC (`RecordingSession` frames), a replayed recording and a
 * transcript-only replay all start a call here and get the same pipeline behind it: ASR per stream →
 * the call's two-party {@link Transcript} → objection tracker (customer speech only) → retrieval → cards
 * → ledger → the {@link ../calls/call-registry.ts CallRegistry} the API and UI read.
 *
 * @example
 * // transcript-only replay
 * const call = hub.startCall({
 *   callId: 'demo-1', source: 'transcript', language: 'da',
 *   participants: [{ id: 'a', aor: 'sip:1001@pbx.example.com', role: 'agent' },
 *                  { id: 'c', aor: 'sip:+4520123456@example.com', role: 'customer' }],
 *   streams: [{ label: '1', role: 'agent', participantId: 'a' }, { label: '2', role: 'customer', participantId: 'c' }],
 * });
 * call.addTranscriptTurn({ role: 'customer', text: 'Det er for dyrt', startMs: 4200, endMs: 5600 });
 * await call.end('replay-finished');   // drains, closes the ledger, ends the call
 *
 * // audio replay (PCM16 mono 16 kHz, 20 ms frames) or any other PCM ingress
 * call.writeFrame('2', { samples, startMs: 0, concealed: false });
 */

/** Where a call's media comes from. Only logs, metrics and the API's call list tell them apart. */
export type CallSource = 'siprec' | 'replay' | 'transcript';

/** One audio stream of a call: one party's voice (or both, `mixed`). */
export interface CallStreamSpec {
  /** Stream label (SIPREC `a=label`, RFC 4574; any unique string for other ingresses). */
  label: string;
  /** Who speaks on it; only `customer` speech raises objections. */
  role: Role;
  /** The participant speaking on it (an id from `participants`), when known. */
  participantId?: string;
  /** BCP-47 language of this stream, when it differs from the call's. */
  language?: string;
}

/** Options of {@link CallHubLike.startCall}. */
export interface StartCallOptions {
  /** The PBX call ID the UI shows (SIPREC: sipSessionID / PBX Call-ID). Unique among live calls. */
  callId: string;
  /** Participants with their decided roles. The customer's AoR (user part) is the CRM lookup key. */
  participants: Participant[];
  /** The call's streams, known at start; SIPREC may add and remove streams later ({@link CallHandle.addStream}). */
  streams: CallStreamSpec[];
  source: CallSource;
  /** Call language (BCP-47, e.g. `da`); default `asr.defaultLanguage`. */
  language?: string;
  /** Per-call ASR choice (provider, language); `provider: 'none'` = no transcription for this call. */
  asr?: AsrCallOverride;
  /** Direction of the recorded call, when known (mixed-stream diarization picks the first speaker from it). */
  callDirection?: 'inbound' | 'outbound';
  /**
   * The Call object, when the ingress already owns one (a SIPREC RecordingSession owns its Call and ends
   * it at BYE). Without it the hub creates the Call and ends it in {@link CallHandle.end}.
   */
  call?: Call;
  /** Call start, epoch ms; default now (ignored when `call` is given). Transcript times are ms from it. */
  startedAtMs?: number;
}

/** One spoken turn for a transcript-only ingress; it becomes a final utterance exactly as an ASR final does. */
export interface TranscriptTurn {
  role: 'agent' | 'customer';
  text: string;
  /** Speech span, ms from call start. */
  startMs: number;
  endMs: number;
  /** BCP-47; default the stream's or the call's language. */
  language?: string;
  /** Stream to attribute the turn to; default the first stream with that role (or the role name). */
  streamLabel?: string;
  /** Default the stream's participant. */
  participantId?: string;
  /** 0–1; default 1. */
  confidence?: number;
}

/** Why a call ended; SIPREC passes the recording session's close reason (`bye`, `shutdown`, …). */
export type CallEndReason = string;

/**
 * One live call in the hub. Owned by the hub; the ingress drives it. Every method is safe after the
 * call ended: frames and turns are counted in `droppedAfterEnd` and dropped, never thrown.
 */
export interface CallHandle {
  readonly callId: string;
  readonly source: CallSource;
  readonly call: Call;
  readonly transcript: Transcript;
  /** The call's language (BCP-47). */
  readonly language: string;
  /** Frames and turns received after `end()` started. */
  readonly droppedAfterEnd: number;
  /**
   * Hands one 20 ms PCM frame of stream `label` to its ASR session (opened at the stream's first frame).
   * Synchronous (the media hot path). PCM16 mono 16 kHz, 320 samples; `startMs` on the stream's timeline.
   * An unknown label is logged once and dropped. No ASR configured: dropped (the call still shows).
   */
  writeFrame(label: string, frame: PcmFrame): void;
  /**
   * Adds a final utterance from text (transcript-only ingress), emitting the same transcript `final`
   * event an ASR final would; returns it (undefined for empty text or after end).
   */
  addTranscriptTurn(turn: TranscriptTurn): Utterance | undefined;
  /** Adds a stream or updates its role/participant (a re-INVITE, a late-bound participant). */
  addStream(spec: CallStreamSpec): void;
  /** Removes a stream: its ASR session drains (its last final still lands). */
  removeStream(label: string): void;
  /** Replaces the participant list (transfer, metadata update); ignored when the ingress owns the Call. */
  setParticipants(participants: Participant[]): void;
  /** Publishes a component's health for this call (e.g. `media` with per-stream RTP counters, from the ingress). */
  reportHealth(health: ComponentHealth): void;
  /** Whole call held / resumed. For a hub-owned Call this sets the Call's state; SIPREC sessions set it themselves. */
  setHold(held: boolean): void;
  /**
   * The drain step (a RecordingSession's `beforeClose`): every stream's ASR `finish()` (last finals land
   * and are scored), pending cards settle, then the ledger marks open objections unanswered. Idempotent.
   */
  drain(): Promise<void>;
  /** Drains, then ends the call (hub-owned Call) with `reason`. Idempotent: returns the same promise. */
  end(reason: CallEndReason): Promise<void>;
}

/** Events of the hub (emitted with safeEmit). */
export type CallHubEvents = {
  'call-started': [CallHandle];
  'call-ended': [{ callId: string; source: CallSource; reason: CallEndReason }];
};

/** What an ingress needs of the hub. */
export interface CallHubLike {
  /**
   * Starts a call and returns its handle.
   *
   * A call ID that belongs to a recent (ended) call still held by the registry is never merged into it:
   * - `source: 'siprec'`: the PBX chooses the IDs (some recycle them), so the ended call's record is
   *   dropped (it leaves the recent calls) and the new call starts fresh; a warning is logged.
   * - `replay` / `transcript`: the sender chose the ID, so it is refused ({@link CallIdUsedError}) and
   *   the ended call stays as it was.
   * @throws TypeError when `callId` is empty or a stream label repeats.
   * @throws InvalidStateError (code `INVALID_STATE`) when a live call already has this ID, or after the hub closed.
   * @throws CallIdUsedError (code `CALL_ID_USED`) for a replay or transcript call whose ID a recent call used.
   */
  startCall(options: StartCallOptions): CallHandle;
  /** The live call with this ID. */
  get(callId: string): CallHandle | undefined;
  /** Live calls. */
  readonly size: number;
}

/**
 * A replay or transcript call was started with the ID of a recent (ended) call that the registry still
 * holds; `code` `CALL_ID_USED`. Choose another ID (the recent call keeps its transcript and cards).
 */
export class CallIdUsedError extends ModsvarError {
  readonly callId: string;
  /** When the earlier call ended, epoch ms (undefined if not known). */
  readonly endedAtMs?: number;
  constructor(callId: string, endedAtMs: number | undefined) {
    super('CALL_ID_USED', `call ID ${callId} was used by a call that ended${endedAtMs !== undefined ? ` at ${formatUtc(endedAtMs)}` : ''} (still in the recent calls)`);
    this.callId = callId;
    this.endedAtMs = endedAtMs;
  }
}

/** `2026-11-30 19:40:12 UTC`. */
function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
