import type { Logger } from 'pino';
import type { MediaConfig, SipConfig } from '../config/schema.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import { withDeadline } from './deadline.js';
import { RecordingSession } from './recording-session.js';
import type { PipelineFactory, RtpPortLeaser, SessionCloseReason } from './recording-session-types.js';
import { decideWithPorts } from './port-leasing.js';
import { interpretInitialInvite } from './siprec-request.js';
import type { SessionDescription, SipRequestLike, SiprecDecision } from './siprec-types.js';

/** Options of a {@link RecordingServer}. */
export interface RecordingServerOptions {
  sip: SipConfig;
  media: MediaConfig;
  ports: RtpPortLeaser;
  openPipeline: PipelineFactory;
  /** Debug WAV path for a stream (media.debugRecording); undefined = no debug recording. */
  debugWavPathFor?: (callId: string, label: string) => string | undefined;
  /** Deadline in ms for each session's drain (ASR finish) on close. Default 5000. */
  drainTimeoutMs?: number;
  /** Deadline in ms for our SIP transactions (BYE). Default 10000. */
  transactionTimeoutMs?: number;
  logger: Logger;
}

/** Monitoring events of the registry (supervisor wall, metrics). */
export type RecordingServerEvents = {
  /** A recording session was created (its streams are open; the 200 OK is being sent). */
  session: [RecordingSession];
  /** A recording session closed and left the registry. */
  'session-closed': [{ callId: string; reason: SessionCloseReason }];
};

/**
 * The registry of live recording sessions: creates them from an accepted SIPREC offer, counts them for
 * the `sip.maxCalls` limit, and drains them all on shutdown. Sessions leave the registry when they close.
 */
export class RecordingServer extends EnhancedEmitter<RecordingServerEvents> {
  #opts: RecordingServerOptions;
  #sessions = new Set<RecordingSession>();
  #accepting = true;
  #shutdown?: Promise<void>;

  constructor(options: RecordingServerOptions) {
    super(options.logger);
    this.#opts = options;
  }

  /** Live sessions (counted from creation, before the 200 OK is confirmed). */
  get size(): number {
    return this.#sessions.size;
  }

  /** False once shutdown started: new INVITEs get 503. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** Live sessions, oldest first. */
  list(): RecordingSession[] {
    return [...this.#sessions];
  }

  /** The live session recording `callId`, if any. */
  get(callId: string): RecordingSession | undefined {
    return this.list().find((s) => s.callId === callId);
  }

  /**
   * Decides a new SIPREC INVITE (`interpretInitialInvite`) with the current load and ports from the pool.
   * The decision's `leasedPorts` belong to the caller: pass them to {@link create} or {@link releasePorts}.
   */
  decideInitial(request: SipRequestLike): Promise<SiprecDecision> {
    return decideWithPorts((ctx) => interpretInitialInvite(request, ctx),
      { sip: this.#opts.sip, activeCalls: this.#sessions.size }, this.#opts.ports);
  }

  /** Returns ports of a refused or abandoned offer to the pool. */
  releasePorts(ports: readonly number[]): void {
    if (ports.length > 0) this.#opts.ports.release(ports);
  }

  /**
   * Creates and registers a session for an accepted offer. The caller starts it, sends the 200 OK and
   * attaches the dialog.
   * @throws InvalidStateError after shutdown started.
   */
  create(session: SessionDescription, leasedPorts: readonly number[], logger: Logger): RecordingSession {
    if (!this.#accepting) throw new InvalidStateError('RecordingServer.create: shutting down');
    const recording = new RecordingSession({
      session,
      leasedPorts,
      sip: this.#opts.sip,
      media: this.#opts.media,
      ports: this.#opts.ports,
      openPipeline: this.#opts.openPipeline,
      debugWavPathFor: this.#opts.debugWavPathFor,
      activeCalls: () => this.#sessions.size,
      drainTimeoutMs: this.#opts.drainTimeoutMs,
      transactionTimeoutMs: this.#opts.transactionTimeoutMs,
      logger,
    });
    this.#sessions.add(recording);
    recording.once('close', (reason) => {
      this.#sessions.delete(recording);
      this.safeEmit('session-closed', { callId: recording.callId, reason });
    });
    this.safeEmit('session', recording);
    return recording;
  }

  /**
   * Stops accepting calls and closes every session with `shutdown` (drain, then BYE), in parallel.
   * Sessions still open after `deadlineMs` are abandoned (logged); idempotent.
   */
  shutdown(deadlineMs: number): Promise<void> {
    this.#shutdown ??= (async () => {
      this.#accepting = false;
      const sessions = this.list();
      if (sessions.length === 0) return;
      this.#opts.logger.info({ sessions: sessions.length, deadlineMs }, 'closing recording sessions for shutdown');
      try {
        await withDeadline(Promise.allSettled(sessions.map((s) => s.close('shutdown'))), deadlineMs, 'recording session shutdown');
      } catch (err) {
        this.#opts.logger.warn({ err, open: this.#sessions.size }, 'some recording sessions did not close before the shutdown deadline');
      }
    })();
    return this.#shutdown;
  }
}
