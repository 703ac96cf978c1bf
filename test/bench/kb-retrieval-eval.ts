/**
 * Retrieval quality on the sample knowledge base: for each objection of the grounding set
 * (test/fixtures/objections/grounding-dev.jsonl), recall@k of its `must_cite` facts, with the local
 * embedder and the hybrid retriever, queried with the objection's text and class (as the detector
 * would pass it). Also per language and without the class.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerEval } from './eval-registry.js';
import { measureRecall } from './kb-recall.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

registerEval({
  name: 'knowledge-base retrieval (grounding-dev, local embedder, hybrid)',
  async run() {
    const items = readFileSync(`${root}test/fixtures/objections/grounding-dev.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const r = await measureRecall(items, { kbDir: `${root}test/fixtures/kb`, termsFile: `${root}config/kb-terms.yaml` });
    return { figures: r.figures, details: r.details };
  },
});
