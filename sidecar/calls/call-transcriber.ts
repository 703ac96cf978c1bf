import type { Logger } from 'pino';
import type { AsrEncoding, AsrProvider } from '../../media/asr/asr-provider.js';
import { StreamTranscriber, type AsrHealthEvent } from '../../media/asr/stream-transcriber.js';
import type { VadOptions } from '../../media/asr/vad.js';
import type { VadPool } from '../../media/asr/vad-pool.js';
import type { PcmFrame } from '../../media/stream-pipeline-types.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import type { RecordingSession, SessionFrame } from '../sip/recording-session.js';
import { Transcript } from './transcript.js';

/** What a CallTranscriber needs of a recording session (a RecordingSession in production). */
export type TranscribedSession = Pick<RecordingSession, 'on' | 'beforeClose' | 'callId'> & { call: { startedAtMs: number } };

/** Options of a {@link CallTranscriber}. */
export interface CallTranscriberOptions {
  session: TranscribedSession;
  /** The call's provider (chosen per deployment, overridable per call). */
  provider: AsrProvider;
  /** The call's language (BCP-47), overridable per call. */
  language: string;
  /** The call's transcript; default a new one. */
  transcript?: Transcript;
  vadPool?: VadPool;
  vad?: VadOptions | false;
  /** Mixed streams: role of the first speaker when the call direction is unknown (config `asr.mixedStreams.firstSpeaker`). */
  firstSpeaker?: 'agent' | 'customer';
  /**
   * The recorded call's direction, when known (vendor metadata, CRM, dialer): the first speaker is the
   * one who answered — the agent on an inbound call, the customer on an outbound one.
   */
  callDirection?: 'inbound' | 'outbound';
  /** Mixed streams: per-call speaker → role override. */
  speakerRoles?: Record<number, 'agent' | 'customer'>;
  /** Longest wait for the last finals at hang-up, ms. */
  finishTimeoutMs?: number;
  /**
   * Send a stream's G.711 payload as it came (`encoding=mulaw|alaw`, 8 kHz) when its first frame carries
   * one (`PcmFrame.g711`, the pipeline's `g711Payload`) and the provider lists that encoding; a quarter of
   * the bytes of 16 kHz linear16, and no loss since the audio was G.711 already. Frames without a
   * payload (audio replays) stay linear16. Default true; config `asr.deepgram.sendG711` switches the
   * payload off at the pipeline.
   */
  sendG711?: boolean;
  logger: Logger;
}

/** Events of a {@link CallTranscriber}: ASR health per stream, with the call ID, for the call's event stream. */
export type CallTranscriberEvents = {
  degraded: [AsrHealthEvent & { callId: string }];
  recovered: [AsrHealthEvent & { callId: string }];
};

/**
 * Transcribes a recording session: one {@link StreamTranscriber} per stream, opened at the stream's first
 * frame, all feeding the call's two-party {@link Transcript}. A frame tagged with another role or
 * participant than its stream's (a transfer's re-INVITE rebound the label) rebinds the stream transcriber,
 * so new utterances carry the new role. A stream removed by a re-INVITE is drained;
 * at BYE or shutdown the session's drain step (`beforeClose`) waits for every stream's last final, so the
 * words spoken just before hang-up are kept. A provider failure is a `degraded` event for that stream;
 * the call and the other streams go on.
 *
 * Stream offsets: a stream's time 0 is placed on the call timeline when its first frame arrives (wall
 * clock minus the frame's `startMs`). Every stream carries the same jitter-buffer delay, so the offsets
 * are consistent between streams (ordering holds); absolute times are late by that delay (60 ms default).
 */
export class CallTranscriber extends EnhancedEmitter<CallTranscriberEvents> {
  readonly transcript: Transcript;
  readonly #o: CallTranscriberOptions;
  readonly #streams = new Map<string, StreamTranscriber>();
  readonly #finishing = new Set<Promise<void>>();
  #closed = false;

  constructor(options: CallTranscriberOptions) {
    super(options.logger);
    this.#o = options;
    this.transcript = options.transcript ?? new Transcript(options.logger);
    const s = options.session;
    s.on('frame', (f) => this.#onFrame(f));
    s.on('stream-removed', ({ label }) => this.#drain(label));
    s.beforeClose(() => this.finish());
  }

  /** Streams being transcribed now (labels). */
  get labels(): string[] {
    return [...this.#streams.keys()];
  }

  /** Drains every stream (the last finals land in the transcript); idempotent. */
  async finish(): Promise<void> {
    this.#closed = true;
    for (const label of [...this.#streams.keys()]) this.#drain(label);
    await Promise.allSettled([...this.#finishing]);
  }

  #onFrame(f: SessionFrame): void {
    if (this.#closed) return;
    let t = this.#streams.get(f.label);
    if (!t) {
      t = this.#open(f);
      this.#streams.set(f.label, t);
    } else if (t.role !== f.role || t.participantId !== f.participant?.id) {
      // a transfer rebound the stream (re-INVITE): the words from now on are the new party's
      t.setRole(f.role, f.participant?.id);
    }
    t.write(f.frame);
  }

  #open(f: SessionFrame): StreamTranscriber {
    const o = this.#o;
    const logger = o.logger.child({ streamLabel: f.label });
    const streamOffsetMs = Math.max(0, Date.now() - o.session.call.startedAtMs - f.frame.startMs);
    const t = new StreamTranscriber({
      provider: o.provider, language: o.language, encoding: o.sendG711 === false ? 'linear16' : asrEncodingFor(f.frame, o.provider), transcript: this.transcript, streamLabel: f.label,
      participantId: f.participant?.id, role: f.role, streamOffsetMs, vad: o.vad, vadPool: o.vadPool,
      firstSpeaker: o.callDirection === 'inbound' ? 'agent' : o.callDirection === 'outbound' ? 'customer' : o.firstSpeaker,
      speakerRoles: o.speakerRoles, finishTimeoutMs: o.finishTimeoutMs, logger,
    });
    const callId = o.session.callId;
    t.on('degraded', (e) => this.safeEmit('degraded', { ...e, callId }));
    t.on('recovered', (e) => this.safeEmit('recovered', { ...e, callId }));
    return t;
  }

  #drain(label: string): void {
    const t = this.#streams.get(label);
    if (!t) return;
    this.#streams.delete(label);
    const p = t.finish().catch((err) => this.#o.logger.warn({ err, streamLabel: label }, 'asr drain failed'));
    this.#finishing.add(p);
    void p.finally(() => this.#finishing.delete(p));
  }
}

/** `mulaw`/`alaw` when the frame carries G.711 the provider takes natively, else `linear16`. */
function asrEncodingFor(frame: PcmFrame, provider: AsrProvider): AsrEncoding {
  const encoding: AsrEncoding | undefined = frame.g711Codec === 'PCMU' ? 'mulaw' : frame.g711Codec === 'PCMA' ? 'alaw' : undefined;
  return frame.g711 && encoding && provider.capabilities.encodings.includes(encoding) ? encoding : 'linear16';
}
