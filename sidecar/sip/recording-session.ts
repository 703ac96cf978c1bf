import type { Logger } from 'pino';
import { Call } from '../calls/call.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import type { StreamCloseReason } from '../../media/stream-pipeline-types.js';
import { withDeadline } from './deadline.js';
import { decideWithPorts } from './port-leasing.js';
import { interpretInDialog } from './siprec-request.js';
import type { Participant, Role, SessionDescription, SessionStream } from './siprec-types.js';
import type {
  BeforeCloseHook, InDialogRequest, RecordingSessionEvents, RecordingSessionOptions, SessionCloseReason,
  SignallingDialog, SessionStreamInfo, StreamPipelineLike,
} from './recording-session-types.js';

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
  /** Frames that arrived after intake stopped (dropped). */
  lateFrames = 0;
  #session: SessionDescription;
  #opts: RecordingSessionOptions;
  #logger: Logger;
  #pipelines = new Map<string, StreamPipelineLike>();
  #ports = new Set<number>();
  #hooks: BeforeCloseHook[] = [];
  #dialog?: SignallingDialog;
  #intake = true;
  #started = false;
  #closing?: Promise<void>;
  #closeCause: StreamCloseReason = 'session-ended';
  #queue: Promise<void> = Promise.resolve();

  constructor(options: RecordingSessionOptions) {
    super(options.logger);
    this.#opts = options;
    this.#session = options.session;
    for (const p of options.leasedPorts) this.#ports.add(p);
    this.#logger = options.logger.child({ callId: options.session.callId, sipCallId: options.session.dialogCallId });
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
    return [...this.#pipelines.keys()];
  }

  /** RTP ports this session holds. */
  get leasedPorts(): number[] {
    return [...this.#ports];
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
    await this.#openStreams(this.#session.streams.map((s) => s.label));
    this.#applyHold(this.#session.streams.filter((s) => s.held).map((s) => s.label), true);
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
      this.#logger.info({ reason }, 'recording session ended by the SRC');
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
    const cause = this.#closeCause;
    // (1) stop intake: each pipeline closes its socket and flushes what it holds
    const pipelines = [...this.#pipelines];
    this.#pipelines.clear(); // before closing, so their `close` events are not taken for failures
    for (const [label, pipeline] of pipelines) {
      try {
        await pipeline.close(cause);
      } catch (err) {
        log.error({ err, streamLabel: label }, 'stream pipeline failed to close');
      }
    }
    this.#intake = false;
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
      this.#opts.ports.release([...this.#ports]);
      this.#ports.clear();
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
    for (const p of decision.leasedPorts) this.#ports.add(p);
    const previous = this.#session;
    this.#session = decision.session;
    let ended: SessionCloseReason | undefined;
    for (const change of decision.changes) {
      switch (change.type) {
        case 'ended': ended = change.reason; break;
        case 'streams-removed': await this.#removeStreams(change.labels, previous); break;
        case 'streams-added': await this.#openStreams(change.labels); break;
        case 'participants-changed':
          this.call.setParticipants(this.#session.participants);
          this.safeEmit('participants-changed', { participants: this.#session.participants, added: change.added, removed: change.removed });
          break;
        case 'hold':
          this.#applyHold(change.labels, true);
          if (change.all) this.call.setHeld(true);
          this.safeEmit('hold', { labels: change.labels, all: change.all });
          break;
        case 'resume':
          this.#applyHold(change.labels, false);
          this.call.setHeld(this.#session.hold);
          this.safeEmit('resume', { labels: change.labels });
          break;
        case 'metadata-updated': this.safeEmit('metadata-updated', this.#session); break;
        case 'none': break;
      }
    }
    this.#updateKeptStreams(previous);
    // streams that became recordable without an explicit change (e.g. the codec agreed in a delayed-offer ACK)
    await this.#openStreams(this.#session.streams.map((s) => s.label));
    if (isAck) {
      if (decision.changes.length > 0) log.info({ changes: decision.changes.map((c) => c.type) }, 'ACK completed the session');
      return;
    }
    log.info({ status, changes: decision.changes.map((c) => c.type), warnings: decision.warnings }, 'in-dialog request answered');
    await req.respond(decision.response);
    if (ended) void this.close(ended);
  }

  /** A kept stream may change codec, payload type or remote address in a re-INVITE (RFC 3264 §8.3). */
  #updateKeptStreams(previous: SessionDescription): void {
    for (const [label, pipeline] of this.#pipelines) {
      const before = previous.streams.find((s) => s.label === label);
      const after = this.#session.streams.find((s) => s.label === label);
      if (!before || !after || !isRecordable(after)) continue;
      const sourceChanged = before.remoteAddress !== after.remoteAddress || before.remotePort !== after.remotePort;
      const codecChanged = before.payloadType !== after.payloadType || before.codec !== after.codec;
      const dtmfChanged = before.telephoneEventPayloadType !== after.telephoneEventPayloadType;
      if (!sourceChanged && !codecChanged && !dtmfChanged) continue;
      try {
        pipeline.update?.({
          ...(sourceChanged ? { expectedSource: after.remoteAddress ? { address: after.remoteAddress, port: after.remotePort } : null } : {}),
          ...(codecChanged ? { payloadTypes: { [after.payloadType!]: after.codec! } } : {}),
          ...(dtmfChanged ? { telephoneEventPayloadType: after.telephoneEventPayloadType ?? null } : {}),
        });
        this.#logger.info({ streamLabel: label, codec: after.codec, payloadType: after.payloadType, remotePort: after.remotePort }, 'stream updated by re-INVITE');
      } catch (err) {
        this.#logger.warn({ err, streamLabel: label }, 'could not update a stream');
      }
    }
  }

  #applyHold(labels: string[], held: boolean): void {
    for (const label of labels) {
      try {
        this.#pipelines.get(label)?.setHold?.(held);
      } catch (err) {
        this.#logger.warn({ err, streamLabel: label, held }, 'could not change the hold state of a stream');
      }
    }
  }

  async #openStreams(labels: string[]): Promise<void> {
    for (const label of labels) {
      const stream = this.#session.streams.find((s) => s.label === label);
      if (!stream || !isRecordable(stream) || this.#pipelines.has(label)) continue;
      const streamLog = this.#logger.child({ streamLabel: label });
      let pipeline: StreamPipelineLike;
      try {
        pipeline = await this.#opts.openPipeline({
          label,
          bindAddress: this.#opts.sip.rtpBindAddress,
          port: stream.localPort!,
          expectedSource: stream.remoteAddress ? { address: stream.remoteAddress, port: stream.remotePort } : undefined,
          payloadTypes: { [stream.payloadType!]: stream.codec! },
          telephoneEventPayloadType: stream.telephoneEventPayloadType,
          jitterBufferMs: this.#opts.media.jitterBufferMs,
          resamplerQuality: this.#opts.media.resamplerQuality,
          debugWavPath: this.#opts.debugWavPathFor?.(this.callId, label),
          logger: streamLog,
        });
      } catch (err) {
        streamLog.error({ err, port: stream.localPort }, 'could not open the stream pipeline; stream not recorded');
        continue;
      }
      if (this.closed) {
        // closed while the socket was being bound: do not leak the new pipeline
        await Promise.resolve(pipeline.close(this.#closeCause)).catch(() => undefined);
        continue;
      }
      this.#pipelines.set(label, pipeline);
      const participant = this.#participantOf(stream);
      const role: Role = stream.role ?? participant?.role ?? 'unknown';
      pipeline.on('frame', (frame) => {
        if (!this.#intake) {
          this.lateFrames++;
          return;
        }
        const current = this.#session.streams.find((s) => s.label === label);
        const who = current ? this.#participantOf(current) : participant;
        this.safeEmit('frame', { label, participant: who, role: current?.role ?? who?.role ?? role, frame });
      });
      pipeline.on('close', (reason) => {
        // a pipeline that closes by itself (socket error) leaves the map; the session goes on
        if (this.#pipelines.get(label) !== pipeline) return;
        this.#pipelines.delete(label);
        this.#releasePort(stream.localPort);
        streamLog.warn({ reason }, 'stream pipeline closed by itself');
        this.safeEmit('stream-removed', { label, reason });
      });
      const info: SessionStreamInfo = { label, participant, role, localPort: stream.localPort!, codec: stream.codec };
      streamLog.info({ port: stream.localPort, codec: stream.codec, role }, 'stream opened');
      this.safeEmit('stream-added', info);
    }
  }

  async #removeStreams(labels: string[], previous: SessionDescription): Promise<void> {
    for (const label of labels) {
      const pipeline = this.#pipelines.get(label);
      this.#pipelines.delete(label);
      try {
        await pipeline?.close('stream-removed');
      } catch (err) {
        this.#logger.error({ err, streamLabel: label }, 'stream pipeline failed to close');
      }
      const old = previous.streams.find((s) => s.label === label);
      const stillUsed = this.#session.streams.some((s) => s.localPort !== undefined && s.localPort === old?.localPort);
      if (!stillUsed) this.#releasePort(old?.localPort);
      if (pipeline) this.safeEmit('stream-removed', { label, reason: 'stream-removed' });
    }
  }

  #releasePort(port: number | undefined): void {
    if (port === undefined || !this.#ports.has(port)) return;
    this.#ports.delete(port);
    try {
      this.#opts.ports.release([port]);
    } catch (err) {
      this.#logger.error({ err, port }, 'releasing an RTP port failed');
    }
  }

  #participantOf(stream: SessionStream): Participant | undefined {
    return stream.participantId ? this.#session.participants.find((p) => p.id === stream.participantId) : undefined;
  }

  #assertOpen(method: string): void {
    if (this.closed) throw new InvalidStateError(`RecordingSession.${method}: session ${this.callId} is closed`);
  }
}

/** An m= line we record: audio with a chosen codec and one of our ports. */
function isRecordable(stream: SessionStream): boolean {
  return stream.mediaType === 'audio' && stream.localPort !== undefined && stream.localPort > 0
    && stream.codec !== undefined && stream.payloadType !== undefined;
}
