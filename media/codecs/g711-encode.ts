import alawmulaw from 'alawmulaw';
import type { PcmFrame } from '../stream-pipeline-types.js';
import { ALAW_TABLE, type G711Codec } from './g711.js';

/**
 * G.711 encoding helpers (ITU-T G.711; RTP payload names PCMU = μ-law, PCMA = A-law, RFC 3551 §4.5.14) for
 * the rare paths where audio must be re-encoded: a frame that mixes both codecs (a re-INVITE switched the
 * payload type mid-frame), or a consumer that wants the other codec. Encoding is `alawmulaw`'s reference
 * encoder, sample by sample into a caller's buffer; the common path (RTP payload passed through) never
 * calls it.
 */

const { mulaw, alaw } = alawmulaw;

/** The silence code of each codec: the byte that decodes to (near) zero. μ-law 0xFF → 0, A-law 0xD5 → +8. */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = { PCMU: 0xff, PCMA: 0xd5 };

/** The codec of a decoding table from media/codecs/g711.ts (`ALAW_TABLE` → PCMA, anything else → PCMU). */
export function codecOfTable(table: Int16Array): G711Codec {
  return table === ALAW_TABLE ? 'PCMA' : 'PCMU';
}

/**
 * Encodes `length` PCM16 samples (8 kHz) from `src[srcOffset…]` as G.711 into `dst[dstOffset…]`.
 * The caller guarantees room in `dst`.
 */
export function encodeG711Into(codec: G711Codec, src: Int16Array, srcOffset: number, length: number, dst: Uint8Array, dstOffset: number): void {
  const encode = codec === 'PCMA' ? alaw.encodeSample : mulaw.encodeSample;
  for (let i = 0; i < length; i++) dst[dstOffset + i] = encode(src[srcOffset + i]);
}

/**
 * Re-encodes G.711 bytes of one codec as the other (decode to linear, encode again: G.711 §A/§B tables
 * are not a bijection, so this is the standard tandem conversion). Returns a fresh array; same length.
 */
export function transcodeG711(from: G711Codec, to: G711Codec, bytes: Uint8Array): Uint8Array {
  if (from === to) return bytes.slice();
  const linear = from === 'PCMA' ? alaw.decode(bytes) : mulaw.decode(bytes);
  return to === 'PCMA' ? alaw.encode(linear) : mulaw.encode(linear);
}

/**
 * 16 kHz PCM16 → 8 kHz G.711 for audio that has no G.711 original (a frame from a PCM-only source on a
 * session opened for G.711): pairs of samples are averaged (a 2-tap low-pass, enough for the rare frame
 * this serves), then encoded. Returns a fresh array of `pcm16k.length / 2` bytes.
 */
export function encodeG711From16k(codec: G711Codec, pcm16k: Int16Array): Uint8Array {
  const n = pcm16k.length >> 1;
  const pcm8k = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm8k[i] = (pcm16k[2 * i] + pcm16k[2 * i + 1]) >> 1;
  const out = new Uint8Array(n);
  encodeG711Into(codec, pcm8k, 0, n, out, 0);
  return out;
}

/**
 * A frame's audio as G.711 in `codec`, for an ASR session opened with `encoding=mulaw|alaw` at 8 kHz:
 * `frame.g711` itself when it is in that codec (no copy), else re-encoded from the other codec's bytes,
 * else from the 16 kHz PCM (a frame without a G.711 payload). Returns 160 bytes for a 20 ms frame.
 */
export function frameG711(frame: PcmFrame, codec: G711Codec): Uint8Array {
  if (frame.g711 && frame.g711Codec === codec) return frame.g711;
  return frame.g711 ? transcodeG711(frame.g711Codec ?? 'PCMU', codec, frame.g711) : encodeG711From16k(codec, frame.samples);
}
