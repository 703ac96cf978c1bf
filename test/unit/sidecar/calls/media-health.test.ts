import { describe, expect, it } from 'vitest';
import type { RtpStreamStats } from '../../../../media/stream-pipeline-types.js';
import { MediaHealth } from '../../../../sidecar/calls/media-health.js';

function stats(received: number, lost: number, jitterMs: number): RtpStreamStats {
  return {
    received, lost, late: 0, duplicate: 0, malformed: 0, wrongSource: 0, unknownPayloadType: 0, telephoneEvents: 0, comfortNoise: 0,
    ssrcChanges: 0, jitterMs, framesOut: received, framesConcealed: lost, rtcp: 0, discardedWhileHeld: 0,
  };
}

describe('MediaHealth', () => {
  it('reports each tracked stream\'s RTP counters by label and role; more than 5 % loss marks the call degraded', () => {
    const m = new MediaHealth();
    const a = { port: 40000, s: stats(1000, 10, 2.345), stats() { return this.s; } };
    const c = { port: 40002, s: stats(500, 0, 0.5), stats() { return this.s; } };
    m.track(a);
    m.track(c);
    const streams = [{ label: '1', role: 'customer' as const, localPort: 40000 }, { label: '2', role: 'agent' as const, localPort: 40002 }, { label: '3', localPort: 40004 }];
    expect(m.report(streams)).toEqual({
      component: 'media', status: 'ok',
      streams: [
        { label: '1', role: 'customer', packetsReceived: 1000, packetsLost: 10, jitterMs: 2.3 },
        { label: '2', role: 'agent', packetsReceived: 500, packetsLost: 0, jitterMs: 0.5 },
      ],
    });
    a.s = stats(1000, 80, 9);
    expect(m.report(streams)).toMatchObject({ status: 'degraded', detail: 'packet loss on stream 1 7 %' });
    m.untrack(40000);
    m.untrack(40002);
    expect(m.size).toBe(0);
    expect(m.report(streams)).toBeUndefined();
  });
});
