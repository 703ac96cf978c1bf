/**
 * Reordering jitter buffer for one RTP audio stream, on a timeline of RTP clock samples (8 kHz for G.711:
 * position 160 = 20 ms). Position 0 is the first packet's timestamp; later positions follow the RTP
 * timestamps (RFC 3550 §5.1), with 32-bit wrap handled by signed differences against a moving anchor.
 *
 * Playout clock (design): playout is driven by packet arrival, not by a per-stream timer.
 * - A packet at the playout head is played at once (no added latency while packets arrive in order).
 * - Packets after a gap wait; the gap is concealed with silence as soon as a packet `depthMs` or more
 *   after the gap's slot has arrived (the missing one is then `depthMs` overdue), or, when packets stop,
 *   after `depthMs` of wall-clock time ({@link JitterBuffer.poll}).
 * - When the sender goes quiet, {@link JitterBuffer.advanceIdle} keeps the timeline moving with silence
 *   in real time, so downstream endpointing sees the pause.
 * - Both are driven by one shared process-wide ticker (`playout-ticker.ts`), not a timer per stream.
 * - Silence fills the exact timestamp gap (a 60 ms hole = 480 samples, whatever the packet count).
 * - A packet whose slot was already played or concealed is late: counted by the caller, dropped.
 *
 * Timeline discontinuities: a new SSRC, a confirmed sequence restart, or a timestamp jump that disagrees
 * with the wall clock (more than {@link TIMESTAMP_JUMP_TOLERANCE_MS} beyond the time elapsed) do not trust
 * the new timestamps; the packet is placed where the wall clock says it belongs (last packet's position
 * + elapsed time, on the frame grid). The hole before it is filled with silence when it is at most
 * `maxGapFillMs`, otherwise the timeline jumps (`jump`), so a sender glitch never yields hours of silence.
 * After {@link JitterBuffer.resume} (hold ended) the timeline always jumps to wall-clock time, unfilled.
 *
 * Payloads are addressed in timestamp units: 1 byte = 1 sample unit (true for PCMU/PCMA, and for G.722
 * whose RTP clock is 8 kHz, RFC 3551 §4.5.2). The buffer keeps a reference to each pushed `data` until
 * it is played; callers must not reuse that memory.
 */

/** Receives the played-out timeline, in order, without gaps or overlaps between `jump`s. */
export interface PlayoutSink<T> {
  /** Audio for the next `length` samples of the timeline: `data[offset, offset + length)`. */
  play(data: Uint8Array, offset: number, length: number, tag: T): void;
  /** `samples` of silence for the next part of the timeline (loss, silence suppression, sender gaps). */
  conceal(samples: number): void;
  /** The timeline continues at `position` (samples), skipping what lies between. */
  jump(position: number): void;
}

/** Outcome of {@link JitterBuffer.push}. */
export enum PushResult {
  /** Played out at once, or buffered and possibly played. */
  Accepted = 0,
  /** Its slot was already played or concealed: dropped. */
  Late = 1,
  /** A packet already buffered at the same position: dropped. */
  Duplicate = 2,
}

/** Options of {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** How long a missing packet is awaited before it is concealed, in ms (config `media.jitterBufferMs`). */
  depthMs: number;
  /** RTP clock rate in Hz; default 8000. */
  clockRateHz?: number;
  /** Frame grid for re-anchored positions, in samples; default 160 (20 ms at 8 kHz). */
  frameSamples?: number;
  /** Longest hole filled with silence after a discontinuity or silence suppression, in ms; default 5000. */
  maxGapFillMs?: number;
}

/** A timestamp gap larger than the elapsed wall-clock time by more than this is a sender jump, in ms. */
export const TIMESTAMP_JUMP_TOLERANCE_MS = 1000;

interface Entry<T> {
  position: number;
  samples: number;
  data: Uint8Array;
  offset: number;
  tag: T;
}

export class JitterBuffer<T> {
  readonly depthMs: number;
  readonly #sink: PlayoutSink<T>;
  readonly #rate: number;
  readonly #depthSamples: number;
  readonly #frameSamples: number;
  readonly #maxGapFillSamples: number;
  readonly #jumpToleranceSamples: number;
  #started = false;
  /** Next timeline position to play, in samples. */
  #head = 0;
  #anchorTs = 0;
  #anchorPos = 0;
  /** Position and arrival time of the newest (highest-position) packet accepted. */
  #newestPos = 0;
  #newestArrivalMs = 0;
  #resumePending = false;
  #gapSinceMs = -1;
  readonly #entries: Entry<T>[] = [];
  readonly #free: Entry<T>[] = [];

  constructor(sink: PlayoutSink<T>, options: JitterBufferOptions) {
    if (!(options.depthMs >= 0)) throw new TypeError('depthMs must be ≥ 0');
    this.#sink = sink;
    this.depthMs = options.depthMs;
    this.#rate = (options.clockRateHz ?? 8000) / 1000;
    this.#depthSamples = Math.round(options.depthMs * this.#rate);
    this.#frameSamples = options.frameSamples ?? 160;
    this.#maxGapFillSamples = Math.round((options.maxGapFillMs ?? 5000) * this.#rate);
    this.#jumpToleranceSamples = Math.round((TIMESTAMP_JUMP_TOLERANCE_MS + options.depthMs) * this.#rate);
  }

  /** Next timeline position to be played, in samples. */
  get headPosition(): number {
    return this.#head;
  }

  /** Packets held, waiting for an earlier missing one. */
  get bufferedPackets(): number {
    return this.#entries.length;
  }

  /** True while a gap is being waited for: the owner must call {@link poll} until it turns false. */
  get waiting(): boolean {
    return this.#gapSinceMs >= 0;
  }

  /**
   * Adds one audio packet and plays out whatever became playable.
   * @param timestamp RTP timestamp (unsigned 32-bit)
   * @param inOrder true when the packet's sequence number is the highest so far (RFC 3550 A.1)
   * @param contiguous true when it directly follows the previous highest sequence number (no loss before it)
   * @param newSequence true for the first packet of a new SSRC or a restarted sequence
   * @param arrivalMs arrival time, monotonic ms
   * @param data payload bytes `data[offset, offset + length)`, kept by reference until played
   */
  push(
    timestamp: number,
    inOrder: boolean,
    contiguous: boolean,
    newSequence: boolean,
    arrivalMs: number,
    data: Uint8Array,
    offset: number,
    length: number,
    tag: T,
  ): PushResult {
    if (!this.#started) {
      this.#started = true;
      this.#anchorTs = timestamp;
      this.#anchorPos = 0;
      this.#newestPos = 0;
      this.#newestArrivalMs = arrivalMs;
    } else if (newSequence || this.#resumePending) {
      this.#rebase(timestamp, arrivalMs, this.#resumePending);
    }
    let position = this.#anchorPos + ((timestamp - this.#anchorTs) | 0);
    if (inOrder) {
      const elapsed = Math.max(0, (arrivalMs - this.#newestArrivalMs) * this.#rate);
      if (position < this.#head || position - this.#newestPos > elapsed + this.#jumpToleranceSamples) {
        // Sequence says "next", timestamps say "past" or "far future": the sender's clock jumped.
        this.#rebase(timestamp, arrivalMs, false);
        position = this.#anchorPos;
      }
      // Keep the anchor close so that (ts − anchorTs) | 0 never overflows, however long the call.
      this.#anchorTs = timestamp;
      this.#anchorPos = position;
      if (position >= this.#newestPos) {
        this.#newestPos = position;
        this.#newestArrivalMs = arrivalMs;
      }
    }
    if (position + length <= this.#head) return PushResult.Late;
    if (position < this.#head) {
      // Overlaps the head (a rebase rounded onto it): play only the part not yet played.
      const cut = this.#head - position;
      offset += cut;
      length -= cut;
      position = this.#head;
    }
    if (this.#entries.length === 0) {
      if (position === this.#head) {
        this.#sink.play(data, offset, length, tag);
        this.#head = position + length;
        return PushResult.Accepted;
      }
      if (contiguous) {
        // Nothing is missing (sequence is contiguous): a silence-suppression or comfort-noise gap.
        this.#fill(position - this.#head, false);
        this.#sink.play(data, offset, length, tag);
        this.#head = position + length;
        return PushResult.Accepted;
      }
    }
    if (!this.#insert(position, length, data, offset, tag)) return PushResult.Duplicate;
    this.#drain(arrivalMs, false);
    return PushResult.Accepted;
  }

  /** Called by the shared ticker while {@link waiting}: conceals a gap awaited for `depthMs` of wall-clock time. */
  poll(nowMs: number): void {
    if (this.#entries.length > 0) this.#drain(nowMs, false);
  }

  /**
   * Keeps the timeline moving while no packets arrive (silence suppression after comfort noise, an outage):
   * once the last packet is `afterMs` old and nothing is buffered, conceals up to wall-clock time minus
   * `depthMs`, on the frame grid, and at most `maxGapFillMs` past the last packet. Consumers such as ASR
   * endpointing then see the silence as it happens instead of when the next talk spurt arrives. Packets
   * arriving after an idle fill whose slots were filled are re-anchored (see class notes), not lost.
   * Does nothing before the first packet or while a resume is pending (hold).
   */
  advanceIdle(nowMs: number, afterMs: number): void {
    if (!this.#started || this.#resumePending || this.#entries.length > 0) return;
    const idleMs = nowMs - this.#newestArrivalMs;
    if (idleMs < afterMs) return;
    const grid = this.#frameSamples;
    let target = Math.floor((this.#newestPos + idleMs * this.#rate - this.#depthSamples) / grid) * grid;
    target = Math.min(target, this.#newestPos + this.#maxGapFillSamples);
    if (target > this.#head) this.#fill(target - this.#head, false);
  }

  /** Plays out everything buffered, concealing the gaps between (close, hold). */
  flush(): void {
    this.#drain(0, true);
  }

  /**
   * The stream resumes after a pause (hold): the next packet is placed at wall-clock position
   * (last packet + elapsed time) and the timeline jumps there, with no silence for the pause.
   */
  resume(): void {
    if (this.#started) this.#resumePending = true;
  }

  #rebase(timestamp: number, arrivalMs: number, isResume: boolean): void {
    this.#resumePending = false;
    this.flush();
    const elapsed = Math.max(0, (arrivalMs - this.#newestArrivalMs) * this.#rate);
    const grid = this.#frameSamples;
    let target = Math.round((this.#newestPos + elapsed) / grid) * grid;
    if (target < this.#head) target = this.#head;
    if (target > this.#head) this.#fill(target - this.#head, isResume);
    this.#anchorTs = timestamp;
    this.#anchorPos = target;
    this.#newestPos = target;
    this.#newestArrivalMs = arrivalMs;
  }

  /** Moves the head `samples` forward: silence when short enough, else a timeline jump. */
  #fill(samples: number, forceJump: boolean): void {
    if (samples <= 0) return;
    this.#head += samples;
    if (forceJump || samples > this.#maxGapFillSamples) this.#sink.jump(this.#head);
    else this.#sink.conceal(samples);
  }

  #insert(position: number, samples: number, data: Uint8Array, offset: number, tag: T): boolean {
    const entries = this.#entries;
    let i = entries.length;
    while (i > 0 && entries[i - 1].position > position) i--;
    if (i > 0 && entries[i - 1].position === position) return false;
    const entry = this.#free.pop() ?? ({} as Entry<T>);
    entry.position = position;
    entry.samples = samples;
    entry.data = data;
    entry.offset = offset;
    entry.tag = tag;
    entries.splice(i, 0, entry);
    return true;
  }

  #drain(nowMs: number, force: boolean): void {
    const entries = this.#entries;
    while (entries.length > 0) {
      const first = entries[0];
      if (first.position + first.samples <= this.#head) {
        this.#release(entries.shift()!);
        continue;
      }
      if (first.position > this.#head) {
        const last = entries[entries.length - 1];
        // How overdue the missing audio is: the newest packet's slot minus the gap's slot.
        const overdueSamples = last.position - this.#head;
        const waitedMs = this.#gapSinceMs >= 0 ? nowMs - this.#gapSinceMs : -1;
        if (!force && overdueSamples < this.#depthSamples && waitedMs < this.depthMs) {
          if (this.#gapSinceMs < 0) this.#gapSinceMs = nowMs;
          return;
        }
        this.#fill(first.position - this.#head, false);
        this.#gapSinceMs = -1;
      }
      const cut = this.#head - first.position;
      this.#sink.play(first.data, first.offset + cut, first.samples - cut, first.tag);
      this.#head = first.position + first.samples;
      this.#release(entries.shift()!);
    }
    this.#gapSinceMs = -1;
  }

  #release(entry: Entry<T>): void {
    entry.data = undefined as unknown as Uint8Array;
    this.#free.push(entry);
  }
}
