import type { Logger } from 'pino';
import type { MediaConfig, SipConfig } from '../config/schema.js';
import type {
  PcmFrame, StreamCloseReason, StreamPipelineEvents, StreamPipelineOptions, StreamPipelineUpdate,
} from '../../media/stream-pipeline-types.js';
import type { Participant, Role, SessionDescription, SipRequestLike, SiprecResponse } from './siprec-types.js';

/**
 * The public interface of {@link RecordingSession} (one SIPREC dialog, RFC 7866): its options, the
 * signalling port it drives, and its events. Nothing here depends on drachtio-srf; `srf-app.ts` adapts a
 * drachtio Dialog to {@link SignallingDialog}.
 */

/**
 * Why a recording session ended:
 * - `bye`: the SRC sent BYE (the normal end of a recorded call);
 * - `cancel`: the SRC cancelled the INVITE before our 200 OK was confirmed;
 * - `shutdown`: Modsvar is stopping (we send BYE);
 * - `error`: signalling failed (e.g. the 200 OK could not be sent within the transaction deadline); we send BYE
 *   when a dialog exists;
 * - `local`: ended by an operator or API call (we send BYE).
 */
export type SessionCloseReason = 'bye' | 'cancel' | 'shutdown' | 'error' | 'local';

/** A request received inside the SIPREC dialog (re-INVITE, UPDATE, INFO, OPTIONS), with a way to answer it. */
export interface InDialogRequest {
  request: SipRequestLike;
  /**
   * Sends the final response; resolves when drachtio-server confirmed sending it.
   * @throws Error when it cannot be sent within the transaction deadline.
   */
  respond(response: SiprecResponse): Promise<void>;
}

/**
 * The signalling side of one SIPREC dialog, as the session needs it. Implemented over a drachtio-srf
 * Dialog in `srf-app.ts`; the adapter listens to `modify` and `update` from the start, so srf never
 * auto-answers a re-INVITE with the old SDP.
 */
export interface SignallingDialog {
  /** drachtio dialog id, `<Call-ID>;from-tag=<SRC tag>`. */
  readonly id: string;
  /** Registers the handler for re-INVITE/UPDATE/INFO/OPTIONS inside the dialog (one handler). */
  onRequest(handler: (req: InDialogRequest) => void): void;
  /** Registers the handler for the end of the dialog by the far end (BYE, already answered 200 by srf). */
  onRemoteEnd(handler: (reason: string) => void): void;
  /**
   * Ends the dialog from our side (sends BYE). Resolves when the far end answered or the deadline passed.
   * @throws Error when drachtio-server refused or did not answer within the transaction deadline.
   */
  end(): Promise<void>;
}

/** The part of a StreamPipeline the session uses (media/stream-pipeline.ts implements it). */
export interface StreamPipelineLike {
  on<K extends keyof StreamPipelineEvents & string>(event: K, listener: (...args: StreamPipelineEvents[K]) => void): unknown;
  /** Closes the pipeline: stops intake, flushes the jitter buffer (last frames are still emitted), emits `close`. */
  close(reason: StreamCloseReason): Promise<void> | void;
  /** Pauses (drops RTP, conceals nothing) or resumes the stream. */
  setHold?(held: boolean): void;
  /** Applies a re-INVITE's new remote address or payload types to the running stream. */
  update?(update: StreamPipelineUpdate): void;
}

/**
 * Opens a stream pipeline (binds its UDP port). May reject (e.g. `EADDRINUSE`): the stream is then not
 * recorded and the session goes on. The session owns the port: the factory must not release it.
 */
export type PipelineFactory = (options: StreamPipelineOptions) => Promise<StreamPipelineLike> | StreamPipelineLike;

/** RTP port leasing (media/rtp/port-pool.ts `PortPool`). Ports are even numbers from `sip.rtpPortMin..rtpPortMax`. */
export interface RtpPortLeaser {
  /**
   * Leases `count` ports, all or nothing.
   * @throws Error (`RTP_PORTS_EXHAUSTED`) when fewer are free.
   */
  lease(count: number): Promise<number[]>;
  /** Returns ports to the pool; unknown or already released ports are ignored. */
  release(ports: readonly number[]): void;
}

/** A drain step run by {@link RecordingSession.close} after intake stopped (e.g. ASR `finish()`); bounded by a deadline. */
export type BeforeCloseHook = (reason: SessionCloseReason) => Promise<void> | void;

/** Options of a {@link RecordingSession}. */
export interface RecordingSessionOptions {
  /** The session as agreed by the initial INVITE (from `interpretInitialInvite`). */
  session: SessionDescription;
  /** RTP ports leased for that answer; the session owns and releases them. */
  leasedPorts: readonly number[];
  sip: SipConfig;
  media: MediaConfig;
  ports: RtpPortLeaser;
  openPipeline: PipelineFactory;
  /** Debug WAV path for a stream (media.debugRecording); undefined = no debug recording. */
  debugWavPathFor?: (callId: string, label: string) => string | undefined;
  /** Recording sessions active now, for the SIPREC context of re-INVITEs. */
  activeCalls: () => number;
  /** Deadline in ms for the drain hooks (`beforeClose`). Default 5000. */
  drainTimeoutMs?: number;
  /** Deadline in ms for our BYE. Default 10000 (drachtio.transactionTimeoutMs). */
  transactionTimeoutMs?: number;
  logger: Logger;
}

/** A stream as the session reports it. */
export interface SessionStreamInfo {
  label: string;
  participant?: Participant;
  role: Role;
  /** Our RTP port for it. */
  localPort: number;
  codec?: string;
}

/** One decoded 20 ms frame of a stream, tagged with who speaks on it. */
export interface SessionFrame {
  label: string;
  participant?: Participant;
  role: Role;
  /** PCM16 mono 16 kHz, 320 samples; `startMs` on the stream's own timeline. */
  frame: PcmFrame;
}

/** Events of a {@link RecordingSession} (emitted with safeEmit). */
export type RecordingSessionEvents = {
  /** A stream's pipeline opened (initial INVITE or a re-INVITE adding an m= line). */
  'stream-added': [SessionStreamInfo];
  /** A stream's pipeline closed: removed by a re-INVITE (`stream-removed`), or failed (`error`). */
  'stream-removed': [{ label: string; reason: StreamCloseReason }];
  /** Participants joined, left or changed roles (transfer); the full new list. */
  'participants-changed': [{ participants: Participant[]; added: string[]; removed: string[] }];
  /** Streams went on hold; `all` when the whole recorded call is held. The session goes on. */
  hold: [{ labels: string[]; all: boolean }];
  /** Streams came off hold. */
  resume: [{ labels: string[] }];
  /** New metadata without stream or participant changes (e.g. an UPDATE carrying only rs-metadata). */
  'metadata-updated': [SessionDescription];
  frame: [SessionFrame];
  /** The session ended (emitted once). */
  close: [SessionCloseReason];
};
