import { beforeAll, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711, MULAW_TABLE } from '../../../media/codecs/g711.js';
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
