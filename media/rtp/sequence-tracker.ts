/**
 * Per-stream RTP reception statistics, after RFC 3550 Appendix A:
 * - A.1 extended sequence numbers (16-bit wrap counted in `cycles`), with MAX_DROPOUT/MAX_MISORDER and the
 *   "two sequential packets after a large jump restart the sequence" rule;
 * - A.3 expected and lost packets;
 * - A.8 interarrival jitter, J += (|D| − J) / 16, kept in timestamp units and reported in ms;
 * - duplicates, from a window of the last {@link DUPLICATE_WINDOW} extended sequence numbers.
 *
 * A new SSRC restarts the sequence and jitter state (RFC 3550 §8.2: a new source) once two of its packets
 * arrived in sequence (A.1 probation, MIN_SEQUENTIAL = 2), so a stray packet of an old or foreign source
 * cannot flip the stream back and forth; totals of earlier sources are kept, so `expected`, `received`
 * and `lost` cover the whole stream.
 * Pure and allocation-free per packet; the caller supplies arrival times.
 */

/** RFC 3550 A.1 constants. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

/** How many recent extended sequence numbers are remembered to recognise duplicates. */
export const DUPLICATE_WINDOW = 1024;

/** Outcome of {@link SequenceTracker.update}. */
export enum SeqResult {
  /** Newer than every packet so far (the extended highest sequence number advanced). */
  InOrder = 0,
  /** Older than the highest so far and not seen before (reordered, possibly late). */
  Reordered = 1,
  /** Seen before. Drop. */
  Duplicate = 2,
  /** A jump of more than MAX_DROPOUT; dropped until the next packet confirms it (RFC 3550 A.1). */
  Jump = 3,
  /** First packet of a different SSRC; dropped until the next one, in sequence, confirms the change. */
  Probation = 4,
}

export class SequenceTracker {
  /** Current SSRC; undefined before the first packet. */
  ssrc: number | undefined = undefined;
  /** SSRC changes after the first packet. */
  ssrcChanges = 0;
  /** True when the last update started a new sequence (first packet, new SSRC, or a confirmed jump). */
  restarted = false;
  /** Extended sequence number of the last updated packet (valid unless the result was Jump). */
  lastExtended = 0;
  /** Duplicates seen. */
  duplicates = 0;

  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probationSsrc = -1;
  #probationSeq = 0;
  #received = 0;
  // Totals of earlier SSRCs (or earlier sequences after a restart).
  #priorExpected = 0;
  #priorReceived = 0;
  #priorLost = 0;
  #seen = new Uint32Array(DUPLICATE_WINDOW);
  // A.8 state, timestamp units.
  #transit = 0;
  #haveTransit = false;
  #jitter = 0;
  readonly #clockRateHz: number;

  /** @param clockRateHz RTP clock rate in Hz (8000 for G.711, RFC 3551 §6) */
  constructor(clockRateHz = 8000) {
    this.#clockRateHz = clockRateHz;
  }

  /**
   * Accounts one well-formed packet of the stream (audio, telephone-event and comfort noise alike: they
   * share the sequence space, RFC 4733 §2.1). Returns a {@link SeqResult}; sets `restarted` and `lastExtended`.
   */
  update(ssrc: number, seq: number): SeqResult {
    this.restarted = false;
    if (this.ssrc !== ssrc) {
      if (this.ssrc !== undefined) {
        if (this.#probationSsrc !== ssrc || seq !== ((this.#probationSeq + 1) & 0xffff)) {
          this.#probationSsrc = ssrc;
          this.#probationSeq = seq;
          return SeqResult.Probation;
        }
        this.#probationSsrc = -1;
        this.ssrcChanges++;
        this.#closeSequence();
      }
      this.ssrc = ssrc;
      this.#initSeq(seq);
      this.#haveTransit = false;
      this.#jitter = 0;
      return this.#accept(this.#cycles + seq, SeqResult.InOrder);
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (udelta === 0) {
      this.lastExtended = this.#cycles + seq;
      this.duplicates++;
      return SeqResult.Duplicate;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
      return this.#accept(this.#cycles + seq, SeqResult.InOrder);
    }
    if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.#badSeq) {
        // Two sequential packets after a large jump: the sender restarted its sequence (RFC 3550 A.1).
        this.#closeSequence();
        this.#initSeq(seq);
        return this.#accept(this.#cycles + seq, SeqResult.InOrder);
      }
      this.#badSeq = (seq + 1) & 0xffff;
      return SeqResult.Jump;
    }
    // Behind the highest: reordered or duplicate (RFC 3550 A.1 accepts it).
    const ext = seq <= this.#maxSeq ? this.#cycles + seq : this.#cycles - RTP_SEQ_MOD + seq;
    this.lastExtended = ext;
    if (ext >= 0 && this.#seen[ext % DUPLICATE_WINDOW] === ext + 1) {
      this.duplicates++;
      return SeqResult.Duplicate;
    }
    return this.#accept(ext, SeqResult.Reordered);
  }

  /**
   * RFC 3550 A.8 interarrival jitter update for one audio packet of the current SSRC.
   * @param timestamp the packet's RTP timestamp
   * @param arrivalMs arrival time in ms on any monotonic clock
   */
  updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = Math.round((arrivalMs * this.#clockRateHz) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.#haveTransit) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /** Extended highest sequence number so far (−1 before the first packet). */
  get highestExtended(): number {
    return this.ssrc === undefined ? -1 : this.#cycles + this.#maxSeq;
  }

  /** Interarrival jitter in timestamp units (RFC 3550 A.8 `jitter`, unrounded). */
  get jitterUnits(): number {
    return this.#jitter;
  }

  /** Interarrival jitter in ms. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.#clockRateHz;
  }

  /** Packets expected, over all sources: extended highest − base + 1 per sequence (RFC 3550 A.3). */
  get expected(): number {
    return this.#priorExpected + this.#currentExpected();
  }

  /** Distinct packets received (duplicates and unconfirmed jumps excluded), over all sources. */
  get received(): number {
    return this.#priorReceived + this.#received;
  }

  /** Packets lost, over all sources: expected − received per sequence, never negative (RFC 3550 A.3). */
  get lost(): number {
    return this.#priorLost + Math.max(0, this.#currentExpected() - this.#received);
  }

  #currentExpected(): number {
    return this.ssrc === undefined ? 0 : this.#cycles + this.#maxSeq - this.#baseSeq + 1;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#seen.fill(0);
    this.restarted = true;
  }

  #closeSequence(): void {
    const expected = this.#currentExpected();
    this.#priorExpected += expected;
    this.#priorReceived += this.#received;
    this.#priorLost += Math.max(0, expected - this.#received);
  }

  #accept(ext: number, result: SeqResult): SeqResult {
    this.lastExtended = ext;
    if (ext >= 0) this.#seen[ext % DUPLICATE_WINDOW] = ext + 1;
    this.#received++;
    return result;
  }
}
