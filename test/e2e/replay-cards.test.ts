/**
 * A full written call replayed as transcript turns through the CallHub, with the real detector
 * (embedded playbooks), the retriever over the test knowledge base and the extractive card composer:
 * the objections, cards, ledger and wall row the agent and supervisor would see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardComposer } from '../../sidecar/assist/cards/card-composer.js';
import { playbookMoves } from '../../sidecar/assist/cards/playbook-moves.js';
import { createObjectionDetector } from '../../sidecar/assist/detection/create-detector.js';
import type { ObjectionClass } from '../../sidecar/assist/ports.js';
import { createRetrieval, type RetrievalStack } from '../../sidecar/assist/retrieval/create-retrieval.js';
import type { CallEvent, ObjectionInfo } from '../../sidecar/calls/call-events.js';
import { CallHub } from '../../sidecar/calls/call-hub.js';
import { CallRegistry } from '../../sidecar/calls/call-registry.js';
import { configSchema } from '../../sidecar/config/schema.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { FIXTURE_PARTICIPANTS, callFixtureNames, loadCallFixture, type TimedTurn } from '../helpers/call-fixtures.js';

const KB_DIR = new URL('../fixtures/kb', import.meta.url).pathname;

/**
 * Customer turns the detector raises although the written call labels them `none` (measured with the
 * embedded playbooks). Listed so the test fails when this changes either way.
 * call-02 turn 16: "If they get the template before Christmas, they can …" reads as a timing objection.
 */
const KNOWN_EXTRA: Record<string, Array<{ turn: number; objectionClass: ObjectionClass }>> = {
  'call-02-en-food-producer.json': [{ turn: 16, objectionClass: 'timing' }],
};

let stack: RetrievalStack;
let hub: CallHub;
let registry: CallRegistry;

beforeAll(async () => {
  const config = configSchema.parse({});
  const { detector } = createObjectionDetector(config.detection);
  stack = await createRetrieval(config.kb, config.embedder, { kbDir: KB_DIR, persist: false });
  await stack.index.ingest();
  const composer = new CardComposer({ retriever: stack.retriever, moves: playbookMoves().lookup, retrieveK: config.llm.cards.retrieveK, extractive: config.llm.cards });
  registry = new CallRegistry({});
  hub = new CallHub({ registry, assist: { detector, composer }, defaultLanguage: 'en', logger: silentLogger() });
});
afterAll(async () => {
  await hub.close();
  registry.close();
});

async function replay(name: string, turns: TimedTurn[]): Promise<CallEvent[]> {
  const call = hub.startCall({
    callId: name, source: 'transcript', language: turns[0].lang, participants: FIXTURE_PARTICIPANTS,
    streams: [{ label: '1', role: 'agent', participantId: 'p-agent' }, { label: '2', role: 'customer', participantId: 'p-customer' }],
  });
  for (const t of turns) {
    call.addTranscriptTurn({ role: t.speaker, text: t.text, startMs: t.startMs, endMs: t.endMs, language: t.lang });
    // let the card of this turn be composed before the agent's reply, as in a live call
    await new Promise((r) => setTimeout(r, 2));
  }
  await call.end('replay-finished');
  return registry.eventsSince(name, 0)!;
}

describe('A full call replayed yields the expected objections and cards in order', () => {
  for (const name of callFixtureNames()) {
    it(`${name}: each labelled customer turn raises its class and gets a cited card; agent turns never raise`, async () => {
      const turns = loadCallFixture(name);
      const events = await replay(name, turns);
      const turnOf = (text: string) => turns.find((t) => t.text === text)!;

      // transcript: every turn, in order, with its role
      const finals = events.filter((e) => e.type === 'transcript.final');
      expect(finals.map((e) => [e.segment.role, e.segment.text])).toEqual(turns.map((t) => [t.speaker, t.text]));

      // objections: exactly the labelled turns (plus the known extras), in spoken order
      const expected = [
        ...turns.filter((t) => t.objection).map((t) => ({ turn: t.turn, objectionClass: t.label as ObjectionClass })),
        ...(KNOWN_EXTRA[name] ?? []),
      ].sort((a, b) => a.turn - b.turn);
      // one entry per objection with its latest class; withdrawn ones do not count
      const folded = new Map<string, { objection: ObjectionInfo; state: string }>();
      for (const e of events) if (e.type === 'objection') folded.set(e.objection.objectionId, { objection: e.objection, state: e.state ?? 'raised' });
      const objections = [...folded.values()].filter((o) => o.state !== 'withdrawn').map((o) => o.objection);
      expect(objections.map((o) => ({ turn: turnOf(o.text).turn, objectionClass: o.objectionClass }))).toEqual(expected);
      for (const o of objections) expect(turnOf(o.text).speaker).toBe('customer');
      expect(new Set(objections.map((o) => o.objectionId)).size).toBe(objections.length);

      // cards: one per objection, same order and class, final (no language model), citing known facts
      const created = events.filter((e) => e.type === 'card.created').map((e) => e.card);
      expect(created.map((c) => [c.cardId, c.objectionClass])).toEqual(objections.map((o) => [o.objectionId, o.objectionClass]));
      for (const c of created) {
        expect(c.status).toBe('final');
        expect(c.citations.length).toBeGreaterThan(0);
        for (const cit of c.citations) expect(stack.index.facts.has(cit.factId) || stack.index.calculators.has(cit.factId)).toBe(true);
        // the reply quotes the top facts (at most two sentences); the other shown facts are cited for the agent to expand
        expect([...c.text.matchAll(/\[([A-Z]+-[\w-]+)\]/g)].map((m) => m[1])).toEqual(c.citations.slice(0, 2).map((cit) => cit.factId));
        expect(c.confidence).toBeGreaterThan(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
        const s = c.stages;
        expect(s.asrAtMs).toBeLessThanOrEqual(s.detectedAtMs!);
        expect(s.detectedAtMs).toBeLessThanOrEqual(s.retrievedAtMs!);
        expect(s.retrievedAtMs).toBeLessThanOrEqual(s.extractiveAtMs!);
        expect(s.extractiveAtMs).toBeLessThanOrEqual(s.finalAtMs!);
      }

      // ledger: raised, then card shown, then answered or unanswered at hang-up, for every objection
      const ledger = events.filter((e) => e.type === 'ledger').map((e) => e.entry);
      for (const o of objections) {
        const states = ledger.filter((l) => l.objectionId === o.objectionId).map((l) => l.state);
        expect(states.slice(0, 2)).toEqual(['raised', 'card_shown']);
        expect(['answered', 'unanswered']).toContain(states.at(-1));
      }
      const last = new Map(ledger.map((l) => [l.objectionId, l.state]));
      // in these calls the agent speaks to every objection in the next turn (the ledger's answer rule sees it)
      expect([...last.values()]).toEqual(objections.map(() => 'answered'));
      const summary = registry.list('all').find((s) => s.callId === name)!;
      expect(summary.state).toBe('ended');
      expect(summary.objectionsRaised).toBe(objections.length);
      expect(summary.cardsShown).toBe(objections.length);
      expect(summary.objectionsUnanswered).toBe([...last.values()].filter((s) => s === 'unanswered').length);
      expect(events.at(-1)).toMatchObject({ type: 'call.state', state: 'ended' });
    });
  }

  it('cards cite facts the agent went on to use for most labelled objections', async () => {
    let hits = 0;
    let total = 0;
    for (const name of callFixtureNames()) {
      const turns = loadCallFixture(name);
      const cards = registry.eventsSince(name, 0)!.filter((e) => e.type === 'card.created').map((e) => e.card);
      for (const c of cards) {
        const objectionTurn = turns.findIndex((t) => c.objectionId && t.speaker === 'customer' && t.objection && t.label === c.objectionClass
          && registry.eventsSince(name, 0)!.some((e) => e.type === 'objection' && e.objection.objectionId === c.objectionId && e.objection.text === t.text));
        if (objectionTurn < 0) continue;
        const used = new Set(turns[objectionTurn + 1]?.kb_facts ?? []);
        if (!used.size) continue;
        total++;
        if (c.citations.some((cit) => used.has(cit.factId))) hits++;
      }
    }
    process.stdout.write(`cards citing a fact the agent used next: ${hits}/${total}\n`);
    expect(total).toBeGreaterThanOrEqual(10);
    // measured: 10 of 11 with the local embedder over test/fixtures/kb
    expect(hits / total).toBeGreaterThanOrEqual(0.5);
  });
});
