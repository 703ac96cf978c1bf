import { describe, expect, it } from 'vitest';
import { EventRing } from '../../../../sidecar/calls/event-ring.js';

const fill = (ring: EventRing<{ seq: number }>, n: number) => {
  for (let i = 0; i < n; i++) ring.push({ seq: ring.nextSeq() });
};

describe('EventRing', () => {
  it('returns exactly the events after the given sequence number, in order', () => {
    const ring = new EventRing<{ seq: number }>(8);
    fill(ring, 5);
    expect(ring.since(2)!.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(ring.since(5)).toEqual([]);
    expect(ring.since(0)!.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('asks for a snapshot once the ring no longer holds every missed event', () => {
    const ring = new EventRing<{ seq: number }>(4);
    fill(ring, 10);
    expect(ring.lastSeq).toBe(10);
    expect(ring.since(6)!.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(ring.since(5)).toBeUndefined();
    expect(ring.since(0)).toBeUndefined();
  });

  it('refuses a future or malformed sequence number and an out-of-order push', () => {
    const ring = new EventRing<{ seq: number }>(4);
    fill(ring, 2);
    expect(ring.since(3)).toBeUndefined();
    expect(ring.since(-1)).toBeUndefined();
    expect(ring.since(1.5)).toBeUndefined();
    expect(() => ring.push({ seq: 5 })).toThrow(TypeError);
    expect(() => new EventRing(0)).toThrow(TypeError);
  });
});
