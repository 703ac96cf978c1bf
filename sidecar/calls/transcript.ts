import type { Logger } from 'pino';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import type { Role } from '../sip/siprec-types.js';
import type { TranscriptSegment } from './call-events.js';

/** A recognised word on the call's timeline. */
export interface TranscriptWord {
  text: string;
  /** ms from call start. */
  startMs: number;
  endMs: number;
  /** 0–1. */
  confidence: number;
}

/**
 * An utterance: what one party said in one turn, on one stream. While `final` is false it is the
 * stream's open utterance and each interim hypothesis replaces its text; once final it never changes.
 */
export interface Utterance {
  /** Stable id shared by the interims and the final of one utterance, e.g. `1-3` (stream label, count). */
  id: string;
  streamLabel: string;
  /** RFC 7865 participant id of the speaker, when known. */
  participantId?: string;
  role: Role;
  /** True when the role was inferred (diarized mixed stream) rather than decided by the role rules. */
  roleGuessed: boolean;
  text: string;
  words: TranscriptWord[];
  /** Speech span, ms from call start. */
  startMs: number;
  endMs: number;
  /** 0–1. */
  confidence: number;
  /** BCP-47 language of the text. */
  language: string;
  final: boolean;
  /**
   * For finals: delay from the end of the utterance's audio (when its last sample was handed to the ASR)
   * to the arrival of the final, in ms. Exported as the `asr` latency stage.
   */
  asrDelayMs?: number;
}

/** What a stream transcriber hands to {@link Transcript.update}. `id` is assigned by the transcript. */
export type UtteranceUpdate = Omit<Utterance, 'id' | 'final' | 'asrDelayMs'> & {
  /** Several utterances can be open on one stream at once (mixed streams, one per speaker). */
  speakerKey?: string;
};

/** Events of a {@link Transcript}. */
export type TranscriptEvents = {
  /** The open utterance of a stream changed (an interim hypothesis). */
  interim: [Utterance];
  /** An utterance became final; it is in `utterances` from now on. */
  final: [Utterance];
};

/**
 * The call's ordered, two-party transcript. Stream transcribers feed it; the detector and the API read it.
 * Finals are kept ordered by start time (ties: end time, then arrival), whichever stream they came
 * from, so the agent's and the customer's turns interleave as spoken even when one stream's final
 * arrives later than the other's. Emits with safeEmit.
 */
export class Transcript extends EnhancedEmitter<TranscriptEvents> {
  readonly #finals: Utterance[] = [];
  readonly #open = new Map<string, Utterance>();
  readonly #counters = new Map<string, number>();

  constructor(logger?: Logger) {
    super(logger);
  }

  /** Final utterances in spoken order (a copy). */
  get utterances(): Utterance[] {
    return [...this.#finals];
  }

  /** The open (interim) utterances, at most one per stream and speaker. */
  get open(): Utterance[] {
    return [...this.#open.values()];
  }

  /** Replaces the text of the stream's open utterance (creating it); emits `interim`. */
  interim(update: UtteranceUpdate): Utterance {
    const u = { ...this.#openFor(update), ...strip(update), final: false };
    this.#open.set(openKey(update), u);
    this.safeEmit('interim', u);
    return u;
  }

  /**
   * Closes the stream's open utterance with its final text (or adds a new final), inserts it in spoken
   * order and emits `final`. Empty texts are not kept. Returns the utterance, or undefined when empty.
   */
  final(update: UtteranceUpdate, asrDelayMs?: number): Utterance | undefined {
    const key = openKey(update);
    const open = this.#openFor(update);
    this.#open.delete(key);
    if (!update.text.trim()) return undefined;
    const u: Utterance = { ...open, ...strip(update), final: true, ...(asrDelayMs !== undefined ? { asrDelayMs } : {}) };
    let i = this.#finals.length;
    while (i > 0 && later(this.#finals[i - 1], u)) i--;
    this.#finals.splice(i, 0, u);
    this.safeEmit('final', u);
    return u;
  }

  /** Drops a stream's open utterance without a final (stream closed while a hypothesis was open). */
  discardOpen(streamLabel: string): void {
    for (const [k, u] of this.#open) if (u.streamLabel === streamLabel) this.#open.delete(k);
  }

  /** The transcript as text lines `[mm:ss] role: text`, for logs of tests and `modsvar` tools. */
  toText(): string {
    return this.#finals.map((u) => `[${clock(u.startMs)}] ${u.role}${u.roleGuessed ? '?' : ''}: ${u.text}`).join('\n');
  }

  #openFor(update: UtteranceUpdate): Utterance {
    const existing = this.#open.get(openKey(update));
    if (existing) return existing;
    const n = (this.#counters.get(update.streamLabel) ?? 0) + 1;
    this.#counters.set(update.streamLabel, n);
    return { ...strip(update), id: `${update.streamLabel}-${n}`, final: false };
  }
}

/** The API's segment shape (call-events.ts) for an utterance. */
export function toSegment(u: Utterance): TranscriptSegment {
  return {
    utteranceId: u.id, streamLabel: u.streamLabel, role: u.role, text: u.text, startMs: u.startMs, endMs: u.endMs,
    confidence: u.confidence, language: u.language, ...(u.roleGuessed ? { roleGuessed: true } : {}),
  };
}

function strip(update: UtteranceUpdate): Omit<UtteranceUpdate, 'speakerKey'> {
  const { speakerKey: _k, ...rest } = update;
  return rest;
}

function openKey(u: UtteranceUpdate): string {
  return `${u.streamLabel}\u0000${u.speakerKey ?? ''}`;
}

function later(a: Utterance, b: Utterance): boolean {
  return a.startMs > b.startMs || (a.startMs === b.startMs && a.endMs > b.endMs);
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
