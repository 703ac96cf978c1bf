/**
 * Types for the raw emscripten exports of `@echogarden/speex-resampler-wasm` (0.3.x ships no typings).
 * Only what media/codecs/resampler.ts uses; signatures follow speex's `speex_resampler.h`
 * (https://github.com/xiph/speexdsp/blob/master/include/speex/speex_resampler.h). Pointers are byte offsets.
 */
declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule {
    HEAP16: Int16Array;
    HEAP32: Int32Array;
    HEAPU32: Uint32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _speex_resampler_init(channels: number, inRateHz: number, outRateHz: number, quality: number, errPtr: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_int(
      state: number,
      channel: number,
      inPtr: number,
      inLenPtr: number,
      outPtr: number,
      outLenPtr: number,
    ): number;
    _speex_resampler_get_output_latency(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
  }
  const factory: (moduleArg?: object) => Promise<SpeexResamplerModule>;
  export default factory;
}
