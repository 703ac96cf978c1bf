/**
 * Card latency through the CallHub under concurrent calls (DESIGN.md "Latency budget": ASR event →
 * extractive card pushed ≤ 20 ms at p95 under 200 concurrent calls). 200 calls run at once, each a
 * written sales call (test/fixtures/calls) replayed as transcript turns with a short gap between turns,
 * through the real detector, the retriever over test/fixtures/kb and the extractive composer, into one
 * CallRegistry. Per card, from its stage timestamps: ASR event → detected, detected → retrieved,
 * ASR event → card pushed. Wall-clock figures on a shared 2-core machine; CPU time per card beside them.
 */
import { CardComposer } from '../../sidecar/assist/cards/card-composer.js';
import { playbookMoves } from '../../sidecar/assist/cards/playbook-moves.js';
import { createObjectionDetector } from '../../sidecar/assist/detection/create-detector.js';
import { createRetrieval } from '../../sidecar/assist/retrieval/create-retrieval.js';
import type { CallCard } from '../../sidecar/calls/call-events.js';
import { CallHub } from '../../sidecar/calls/call-hub.js';
import { CallRegistry } from '../../sidecar/calls/call-registry.js';
import { configSchema } from '../../sidecar/config/schema.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { FIXTURE_PARTICIPANTS, callFixtureNames, loadCallFixture } from '../helpers/call-fixtures.js';
import { registerBench } from './bench-registry.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const TURN_GAP_MS = 40;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

registerBench({
  name: 'call-hub',
  async run() {
    const config = configSchema.parse({});
    const { detector } = createObjectionDetector(config.detection);
    const retrieval = await createRetrieval(config.kb, config.embedder, { kbDir: new URL('../fixtures/kb', import.meta.url).pathname, persist: false });
    await retrieval.index.ingest();
    const composer = new CardComposer({ retriever: retrieval.retriever, moves: playbookMoves().lookup, retrieveK: config.llm.cards.retrieveK, extractive: config.llm.cards });
    const registry = new CallRegistry({ wallUpdateMs: 250 });
    const hub = new CallHub({ registry, assist: { detector, composer }, defaultLanguage: 'en', logger: silentLogger() });
    const cards: CallCard[] = [];
    registry.observer.on('event', (e) => { if (e.type === 'card.created') cards.push(e.card); });
    const scripts = callFixtureNames().map((n) => loadCallFixture(n));

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CALLS }, async (_, i) => {
      const turns = scripts[i % scripts.length];
      const call = hub.startCall({
        callId: `bench-${i}`, source: 'transcript', language: turns[0].lang, participants: FIXTURE_PARTICIPANTS,
        streams: [{ label: '1', role: 'agent', participantId: 'p-agent' }, { label: '2', role: 'customer', participantId: 'p-customer' }],
      });
      await new Promise((r) => setTimeout(r, (i * 7) % TURN_GAP_MS)); // calls out of phase
      for (const t of turns) {
        call.addTranscriptTurn({ role: t.speaker, text: t.text, startMs: t.startMs, endMs: t.endMs, language: t.lang });
        await new Promise((r) => setTimeout(r, TURN_GAP_MS));
      }
      await call.end('bench');
    }));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await hub.close();
    registry.close();

    const sorted = (f: (c: CallCard) => number | undefined) => cards.map(f).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    const detect = sorted((c) => c.stages.detectedAtMs! - c.stages.asrAtMs!);
    const retrieve = sorted((c) => c.stages.retrievedAtMs! - c.stages.detectedAtMs!);
    const pushed = sorted((c) => c.stages.extractiveAtMs! - c.stages.asrAtMs!);
    const turnsTotal = Array.from({ length: CALLS }, (_, i) => scripts[i % scripts.length].length).reduce((a, b) => a + b, 0);
    return {
      figures: {
        concurrentCalls: CALLS,
        transcriptTurns: turnsTotal,
        cards: cards.length,
        asrToDetectedP50Ms: percentile(detect, 50),
        asrToDetectedP95Ms: percentile(detect, 95),
        detectedToRetrievedP50Ms: percentile(retrieve, 50),
        detectedToRetrievedP95Ms: percentile(retrieve, 95),
        asrToCardPushedP50Ms: percentile(pushed, 50),
        asrToCardPushedP95Ms: percentile(pushed, 95),
        asrToCardPushedMaxMs: pushed.at(-1) ?? NaN,
        budgetP95Ms: 20,
        p95OverBudgetRatio: percentile(pushed, 95) / 20,
        cpuMsPerTurn: (cpu.user + cpu.system) / 1000 / turnsTotal,
        wallS: wallMs / 1000,
      },
    };
  },
});
