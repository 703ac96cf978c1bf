import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { ALAW_TABLE, decodeG711, encodeG711, g711Table, MULAW_TABLE } from '../../../../media/codecs/g711.js';

const { mulaw, alaw } = alawmulaw;

describe('G.711 lookup-table decoding', () => {
  it('matches the reference decoder on all 256 codes of both laws', () => {
    for (let code = 0; code < 256; code++) {
      expect(MULAW_TABLE[code]).toBe(mulaw.decodeSample(code) + 0); // + 0: the library returns −0 for 0x7F
      expect(ALAW_TABLE[code]).toBe(alaw.decodeSample(code) + 0);
    }
  });

  it('has the ITU-T G.711 end points', () => {
    expect(MULAW_TABLE[0x00]).toBe(-32124);
    expect(MULAW_TABLE[0x80]).toBe(32124);
    expect(MULAW_TABLE[0xff]).toBe(0);
    expect(ALAW_TABLE[0xd5]).toBe(8);
    expect(ALAW_TABLE[0x2a]).toBe(-32256);
  });

  it('decodes a slice into a preallocated buffer at an offset', () => {
    const src = Uint8Array.from([0x00, 0xff, 0x80, 0xd5, 0x2a]);
    const dst = new Int16Array(6).fill(7);
    decodeG711(g711Table('PCMA'), src, 3, 2, dst, 1);
    expect([...dst]).toEqual([7, 8, -32256, 7, 7, 7]);
  });

  it('round-trips encode → decode within one quantisation step', () => {
    const pcm = Int16Array.from([0, 100, -100, 1000, -1000, 20000, -20000]);
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const table = g711Table(codec);
      const codes = encodeG711(codec, pcm);
      pcm.forEach((v, i) => expect(Math.abs(table[codes[i]] - v)).toBeLessThanOrEqual(Math.max(16, Math.abs(v) / 16)));
    }
  });

  it('refuses a codec it does not decode', () => {
    expect(() => g711Table('G722' as never)).toThrow(TypeError);
  });
});
