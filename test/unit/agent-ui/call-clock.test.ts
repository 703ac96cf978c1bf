import { describe, expect, it } from 'vitest';
import { callTimeMs, cardCallMs, isReplay, summaryCallTimeMs, timelinePositionMs } from '../../../agent-ui/src/call-clock.js';

const START = 1_780_000_000_000;

describe('call clock', () => {
  it('takes the latest segment end or objection start as the timeline position', () => {
    expect(timelinePositionMs([])).toBe(0);
    expect(timelinePositionMs([{ startMs: 95_000, endMs: 98_000 }, { startMs: 101_000, endMs: 104_500 }, { startMs: 99_000, endMs: 100_000 }], [102_000])).toBe(104_500);
    expect(timelinePositionMs([{ startMs: 1_000, endMs: 2_000 }], [7_000])).toBe(7_000);
  });

  it('shows a replay at 2× in call time, not wall time', () => {
    // 49 s of wall time have passed, the replay has reached 1:38 of the call.
    const summary = { source: 'transcript' as const, startedAtMs: START };
    expect(callTimeMs(summary, 98_000, START + 49_000)).toBe(98_000);
    expect(callTimeMs({ source: 'replay', startedAtMs: START }, 12_000, START + 600_000)).toBe(12_000);
    // ended replays keep their last position
    expect(callTimeMs({ ...summary, endedAtMs: START + 60_000 }, 120_000, START + 90_000)).toBe(120_000);
    expect(isReplay('transcript')).toBe(true);
    expect(isReplay('siprec')).toBe(false);
    expect(isReplay(undefined)).toBe(false);
  });

  it('runs a live call on the wall clock between events and never behind the events', () => {
    expect(callTimeMs({ startedAtMs: START }, 10_000, START + 12_300)).toBe(12_300);
    expect(callTimeMs({ source: 'siprec', startedAtMs: START }, 15_000, START + 12_300)).toBe(15_000);
    expect(callTimeMs({ startedAtMs: START, endedAtMs: START + 30_000 }, 0, START + 99_000)).toBe(30_000);
    expect(callTimeMs({ startedAtMs: START }, 0, START - 5)).toBe(0);
  });

  it('times a card by its objection on the call timeline', () => {
    const card = { objectionId: 'o2', createdAtMs: START + 50_000 };
    const objections = [{ objectionId: 'o1', raisedMs: 20_000 }, { objectionId: 'o2', raisedMs: 105_000 }];
    expect(cardCallMs(card, objections, [], { source: 'transcript', startedAtMs: START })).toBe(105_000);
    expect(cardCallMs(card, [], [{ objectionId: 'o2', raisedMs: 101_000 }], { source: 'transcript', startedAtMs: START })).toBe(101_000);
    // unknown objection: a live call falls back to the creation time, a replay has no call time for it
    expect(cardCallMs(card, [], [], { startedAtMs: START })).toBe(50_000);
    expect(cardCallMs(card, [], [], { source: 'replay', startedAtMs: START })).toBeUndefined();
  });

  it('gives a wall row\'s duration in call time: the summary\'s callMs for replays, the wall clock for live calls', () => {
    // a 2x replay 49 s after its start has reached 1:38 of the call
    expect(summaryCallTimeMs({ source: 'transcript', startedAtMs: START, callMs: 98_000 }, START + 49_000)).toBe(98_000);
    expect(summaryCallTimeMs({ source: 'replay', startedAtMs: START, callMs: 12_000 }, START + 600_000)).toBe(12_000);
    expect(summaryCallTimeMs({ source: 'replay', startedAtMs: START }, START + 600_000)).toBe(0);
    expect(summaryCallTimeMs({ source: 'siprec', startedAtMs: START, callMs: 10_000 }, START + 12_300)).toBe(12_300);
    expect(summaryCallTimeMs({ startedAtMs: START }, START + 12_300)).toBe(12_300);
    expect(summaryCallTimeMs({ startedAtMs: START, endedAtMs: START + 30_000, callMs: 29_000 }, START + 99_000)).toBe(30_000);
  });
});
