/**
 * The recent audio of one stream, addressed by absolute sample index (0 = the stream's first sample),
 * so an utterance found later by the VAD can be cut out of it. PCM16 mono; the owner trims what no
 * utterance can need any more, so memory stays bounded (one utterance plus a margin).
 */
export class PcmHistory {
  #buf: Int16Array;
  #start = 0;
  #len = 0;
  #first = 0;

  /** @param initialSamples starting capacity; it grows as needed. */
  constructor(initialSamples = 16_000 * 8) {
    this.#buf = new Int16Array(initialSamples);
  }

  /** First sample still held. */
  get startSample(): number {
    return this.#first;
  }

  /** One past the last sample appended (= samples appended so far). */
  get endSample(): number {
    return this.#first + this.#len;
  }

  append(pcm: Int16Array): void {
    if (this.#start + this.#len + pcm.length > this.#buf.length) {
      if (this.#len + pcm.length <= this.#buf.length / 2) {
        this.#buf.copyWithin(0, this.#start, this.#start + this.#len);
      } else {
        const bigger = new Int16Array(Math.max(this.#buf.length * 2, (this.#len + pcm.length) * 2));
        bigger.set(this.#buf.subarray(this.#start, this.#start + this.#len));
        this.#buf = bigger;
      }
      this.#start = 0;
    }
    this.#buf.set(pcm, this.#start + this.#len);
    this.#len += pcm.length;
  }

  /** A copy of samples [from, to), clipped to what is held. */
  slice(fromSample: number, toSample: number): Int16Array {
    const a = Math.max(fromSample, this.#first);
    const b = Math.min(toSample, this.endSample);
    if (b <= a) return new Int16Array(0);
    return this.#buf.slice(this.#start + (a - this.#first), this.#start + (b - this.#first));
  }

  /** Forgets samples before `sample`. */
  trimBefore(sample: number): void {
    const drop = Math.min(Math.max(0, sample - this.#first), this.#len);
    this.#start += drop;
    this.#len -= drop;
    this.#first += drop;
  }
}
