import loadSpeex, { type SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';
import { InvalidStateError, ModsvarError } from '../../sidecar/core/errors.js';

/**
 * Streaming sample-rate conversion with the speex resampler (speexdsp `speex_resampler.h`, BSD-3), compiled
 * to WebAssembly with SIMD by `@echogarden/speex-resampler-wasm`. Used for 8 kHz G.711 → 16 kHz ASR input.
 *
 * - The WASM module is loaded asynchronously once per process ({@link loadResamplerModule}) and shared by
 *   every stream; each stream owns one {@link Resampler} (≈1.7 KB of WASM heap at quality 5) and must
 *   {@link Resampler.destroy} it on close.
 * - Chunked output is bit-identical to converting the whole signal at once: filter state carries over.
 * - Fixed delay: the output lags the input by the filter's output latency, {@link Resampler.delayMs}:
 *   80 samples at 16 kHz = **5 ms at quality 5** (48 = 3 ms at q3, 128 = 8 ms at q7). Frames are not
 *   shifted to compensate; a consumer that needs sample-exact alignment subtracts `delayMs`.
 * - Quality 0–10 trades CPU for passband width: q5 is flat to 3.4 kHz, −0.5 dB at 3.6 kHz, images ≥ 90 dB down.
 */

let modulePromise: Promise<SpeexResamplerModule> | undefined;

/** Largest input chunk accepted by {@link Resampler.process}, in samples. */
export const MAX_INPUT_SAMPLES = 960;

interface Scratch {
  module: SpeexResamplerModule;
  errPtr: number;
  inPtr: number;
  outPtr: number;
  lenPtr: number;
  maxOutSamples: number;
}
let scratch: Scratch | undefined;

/**
 * Loads (once) and returns the shared WASM module. Safe to call many times; later calls return the same promise.
 * @throws ModsvarError `RESAMPLER_LOAD_FAILED` when the WASM cannot be instantiated
 */
export function loadResamplerModule(): Promise<SpeexResamplerModule> {
  modulePromise ??= loadSpeex().then(
    (module) => {
      // One set of scratch buffers for all streams: processing is synchronous on one thread.
      const maxOutSamples = MAX_INPUT_SAMPLES * 6 + 64;
      scratch = {
        module,
        errPtr: module._malloc(4),
        inPtr: module._malloc(MAX_INPUT_SAMPLES * 2),
        outPtr: module._malloc(maxOutSamples * 2),
        lenPtr: module._malloc(8),
        maxOutSamples,
      };
      return module;
    },
    (err: unknown) => {
      modulePromise = undefined;
      throw new ModsvarError('RESAMPLER_LOAD_FAILED', 'cannot load the speex resampler WASM module', { cause: err });
    },
  );
  return modulePromise;
}

/** One stream's resampler state. Create with {@link Resampler.create} after {@link loadResamplerModule}. */
export class Resampler {
  readonly inRateHz: number;
  readonly outRateHz: number;
  readonly quality: number;
  /** Fixed group delay of the output, in ms (output latency / output rate). */
  readonly delayMs: number;
  /**
   * Input samples the filter remembers (its length). After this many zero inputs the state is all zero, so
   * more zero input gives exactly zero output and leaves the state unchanged: callers may skip `process`.
   */
  readonly memorySamples: number;
  #state: number;
  readonly #s: Scratch;

  private constructor(s: Scratch, state: number, inRateHz: number, outRateHz: number, quality: number) {
    this.#s = s;
    this.#state = state;
    this.inRateHz = inRateHz;
    this.outRateHz = outRateHz;
    this.quality = quality;
    this.delayMs = (s.module._speex_resampler_get_output_latency(state) * 1000) / outRateHz;
    this.memorySamples = 2 * s.module._speex_resampler_get_input_latency(state);
  }

  /**
   * Creates a resampler state (synchronous).
   * @param quality speex quality 0–10 (config `media.resamplerQuality`; default 5)
   * @throws InvalidStateError when the module has not been loaded; TypeError on bad rates or quality;
   *   ModsvarError `RESAMPLER_INIT_FAILED` when speex refuses the parameters
   */
  static create(inRateHz: number, outRateHz: number, quality: number): Resampler {
    const s = scratch;
    if (!s) throw new InvalidStateError('resampler module not loaded: await loadResamplerModule() first');
    if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new TypeError('quality must be an integer 0–10');
    if (!(inRateHz > 0 && outRateHz > 0) || outRateHz / inRateHz > 6) throw new TypeError('unsupported rates');
    const state = s.module._speex_resampler_init(1, inRateHz, outRateHz, quality, s.errPtr);
    const err = s.module.HEAP32[s.errPtr >> 2];
    if (!state || err !== 0) throw new ModsvarError('RESAMPLER_INIT_FAILED', `speex_resampler_init failed (error ${err})`);
    return new Resampler(s, state, inRateHz, outRateHz, quality);
  }

  /**
   * Resamples `input[0, inputLength)` (PCM16) and writes the result to `output[outputOffset…]`.
   * Returns the number of samples written (exactly inputLength × 2 for 8 → 16 kHz).
   * @throws InvalidStateError after destroy; TypeError when the chunk is too large or `output` too small
   */
  process(input: Int16Array, inputLength: number, output: Int16Array, outputOffset = 0): number {
    if (this.#state === 0) throw new InvalidStateError('resampler destroyed');
    if (inputLength > MAX_INPUT_SAMPLES) throw new TypeError(`at most ${MAX_INPUT_SAMPLES} samples per call`);
    const s = this.#s;
    const m = s.module;
    // Re-read HEAP* every call: the WASM memory can grow and replace the views.
    m.HEAP16.set(inputLength === input.length ? input : input.subarray(0, inputLength), s.inPtr >> 1);
    const room = Math.min(output.length - outputOffset, s.maxOutSamples);
    const len = s.lenPtr >> 2;
    m.HEAPU32[len] = inputLength;
    m.HEAPU32[len + 1] = room;
    m._speex_resampler_process_int(this.#state, 0, s.inPtr, s.lenPtr, s.outPtr, s.lenPtr + 4);
    const consumed = m.HEAPU32[len];
    const produced = m.HEAPU32[len + 1];
    if (consumed !== inputLength) throw new TypeError('output buffer too small for this chunk');
    const from = s.outPtr >> 1;
    output.set(m.HEAP16.subarray(from, from + produced), outputOffset);
    return produced;
  }

  /** Frees the WASM state. Idempotent. */
  destroy(): void {
    if (this.#state === 0) return;
    this.#s.module._speex_resampler_destroy(this.#state);
    this.#state = 0;
  }

  get destroyed(): boolean {
    return this.#state === 0;
  }
}
