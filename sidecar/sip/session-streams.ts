import type { Logger } from 'pino';
import type { MediaConfig, SipConfig } from '../config/schema.js';
import type { StreamCloseReason } from '../../media/stream-pipeline-types.js';
import type {
  PipelineFactory, RtpPortLeaser, SessionFrame, SessionStreamInfo, StreamPipelineLike,
} from './recording-session-types.js';
import type { Participant, Role, SessionDescription, SessionStream } from './siprec-types.js';

/** Options of {@link SessionStreams}. */
export interface SessionStreamsOptions {
  callId: string;
  sip: SipConfig;
  media: MediaConfig;
  ports: RtpPortLeaser;
  openPipeline: PipelineFactory;
  debugWavPathFor?: (callId: string, label: string) => string | undefined;
  /** The session as currently agreed (participants and roles are read per frame, so a transfer re-tags frames). */
  session: () => SessionDescription;
  /** The close cause once the owner closed (a pipeline that finishes opening after that is closed at once with it). */
  closedCause: () => StreamCloseReason | undefined;
  onFrame: (frame: SessionFrame) => void;
  onAdded: (info: SessionStreamInfo) => void;
  onRemoved: (event: { label: string; reason: StreamCloseReason }) => void;
  logger: Logger;
}

/**
 * The media half of a RecordingSession: its `Map<label, pipeline>` and the RTP ports it leased. It opens
 * a pipeline per recordable audio stream, tags each frame with the stream's participant and role, applies
 * hold and re-INVITE updates to running pipelines, closes removed streams with `stream-removed`, and
 * returns ports to the pool exactly once (a port is released by this object only, never by a pipeline,
 * so a port leased again by another call can never be freed twice).
 */
export class SessionStreams {
  /** Frames that arrived after intake stopped (dropped). */
  lateFrames = 0;
  #opts: SessionStreamsOptions;
  #pipelines = new Map<string, StreamPipelineLike>();
  #ports = new Set<number>();
  #intake = true;

  constructor(options: SessionStreamsOptions, leasedPorts: readonly number[]) {
    this.#opts = options;
    for (const p of leasedPorts) this.#ports.add(p);
  }

  /** Labels with an open pipeline. */
  get labels(): string[] {
    return [...this.#pipelines.keys()];
  }

  /** RTP ports held. */
  get ports(): number[] {
    return [...this.#ports];
  }

  /** Takes ownership of ports leased for a re-INVITE's new streams. */
  addPorts(ports: readonly number[]): void {
    for (const p of ports) this.#ports.add(p);
  }

  /** Opens pipelines for the given labels that are recordable and not open yet. Failures are logged, not thrown. */
  async open(labels: string[]): Promise<void> {
    for (const label of labels) {
      const stream = this.#opts.session().streams.find((s) => s.label === label);
      if (!stream || !isRecordable(stream) || this.#pipelines.has(label)) continue;
      const log = this.#opts.logger.child({ streamLabel: label });
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
          maxGapFillMs: this.#opts.media.maxGapFillMs,
          debugWavPath: this.#opts.debugWavPathFor?.(this.#opts.callId, label),
          logger: log,
        });
      } catch (err) {
        log.error({ err, port: stream.localPort }, 'could not open the stream pipeline; stream not recorded');
        continue;
      }
      const cause = this.#opts.closedCause();
      if (cause) {
        // the session closed while the socket was being bound: do not leak the new pipeline
        await Promise.resolve(pipeline.close(cause)).catch(() => undefined);
        continue;
      }
      this.#pipelines.set(label, pipeline);
      this.#wire(label, pipeline, stream, log);
      const participant = this.#participantOf(stream);
      const role: Role = stream.role ?? participant?.role ?? 'unknown';
      log.info({ port: stream.localPort, codec: stream.codec, role }, 'stream opened');
      this.#opts.onAdded({ label, participant, role, localPort: stream.localPort!, codec: stream.codec });
    }
  }

  #wire(label: string, pipeline: StreamPipelineLike, stream: SessionStream, log: Logger): void {
    pipeline.on('frame', (frame) => {
      if (!this.#intake) {
        this.lateFrames++;
        return;
      }
      const current = this.#opts.session().streams.find((s) => s.label === label) ?? stream;
      const participant = this.#participantOf(current);
      this.#opts.onFrame({ label, participant, role: current.role ?? participant?.role ?? 'unknown', frame });
    });
    pipeline.on('close', (reason) => {
      // a pipeline that closes by itself (socket error) leaves the map; the session goes on
      if (this.#pipelines.get(label) !== pipeline) return;
      this.#pipelines.delete(label);
      this.#releasePort(stream.localPort);
      log.warn({ reason }, 'stream pipeline closed by itself');
      this.#opts.onRemoved({ label, reason });
    });
  }

  /** Closes removed streams with `stream-removed` and returns their ports (unless the new session reuses them). */
  async remove(labels: string[], previous: SessionDescription): Promise<void> {
    for (const label of labels) {
      const pipeline = this.#pipelines.get(label);
      this.#pipelines.delete(label);
      try {
        await pipeline?.close('stream-removed');
      } catch (err) {
        this.#opts.logger.error({ err, streamLabel: label }, 'stream pipeline failed to close');
      }
      const old = previous.streams.find((s) => s.label === label);
      const stillUsed = this.#opts.session().streams.some((s) => s.localPort !== undefined && s.localPort === old?.localPort);
      if (!stillUsed) this.#releasePort(old?.localPort);
      if (pipeline) this.#opts.onRemoved({ label, reason: 'stream-removed' });
    }
  }

  /** A kept stream may change codec, payload type or remote address in a re-INVITE (RFC 3264 §8.3). */
  updateKept(previous: SessionDescription): void {
    const now = this.#opts.session();
    for (const [label, pipeline] of this.#pipelines) {
      const before = previous.streams.find((s) => s.label === label);
      const after = now.streams.find((s) => s.label === label);
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
        this.#opts.logger.info({ streamLabel: label, codec: after.codec, payloadType: after.payloadType, remotePort: after.remotePort },
          'stream updated by re-INVITE');
      } catch (err) {
        this.#opts.logger.warn({ err, streamLabel: label }, 'could not update a stream');
      }
    }
  }

  /** Pauses (hold) or resumes the pipelines of these labels. */
  setHold(labels: string[], held: boolean): void {
    for (const label of labels) {
      try {
        this.#pipelines.get(label)?.setHold?.(held);
      } catch (err) {
        this.#opts.logger.warn({ err, streamLabel: label, held }, 'could not change the hold state of a stream');
      }
    }
  }

  /**
   * Close step (1), stop intake: closes every pipeline with `cause`, one after another, each guarded. Frames
   * the pipelines flush while closing still reach `onFrame`; later ones are counted in `lateFrames`.
   */
  async closeAll(cause: StreamCloseReason): Promise<void> {
    const pipelines = [...this.#pipelines];
    this.#pipelines.clear(); // before closing, so their `close` events are not taken for failures
    for (const [label, pipeline] of pipelines) {
      try {
        await pipeline.close(cause);
      } catch (err) {
        this.#opts.logger.error({ err, streamLabel: label }, 'stream pipeline failed to close');
      }
    }
    this.#intake = false;
  }

  /** Close step (3): every port back to the pool. */
  releaseAll(): void {
    const ports = [...this.#ports];
    this.#ports.clear();
    this.#opts.ports.release(ports);
  }

  #releasePort(port: number | undefined): void {
    if (port === undefined || !this.#ports.has(port)) return;
    this.#ports.delete(port);
    try {
      this.#opts.ports.release([port]);
    } catch (err) {
      this.#opts.logger.error({ err, port }, 'releasing an RTP port failed');
    }
  }

  #participantOf(stream: SessionStream): Participant | undefined {
    const participants = this.#opts.session().participants;
    return stream.participantId ? participants.find((p) => p.id === stream.participantId) : undefined;
  }
}

/** An m= line we record: audio with a chosen codec and one of our ports. */
export function isRecordable(stream: SessionStream): boolean {
  return stream.mediaType === 'audio' && stream.localPort !== undefined && stream.localPort > 0
    && stream.codec !== undefined && stream.payloadType !== undefined;
}
