import { afterEach, describe, expect, it } from 'vitest';
import type { DecodePoolStats } from '../../../../media/asr/decode-pool.js';
import type { Retriever } from '../../../../sidecar/assist/ports.js';
import { auth, buildFixture, card, seedCalls, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

/** Value of one sample line, e.g. `modsvar_cards_total{class="price"}`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('probes', () => {
  it('answers /healthz and /readyz 200 when every readiness check passes', async () => {
    fx = await buildFixture({ readiness: { drachtio: () => true, asr: async () => ({ ok: true }), index: () => ({ ok: true, detail: '1204 chunks' }) } });
    expect((await fx.app.inject({ url: '/healthz', headers: auth(TOKENS.mon) })).json()).toEqual({ status: 'ok' });
    const ready = await fx.app.inject({ url: '/readyz', headers: auth(TOKENS.mon) });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, checks: { drachtio: { ok: true }, asr: { ok: true }, index: { ok: true, detail: '1204 chunks' } } });
  });

  it('answers /readyz 503 naming the failing checks, a throwing check included', async () => {
    fx = await buildFixture({ readiness: { drachtio: () => ({ ok: false, detail: 'not connected' }), asr: () => { throw new Error('refused'); }, index: () => true } });
    const res = await fx.app.inject({ url: '/readyz', headers: auth(TOKENS.sup) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, checks: { drachtio: { ok: false, detail: 'not connected' }, asr: { ok: false, detail: 'refused' }, index: { ok: true } } });
  });

  it('opens the probes without a token when configured, and keeps everything else closed', async () => {
    fx = await buildFixture({ readiness: { index: () => true } }, { probesRequireToken: false });
    expect((await fx.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await fx.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await fx.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await fx.app.inject({ url: '/api/calls' })).statusCode).toBe(401);
  });
});

describe('/metrics', () => {
  it('exports calls, streams, packet loss, ASR delay, per-stage card latency, cards by class and feedback', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const r = fx.registry;
    r.publish({ type: 'health', callId: 'call-anna', health: { component: 'media', status: 'ok', streams: [
      { label: '1', packetsReceived: 950, packetsLost: 50, jitterMs: 2 }, { label: '2', packetsReceived: 1000, packetsLost: 0, jitterMs: 1 }] } });
    r.publish({ type: 'transcript.final', callId: 'call-anna', asrDelayMs: 240, segment: { utteranceId: 'u', streamLabel: '1', role: 'customer', text: 'dyrt', startMs: 0, endMs: 1 } });
    r.publish({ type: 'objection', callId: 'call-anna', objection: { objectionId: 'obj-1', objectionClass: 'price', confidence: 0.9, utteranceId: 'u', text: 'dyrt', raisedMs: 1 } });
    // an update is the same objection (not counted again); a withdrawn one is counted apart
    r.publish({ type: 'objection', callId: 'call-anna', state: 'updated', objection: { objectionId: 'obj-1', objectionClass: 'price', confidence: 0.95, utteranceId: 'u', text: 'for dyrt', raisedMs: 1 } });
    r.publish({ type: 'objection', callId: 'call-anna', state: 'raised', objection: { objectionId: 'obj-2', objectionClass: 'need', confidence: 0.9, utteranceId: 'u2', text: 'ikke brug', raisedMs: 5 } });
    r.publish({ type: 'objection', callId: 'call-anna', state: 'withdrawn', objection: { objectionId: 'obj-2', objectionClass: 'need', confidence: 0.3, utteranceId: 'u2', text: 'ikke brug for mere', raisedMs: 5 } });
    r.publish({ type: 'card.created', callId: 'call-anna', card: card() });
    const final = card({ status: 'final', confidence: 0.7, stages: { ...card().stages, draftFirstTextAtMs: 1_700_000_010_300, finalAtMs: 1_700_000_011_000 } });
    r.publish({ type: 'card.updated', callId: 'call-anna', card: final });
    r.publish({ type: 'card.updated', callId: 'call-anna', card: final });
    await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/card-1/feedback', headers: auth(TOKENS.anna), payload: { kind: 'used' } });

    const res = await fx.app.inject({ url: '/metrics', headers: auth(TOKENS.mon) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const m = res.body;
    expect(sample(m, 'modsvar_calls_active')).toBe(2);
    expect(sample(m, 'modsvar_calls_total')).toBe(2);
    expect(sample(m, 'modsvar_streams_active')).toBe(2);
    expect(sample(m, 'modsvar_rtp_packets{kind="lost"}')).toBe(50);
    expect(sample(m, 'modsvar_rtp_packet_loss_ratio')).toBeCloseTo(50 / 2000, 6);
    expect(sample(m, 'modsvar_asr_delay_ms_sum')).toBe(240);
    expect(sample(m, 'modsvar_card_stage_latency_ms_sum{stage="detect"}')).toBe(2);
    expect(sample(m, 'modsvar_card_stage_latency_ms_sum{stage="retrieve"}')).toBe(3);
    expect(sample(m, 'modsvar_card_stage_latency_ms_sum{stage="extractive"}')).toBe(10);
    expect(sample(m, 'modsvar_card_stage_latency_ms_bucket{le="10",stage="extractive"}')).toBe(1);
    expect(sample(m, 'modsvar_card_stage_latency_ms_count{stage="final"}')).toBe(1);
    expect(sample(m, 'modsvar_card_stage_latency_ms_sum{stage="final"}')).toBe(1010);
    expect(sample(m, 'modsvar_card_stage_latency_ms_sum{stage="draft_first_text"}')).toBe(300);
    expect(sample(m, 'modsvar_objections_total{class="price"}')).toBe(1);
    expect(sample(m, 'modsvar_objections_total{class="need"}')).toBe(1);
    expect(sample(m, 'modsvar_objections_withdrawn_total{class="need"}')).toBe(1);
    expect(sample(m, 'modsvar_cards_total{class="price"}')).toBe(1);
    expect(sample(m, 'modsvar_cards_unverified_total{class="price"}')).toBe(1);
    expect(sample(m, 'modsvar_card_feedback_total{class="price",kind="used"}')).toBe(1);
  });

  it('exports the segmented ASR decode pool as read at scrape time, and zero gauges when no pool runs', async () => {
    const stats: DecodePoolStats = {
      workers: 2, busyWorkers: 2, queuedFinals: 3, queuedInterims: 5, finalsDecoded: 40, interimsDecoded: 120, interimsCancelled: 7,
      jobsFailed: 1, decodeMsTotal: 9000, audioMsDecoded: 60000, lastQueueWaitMs: 180, maxQueueWaitMs: 950,
      saturated: true, interimIntervalFactor: 2, effectiveInterimIntervalMs: 1000, saturationEpisodes: 1, maxInterimIntervalFactor: 4,
    };
    let current: DecodePoolStats | undefined = stats;
    fx = await buildFixture({ metricsSources: { asrDecodePool: () => current } });
    const scrape = async () => (await fx!.app.inject({ url: '/metrics', headers: auth(TOKENS.mon) })).body;
    let m = await scrape();
    expect(sample(m, 'modsvar_asr_decode_workers')).toBe(2);
    expect(sample(m, 'modsvar_asr_decode_workers_busy')).toBe(2);
    expect(sample(m, 'modsvar_asr_decode_queue{kind="final"}')).toBe(3);
    expect(sample(m, 'modsvar_asr_decode_queue{kind="interim"}')).toBe(5);
    expect(sample(m, 'modsvar_asr_decode_saturated')).toBe(1);
    expect(sample(m, 'modsvar_asr_interim_interval_factor')).toBe(2);
    expect(sample(m, 'modsvar_asr_interim_interval_factor_max')).toBe(4);
    expect(sample(m, 'modsvar_asr_interim_interval_ms')).toBe(1000);
    expect(sample(m, 'modsvar_asr_decode_queue_wait_ms{stat="last"}')).toBe(180);
    expect(sample(m, 'modsvar_asr_decode_queue_wait_ms{stat="max"}')).toBe(950);
    expect(sample(m, 'modsvar_asr_decode_saturation_episodes_total')).toBe(1);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="final"}')).toBe(40);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="interim"}')).toBe(120);
    expect(sample(m, 'modsvar_asr_decode_interims_cancelled_total')).toBe(7);
    expect(sample(m, 'modsvar_asr_decode_jobs_failed_total')).toBe(1);
    expect(sample(m, 'modsvar_asr_decode_ms_total')).toBe(9000);
    expect(sample(m, 'modsvar_asr_decoded_audio_ms_total')).toBe(60000);

    // the pool recovers and decodes more: gauges follow, counters carry the source's totals (not the sum of scrapes)
    current = { ...stats, busyWorkers: 1, queuedFinals: 0, queuedInterims: 0, saturated: false, interimIntervalFactor: 1, effectiveInterimIntervalMs: 500, finalsDecoded: 55, saturationEpisodes: 1 };
    m = await scrape();
    expect(sample(m, 'modsvar_asr_decode_workers_busy')).toBe(1);
    expect(sample(m, 'modsvar_asr_decode_queue{kind="final"}')).toBe(0);
    expect(sample(m, 'modsvar_asr_decode_saturated')).toBe(0);
    expect(sample(m, 'modsvar_asr_interim_interval_factor')).toBe(1);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="final"}')).toBe(55);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="interim"}')).toBe(120);
    expect(sample(m, 'modsvar_asr_decode_saturation_episodes_total')).toBe(1);

    // no pool in this process (e.g. another ASR provider): gauges read 0, counters keep their last value
    current = undefined;
    m = await scrape();
    expect(sample(m, 'modsvar_asr_decode_workers')).toBe(0);
    expect(sample(m, 'modsvar_asr_decode_queue{kind="interim"}')).toBe(0);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="final"}')).toBe(55);

    // a rebuilt pool counts from 0 again: the counter restarts (Prometheus reads a counter reset)
    current = { ...stats, finalsDecoded: 5, interimsDecoded: 10 };
    m = await scrape();
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="final"}')).toBe(5);
    expect(sample(m, 'modsvar_asr_decode_jobs_total{kind="interim"}')).toBe(10);
  });

  it('leaves the decode pool metrics out when no source is given', async () => {
    fx = await buildFixture();
    const m = (await fx.app.inject({ url: '/metrics', headers: auth(TOKENS.mon) })).body;
    expect(m).not.toContain('modsvar_asr_decode');
    expect(sample(m, 'modsvar_calls_active')).toBe(0);
  });

  it('counts open WebSockets', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const ws = await fx.app.injectWS('/api/wall/ws', { headers: auth(TOKENS.sup) });
    const m = (await fx.app.inject({ url: '/metrics', headers: auth(TOKENS.sup) })).body;
    expect(sample(m, 'modsvar_ws_clients')).toBe(1);
    ws.terminate();
  });
});

describe('knowledge search', () => {
  const retriever: Retriever & { queries: unknown[] } = {
    queries: [],
    async search(q) {
      this.queries.push(q);
      return [{ score: 0.82, fact: { id: 'F-012', text: 'Customers with 20-50 seats save 12 % on licences.', source: 'pricing.md', location: 'Savings',
        language: 'en', classes: ['price'], tags: [], verified: true } }];
    },
  };

  it('returns verified facts with source and score, passing language, class and k through', async () => {
    fx = await buildFixture({ retriever });
    const res = await fx.app.inject({ url: '/api/knowledge/search?q=too%20expensive&lang=en&class=price&k=3', headers: auth(TOKENS.anna) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ results: [{ factId: 'F-012', text: 'Customers with 20-50 seats save 12 % on licences.', source: 'pricing.md', location: 'Savings', language: 'en', classes: ['price'], score: 0.82 }] });
    expect(retriever.queries.at(-1)).toEqual({ text: 'too expensive', k: 3, language: 'en', objectionClass: 'price' });
  });

  it('answers 400 without a query and 503 when no index is wired or it fails', async () => {
    fx = await buildFixture();
    expect((await fx.app.inject({ url: '/api/knowledge/search', headers: auth(TOKENS.anna) })).statusCode).toBe(400);
    expect((await fx.app.inject({ url: '/api/knowledge/search?q=x', headers: auth(TOKENS.anna) })).json()).toEqual({ error: 'unavailable' });
    await fx.close();
    fx = await buildFixture({ retriever: { search: async () => { throw new Error('index not loaded'); } } });
    const res = await fx.app.inject({ url: '/api/knowledge/search?q=x', headers: auth(TOKENS.anna) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'unavailable' });
  });
});
