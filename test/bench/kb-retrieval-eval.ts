/**
 * Retrieval quality on the sample knowledge base: for each objection of the grounding set
 * (test/fixtures/objections/grounding-dev.jsonl), recall@k of its `must_cite` facts, with the local
 * embedder and the hybrid retriever, queried with the objection's text and class (as the detector
 * would pass it). Also per language and without the class. A second figure uses the scripted calls
 * (test/fixtures/calls): the facts the scripted agent cited after each customer objection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerEval } from './eval-registry.js';
import { callItems, measureRecall } from './kb-recall.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

registerEval({
  name: 'knowledge-base retrieval (grounding-dev, local embedder, hybrid)',
  async run() {
    const items = readFileSync(`${root}test/fixtures/objections/grounding-dev.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const r = await measureRecall(items, { kbDir: `${root}test/fixtures/kb`, termsFile: `${root}config/kb-terms.yaml` });
    return { figures: r.figures, details: r.details };
  },
});

registerEval({
  name: 'knowledge-base retrieval (scripted calls: facts the scripted agent cited; not used for tuning)',
  async run() {
    const dir = `${root}test/fixtures/calls`;
    const items = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
      .flatMap((f) => callItems(f, JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))));
    const r = await measureRecall(items, { kbDir: `${root}test/fixtures/kb`, termsFile: `${root}config/kb-terms.yaml` });
    return { figures: r.figures, details: r.details };
  },
});
