import { decodeG711, type G711Codec } from './codecs/g711.js';
import { codecOfTable, encodeG711Into, G711_SILENCE } from './codecs/g711-encode.js';
import { Resampler } from './codecs/resampler.js';
import type { PlayoutSink } from './rtp/jitter-buffer.js';
import { FRAME_SAMPLES, OUTPUT_SAMPLE_RATE_HZ, type PcmFrame } from './stream-pipeline-types.js';

/**
 * Turns the jitter buffer's played-out timeline (G.711 bytes, silence, jumps) into 20 ms PCM frames at
 * 16 kHz: decodes with the codec's lookup table into an 8 kHz frame buffer, and each time 160 input samples
 * are collected, resamples them to 320 and hands a fresh {@link PcmFrame} to `onFrame`.
 *
 * Packet boundaries need not match frame boundaries (10/30 ms ptime work); `startMs` is the frame's
 * position on the timeline (input samples / 8). A frame is `concealed` when it holds no received audio.
 * After a `jump` the partial frame is completed with silence and the next frame carries
 * `discontinuity: true`.
 *
 * With `g711: true` (8 kHz input only) each frame also carries its G.711 bytes (`g711`, `g711Codec`): the
 * played-out payload bytes copied as they are, concealment as the codec's silence code. When the codec
 * changes (re-INVITE), the frame takes the new codec and the part already filled is re-encoded.
 */
export class FrameAssembler implements PlayoutSink<Int16Array> {
  /** Frames emitted, and how many were concealment only. */
  framesOut = 0;
  framesConcealed = 0;
  readonly #resampler: Resampler;
  readonly #onFrame: (frame: PcmFrame) => void;
  readonly #inRateHz: number;
  readonly #inFrameSamples: number;
  readonly #pcm: Int16Array;
  #filled = 0;
  #received = 0;
  /** Concealed (zero) input samples in a row before the frame being filled. */
  #zeroRun = 0;
  /** Timeline position (input samples) of the frame being filled. */
  #position = 0;
  #discontinuity = false;
  /** G.711 bytes of the frame being filled (a fresh array per frame), when asked for. */
  #g711: Uint8Array | undefined;
  /** Codec of `#g711`: that of the last audio played (PCMU until the first packet). */
  #codec: G711Codec = 'PCMU';

  /**
   * @param resampler this stream's resampler (input rate → 16 kHz); owned by the caller
   * @param onFrame receives each frame, synchronously
   * @param options `g711`: also hand out each frame's G.711 bytes (needs an 8 kHz resampler input)
   * @throws TypeError for a resampler not producing 16 kHz, or `g711` with an input rate other than 8 kHz
   */
  constructor(resampler: Resampler, onFrame: (frame: PcmFrame) => void, options: { g711?: boolean } = {}) {
    if (resampler.outRateHz !== OUTPUT_SAMPLE_RATE_HZ) throw new TypeError('resampler must output 16 kHz');
    if (options.g711 && resampler.inRateHz !== 8000) throw new TypeError('G.711 payload needs an 8 kHz input');
    this.#resampler = resampler;
    this.#onFrame = onFrame;
    this.#inRateHz = resampler.inRateHz;
    this.#inFrameSamples = (FRAME_SAMPLES * resampler.inRateHz) / OUTPUT_SAMPLE_RATE_HZ;
    this.#pcm = new Int16Array(this.#inFrameSamples);
    if (options.g711) this.#g711 = new Uint8Array(this.#inFrameSamples);
  }

  /** Decodes G.711 bytes with `table` (μ-law or A-law lookup table) onto the timeline. */
  play(data: Uint8Array, offset: number, length: number, table: Int16Array): void {
    if (this.#g711) {
      const codec = codecOfTable(table);
      // the codec changed: the frame takes the new one, what it holds already is re-encoded (rare)
      if (codec !== this.#codec) {
        this.#codec = codec;
        encodeG711Into(codec, this.#pcm, 0, this.#filled, this.#g711, 0);
      }
    }
    while (length > 0) {
      const n = Math.min(length, this.#inFrameSamples - this.#filled);
      decodeG711(table, data, offset, n, this.#pcm, this.#filled);
      const g711 = this.#g711; // a fresh array after each emitted frame
      if (g711) for (let i = 0, at = this.#filled; i < n; i++) g711[at + i] = data[offset + i];
      this.#filled += n;
      this.#received += n;
      offset += n;
      length -= n;
      if (this.#filled === this.#inFrameSamples) this.#emit();
    }
  }

  conceal(samples: number): void {
    while (samples > 0) {
      const n = Math.min(samples, this.#inFrameSamples - this.#filled);
      this.#pcm.fill(0, this.#filled, this.#filled + n);
      this.#g711?.fill(G711_SILENCE[this.#codec], this.#filled, this.#filled + n);
      this.#filled += n;
      samples -= n;
      if (this.#filled === this.#inFrameSamples) this.#emit();
    }
  }

  jump(position: number): void {
    this.flush();
    this.#position = Math.max(position, this.#position);
    this.#discontinuity = true;
  }

  /** Completes a partial frame with silence and emits it (close, hold, jump). */
  flush(): void {
    if (this.#filled > 0) this.conceal(this.#inFrameSamples - this.#filled);
  }

  #emit(): void {
    const samples = new Int16Array(FRAME_SAMPLES);
    const concealed = this.#received === 0;
    // Silence after silence: the filter state is all zero, the output would be zeros. Skip the resampler
    // (keeps long silence fills and idle streams cheap; bit-identical, see the resampler test).
    if (!concealed || this.#zeroRun < this.#resampler.memorySamples) {
      this.#resampler.process(this.#pcm, this.#inFrameSamples, samples, 0);
    }
    this.#zeroRun = concealed ? this.#zeroRun + this.#inFrameSamples : 0;
    const frame: PcmFrame = { samples, startMs: (this.#position * 1000) / this.#inRateHz, concealed };
    if (this.#discontinuity) {
      frame.discontinuity = true;
      this.#discontinuity = false;
    }
    if (this.#g711) {
      frame.g711 = this.#g711;
      frame.g711Codec = this.#codec;
      this.#g711 = new Uint8Array(this.#inFrameSamples);
    }
    this.#position += this.#inFrameSamples;
    this.#filled = 0;
    this.#received = 0;
    this.framesOut++;
    if (concealed) this.framesConcealed++;
    this.#onFrame(frame);
  }
}
