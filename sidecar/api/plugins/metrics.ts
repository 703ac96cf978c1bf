/**
 * `GET /metrics` in the Prometheus text format (prom-client, https://github.com/siimots/prom-client),
 * for the `monitor` and `supervisor` roles. Figures come from the call registry's observer and, for
 * gauges, from the live calls at scrape time; components outside the API (the ASR decode pool) through
 * {@link MetricsSources} readers, also at scrape time. Each app has its own prom-client Registry.
 *
 * Card latency per stage (ms, from the card's stage timestamps): `detect` (ASR event → objection),
 * `retrieve` (objection → facts), `extractive` (ASR event → first card pushed: the 20 ms budget),
 * `draft_first_text` (extractive card → first LLM words), `final` (ASR event → final card).
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRegistry } from '../../calls/call-registry.js';
import type { CallCard, CallEvent } from '../../calls/call-events.js';
import { registerDecodePoolMetrics, type DecodePoolStatsReader } from './decode-pool-metrics.js';
import { registerRtpMetrics, type RtpTotalsReader } from './rtp-metrics.js';

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/** The metrics of one API server: its prom-client registry and the gauges other plugins update. */
export interface ApiMetrics {
  registry: Registry;
  wsClients: Gauge;
  /** Stops listening to the call registry. */
  detach(): void;
}

/**
 * Figures from components outside the API, read at scrape time. The composition root passes readers
 * (e.g. `() => asr.segmentedStats()`), so the API knows no component, only the shape of its figures.
 */
export interface MetricsSources {
  /** The sherpa-onnx segmented decode pool (`AsrService.segmentedStats()`); see decode-pool-metrics.ts. */
  asrDecodePool?: DecodePoolStatsReader;
  /** Process-lifetime RTP packet counters (`MediaHealth.totals()`); see rtp-metrics.ts. Without it they read 0. */
  rtpPackets?: RtpTotalsReader;
}

/**
 * Builds the metrics and subscribes them to the call registry's observer. `processMetrics`: Node process
 * metrics too; `sources`: further figures read at scrape time.
 */
export function createApiMetrics(calls: CallRegistry, processMetrics = true, sources: MetricsSources = {}): ApiMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'modsvar_' });
  if (sources.asrDecodePool) registerDecodePoolMetrics(registry, sources.asrDecodePool);
  registerRtpMetrics(registry, sources.rtpPackets ?? (() => undefined));
  const reg = [registry];
  new Gauge({
    name: 'modsvar_calls_active', help: 'Live calls', registers: reg,
    collect() { this.set(calls.liveCount); },
  });
  const callsTotal = new Counter({ name: 'modsvar_calls_total', help: 'Calls seen since start', registers: reg });
  new Gauge({
    name: 'modsvar_streams_active', help: 'Media streams of live calls (from media health)', registers: reg,
    collect() {
      let n = 0;
      for (const v of calls.liveViews()) n += v.componentHealth().find((h) => h.component === 'media')?.streams?.length ?? 0;
      this.set(n);
    },
  });
  const packets = new Gauge({
    name: 'modsvar_rtp_packets', help: 'RTP packets of live calls\' streams, received and lost (RFC 3550 A.3)',
    labelNames: ['kind'], registers: reg,
    collect() {
      let received = 0;
      let lost = 0;
      for (const v of calls.liveViews()) {
        for (const s of v.componentHealth().find((h) => h.component === 'media')?.streams ?? []) {
          received += s.packetsReceived;
          lost += s.packetsLost;
        }
      }
      packets.set({ kind: 'received' }, received);
      packets.set({ kind: 'lost' }, lost);
    },
  });
  new Gauge({
    name: 'modsvar_rtp_packet_loss_ratio', help: 'Lost ÷ expected packets over live calls\' streams', registers: reg,
    collect() {
      let received = 0;
      let lost = 0;
      for (const v of calls.liveViews()) {
        for (const s of v.componentHealth().find((h) => h.component === 'media')?.streams ?? []) {
          received += s.packetsReceived;
          lost += s.packetsLost;
        }
      }
      this.set(received + lost > 0 ? lost / (received + lost) : 0);
    },
  });
  const componentDegraded = new Gauge({
    name: 'modsvar_component_unhealthy_calls', help: 'Live calls whose component is degraded or down',
    labelNames: ['component'], registers: reg,
    collect() {
      const counts: Record<string, number> = { media: 0, asr: 0, llm: 0, crm: 0, retrieval: 0 };
      for (const v of calls.liveViews()) for (const h of v.componentHealth()) if (h.status !== 'ok') counts[h.component]++;
      for (const [component, n] of Object.entries(counts)) componentDegraded.set({ component }, n);
    },
  });
  const asrDelay = new Histogram({
    name: 'modsvar_asr_delay_ms', help: 'End of speech → final transcript (ms)', buckets: LATENCY_BUCKETS_MS, registers: reg,
  });
  const stageLatency = new Histogram({
    name: 'modsvar_card_stage_latency_ms', help: 'Card latency per stage (ms)', labelNames: ['stage'],
    buckets: LATENCY_BUCKETS_MS, registers: reg,
  });
  const objections = new Counter({ name: 'modsvar_objections_total', help: 'Objections raised (class when first raised)', labelNames: ['class'], registers: reg });
  const objectionsWithdrawn = new Counter({
    name: 'modsvar_objections_withdrawn_total', help: 'Objections withdrawn when the final transcript showed none', labelNames: ['class'], registers: reg,
  });
  const cards = new Counter({ name: 'modsvar_cards_total', help: 'Cards shown', labelNames: ['class'], registers: reg });
  const cardsLow = new Counter({
    name: 'modsvar_cards_unverified_total', help: 'Cards that reached final/no_answer below 0.80 confidence', labelNames: ['class'], registers: reg,
  });
  const feedback = new Counter({
    name: 'modsvar_card_feedback_total', help: 'Agent feedback on cards', labelNames: ['class', 'kind'], registers: reg,
  });
  const wsClients = new Gauge({ name: 'modsvar_ws_clients', help: 'Open API WebSockets', registers: reg });

  const finished = new Set<string>();
  const observe = (stage: string, from?: number, to?: number) => {
    if (from !== undefined && to !== undefined && to >= from) stageLatency.observe({ stage }, to - from);
  };
  const onCardDone = (card: CallCard, callId: string) => {
    const key = `${callId}\u0000${card.cardId}`;
    if (finished.has(key) || (card.status !== 'final' && card.status !== 'no_answer')) return;
    finished.add(key);
    observe('draft_first_text', card.stages.extractiveAtMs, card.stages.draftFirstTextAtMs);
    observe('final', card.stages.asrAtMs, card.stages.finalAtMs);
    if (card.confidence < 0.8) cardsLow.inc({ class: card.objectionClass });
  };
  const onEvent = (e: CallEvent) => {
    if (e.type === 'transcript.final' && e.asrDelayMs !== undefined) asrDelay.observe(e.asrDelayMs);
    else if (e.type === 'objection') {
      const state = e.state ?? 'raised';
      if (state === 'raised') objections.inc({ class: e.objection.objectionClass });
      else if (state === 'withdrawn') objectionsWithdrawn.inc({ class: e.objection.objectionClass });
    }
    else if (e.type === 'card.created') {
      const s = e.card.stages;
      cards.inc({ class: e.card.objectionClass });
      observe('detect', s.asrAtMs, s.detectedAtMs);
      observe('retrieve', s.detectedAtMs, s.retrievedAtMs);
      observe('extractive', s.asrAtMs, s.extractiveAtMs);
      onCardDone(e.card, e.callId);
    } else if (e.type === 'card.updated') onCardDone(e.card, e.callId);
  };
  const onStart = () => callsTotal.inc();
  const onFeedback = (f: { card: CallCard; kind: string }) => feedback.inc({ class: f.card.objectionClass, kind: f.kind });
  const onRemoved = (callId: string) => {
    for (const k of finished) if (k.startsWith(`${callId}\u0000`)) finished.delete(k);
  };
  calls.observer.on('event', onEvent);
  calls.observer.on('callstarted', onStart);
  calls.observer.on('feedback', onFeedback);
  calls.observer.on('callremoved', onRemoved);
  return {
    registry,
    wsClients,
    detach() {
      calls.observer.off('event', onEvent);
      calls.observer.off('callstarted', onStart);
      calls.observer.off('feedback', onFeedback);
      calls.observer.off('callremoved', onRemoved);
    },
  };
}

export default async function metricsPlugin(app: FastifyInstance, options: { metrics: ApiMetrics }): Promise<void> {
  const { metrics } = options;
  app.addHook('onClose', async () => metrics.detach());
  app.get('/metrics', { config: { roles: ['monitor', 'supervisor'] } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
