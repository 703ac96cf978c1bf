import { describe, expect, it } from 'vitest';
import { TIMELINE_W, timelineLayout } from '../../../agent-ui/src/timeline.js';
import type { LedgerEntry } from '../../../agent-ui/src/types.js';

const entry = (id: string, raisedMs: number, state: LedgerEntry['state'], answeredMs?: number): LedgerEntry =>
  ({ objectionId: id, objectionClass: 'price', state, raisedMs, ...(answeredMs !== undefined && { answeredMs }) });

describe('objection timeline layout', () => {
  it('never draws a marker or bar past the now line', () => {
    // a replay's ledger can carry times beyond the clock (raised at 1:45 while the clock says 1:38)
    const l = timelineLayout([entry('a', 30_000, 'answered', 200_000), entry('b', 105_000, 'raised')], 98_000, false);
    expect(l.spanMs).toBe(98_000);
    for (const e of l.entries) {
      expect(e.x1).toBeLessThanOrEqual(l.nowX);
      expect(e.x2).toBeLessThanOrEqual(l.nowX);
      expect(e.x2).toBeGreaterThanOrEqual(e.x1);
    }
    expect(l.entries[1].x1).toBe(l.nowX);
    expect(l.entries[0].state).toBe('answered');
    expect(l.entries[1].state).toBe('open');
    expect(l.nowX).toBeLessThanOrEqual(TIMELINE_W);
  });

  it('keeps axis labels and class labels inside the drawing', () => {
    const l = timelineLayout([entry('a', 59_500, 'raised')], 30_000, true, () => 'Status quo');
    expect(l.spanMs).toBe(60_000);
    expect(l.ticks.map((t) => t.text)).toEqual(['00:00', '01:00']);
    expect(l.ticks[0].anchor).toBe('start');
    // the last tick sits at the right edge: anchored at its end so "01:00" is not cut off
    expect(l.ticks[1].anchor).toBe('end');
    expect(l.ticks[1].x).toBeLessThanOrEqual(TIMELINE_W);
    // the objection is clamped to now (30 s, half way): its label fits to the right
    expect(l.entries[0].state).toBe('unanswered');
    expect(l.entries[0].labelAnchor).toBe('start');
    const late = timelineLayout([entry('b', 60_000, 'raised')], 60_000, false, () => 'Status quo');
    expect(late.entries[0].labelAnchor).toBe('end');
    expect(late.entries[0].labelX).toBeLessThan(late.entries[0].x1);
  });

  it('uses a coarser grid for long calls', () => {
    const l = timelineLayout([], 25 * 60_000, false);
    expect(l.ticks.map((t) => t.text)).toEqual(['00:00', '05:00', '10:00', '15:00', '20:00', '25:00']);
    expect(l.ticks.at(-1)!.anchor).toBe('end');
    expect(l.ticks[2].anchor).toBe('middle');
  });
});
