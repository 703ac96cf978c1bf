import { describe, expect, it } from 'vitest';
import { PlayoutTicker } from '../../../../media/rtp/playout-ticker.js';

describe('PlayoutTicker', () => {
  it('ticks registered clients only, and a throwing client does not stop the others', () => {
    const ticker = new PlayoutTicker(10);
    const seen: string[] = [];
    const a = { tick: (now: number) => seen.push(`a${now}`) };
    const bad = { tick: () => { throw new Error('boom'); } };
    const b = { tick: (now: number) => seen.push(`b${now}`) };
    ticker.add(a);
    ticker.add(bad);
    ticker.add(b);
    ticker.runOnce(5);
    ticker.remove(a);
    ticker.runOnce(6);
    expect(seen).toEqual(['a5', 'b5', 'b6']);
    ticker.remove(bad);
    ticker.remove(b);
    expect(ticker.size).toBe(0);
  });

  it('runs its interval only while clients are registered', async () => {
    const ticker = new PlayoutTicker(1);
    let ticks = 0;
    const client = { tick: () => void ticks++ };
    ticker.add(client);
    await new Promise((r) => setTimeout(r, 30));
    ticker.remove(client);
    const after = ticks;
    expect(after).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(ticks).toBe(after);
  });
});
