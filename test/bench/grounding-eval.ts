/**
 * Grounding on the development set (test/fixtures/objections/grounding-dev.jsonl) over the fixture
 * knowledge base: extractive cards from the real retriever (the gold label stands in for detection).
 * Figures: mean must_cite coverage (overall, per language, trap items), invalid citations, flagged cards.
 */
import { readFileSync } from 'node:fs';
import { CardComposer } from '../../sidecar/assist/cards/card-composer.js';
import { parseGroundingJsonl, scoreGrounding } from '../../sidecar/assist/cards/grounding-eval.js';
import { playbookMoves } from '../../sidecar/assist/cards/playbook-moves.js';
import type { ObjectionClass } from '../../sidecar/assist/ports.js';
import { createRetrieval } from '../../sidecar/assist/retrieval/create-retrieval.js';
import { loadConfig } from '../../sidecar/config/load-config.js';
import { registerEval } from './eval-registry.js';

registerEval({
  name: 'grounding (extractive cards, grounding-dev)',
  async run() {
    const root = new URL('../../', import.meta.url);
    const { config } = loadConfig({ env: {} });
    const stack = await createRetrieval(config.kb, config.embedder, { kbDir: new URL('test/fixtures/kb', root).pathname, persist: false });
    await stack.index.ingest();
    const { items } = parseGroundingJsonl(readFileSync(new URL('test/fixtures/objections/grounding-dev.jsonl', root), 'utf8'));
    const composer = new CardComposer({ retriever: stack.retriever, moves: playbookMoves().lookup, extractive: config.llm.cards, retrieveK: config.llm.cards.retrieveK });
    const rows = [];
    for (const item of items) {
      const card = await composer.compose({ callId: 'eval', objectionId: item.id, objectionClass: item.label as ObjectionClass, language: item.lang, text: item.text, confidence: 1, stages: { asrAtMs: 0, detectedAtMs: 0 } });
      rows.push({ item, card });
    }
    const r = scoreGrounding(rows, new Set([...stack.index.facts.keys(), ...stack.index.calculators.keys()]));
    return {
      figures: {
        items: r.items,
        meanMustCiteCoverage: r.meanCoverage,
        ...Object.fromEntries(Object.entries(r.coverageByLanguage).map(([l, v]) => [`coverage_${l}`, v.meanCoverage])),
        coverageTrap: r.trap.meanCoverage,
        invalidCitations: r.invalidCitations,
        flagged: r.flagged,
        noVerifiedAnswer: r.noVerifiedAnswer,
      },
      details: rows.map(({ item, card }) => `${item.id} must ${item.must_cite.join(',')} cited ${card.cited.join(',')}`),
    };
  },
});
