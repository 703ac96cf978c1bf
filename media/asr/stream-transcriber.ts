import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { EnhancedEmitter } from '../../sidecar/core/enhanced-emitter.js';
import type { ProviderErrorCategory } from '../../sidecar/core/errors.js';
import type { Transcript, UtteranceUpdate } from '../../sidecar/calls/transcript.js';
import type { Role } from '../../sidecar/sip/siprec-types.js';
import type { PcmFrame } from '../stream-pipeline-types.js';
import { OUTPUT_SAMPLE_RATE_HZ } from '../stream-pipeline-types.js';
import { frameG711 } from '../codecs/g711-encode.js';
import type { AsrEncoding, AsrEvent, AsrProvider, AsrSession } from './asr-provider.js';
import { SessionTimeline } from './session-timeline.js';
import { TurnAssembler, type AssembledTurn } from './turn-assembler.js';
import { SpeechEndDetector, type VadEvent, type VadOptions } from './vad.js';
import type { VadPool, VadStream } from './vad-pool.js';

/** Options of a {@link StreamTranscriber}. */
export interface StreamTranscriberOptions {
  provider: AsrProvider;
  /** BCP-47 language of the call (or this stream). */
  language: string;
  /** Where utterances go: the call's transcript. */
  transcript: Transcript;
  streamLabel: string;
  participantId?: string;
  /** The stream's role; `mixed` = one stream carries both parties (diarized where the provider can). */
  role: Role;
  /** `linear16` (default): 16 kHz PCM; `mulaw`/`alaw`: the frames' G.711 at 8 kHz (see frameG711). Times are the same. */
  encoding?: AsrEncoding;
  /** Stream time 0 on the call's timeline, ms from call start. */
  streamOffsetMs: number;
  /** Mixed streams: role of diarization speaker 0, 1, … (per-call override). Default from `firstSpeaker`. */
  speakerRoles?: Record<number, 'agent' | 'customer'>;
  /** Mixed streams: role of the first speaker heard, when `speakerRoles` does not say. Default `agent`. */
  firstSpeaker?: 'agent' | 'customer';
  /** Local end-of-speech detection, which finalizes early; false = off. */
  vad?: VadOptions | false;
  /** Runs that VAD in worker threads (production); without it the VAD runs on this thread. */
  vadPool?: VadPool;
  /** Longest wait for the last final at finish(), ms. Default 3000. */
  finishTimeoutMs?: number;
  logger: Logger;
}

/** A component-level health change, for the call's `degraded`/`recovered` event. */
export interface AsrHealthEvent {
  component: 'asr';
  streamLabel: string;
  provider: string;
  category?: ProviderErrorCategory;
  retrying: boolean;
  /** Human sentence; never secrets, never transcript text. */
  detail: string;
}

/** Events of a {@link StreamTranscriber}. */
export type StreamTranscriberEvents = {
  degraded: [AsrHealthEvent];
  recovered: [AsrHealthEvent];
  /** The session ended (after finish, close or a terminal failure); emitted once. */
  close: [{ reason: string }];
};

/**
 * Binds one stream's 16 kHz PCM frames to an {@link AsrSession} and its events to the call's
 * {@link Transcript}: maps session times to call times (holds make the stream's time jump), joins a
 * provider's final pieces into one utterance until the end of the turn (Deepgram `speech_final`,
 * `UtteranceEnd`, a forced finalize), splits diarized mixed streams into per-speaker utterances with
 * guessed roles, measures each final's delay, and runs the VAD that finalizes early.
 *
 * Owner: the StreamPipeline's owner. `write()` is synchronous (the RTP hot path); `finish()` drains
 * (words before a BYE survive); `close()` cancels. Both are idempotent. Provider failures are
 * `degraded` events; the call goes on.
 */
export class StreamTranscriber extends EnhancedEmitter<StreamTranscriberEvents> {
  readonly #o: StreamTranscriberOptions;
  readonly #log: Logger;
  readonly #session: AsrSession;
  readonly #timeline = new SessionTimeline();
  #mixed: boolean;
  /** The stream's role and participant now (a transfer's re-INVITE may rebind the stream; see setRole). */
  #role: Role;
  #participantId: string | undefined;
  #vad: SpeechEndDetector | undefined;
  #vadStream: VadStream | undefined;
  readonly #turns: TurnAssembler;
  #speakerRoles = new Map<number, 'agent' | 'customer'>();
  #state: 'open' | 'finishing' | 'closed' = 'open';
  #reader: Promise<void>;
  #finishing: Promise<void> | undefined;
  #closeReason = 'finished';
  readonly #g711: 'PCMU' | 'PCMA' | undefined;
  /** Frames written after finish/close or after the provider failed, dropped. */
  droppedFrames = 0;
  /** Frames whose audio had to be re-encoded for a G.711 session (no payload, or the other codec). */
  reencodedFrames = 0;

  constructor(options: StreamTranscriberOptions) {
    super(options.logger);
    this.#o = options;
    this.#log = options.logger;
    this.#mixed = options.role === 'mixed';
    this.#role = options.role;
    this.#participantId = options.participantId;
    this.#turns = new TurnAssembler({
      interim: (turn) => this.#o.transcript.interim(this.#update(turn)),
      final: (turn) => this.#onFinal(turn),
    }, () => this.#mixed);
    for (const [k, v] of Object.entries(options.speakerRoles ?? {})) this.#speakerRoles.set(Number(k), v);
    const diarize = this.#mixed && options.provider.capabilities.diarization;
    if (this.#mixed && !diarize) {
      this.#log.warn({ provider: options.provider.name }, 'mixed stream: provider cannot diarize; speech is attributed to the stream');
    }
    const encoding = options.encoding ?? 'linear16';
    this.#g711 = encoding === 'mulaw' ? 'PCMU' : encoding === 'alaw' ? 'PCMA' : undefined;
    const sampleRateHz = this.#g711 ? 8000 : OUTPUT_SAMPLE_RATE_HZ;
    this.#session = options.provider.open({ language: options.language, encoding, sampleRateHz, diarize, logger: options.logger });
    if (options.vad !== false && options.provider.capabilities.finalize && options.vadPool) {
      this.#vadStream = options.vadPool.open((ev) => this.#onVad(ev));
    } else if (options.vad !== false && options.provider.capabilities.finalize) {
      try {
        this.#vad = new SpeechEndDetector(options.vad ?? {});
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'vad unavailable; finals come from provider endpointing only');
      }
    }
    this.#reader = this.#read();
  }

  /** The stream's role and participant now. */
  get role(): Role { return this.#role; }
  get participantId(): string | undefined { return this.#participantId; }

  /**
   * Rebinds the stream after a transfer (the SRC's re-INVITE associates the label with another participant,
   * RFC 7866 §8.3): interims and finals from now on carry the new role, the open utterance included; finals
   * already in the transcript keep theirs. The ASR session goes on. A stream that becomes `mixed` is
   * attributed as a whole (diarization is chosen at open); one that stops being mixed is no longer split.
   */
  setRole(role: Role, participantId?: string): void {
    if (role === this.#role && participantId === this.#participantId) return;
    this.#log.info({ from: this.#role, to: role, participantId }, 'stream rebound to another role');
    this.#role = role;
    this.#participantId = participantId;
    this.#mixed = role === 'mixed';
  }

  /** Hands one 20 ms frame to the ASR (synchronous). Frames after finish/close are counted and dropped. */
  write(frame: PcmFrame): void {
    if (this.#state !== 'open') {
      this.droppedFrames++;
      return;
    }
    const durationMs = (frame.samples.length * 1000) / OUTPUT_SAMPLE_RATE_HZ;
    this.#timeline.record(frame.startMs, durationMs, performance.now());
    try {
      this.#session.write(this.#g711 ? this.#g711Of(frame, this.#g711) : frame.samples);
    } catch {
      // the session ended on a provider failure a moment ago; its event is on the way
      this.droppedFrames++;
      return;
    }
    this.#vadStream?.push(frame.samples);
    if (this.#vad) for (const ev of this.#vad.push(frame.samples)) this.#onVad(ev);
  }

  #g711Of(frame: PcmFrame, codec: 'PCMU' | 'PCMA'): Uint8Array {
    const bytes = frameG711(frame, codec);
    if (bytes !== frame.g711 && this.reencodedFrames++ === 0) this.#log.info({ codec, frameCodec: frame.g711Codec ?? 'none' }, 'frames re-encoded for the G.711 asr session');
    return bytes;
  }

  /** Local end of speech: ask the provider for the final now instead of after its own endpointing. */
  #onVad(ev: VadEvent): void {
    if (ev.type === 'speech-end' && this.#state === 'open') this.#session.finalize();
  }

  /** Drains: the provider flushes, the last final lands in the transcript, then `close` is emitted. */
  finish(): Promise<void> {
    if (this.#finishing) return this.#finishing;
    if (this.#state === 'open') this.#state = 'finishing';
    this.#finishing = this.#session.finish({ timeoutMs: this.#o.finishTimeoutMs ?? 3000 }).then(() => this.#reader);
    return this.#finishing;
  }

  /** Cancels at once: the open utterance is dropped. */
  close(reason = 'closed'): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closeReason = reason;
    this.#session.close(reason);
  }

  async #read(): Promise<void> {
    try {
      for await (const ev of this.#session) this.#on(ev);
    } catch (err) {
      this.#log.error({ err }, 'asr session reader failed');
    }
    this.#vadStream?.close();
    if (this.#state === 'closed') this.#o.transcript.discardOpen(this.#o.streamLabel);
    else this.#turns.close();
    this.#o.transcript.discardOpen(this.#o.streamLabel);
    this.#state = 'closed';
    this.safeEmit('close', { reason: this.#closeReason });
  }

  #on(ev: AsrEvent): void {
    switch (ev.type) {
      case 'interim':
        // an interim's own start is its audio window's (leading silence included): the first word is where speech starts
        this.#turns.interim(ev.words, ev.text, ev.words[0]?.startMs ?? ev.startMs, ev.endMs, ev.confidence, ev.language);
        break;
      case 'final':
        this.#turns.final(ev);
        break;
      case 'utterance-end':
        this.#turns.close();
        break;
      case 'speech-started':
        break;
      case 'degraded':
        this.safeEmit('degraded', this.#health(ev.error.category, ev.retrying, ev.error.message));
        if (!ev.retrying) this.#log.error({ category: ev.error.category, status: ev.error.status }, ev.error.message);
        break;
      case 'recovered':
        this.safeEmit('recovered', this.#health(undefined, false, `${this.#o.provider.name} reconnected after ${ev.attempts} attempt(s)`));
        break;
      case 'error':
        this.#closeReason = 'provider-failed';
        this.#log.error({ category: ev.error.category, status: ev.error.status, provider: ev.error.provider }, ev.error.message);
        this.safeEmit('degraded', this.#health(ev.error.category, false, ev.error.message));
        break;
    }
  }

  #health(category: ProviderErrorCategory | undefined, retrying: boolean, detail: string): AsrHealthEvent {
    return { component: 'asr', streamLabel: this.#o.streamLabel, provider: this.#o.provider.name, category, retrying, detail };
  }

  /** A closed utterance goes to the transcript with its ASR delay (wall clock since its last audio was written). */
  #onFinal(turn: AssembledTurn): void {
    const wall = this.#timeline.wallAt(turn.endMs);
    const asrDelayMs = wall === undefined ? undefined : Math.max(0, Math.round(performance.now() - wall));
    this.#o.transcript.final(this.#update(turn), asrDelayMs);
  }

  #update({ words, text, startMs, endMs, confidence, language, speaker }: AssembledTurn): UtteranceUpdate {
    const call = (t: number) => Math.round(this.#o.streamOffsetMs + this.#timeline.toStreamMs(t));
    const role: Role = this.#mixed && speaker !== undefined ? this.#roleOf(speaker) : this.#role;
    return {
      streamLabel: this.#o.streamLabel,
      ...(this.#participantId && !this.#mixed ? { participantId: this.#participantId } : {}),
      role,
      roleGuessed: this.#mixed && speaker !== undefined,
      text,
      words: words.map((w) => ({ text: w.text, startMs: call(w.startMs), endMs: call(w.endMs), confidence: w.confidence })),
      startMs: call(startMs),
      endMs: call(endMs),
      confidence,
      language,
      ...(speaker !== undefined ? { speakerKey: String(speaker) } : {}),
    };
  }

  /**
   * Mixed-stream rule: the first speaker heard is the one who answered the phone (`firstSpeaker`, by
   * default the agent: on inbound sales calls the agent greets first); every other speaker is the other
   * party. `speakerRoles` overrides per call; a speaker it does not name is the party opposite to the
   * first one it names.
   */
  #roleOf(speaker: number): 'agent' | 'customer' {
    const known = this.#speakerRoles.get(speaker);
    if (known) return known;
    // the first speaker's role (overridden or not); every later speaker is the other party
    const first = this.#speakerRoles.values().next().value;
    const role = first === undefined ? this.#o.firstSpeaker ?? 'agent' : first === 'agent' ? 'customer' : 'agent';
    this.#speakerRoles.set(speaker, role);
    return role;
  }
}
