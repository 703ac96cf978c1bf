import { beforeAll, describe, expect, it } from 'vitest';
import { ALAW_TABLE, decodeG711, encodeG711, MULAW_TABLE } from '../../../media/codecs/g711.js';
import { loadResamplerModule, Resampler } from '../../../media/codecs/resampler.js';
import { FrameAssembler } from '../../../media/frame-assembler.js';
import type { PcmFrame } from '../../../media/stream-pipeline-types.js';

beforeAll(async () => {
  await loadResamplerModule();
});

function ulawTone(samples: number): Uint8Array {
  return encodeG711('PCMU', Int16Array.from({ length: samples }, (_, i) => Math.round(7000 * Math.sin(i / 3))));
}

describe('FrameAssembler', () => {
  it('is bit-identical to resampling every frame, also when it skips the resampler for silence after silence', () => {
    for (const quality of [5, 10]) {
      const frames: PcmFrame[] = [];
      const assembler = new FrameAssembler(Resampler.create(8000, 16000, quality), (f) => frames.push(f));
      const reference = Resampler.create(8000, 16000, quality);
      const audio = ulawTone(160 * 3);
      const plan = ['a', 'a', 'c', 'c', 'c', 'c', 'c', 'a', 'c', 'a', 'a'];
      const expected: Int16Array[] = [];
      plan.forEach((kind, i) => {
        const pcm = new Int16Array(160);
        if (kind === 'a') {
          assembler.play(audio, (i % 3) * 160, 160, MULAW_TABLE);
          decodeG711(MULAW_TABLE, audio, (i % 3) * 160, 160, pcm, 0);
        } else {
          assembler.conceal(160);
        }
        const out = new Int16Array(320);
        reference.process(pcm, 160, out);
        expected.push(out);
      });
      expect(frames.map((f) => f.samples)).toEqual(expected);
      expect(frames.map((f) => f.concealed)).toEqual(plan.map((k) => k === 'c'));
    }
  });

  it('cuts 30 ms packets into 20 ms frames on the timeline and marks a frame concealed only without audio', () => {
    const frames: PcmFrame[] = [];
    const assembler = new FrameAssembler(Resampler.create(8000, 16000, 5), (f) => frames.push(f));
    const audio = ulawTone(240);
    assembler.play(audio, 0, 240, MULAW_TABLE); // frame 0 and half of frame 1
    assembler.conceal(240); // rest of frame 1, all of frame 2
    assembler.play(audio, 0, 240, MULAW_TABLE);
    assembler.flush(); // completes the last partial frame with silence
    expect(frames.map((f) => f.startMs)).toEqual([0, 20, 40, 60, 80]);
    expect(frames.map((f) => f.concealed)).toEqual([false, false, true, false, false]);
    expect(assembler.framesOut).toBe(5);
    expect(assembler.framesConcealed).toBe(1);
  });

  it('marks the first frame after a jump as a discontinuity at the new position', () => {
    const frames: PcmFrame[] = [];
    const assembler = new FrameAssembler(Resampler.create(8000, 16000, 5), (f) => frames.push(f));
    const audio = ulawTone(160);
    assembler.play(audio, 0, 160, MULAW_TABLE);
    assembler.jump(8000 * 60); // one minute later
    assembler.play(audio, 0, 160, MULAW_TABLE);
    assembler.play(audio, 0, 160, MULAW_TABLE);
    expect(frames.map((f) => [f.startMs, f.discontinuity ?? false])).toEqual([[0, false], [60_000, true], [60_020, false]]);
  });
});

describe('FrameAssembler with G.711 payload', () => {
  const open = () => {
    const frames: PcmFrame[] = [];
    const assembler = new FrameAssembler(Resampler.create(8000, 16000, 5), (f) => frames.push(f), { g711: true });
    return { frames, assembler };
  };

  it('hands out the played bytes as they came, 160 per 20 ms frame, aligned with the PCM frames across 30 ms packets', () => {
    const { frames, assembler } = open();
    const audio = ulawTone(480);
    assembler.play(audio, 0, 240, MULAW_TABLE); // frame 0 and half of frame 1
    assembler.play(audio, 240, 240, MULAW_TABLE); // rest of frame 1, frame 2
    expect(frames.map((f) => f.startMs)).toEqual([0, 20, 40]);
    expect(frames.map((f) => f.g711Codec)).toEqual(['PCMU', 'PCMU', 'PCMU']);
    expect(frames.map((f) => f.g711!.length)).toEqual([160, 160, 160]);
    expect(frames.map((f) => Array.from(f.g711!))).toEqual([0, 1, 2].map((i) => Array.from(audio.subarray(i * 160, i * 160 + 160))));
    // a fresh array per frame: the consumer may keep it
    expect(new Set(frames.map((f) => f.g711!.buffer)).size).toBe(3);
    // the payload and the PCM are the same audio: decoding the payload gives what the frame was built from
    const pcm = new Int16Array(160);
    decodeG711(MULAW_TABLE, frames[1].g711!, 0, 160, pcm, 0);
    const direct = new Int16Array(160);
    decodeG711(MULAW_TABLE, audio, 160, 160, direct, 0);
    expect(pcm).toEqual(direct);
  });

  it('fills concealment with the codec silence code (μ-law 0xFF, A-law 0xD5), also in a partly received frame', () => {
    const { frames, assembler } = open();
    const ulaw = ulawTone(80);
    assembler.play(ulaw, 0, 80, MULAW_TABLE); // half a frame received
    assembler.conceal(80 + 160); // rest of frame 0, all of frame 1
    const alaw = encodeG711('PCMA', new Int16Array(160).fill(3000));
    assembler.play(alaw, 0, 160, ALAW_TABLE);
    assembler.conceal(160);
    expect(frames.map((f) => [f.startMs, f.concealed, f.g711Codec])).toEqual([
      [0, false, 'PCMU'], [20, true, 'PCMU'], [40, false, 'PCMA'], [60, true, 'PCMA'],
    ]);
    expect(Array.from(frames[0].g711!.subarray(0, 80))).toEqual(Array.from(ulaw));
    expect(frames[0].g711!.subarray(80).every((b) => b === 0xff)).toBe(true);
    expect(frames[1].g711!.every((b) => b === 0xff)).toBe(true);
    expect(Array.from(frames[2].g711!)).toEqual(Array.from(alaw));
    expect(frames[3].g711!.every((b) => b === 0xd5)).toBe(true);
  });

  it('re-encodes the filled part when the codec changes mid-frame, so a frame has one codec', () => {
    const { frames, assembler } = open();
    assembler.play(encodeG711('PCMU', new Int16Array(80).fill(-2000)), 0, 80, MULAW_TABLE);
    const alaw = encodeG711('PCMA', new Int16Array(80).fill(3000));
    assembler.play(alaw, 0, 80, ALAW_TABLE);
    expect(frames).toHaveLength(1);
    expect(frames[0].g711Codec).toBe('PCMA');
    expect(Array.from(frames[0].g711!.subarray(80))).toEqual(Array.from(alaw));
    const pcm = new Int16Array(160);
    decodeG711(ALAW_TABLE, frames[0].g711!, 0, 160, pcm, 0);
    expect(Math.abs(pcm[10] - -2000)).toBeLessThan(100); // the μ-law half, now A-law, same level
  });

  it('keeps the discontinuity on the frame after a jump, payload included, and adds nothing without the option', () => {
    const { frames, assembler } = open();
    const audio = ulawTone(160);
    assembler.play(audio, 0, 100, MULAW_TABLE);
    assembler.jump(8000 * 60);
    assembler.play(audio, 0, 160, MULAW_TABLE);
    expect(frames.map((f) => [f.startMs, f.discontinuity ?? false, f.concealed])).toEqual([[0, false, false], [60_000, true, false]]);
    expect(frames[0].g711!.subarray(100).every((b) => b === 0xff)).toBe(true);
    expect(Array.from(frames[1].g711!)).toEqual(Array.from(audio));
    const plain: PcmFrame[] = [];
    const without = new FrameAssembler(Resampler.create(8000, 16000, 5), (f) => plain.push(f));
    without.play(audio, 0, 160, MULAW_TABLE);
    expect('g711' in plain[0] || 'g711Codec' in plain[0]).toBe(false);
    expect(() => new FrameAssembler(Resampler.create(16000, 16000, 5), () => {}, { g711: true })).toThrow(TypeError);
  });
});
