import { describe, expect, it } from 'vitest';
import { ALAW_TABLE, decodeG711, encodeG711, MULAW_TABLE } from '../../../../media/codecs/g711.js';
import { codecOfTable, encodeG711From16k, encodeG711Into, frameG711, G711_SILENCE, transcodeG711 } from '../../../../media/codecs/g711-encode.js';
import type { PcmFrame } from '../../../../media/stream-pipeline-types.js';

const decode = (table: Int16Array, bytes: Uint8Array) => {
  const out = new Int16Array(bytes.length);
  decodeG711(table, bytes, 0, bytes.length, out, 0);
  return out;
};

describe('G.711 encoding helpers', () => {
  it('has silence codes that decode to (near) zero and names the codec of a table', () => {
    expect(MULAW_TABLE[G711_SILENCE.PCMU]).toBe(0);
    expect(Math.abs(ALAW_TABLE[G711_SILENCE.PCMA])).toBeLessThanOrEqual(8);
    expect(codecOfTable(MULAW_TABLE)).toBe('PCMU');
    expect(codecOfTable(ALAW_TABLE)).toBe('PCMA');
  });

  it('encodes into a caller buffer at an offset, as the reference encoder does', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32000, -32000]);
    const dst = new Uint8Array(8).fill(7);
    encodeG711Into('PCMA', pcm, 1, 3, dst, 4);
    expect(Array.from(dst)).toEqual([7, 7, 7, 7, ...Array.from(encodeG711('PCMA', pcm.subarray(1, 4))), 7]);
  });

  it('transcodes μ-law to A-law keeping the level, and returns a copy for the same codec', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const ulaw = encodeG711('PCMU', pcm);
    const alaw = transcodeG711('PCMU', 'PCMA', ulaw);
    expect(alaw.length).toBe(160);
    const a = decode(ALAW_TABLE, alaw);
    const u = decode(MULAW_TABLE, ulaw);
    for (let i = 0; i < 160; i++) expect(Math.abs(a[i] - u[i])).toBeLessThanOrEqual(Math.abs(u[i]) / 16 + 16);
    const same = transcodeG711('PCMU', 'PCMU', ulaw);
    expect(same).toEqual(ulaw);
    expect(same).not.toBe(ulaw);
  });

  it('gives a frame\'s own payload without a copy, re-encodes another codec or a PCM-only frame', () => {
    const pcm8k = Int16Array.from({ length: 160 }, (_, i) => (i < 80 ? 3000 : -3000));
    const samples = new Int16Array(320);
    for (let i = 0; i < 160; i++) samples[2 * i] = samples[2 * i + 1] = pcm8k[i];
    const ulaw = encodeG711('PCMU', pcm8k);
    const frame: PcmFrame = { samples, startMs: 0, concealed: false, g711: ulaw, g711Codec: 'PCMU' };
    expect(frameG711(frame, 'PCMU')).toBe(ulaw);
    expect(Array.from(frameG711(frame, 'PCMA'))).toEqual(Array.from(transcodeG711('PCMU', 'PCMA', ulaw)));
    const pcmOnly: PcmFrame = { samples, startMs: 0, concealed: false };
    expect(Array.from(frameG711(pcmOnly, 'PCMU'))).toEqual(Array.from(encodeG711('PCMU', pcm8k)));
    expect(encodeG711From16k('PCMA', samples)).toHaveLength(160);
  });
});
