import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../../sidecar/core/errors.js';
import { loadResamplerModule, Resampler } from '../../../../media/codecs/resampler.js';

beforeAll(async () => {
  await loadResamplerModule();
});

function tone(samples: number, hz: number, rateHz: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rateHz)));
}

describe('Resampler (speex, 8 → 16 kHz)', () => {
  it('turns every 160-sample chunk into exactly 320 samples and reports a 5 ms delay at quality 5', () => {
    const r = Resampler.create(8000, 16000, 5);
    const out = new Int16Array(320);
    for (let i = 0; i < 5; i++) expect(r.process(tone(160, 440, 8000), 160, out)).toBe(320);
    expect(r.delayMs).toBe(5);
    r.destroy();
  });

  it('gives chunked output identical to one-shot output (state carries across chunks)', () => {
    const input = tone(1600, 1000, 8000);
    const a = Resampler.create(8000, 16000, 5);
    const b = Resampler.create(8000, 16000, 5);
    const chunked = new Int16Array(3200);
    for (let i = 0; i < 10; i++) a.process(input.subarray(i * 160, (i + 1) * 160), 160, chunked, i * 320);
    const whole = new Int16Array(3200);
    let produced = 0;
    for (let i = 0; i < 2; i++) produced += b.process(input.subarray(i * 800, (i + 1) * 800), 800, whole, produced);
    expect(produced).toBe(3200);
    expect(chunked).toEqual(whole);
    a.destroy();
    b.destroy();
  });

  it('keeps a 1 kHz tone at 1 kHz and its level, delayed by delayMs', () => {
    const r = Resampler.create(8000, 16000, 5);
    const out = new Int16Array(3200);
    const input = tone(1600, 1000, 8000);
    for (let i = 0; i < 10; i++) r.process(input.subarray(i * 160, (i + 1) * 160), 160, out, i * 320);
    const delay = r.delayMs * 16; // samples at 16 kHz
    let err = 0;
    let sig = 0;
    for (let n = 400; n < 3200; n++) {
      const ref = 8000 * Math.sin((2 * Math.PI * 1000 * (n - delay)) / 16000);
      err += (out[n] - ref) ** 2;
      sig += ref ** 2;
    }
    expect(10 * Math.log10(sig / err)).toBeGreaterThan(40);
    r.destroy();
  });

  it('refuses bad quality and use after destroy; destroy is idempotent', () => {
    expect(() => Resampler.create(8000, 16000, 11)).toThrow(TypeError);
    const r = Resampler.create(8000, 16000, 3);
    r.destroy();
    r.destroy();
    expect(r.destroyed).toBe(true);
    expect(() => r.process(new Int16Array(160), 160, new Int16Array(320))).toThrow(InvalidStateError);
  });
});
