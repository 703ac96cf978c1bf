/**
 * The API's share of the card latency budget: publish → schema serialisation → WebSocket → client.
 * 200 live calls, each with an agent socket, plus 2 supervisor wall sockets, over real loopback
 * WebSockets (the clients run in the same process). Prints the cost of publish and serialisation per
 * event and the push latency (p50/p95/p99) from `registry.publish(card.created)` to the agent socket's
 * `message` event: in a burst (all 200 calls get a card at once, 10 times) and paced (one card every 2 ms).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { buildApiServer, callRegistryOptions } from '../../sidecar/api/server.js';
import { serializeEvent } from '../../sidecar/calls/call-event-schema.js';
import { CallRegistry } from '../../sidecar/calls/call-registry.js';
import type { CallCard, CallEvent } from '../../sidecar/calls/call-events.js';
import { apiSchema } from '../../sidecar/config/schema.js';
import { registerBench } from './bench-registry.js';

const CALLS = 200;
const CARDS_PER_CALL = Number(process.env.BENCH_ROUNDS ?? 10);

function card(i: number): CallCard {
  const now = Date.now();
  return {
    cardId: `k${i}`, objectionId: `o${i}`, objectionClass: 'price', status: 'extractive', confidence: 0.86, removedCount: 0,
    text: 'Customers with 20-50 seats save on average 12 % on licences in the first year; implementation is included.',
    citations: [{ factId: 'F-012', text: 'Customers with 20-50 seats save on average 12 % on licences in the first year.', source: 'pricing/price-list-2026.pdf', location: 'page 3' }],
    createdAtMs: now, updatedAtMs: now, stages: { asrAtMs: now, detectedAtMs: now, retrievedAtMs: now, extractiveAtMs: now },
  };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

registerBench({
  name: 'api-fanout',
  async run() {
    const config = apiSchema.parse({ tokens: [{ tokenEnv: 'B_SUP', role: 'supervisor' }], rateLimit: { socketsPerPrincipal: 1000, socketsPerMinute: 100_000, perMinute: 100_000 } });
    const registry = new CallRegistry(callRegistryOptions(config));
    const token = 'bench-supervisor-token-0123456789';
    const app = await buildApiServer({ config, registry, env: { B_SUP: token }, uiDir: null, processMetrics: false });
    const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    for (let c = 0; c < CALLS; c++) {
      registry.upsertCall({ callId: `call-${c}`, participants: [{ id: 'a', aor: `sip:${1000 + c}@pbx`, role: 'agent' }, { id: 'b', aor: 'sip:+4520000000@t', role: 'customer' }] });
    }
    // Serialisation alone.
    const sample = { ...registry.publish({ type: 'card.created', callId: 'call-0', card: card(-1) }) } as CallEvent;
    const N = 20_000;
    let t0 = performance.now();
    for (let i = 0; i < N; i++) serializeEvent(sample);
    const schemaUs = ((performance.now() - t0) * 1000) / N;
    t0 = performance.now();
    for (let i = 0; i < N; i++) JSON.stringify(sample);
    const jsonUs = ((performance.now() - t0) * 1000) / N;

    const latencies: number[] = [];
    const pending = new Map<string, number>();
    const sockets: WebSocket[] = [];
    const open = (path: string, onMessage?: (data: string) => void) => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
      if (onMessage) ws.on('message', (d) => onMessage(d.toString()));
      sockets.push(ws);
    });
    for (let c = 0; c < CALLS; c++) {
      await open(`/api/calls/call-${c}/ws`, (data) => {
        const at = performance.now();
        const e = JSON.parse(data) as CallEvent;
        if (e.type !== 'card.created') return;
        const key = `${e.callId}/${e.card.cardId}`;
        const start = pending.get(key);
        if (start !== undefined) { latencies.push(at - start); pending.delete(key); }
      });
    }
    const WALLS = Number(process.env.BENCH_WALLS ?? 2);
    for (let i = 0; i < WALLS; i++) await open('/api/wall/ws', () => {});

    // Burst: every call gets a card at the same instant (worst case); paced: one card every 2 ms.
    let publishMs = 0;
    let published = 0;
    const results: Record<string, number[]> = { burst: [], paced: [] };
    for (const mode of ['burst', 'paced'] as const) {
      latencies.length = 0;
      for (let round = 0; round < CARDS_PER_CALL; round++) {
        for (let c = 0; c < CALLS; c++) {
          const k = card(mode === 'burst' ? round : 100_000 + round);
          pending.set(`call-${c}/${k.cardId}`, performance.now());
          const p0 = performance.now();
          registry.publish({ type: 'card.created', callId: `call-${c}`, card: k });
          publishMs += performance.now() - p0;
          published++;
          if (mode === 'paced') await new Promise((r) => setTimeout(r, 2));
        }
        if (mode === 'burst') await new Promise((r) => setTimeout(r, 50));
        if (mode === 'paced' && round >= 1) break;
      }
      const deadline = Date.now() + 5000;
      while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      results[mode] = [...latencies].sort((a, b) => a - b);
    }
    for (const ws of sockets) ws.terminate();
    await app.close();
    registry.close();
    return {
      figures: {
        calls: CALLS,
        sockets: sockets.length,
        cardsPushed: results.burst.length + results.paced.length,
        cardsLost: pending.size,
        publishPerEventUs: (publishMs * 1000) / published,
        serializeSchemaPerEventUs: schemaUs,
        serializeJsonStringifyPerEventUs: jsonUs,
        schemaVsJsonRatio: schemaUs / jsonUs,
        burstPushLatencyP50Ms: pct(results.burst, 50),
        burstPushLatencyP95Ms: pct(results.burst, 95),
        burstPushLatencyP99Ms: pct(results.burst, 99),
        pacedPushLatencyP50Ms: pct(results.paced, 50),
        pacedPushLatencyP95Ms: pct(results.paced, 95),
        pacedPushLatencyP99Ms: pct(results.paced, 99),
      },
    };
  },
});
