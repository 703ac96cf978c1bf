import { describe, expect, it } from 'vitest';
import { DecodeScheduler } from '../../../../media/asr/decode-scheduler.js';
import { PcmHistory } from '../../../../media/asr/pcm-history.js';

describe('DecodeScheduler (interim interval, CPU budget, saturation)', () => {
  const make = () => new DecodeScheduler({ interimIntervalMs: 500, interimCpuShare: 0.25, maxInterimIntervalMs: 4000, saturationWaitMs: 300 });

  it('spaces interims by the steady interval until the CPU budget asks for more', () => {
    const s = make();
    expect(s.interimGapMs(undefined)).toBe(500);
    expect(s.interimGapMs(100)).toBe(500); // 100 ms of decoding / 0.25 = 400 < 500
    expect(s.interimGapMs(200)).toBe(800); // one stream's interims stay within a quarter of a thread
    expect(s.interimGapMs(1000)).toBe(4000);
  });

  it('doubles the interval on each long queue wait up to the cap, and reports saturation once', () => {
    const s = make();
    expect(s.onJobStarted(20, 0)).toBeUndefined();
    expect(s.onJobStarted(350, 3)).toEqual({ type: 'saturated', queueWaitMs: 350, interimIntervalMs: 1000 });
    expect(s.onJobStarted(900, 2)).toBeUndefined();
    expect(s.intervalMs).toBe(2000);
    s.onJobStarted(900, 2);
    s.onJobStarted(900, 2);
    s.onJobStarted(900, 2);
    expect(s.intervalMs).toBe(4000);
    expect(s.interimGapMs(100)).toBe(4000);
    expect(s.stats()).toEqual({
      saturated: true, interimIntervalFactor: 8, effectiveInterimIntervalMs: 4000, saturationEpisodes: 1, maxInterimIntervalFactor: 8,
    });
  });

  it('halves the interval on quick starts with an empty queue and reports recovery at the normal interval', () => {
    const s = make();
    s.onJobStarted(400, 1);
    s.onJobStarted(400, 1);
    expect(s.intervalMs).toBe(2000);
    expect(s.onJobStarted(10, 2)).toBeUndefined(); // still a backlog: keep the longer interval
    expect(s.intervalMs).toBe(2000);
    expect(s.onJobStarted(200, 0)).toBeUndefined(); // not a long wait, but not quick either
    expect(s.intervalMs).toBe(2000);
    expect(s.onJobStarted(10, 0)).toBeUndefined();
    expect(s.intervalMs).toBe(1000);
    expect(s.onJobStarted(10, 0)).toEqual({ type: 'recovered', interimIntervalMs: 500 });
    expect(s.stats().saturated).toBe(false);
    expect(s.onJobStarted(500, 0)).toEqual({ type: 'saturated', queueWaitMs: 500, interimIntervalMs: 1000 });
    expect(s.stats().saturationEpisodes).toBe(2);
  });

  it('recovers at once when the pool drains', () => {
    const s = make();
    s.onJobStarted(400, 4);
    s.onJobStarted(400, 4);
    expect(s.onIdle()).toEqual({ type: 'recovered', interimIntervalMs: 500 });
    expect(s.onIdle()).toBeUndefined();
    expect(s.stats().maxInterimIntervalFactor).toBe(4);
  });

  it('refuses a budget outside (0, 1] and a cap below the interval', () => {
    expect(() => new DecodeScheduler({ interimCpuShare: 0 })).toThrow(TypeError);
    expect(() => new DecodeScheduler({ interimCpuShare: 1.5 })).toThrow(TypeError);
    expect(() => new DecodeScheduler({ interimIntervalMs: 800, maxInterimIntervalMs: 400 })).toThrow(TypeError);
  });
});

describe('PcmHistory', () => {
  it('cuts any held span by absolute sample index across growth and trimming', () => {
    const h = new PcmHistory(8);
    const all = Int16Array.from({ length: 100 }, (_v, i) => i);
    for (let i = 0; i < 100; i += 7) h.append(all.slice(i, i + 7));
    expect(h.endSample).toBe(100);
    expect([...h.slice(10, 15)]).toEqual([10, 11, 12, 13, 14]);
    h.trimBefore(40);
    expect(h.startSample).toBe(40);
    expect([...h.slice(30, 43)]).toEqual([40, 41, 42]); // clipped to what is held
    h.append(Int16Array.from([100, 101]));
    expect([...h.slice(98, 200)]).toEqual([98, 99, 100, 101]);
    expect(h.slice(500, 600).length).toBe(0);
    h.trimBefore(10); // earlier than held: no change
    expect(h.startSample).toBe(40);
  });
});
