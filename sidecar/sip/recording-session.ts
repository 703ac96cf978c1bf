import type { Logger } from 'pino';
import { Call } from '../calls/call.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import type { StreamCloseReason } from '../../media/stream-pipeline-types.js';
import { withDeadline } from './deadline.js';
import { decideWithPorts } from './port-leasing.js';
import { interpretInDialog } from './siprec-request.js';
import type { SessionDescription } from './siprec-types.js';
import type {
  BeforeCloseHook, InDialogRequest, RecordingSessionEvents, RecordingSessionOptions, SessionCloseReason,
  SignallingDialog,
} from './recording-session-types.js';
import { SessionStreams } from './session-streams.js';

export type * from './recording-session-types.js';

/**
 * The owner of one SIPREC dialog (RFC 7866): the agreed {@link SessionDescription}, the {@link Call} it
 * records, one stream pipeline per recorded audio stream (`Map<label, pipeline>`) and the RTP ports leased
 * for them. It answers re-INVITE/UPDATE with a fresh answer from `interpretInDialog` (never srf's
 * auto-answer), opens and closes pipelines as streams come and go, and reports what changed as events.
 *
 * Close semantics: `close(reason)` is idempotent (returns the same promise) and tears down in order,
 * each step in its own try/catch: (1) stop intake — close every pipeline with the cause (`session-ended`
 * or `shutdown`), their last frames still flow; (2) drain — run the `beforeClose` hooks (ASR finish) under
 * the drain deadline; (3) release ports; (4) send BYE when *we* ended the session; (5) end the Call and emit
 * `close` once. Frames arriving after step 1 are counted in `lateFrames` and dropped. After close,
 * `start`, `attachDialog` and `beforeClose` throw InvalidStateError; in-dialog requests get 481.
 *
 * @example
 * const session = new RecordingSession({ session, leasedPorts, sip, media, ports, openPipeline, activeCalls, logger });
 * session.start();                       // bind RTP before the 200 OK goes out
 * const dialog = await createUas(...);   // srf-app: 200 OK with the answer
 * session.attachDialog(dialog);          // re-INVITE/UPDATE/BYE now reach the session
 * session.on('frame', ({ label, role, frame }) => asr.write(frame.samples));
 */
export class RecordingSession extends EnhancedEmitter<RecordingSessionEvents> {
  readonly call: Call;
  #session: SessionDescription;
  #opts: RecordingSessionOptions;
  #logger: Logger;
  #streams: SessionStreams;
  #hooks: BeforeCloseHook[] = [];
  #dialog?: SignallingDialog;
  #started = false;
  #closing?: Promise<void>;
  #closeCause: StreamCloseReason = 'session-ended';
  #queue: Promise<void> = Promise.resolve();

  constructor(options: RecordingSessionOptions) {
    super(options.logger);
    this.#opts = options;
    this.#session = options.session;
    this.#logger = options.logger.child({ callId: options.session.callId, sipCallId: options.session.dialogCallId });
    this.#streams = new SessionStreams({
      callId: options.session.callId,
      sip: options.sip,
      media: options.media,
      ports: options.ports,
      openPipeline: options.openPipeline,
      debugWavPathFor: options.debugWavPathFor,
      session: () => this.#session,
      closedCause: () => (this.closed ? this.#closeCause : undefined),
      onFrame: (frame) => this.safeEmit('frame', frame),
      onAdded: (info) => this.safeEmit('stream-added', info),
      onRemoved: (event) => this.safeEmit('stream-removed', event),
      logger: this.#logger,
    }, options.leasedPorts);
    this.call = new Call({ callId: options.session.callId, participants: options.session.participants, logger: this.#logger });
    if (options.session.hold) this.call.setHeld(true);
  }

  /** The recorded call's ID (PBX call ID or sipSessionID, else the SIPREC Call-ID). */
  get callId(): string {
    return this.#session.callId;
  }

  /** The session as last agreed. */
  get session(): SessionDescription {
    return this.#session;
  }

  /** Labels of the streams with an open pipeline. */
  get streamLabels(): string[] {
    return this.#streams.labels;
  }

  /** RTP ports this session holds. */
  get leasedPorts(): number[] {
    return this.#streams.ports;
  }

  /** Frames that arrived after intake stopped (dropped). */
  get lateFrames(): number {
    return this.#streams.lateFrames;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Opens a pipeline for every accepted audio stream (binding its RTP port). Await it before sending the
   * 200 OK, so no RTP is lost. A stream whose pipeline cannot open is logged and not recorded.
   * @throws InvalidStateError when called twice or after close.
   */
  async start(): Promise<void> {
    this.#assertOpen('start');
    if (this.#started) throw new InvalidStateError('RecordingSession.start: already started');
    this.#started = true;
    await this.#streams.open(this.#session.streams.map((s) => s.label));
    this.#streams.setHold(this.#session.streams.filter((s) => s.held).map((s) => s.label), true);
  }

  /**
   * Connects the signalling dialog (after our 200 OK): in-dialog requests and the far end's BYE reach
   * the session from now on.
   * @throws InvalidStateError after close or when a dialog is already attached.
   */
  attachDialog(dialog: SignallingDialog): void {
    this.#assertOpen('attachDialog');
    if (this.#dialog) throw new InvalidStateError('RecordingSession.attachDialog: dialog already attached');
    this.#dialog = dialog;
    dialog.onRequest((req) => {
      // one request at a time, in arrival order (a second re-INVITE waits for the first answer)
      this.#queue = this.#queue.then(() => this.#handleRequest(req)).catch((err) =>
        this.#logger.error({ err }, 'in-dialog request handling failed'));
    });
    dialog.onRemoteEnd((reason) => {
      // a BYE from the SRC ("normal release"), or one drachtio-server made itself (e.g. "ACK timeout")
      this.#logger.info({ reason }, 'recording session ended by the far end');
      void this.close('bye');
    });
  }

  /**
   * Adds a drain step run during close after intake stopped (e.g. finishing ASR sessions so the last words
   * survive a BYE). All hooks run in parallel under the drain deadline.
   * @throws InvalidStateError after close.
   */
  beforeClose(hook: BeforeCloseHook): void {
    this.#assertOpen('beforeClose');
    this.#hooks.push(hook);
  }

  /** Ends the session; idempotent (the same promise on repeat calls). See the class comment for the order. */
  close(reason: SessionCloseReason): Promise<void> {
    if (!this.#closing) {
      this.#closeCause = reason === 'shutdown' ? 'shutdown' : 'session-ended';
      this.#closing = this.#teardown(reason);
    }
    return this.#closing;
  }

  async #teardown(reason: SessionCloseReason): Promise<void> {
    const log = this.#logger;
    // (1) stop intake: each pipeline closes its socket and flushes what it holds
    try {
      await this.#streams.closeAll(this.#closeCause);
    } catch (err) {
      log.error({ err }, 'closing the streams failed');
    }
    // (2) drain: ASR finish and the like, bounded
    try {
      const drainMs = this.#opts.drainTimeoutMs ?? 5000;
      await withDeadline(Promise.allSettled(this.#hooks.map(async (hook) => hook(reason))), drainMs, 'drain before close')
        .then((results) => results.forEach((r) => r.status === 'rejected' && log.warn({ err: r.reason }, 'drain step failed')));
    } catch (err) {
      log.warn({ err }, 'drain did not finish in time; closing anyway');
    }
    // (3) ports (timers: none are held beyond the pipelines)
    try {
      this.#streams.releaseAll();
    } catch (err) {
      log.error({ err }, 'releasing RTP ports failed');
    }
    // (4) BYE when we ended it
    try {
      if (this.#dialog && reason !== 'bye' && reason !== 'cancel') await this.#dialog.end();
    } catch (err) {
      log.warn({ err }, 'sending BYE failed; the SRC will time the dialog out');
    }
    // (5) tell everyone, once
    try {
      this.call.end(reason);
    } catch (err) {
      log.error({ err }, 'ending the call failed');
    }
    log.info({ reason, durationMs: this.call.durationMs, lateFrames: this.lateFrames }, 'recording session closed');
    this.safeEmit('close', reason);
  }

  async #handleRequest(req: InDialogRequest): Promise<void> {
    if (this.closed) {
      await req.respond({ status: 481, reason: 'Call/Transaction Does Not Exist', headers: {} });
      return;
    }
    const current = this.#session;
    const decision = await decideWithPorts((ctx) => interpretInDialog(req.request, current, ctx),
      { sip: this.#opts.sip, activeCalls: Math.max(0, this.#opts.activeCalls() - 1) }, this.#opts.ports);
    const status = decision.response.status;
    const isAck = status === 0; // an ACK is never answered; after a delayed offer it carries the SRC's answer
    if (this.closed) {
      this.#opts.ports.release(decision.leasedPorts);
      if (!isAck) await req.respond({ status: 481, reason: 'Call/Transaction Does Not Exist', headers: {} });
      return;
    }
    const log = this.#logger.child({ method: req.request.method });
    if (isAck && decision.errorCode) log.warn({ code: decision.errorCode, warnings: decision.warnings }, 'ACK answer not usable');
    if (!isAck && (status < 200 || status >= 300)) {
      this.#opts.ports.release(decision.leasedPorts);
      log.warn({ status, code: decision.errorCode, warnings: decision.warnings }, 'in-dialog request refused; session unchanged');
      await req.respond(decision.response);
      return;
    }
    this.#streams.addPorts(decision.leasedPorts);
    const previous = this.#session;
    this.#session = decision.session;
    let ended: SessionCloseReason | undefined;
    for (const change of decision.changes) {
      switch (change.type) {
        case 'ended': ended = change.reason; break;
        case 'streams-removed': await this.#streams.remove(change.labels, previous); break;
        case 'streams-added': await this.#streams.open(change.labels); break;
        case 'participants-changed':
          this.call.setParticipants(this.#session.participants);
          this.safeEmit('participants-changed', { participants: this.#session.participants, added: change.added, removed: change.removed });
          break;
        case 'hold':
          this.#streams.setHold(change.labels, true);
          if (change.all) this.call.setHeld(true);
          this.safeEmit('hold', { labels: change.labels, all: change.all });
          break;
        case 'resume':
          this.#streams.setHold(change.labels, false);
          this.call.setHeld(this.#session.hold);
          this.safeEmit('resume', { labels: change.labels });
          break;
        case 'metadata-updated': this.safeEmit('metadata-updated', this.#session); break;
        case 'none': break;
      }
    }
    this.#streams.updateKept(previous);
    // streams that became recordable without an explicit change (e.g. the codec agreed in a delayed-offer ACK)
    await this.#streams.open(this.#session.streams.map((s) => s.label));
    if (isAck) {
      if (decision.changes.length > 0) log.info({ changes: decision.changes.map((c) => c.type) }, 'ACK completed the session');
      return;
    }
    log.info({ status, changes: decision.changes.map((c) => c.type), warnings: decision.warnings }, 'in-dialog request answered');
    await req.respond(decision.response);
    if (ended) void this.close(ended);
  }

  #assertOpen(method: string): void {
    if (this.closed) throw new InvalidStateError(`RecordingSession.${method}: session ${this.callId} is closed`);
  }
}
