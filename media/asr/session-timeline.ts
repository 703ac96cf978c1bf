/**
 * Maps an ASR session's audio timeline (ms of audio written, what providers report) back to the
 * stream's timeline (PcmFrame.startMs, from RTP timestamps) and to the wall-clock time each piece of
 * audio was handed over.
 *
 * The two timelines differ where the stream paused: on hold no frames flow, so the session's audio
 * is continuous while the stream's time jumps. Each jump starts a new segment. Wall times of the last
 * `capacity` writes are kept in a ring, enough to measure the delay of any final (default 3000
 * writes = 60 s of 20 ms frames).
 */
export class SessionTimeline {
  /** Segment starts: session ms → stream ms, ascending. */
  readonly #segSession: number[] = [0];
  readonly #segStream: number[] = [0];
  #sessionMs = 0;
  #expectedStreamMs: number | undefined;
  readonly #ringSession: Float64Array;
  readonly #ringWall: Float64Array;
  #writes = 0;

  constructor(readonly capacity = 3000) {
    this.#ringSession = new Float64Array(capacity);
    this.#ringWall = new Float64Array(capacity);
  }

  /** Audio written so far, ms. */
  get sessionMs(): number {
    return this.#sessionMs;
  }

  /**
   * Records a write of `durationMs` of audio that starts at `streamStartMs` on the stream, handed over
   * at `wallMs` (performance.now()). Returns its start on the session timeline.
   */
  record(streamStartMs: number, durationMs: number, wallMs: number): number {
    const start = this.#sessionMs;
    if (this.#expectedStreamMs === undefined) {
      this.#segStream[0] = streamStartMs;
    } else if (Math.abs(streamStartMs - this.#expectedStreamMs) > 0.5) {
      this.#segSession.push(start);
      this.#segStream.push(streamStartMs);
    }
    this.#expectedStreamMs = streamStartMs + durationMs;
    const slot = this.#writes % this.capacity;
    this.#ringSession[slot] = start;
    this.#ringWall[slot] = wallMs;
    this.#writes++;
    this.#sessionMs += durationMs;
    return start;
  }

  /** Stream ms of session ms `t`. */
  toStreamMs(t: number): number {
    let lo = 0;
    let hi = this.#segSession.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#segSession[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.#segStream[lo] + (t - this.#segSession[lo]);
  }

  /**
   * Wall time at which the audio ending at session ms `t` had been handed over (the write holding the
   * sample just before `t`), or undefined when that write has left the ring or lies in the future.
   */
  wallAt(t: number): number | undefined {
    const n = Math.min(this.#writes, this.capacity);
    if (n === 0 || t > this.#sessionMs + 0.5) return undefined;
    // writes in the ring, oldest first: indices (#writes - n) … (#writes - 1)
    let lo = this.#writes - n;
    let hi = this.#writes - 1;
    const at = (i: number) => this.#ringSession[i % this.capacity];
    if (t < at(lo)) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at(mid) < t) lo = mid;
      else hi = mid - 1;
    }
    return this.#ringWall[lo % this.capacity];
  }
}
