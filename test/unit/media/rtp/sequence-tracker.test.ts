import { describe, expect, it } from 'vitest';
import { SeqResult, SequenceTracker } from '../../../../media/rtp/sequence-tracker.js';

describe('SequenceTracker (RFC 3550 A.1, A.3, A.8)', () => {
  it('extends sequence numbers across the 65535 → 0 wrap', () => {
    const t = new SequenceTracker();
    const results = [65533, 65534, 65535, 0, 1].map((seq) => t.update(1, seq));
    expect(results).toEqual([SeqResult.InOrder, SeqResult.InOrder, SeqResult.InOrder, SeqResult.InOrder, SeqResult.InOrder]);
    expect(t.lastExtended).toBe(65536 + 1);
    expect(t.highestExtended).toBe(65537);
    expect(t.expected).toBe(5);
    expect(t.received).toBe(5);
    expect(t.lost).toBe(0);
  });

  it('counts lost packets as expected − received, and a reordered packet across the wrap as found', () => {
    const t = new SequenceTracker();
    t.update(1, 65534);
    t.update(1, 0); // 65535 missing so far
    expect(t.lost).toBe(1);
    expect(t.update(1, 65535)).toBe(SeqResult.Reordered);
    expect(t.lastExtended).toBe(65535);
    expect(t.lost).toBe(0);
    t.update(1, 5); // 1..4 lost
    expect(t.expected).toBe(8);
    expect(t.received).toBe(4);
    expect(t.lost).toBe(4);
  });

  it('recognises duplicates, both of the newest and of an older packet', () => {
    const t = new SequenceTracker();
    t.update(9, 100);
    t.update(9, 101);
    t.update(9, 102);
    expect(t.update(9, 102)).toBe(SeqResult.Duplicate);
    expect(t.update(9, 100)).toBe(SeqResult.Duplicate);
    expect(t.duplicates).toBe(2);
    expect(t.received).toBe(3);
    expect(t.lost).toBe(0);
  });

  it('drops one packet after a jump beyond MAX_DROPOUT and restarts when the next confirms it', () => {
    const t = new SequenceTracker();
    t.update(1, 10);
    t.update(1, 11);
    expect(t.update(1, 20_000)).toBe(SeqResult.Jump);
    expect(t.update(1, 20_001)).toBe(SeqResult.InOrder);
    expect(t.restarted).toBe(true);
    t.update(1, 20_002);
    expect(t.expected).toBe(2 + 2);
    expect(t.received).toBe(4);
  });

  it('restarts sequence and jitter state on a new SSRC once two of its packets arrive in sequence, keeping totals', () => {
    const t = new SequenceTracker();
    t.update(1, 100);
    t.update(1, 102); // 101 lost
    t.updateJitter(0, 0);
    t.updateJitter(160, 30);
    expect(t.jitterUnits).toBeGreaterThan(0);
    expect(t.update(2, 5000)).toBe(SeqResult.Probation);
    expect(t.ssrc).toBe(1);
    expect(t.update(2, 5001)).toBe(SeqResult.InOrder);
    expect(t.restarted).toBe(true);
    expect(t.ssrc).toBe(2);
    expect(t.ssrcChanges).toBe(1);
    expect(t.jitterUnits).toBe(0);
    t.update(2, 5002);
    expect(t.expected).toBe(3 + 2);
    expect(t.received).toBe(4);
    expect(t.lost).toBe(1);
  });

  it('ignores a stray packet of another SSRC without flipping the stream', () => {
    const t = new SequenceTracker();
    t.update(1, 10);
    expect(t.update(99, 7)).toBe(SeqResult.Probation);
    expect(t.update(1, 11)).toBe(SeqResult.InOrder);
    expect(t.update(99, 500)).toBe(SeqResult.Probation); // not 7 + 1: still not confirmed
    expect(t.update(1, 12)).toBe(SeqResult.InOrder);
    expect(t.ssrc).toBe(1);
    expect(t.ssrcChanges).toBe(0);
    expect(t.lost).toBe(0);
  });

  it('computes interarrival jitter as RFC 3550 A.8 does, checked by hand', () => {
    // ts 0,160,320,480 (8 kHz); arrivals 0, 20, 45, 60 ms = 0, 160, 360, 480 units.
    // transit 0, 0, 40, 0 → |D| = 0, 40, 40 → J = 0, 40/16 = 2.5, 2.5 + (40 − 2.5)/16 = 4.84375 units.
    const t = new SequenceTracker(8000);
    t.updateJitter(0, 0);
    t.updateJitter(160, 20);
    expect(t.jitterUnits).toBe(0);
    t.updateJitter(320, 45);
    expect(t.jitterUnits).toBe(2.5);
    t.updateJitter(480, 60);
    expect(t.jitterUnits).toBe(4.84375);
    expect(t.jitterMs).toBeCloseTo(4.84375 / 8, 12);
  });

  it('computes jitter correctly across the 2^32 timestamp wrap', () => {
    const t = new SequenceTracker(8000);
    t.updateJitter(0xffffff60, 1000); // 160 before the wrap
    t.updateJitter(0x00000000, 1020); // wrapped, on time
    expect(t.jitterUnits).toBe(0);
    t.updateJitter(0x000000a0, 1050); // 10 ms late: |D| = 80
    expect(t.jitterUnits).toBe(5);
  });
});
