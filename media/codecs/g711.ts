import alawmulaw from 'alawmulaw';

/**
 * G.711 decoding (ITU-T G.711; RTP payload names PCMU = μ-law, static PT 0, and PCMA = A-law, PT 8,
 * RFC 3551 §4.5.14). Each 8-bit code maps to one 16-bit linear sample at 8 kHz, so decoding is a lookup in
 * a 256-entry table. The tables are built once per process from `alawmulaw` (the reference decoder) and
 * write straight into a caller's preallocated buffer: no allocation per packet.
 */

const { mulaw, alaw } = alawmulaw;

/** Codecs this module decodes. */
export type G711Codec = 'PCMU' | 'PCMA';

function buildTable(decode: (codes: Uint8Array) => Int16Array): Int16Array {
  const codes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) codes[i] = i;
  return Int16Array.from(decode(codes));
}

/** μ-law code → linear PCM16 (0x00 → −32124, 0x80 → 32124, 0xFF → 0). */
export const MULAW_TABLE: Int16Array = buildTable(mulaw.decode);
/** A-law code → linear PCM16 (0xD5 → 8, 0x2A → −32256). */
export const ALAW_TABLE: Int16Array = buildTable(alaw.decode);

/** The lookup table for a codec. */
export function g711Table(codec: G711Codec): Int16Array {
  if (codec === 'PCMU') return MULAW_TABLE;
  if (codec === 'PCMA') return ALAW_TABLE;
  throw new TypeError(`not a G.711 codec: ${String(codec)}`);
}

/**
 * A payload type → lookup table array (index 0–127) for a negotiated map such as `{ 0: 'PCMU', 8: 'PCMA' }`.
 * @throws TypeError for a payload type outside 0–127 or a codec that is not G.711
 */
export function g711TablesByPayloadType(payloadTypes: Record<number, G711Codec>): (Int16Array | undefined)[] {
  const tables = new Array<Int16Array | undefined>(128).fill(undefined);
  for (const [pt, codec] of Object.entries(payloadTypes)) {
    const n = Number(pt);
    if (!Number.isInteger(n) || n < 0 || n > 127) throw new TypeError(`bad payload type ${pt}`);
    tables[n] = g711Table(codec);
  }
  return tables;
}

/**
 * Decodes `length` G.711 bytes from `src[srcOffset…]` into `dst[dstOffset…]` (PCM16, 8 kHz).
 * The caller guarantees room in `dst`.
 */
export function decodeG711(
  table: Int16Array,
  src: Uint8Array,
  srcOffset: number,
  length: number,
  dst: Int16Array,
  dstOffset: number,
): void {
  for (let i = 0; i < length; i++) dst[dstOffset + i] = table[src[srcOffset + i]];
}

/**
 * Encodes PCM16 samples to G.711 (for tests, benchmarks and the test RTP sender; allocates).
 * Uses `alawmulaw`'s encoders (ITU-T G.711 segment tables).
 */
export function encodeG711(codec: G711Codec, samples: Int16Array): Uint8Array {
  return codec === 'PCMU' ? mulaw.encode(samples) : alaw.encode(samples);
}
