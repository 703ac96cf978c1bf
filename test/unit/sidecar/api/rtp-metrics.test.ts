import { afterEach, describe, expect, it } from 'vitest';
import { MediaHealth } from '../../../../sidecar/calls/media-health.js';
import { auth, buildFixture, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

/** `kind` → value of `modsvar_rtp_stream_packets_total` in a scrape. */
async function scrape(f: Fixture): Promise<Record<string, number>> {
  const res = await f.app.inject({ url: '/metrics', headers: auth(TOKENS.mon) });
  expect(res.statusCode).toBe(200);
  const out: Record<string, number> = {};
  for (const m of res.body.matchAll(/^modsvar_rtp_stream_packets_total\{kind="([a-z_]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  expect(res.body).toContain('# TYPE modsvar_rtp_stream_packets_total counter');
  return out;
}

const full = (p: Partial<Record<string, number>>) => ({
  received: 0, lost: 0, late: 0, duplicate: 0, malformed: 0, wrongSource: 0, unknownPayloadType: 0, telephoneEvents: 0, comfortNoise: 0,
  ssrcChanges: 0, jitterMs: 0, framesOut: 0, framesConcealed: 0, rtcp: 0, discardedWhileHeld: 0, ...p,
});

describe('/metrics RTP packet counters over the process\'s life', () => {
  it('reads 0 for every kind when no media runs here', async () => {
    fx = await buildFixture();
    expect(await scrape(fx)).toEqual({ received: 0, lost: 0, late: 0, duplicate: 0, malformed: 0, wrong_source: 0, unknown_payload_type: 0 });
  });

  it('keeps the packets of closed streams, malformed and wrong-source ones included, and adds the open ones', async () => {
    const media = new MediaHealth();
    fx = await buildFixture({ metricsSources: { rtpPackets: () => media.totals() } });
    const a = { port: 40000, s: full({ received: 1000, lost: 12, late: 2, duplicate: 1, malformed: 3, wrongSource: 40, unknownPayloadType: 5 }), stats() { return this.s; } };
    const b = { port: 40002, s: full({ received: 200, malformed: 1 }), stats() { return this.s; } };
    media.track(a);
    media.track(b);
    expect(await scrape(fx)).toEqual({ received: 1200, lost: 12, late: 2, duplicate: 1, malformed: 4, wrong_source: 40, unknown_payload_type: 5 });
    // the first call ends: its stream closes and leaves the live gauges, not the counters
    a.s = full({ received: 1500, lost: 12, late: 2, duplicate: 1, malformed: 7, wrongSource: 40, unknownPayloadType: 5 });
    media.untrack(40000);
    b.s = full({ received: 300, malformed: 1, wrongSource: 2 });
    expect(await scrape(fx)).toEqual({ received: 1800, lost: 12, late: 2, duplicate: 1, malformed: 8, wrong_source: 42, unknown_payload_type: 5 });
    media.untrack(40002);
    expect(media.size).toBe(0);
    const after = await scrape(fx);
    expect(after).toEqual({ received: 1800, lost: 12, late: 2, duplicate: 1, malformed: 8, wrong_source: 42, unknown_payload_type: 5 });
    // the live-call gauge shows nothing any more; the counters stand
    const body = (await fx.app.inject({ url: '/metrics', headers: auth(TOKENS.mon) })).body;
    expect(body).toMatch(/^modsvar_rtp_packets\{kind="received"\} 0$/m);
  });

  it('a new pipeline on a port still tracked keeps the old one\'s counts; a failing reader leaves the counters standing', async () => {
    const media = new MediaHealth();
    let fail = false;
    fx = await buildFixture({ metricsSources: { rtpPackets: () => { if (fail) throw new Error('gone'); return media.totals(); } } });
    media.track({ port: 40000, stats: () => full({ received: 10, malformed: 2 }) });
    media.track({ port: 40000, stats: () => full({ received: 5 }) });
    expect(await scrape(fx)).toMatchObject({ received: 15, malformed: 2 });
    fail = true;
    expect(await scrape(fx)).toMatchObject({ received: 15, malformed: 2 });
  });

  it('restarts a counter at the source\'s value when the source went backwards (a counter reset for rate())', async () => {
    let totals = { received: 500, lost: 5, late: 0, duplicate: 0, malformed: 9, wrongSource: 0, unknownPayloadType: 0 };
    fx = await buildFixture({ metricsSources: { rtpPackets: () => totals } });
    expect(await scrape(fx)).toMatchObject({ received: 500, lost: 5, malformed: 9 });
    totals = { ...totals, received: 20, malformed: 1 };
    expect(await scrape(fx)).toMatchObject({ received: 20, lost: 5, malformed: 1 });
    totals = { ...totals, received: 25 };
    expect(await scrape(fx)).toMatchObject({ received: 25, lost: 5, malformed: 1 });
  });

  it('is for monitors and supervisors only', async () => {
    fx = await buildFixture();
    expect((await fx.app.inject({ url: '/metrics', headers: auth(TOKENS.anna) })).statusCode).toBe(403);
  });
});
