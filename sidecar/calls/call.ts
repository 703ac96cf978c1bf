import type { Logger } from 'pino';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import type { Participant } from '../sip/siprec-types.js';

/** State of a recorded call: `held` while every stream is on hold, `ended` after the recording session closed. */
export type CallState = 'active' | 'held' | 'ended';

/** Events of a {@link Call} (emitted with safeEmit). */
export type CallEvents = {
  /** The state changed (`active` ⇄ `held`, then `ended` once). */
  state: [{ state: CallState; previous: CallState; atMs: number }];
  /** The participant list changed (join, leave, transfer, role override); the full new list. */
  participants: [Participant[]];
  /** The call ended (emitted once, after the last `state`); `reason` is the recording session's close reason. */
  ended: [{ reason: string; durationMs: number }];
};

/** Options of a {@link Call}. */
export interface CallOptions {
  /** The recorded call's own ID (PBX Call-ID or sipSessionID), the UI's call ID. */
  callId: string;
  participants: Participant[];
  /** Start time in ms since the epoch; default now. */
  startedAtMs?: number;
  logger?: Logger;
}

/**
 * One recorded call (the communication session being recorded, RFC 7865 §6.2), owned by its
 * RecordingSession: who takes part and in which role, and whether it is active, held or ended.
 * Transcripts and cards attach to it later. After `end()` every mutator throws InvalidStateError.
 */
export class Call extends EnhancedEmitter<CallEvents> {
  readonly callId: string;
  /** Start time in ms since the epoch. Utterance times are in ms from this instant. */
  readonly startedAtMs: number;
  #participants: Participant[];
  #state: CallState = 'active';
  #endedAtMs?: number;

  constructor(options: CallOptions) {
    super(options.logger);
    this.callId = options.callId;
    this.startedAtMs = options.startedAtMs ?? Date.now();
    this.#participants = [...options.participants];
  }

  get state(): CallState {
    return this.#state;
  }

  /** Participants with their roles (a copy). */
  get participants(): Participant[] {
    return [...this.#participants];
  }

  /** Duration in ms so far, or until the end. */
  get durationMs(): number {
    return (this.#endedAtMs ?? Date.now()) - this.startedAtMs;
  }

  /**
   * Replaces the participant list (a transfer or an rs-metadata update); emits `participants`.
   * @throws InvalidStateError after the call ended.
   */
  setParticipants(participants: Participant[]): void {
    this.#assertOpen('setParticipants');
    this.#participants = [...participants];
    this.safeEmit('participants', this.participants);
  }

  /**
   * Marks the call held (every stream paused) or active again; emits `state` on a change.
   * @throws InvalidStateError after the call ended.
   */
  setHeld(held: boolean): void {
    this.#assertOpen('setHeld');
    this.#setState(held ? 'held' : 'active');
  }

  /** Ends the call (idempotent): emits `state` (→ ended) and `ended` once. */
  end(reason: string): void {
    if (this.#state === 'ended') return;
    this.#endedAtMs = Date.now();
    this.#setState('ended');
    this.safeEmit('ended', { reason, durationMs: this.durationMs });
  }

  #setState(state: CallState): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.safeEmit('state', { state, previous, atMs: Date.now() - this.startedAtMs });
  }

  #assertOpen(method: string): void {
    if (this.#state === 'ended') throw new InvalidStateError(`Call.${method}: call ${this.callId} has ended`);
  }
}
