import type { Logger } from 'pino';
import { EnhancedEmitter } from '../sidecar/core/enhanced-emitter.js';
import { InvalidStateError } from '../sidecar/core/errors.js';
import { g711TablesByPayloadType } from './codecs/g711.js';
import { loadResamplerModule, Resampler } from './codecs/resampler.js';
import { FrameAssembler } from './frame-assembler.js';
import { JitterBuffer, PushResult } from './rtp/jitter-buffer.js';
import { PlayoutTicker, type TickerClient } from './rtp/playout-ticker.js';
import type { RtpPacket } from './rtp/rtp-packet.js';
import { PayloadKind, RtpReceiver } from './rtp/rtp-receiver.js';
import { SeqResult, SequenceTracker } from './rtp/sequence-tracker.js';
import {
  OUTPUT_SAMPLE_RATE_HZ,
  type PcmFrame,
  type RtpSource,
  type RtpStreamStats,
  type StreamCloseReason,
  type StreamPipelineEvents,
  type StreamPipelineOptions,
  type StreamPipelineUpdate,
} from './stream-pipeline-types.js';
import { WavFileWriter } from './wav-file-writer.js';

const G711_CLOCK_HZ = 8000;

/**
 * With no packet for this long (and no comfort noise announcing silence), the timeline goes on with silence
 * in real time, in ms. Long enough that a network stall is not mistaken for silence.
 */
export const IDLE_FILL_AFTER_MS = 500;

/**
 * Owner of one recorded stream's media: RtpReceiver (UDP socket on the leased port) → SequenceTracker
 * (RFC 3550 A.1/A.3/A.8) → JitterBuffer (reorder, conceal, late) → G.711 decode → speex 8 → 16 kHz →
 * `frame` events of 20 ms (320 samples, PCM16 mono, 16 kHz; `g711Payload`: plus 160 G.711 bytes) in timeline order.
 *
 * - Hot path: synchronous from the socket's `message` event to `frame`; no promise per packet; the only
 *   allocation per frame is the emitted `Int16Array(320)` (+ `Uint8Array(160)`; the consumer may keep them).
 * - Playout is driven by packet arrival; one shared {@link PlayoutTicker} conceals gaps left when packets
 *   stop, and keeps the timeline moving with silence when the sender goes quiet (after comfort noise at
 *   once, else after {@link IDLE_FILL_AFTER_MS}; at most `maxGapFillMs`), so ASR endpointing sees silence.
 *   Frames are continuous on the timeline; `startMs` follows RTP timestamps and jumps (`discontinuity`)
 *   only after hold or a gap longer than `maxGapFillMs`.
 * - Output lags `startMs` by the resampler's fixed delay ({@link StreamPipeline.resamplerDelayMs}, 5 ms at q5).
 * - Hold ({@link setHold}): flushes the jitter buffer, drops packets (counted), conceals nothing; on resume the
 *   timeline continues at wall-clock time. A socket failure closes the pipeline with reason `'error'`.
 * - {@link close}: idempotent, returns the same promise: (1) closes the socket, (2) plays out what the
 *   jitter buffer holds and completes the last frame, (3) releases the ticker, resampler, debug WAV and
 *   the port (to `portPool`), each step guarded, (4) emits `close` once with the reason. After close,
 *   `update` and `setHold` throw InvalidStateError; `stats()` still answers.
 *
 * @example
 * const [port] = await pool.lease(1);
 * const pipeline = await StreamPipeline.open({ label, bindAddress, port, portPool: pool, payloadTypes: { 0: 'PCMU' },
 *   jitterBufferMs: 60, resamplerQuality: 5, logger });
 * pipeline.on('frame', (f) => asr.write(f.samples));
 * await pipeline.close('session-ended'); // port is back in the pool
 */
export class StreamPipeline extends EnhancedEmitter<StreamPipelineEvents> implements TickerClient {
  readonly label: string;
  /** Fixed delay of the output relative to `startMs`, in ms (resampler group delay). */
  readonly resamplerDelayMs: number;
  readonly #options: StreamPipelineOptions;
  readonly #logger: Logger;
  readonly #ticker: PlayoutTicker;
  readonly #tracker = new SequenceTracker(G711_CLOCK_HZ);
  #tables: (Int16Array | undefined)[];
  readonly #resampler: Resampler;
  readonly #assembler: FrameAssembler;
  readonly #jitterBuffer: JitterBuffer<Int16Array>;
  #wav: WavFileWriter | undefined;
  #receiver!: RtpReceiver;
  #ticking = false;
  #held = false;
  #closePromise: Promise<void> | undefined;
  #received = 0;
  #late = 0;
  #duplicate = 0;
  #telephoneEvents = 0;
  #comfortNoise = 0;
  #discardedWhileHeld = 0;
  #lastAudioAtMs = 0;
  #comfortNoiseAtMs = -1;

  private constructor(options: StreamPipelineOptions, resampler: Resampler, ticker: PlayoutTicker) {
    super(options.logger);
    this.#options = { ...options, payloadTypes: { ...options.payloadTypes } };
    this.#logger = options.logger;
    this.#ticker = ticker;
    this.label = options.label;
    this.#resampler = resampler;
    this.resamplerDelayMs = resampler.delayMs;
    this.#tables = g711TablesByPayloadType(options.payloadTypes);
    this.#assembler = new FrameAssembler(resampler, (frame) => this.#onFrame(frame), { g711: options.g711Payload });
    const { jitterBufferMs: depthMs, maxGapFillMs } = options;
    this.#jitterBuffer = new JitterBuffer(this.#assembler, { depthMs, clockRateHz: G711_CLOCK_HZ, maxGapFillMs });
  }

  /**
   * Loads the resampler module (once per process), binds the UDP socket and starts receiving.
   * @param ticker the shared playout ticker; tests inject their own
   * @throws TypeError on bad options; the bind error (e.g. `EADDRINUSE`); ModsvarError `RESAMPLER_*`.
   *   On failure the port is released to `portPool` when one is given.
   */
  static async open(options: StreamPipelineOptions, ticker: PlayoutTicker = PlayoutTicker.shared): Promise<StreamPipeline> {
    let resampler: Resampler | undefined;
    try {
      if (Object.keys(options.payloadTypes).length === 0) throw new TypeError('payloadTypes is empty');
      await loadResamplerModule();
      resampler = Resampler.create(G711_CLOCK_HZ, OUTPUT_SAMPLE_RATE_HZ, options.resamplerQuality);
      const pipeline = new StreamPipeline(options, resampler, ticker);
      pipeline.#receiver = await RtpReceiver.open(
        {
          ...options,
          audioPayloadTypes: Object.keys(options.payloadTypes).map(Number),
          onError: () => void pipeline.close('error'),
        },
        (packet, data, kind, arrivalMs) => pipeline.#onPacket(packet, data, kind, arrivalMs),
      );
      // Opened last, so a failed bind leaves no file behind.
      if (options.debugWavPath) pipeline.#wav = new WavFileWriter(options.debugWavPath, OUTPUT_SAMPLE_RATE_HZ);
      return pipeline;
    } catch (err) {
      resampler?.destroy();
      options.portPool?.release(options.port);
      throw err;
    }
  }

  /** The local UDP port (the bound one when `options.port` was 0). */
  get port(): number {
    return this.#receiver.port;
  }

  /** True once close() was called. */
  get closed(): boolean { return this.#closePromise !== undefined; }
  /** True while on hold (setHold(true)). */
  get held(): boolean { return this.#held; }

  /** Counters of this stream (RFC 3550 §6.4.1, A.3, A.8). Also valid after close. */
  stats(): RtpStreamStats {
    const r = this.#receiver;
    return {
      received: this.#received,
      lost: this.#tracker.lost,
      late: this.#late,
      duplicate: this.#duplicate,
      malformed: r.malformed,
      wrongSource: r.wrongSource,
      unknownPayloadType: r.unknownPayloadType,
      telephoneEvents: this.#telephoneEvents,
      comfortNoise: this.#comfortNoise,
      ssrcChanges: this.#tracker.ssrcChanges,
      jitterMs: this.#tracker.jitterMs,
      framesOut: this.#assembler.framesOut,
      framesConcealed: this.#assembler.framesConcealed,
      rtcp: r.rtcp,
      discardedWhileHeld: this.#discardedWhileHeld,
    };
  }

  /**
   * Applies a re-INVITE/UPDATE: a new expected source (re-latches) and/or payload-type map.
   * @throws InvalidStateError after close; TypeError for an empty payload-type map
   */
  update(update: StreamPipelineUpdate): void {
    this.#assertOpen('update');
    const o = this.#options;
    if (update.payloadTypes && Object.keys(update.payloadTypes).length === 0) throw new TypeError('payloadTypes is empty');
    const tables = g711TablesByPayloadType(update.payloadTypes ?? o.payloadTypes); // validates before any change
    if (update.payloadTypes) o.payloadTypes = { ...update.payloadTypes };
    if (update.telephoneEventPayloadType !== undefined) o.telephoneEventPayloadType = update.telephoneEventPayloadType ?? undefined;
    if (update.comfortNoisePayloadType !== undefined) o.comfortNoisePayloadType = update.comfortNoisePayloadType ?? undefined;
    this.#tables = tables;
    this.#receiver.setPayloadTypes(Object.keys(o.payloadTypes).map(Number), o.telephoneEventPayloadType, o.comfortNoisePayloadType);
    if (update.expectedSource !== undefined) {
      o.expectedSource = update.expectedSource ?? undefined;
      this.#receiver.setExpectedSource(o.expectedSource);
    }
  }

  /**
   * Pauses (true) or resumes (false) the stream for hold (`a=inactive`/`sendonly` flips, RFC 3264 §8.4).
   * Pausing plays out what is buffered and then drops packets; resuming continues the timeline at
   * wall-clock time with no silence burst for the pause. Idempotent per state.
   * @throws InvalidStateError after close
   */
  setHold(held: boolean): void {
    this.#assertOpen('setHold');
    if (held === this.#held) return;
    this.#held = held;
    if (held) {
      this.#jitterBuffer.flush();
      this.#stopTicking();
    } else {
      this.#jitterBuffer.resume();
    }
  }

  /** Feeds one datagram as if it came from `from` on the socket (benchmarks, other transports). */
  ingest(datagram: Buffer, from: RtpSource): void {
    this.#receiver.ingest(datagram, from);
  }

  /** Closes the stream (see the class notes). Idempotent: returns the same promise every time. */
  close(reason: StreamCloseReason = 'session-ended'): Promise<void> {
    this.#closePromise ??= this.#teardown(reason);
    return this.#closePromise;
  }

  /** @internal PlayoutTicker callback: conceals overdue gaps, and silence while packets have stopped. */
  tick(nowMs: number): void {
    const jb = this.#jitterBuffer;
    if (jb.waiting) jb.poll(nowMs);
    else jb.advanceIdle(nowMs, this.#comfortNoiseAtMs > this.#lastAudioAtMs ? jb.depthMs : IDLE_FILL_AFTER_MS);
  }

  async #teardown(reason: StreamCloseReason): Promise<void> {
    const step = (what: string, fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        this.#logger.warn({ err, step: what }, 'stream pipeline teardown step failed');
      }
    };
    step('receiver', () => this.#receiver.close());
    step('drain', () => {
      this.#jitterBuffer.flush();
      this.#assembler.flush();
    });
    step('ticker', () => this.#stopTicking());
    step('resampler', () => this.#resampler.destroy());
    step('port', () => this.#options.portPool?.release(this.#options.port));
    if (this.#wav) {
      try {
        await this.#wav.close();
      } catch (err) {
        this.#logger.warn({ err, path: this.#wav.path }, 'debug recording could not be finished');
      }
    }
    this.#logger.debug({ reason, stats: this.stats() }, 'stream pipeline closed');
    this.safeEmit('close', reason);
  }

  #onPacket(packet: RtpPacket, data: Buffer, kind: PayloadKind, arrivalMs: number): void {
    if (this.#held) {
      this.#discardedWhileHeld++;
      return;
    }
    const tracker = this.#tracker;
    if (kind !== PayloadKind.Audio) {
      if (kind === PayloadKind.TelephoneEvent) this.#telephoneEvents++;
      else {
        this.#comfortNoise++;
        this.#comfortNoiseAtMs = arrivalMs;
      }
      // Same SSRC = same sequence space (RFC 4733 §2.1): account it, so audio after it is not "lost".
      if (tracker.ssrc === packet.ssrc) tracker.update(packet.ssrc, packet.sequenceNumber);
      return;
    }
    const table = this.#tables[packet.payloadType]!;
    const previousHighest = tracker.highestExtended;
    const result = tracker.update(packet.ssrc, packet.sequenceNumber);
    if (result === SeqResult.Duplicate) {
      this.#duplicate++;
      return;
    }
    if (result >= SeqResult.Jump) return; // a jump or a new SSRC awaiting confirmation by the next packet (RFC 3550 A.1)
    tracker.updateJitter(packet.timestamp, arrivalMs);
    const inOrder = result === SeqResult.InOrder;
    const restarted = tracker.restarted;
    const contiguous = inOrder && !restarted && tracker.lastExtended === previousHighest + 1;
    const pushed = this.#jitterBuffer.push(
      packet.timestamp, inOrder, contiguous, restarted, arrivalMs, data, packet.payloadOffset, packet.payloadLength, table,
    );
    if (pushed === PushResult.Accepted) this.#received++;
    else if (pushed === PushResult.Late) this.#late++;
    else this.#duplicate++;
    this.#lastAudioAtMs = arrivalMs;
    if (!this.#ticking) {
      this.#ticking = true;
      this.#ticker.add(this);
    }
  }

  #onFrame(frame: PcmFrame): void {
    this.#wav?.write(frame.samples);
    this.safeEmit('frame', frame);
  }

  #stopTicking(): void {
    if (!this.#ticking) return;
    this.#ticking = false;
    this.#ticker.remove(this);
  }

  #assertOpen(method: string): void {
    if (this.#closePromise) throw new InvalidStateError(`StreamPipeline.${method}() called after close`);
  }
}
