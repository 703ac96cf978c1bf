/**
 * recall@k of `must_cite` facts for a grounding set; shared by `npm run eval` and the floor test in
 * test/unit/sidecar/assist/retrieval/recall-floor.test.ts.
 */
import { HybridRetriever } from '../../sidecar/assist/retrieval/hybrid-retriever.js';
import { KnowledgeIndex } from '../../sidecar/assist/retrieval/knowledge-index.js';
import { LocalEmbedder } from '../../sidecar/assist/retrieval/local-embedder.js';
import { loadTermMap } from '../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../sidecar/assist/retrieval/text-analyzer.js';
import type { ObjectionClass } from '../../sidecar/assist/ports.js';

export interface GroundingItem { id: string; lang: string; text: string; label: ObjectionClass; must_cite: string[] }

interface CallTurn { turn: number; speaker: string; lang: string; text: string; objection?: boolean; label: string; kb_facts?: string[] }

/**
 * Grounding items from scripted calls: each customer objection turn, with the facts the scripted agent
 * cited in the next agent turn as `must_cite` (a reference answer, not a gold standard).
 */
export function callItems(file: string, turns: CallTurn[]): GroundingItem[] {
  const out: GroundingItem[] = [];
  turns.forEach((t, i) => {
    if (!t.objection) return;
    const answer = turns.slice(i + 1, i + 3).find((u) => u.speaker === 'agent' && u.kb_facts?.length);
    if (answer) out.push({ id: `${file}#${t.turn}`, lang: t.lang, text: t.text, label: t.label as ObjectionClass, must_cite: answer.kb_facts! });
  });
  return out;
}

export async function measureRecall(items: GroundingItem[], opts: { kbDir: string; termsFile: string }) {
  const terms = loadTermMap(opts.termsFile, stemAll);
  const index = new KnowledgeIndex({ kbDir: opts.kbDir, embedder: new LocalEmbedder({ terms }), terms, persist: false });
  const ingest = await index.ingest();
  const retriever = new HybridRetriever(index);
  const recall = async (k: number, withClass: boolean, subset = items) => {
    let sum = 0;
    const details: string[] = [];
    for (const it of subset) {
      const hits = await retriever.search({ text: it.text, k, ...(withClass ? { objectionClass: it.label } : {}) });
      const ids = hits.map((h) => h.fact.id);
      const r = it.must_cite.filter((id) => ids.includes(id)).length / it.must_cite.length;
      sum += r;
      details.push(`${it.id} ${it.lang} ${r.toFixed(2)} missing=${it.must_cite.filter((id) => !ids.includes(id)).join(',') || '-'} top=${ids.join(',')}`);
    }
    return { value: subset.length ? sum / subset.length : 0, details };
  };
  const r5 = await recall(5, true);
  const figures: Record<string, number | string> = {
    'facts indexed': String(ingest.factCount),
    'items': String(items.length),
    'recall@5 (text + class)': r5.value,
    'recall@10 (text + class)': (await recall(10, true)).value,
    'recall@5 (text only)': (await recall(5, false)).value,
  };
  // a fixed split by id number (even = A, odd = B): tune on A, check on B, so a change that only fits the
  // items it was tuned on shows up as a gap between the halves
  const idNumber = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? NaN);
  const halfA = items.filter((i) => idNumber(i.id) % 2 === 0);
  const halfB = items.filter((i) => idNumber(i.id) % 2 === 1);
  if (halfA.length && halfB.length) {
    figures[`recall@5 half A, even ids (${halfA.length})`] = (await recall(5, true, halfA)).value;
    figures[`recall@5 half B, odd ids (${halfB.length})`] = (await recall(5, true, halfB)).value;
  }
  for (const lang of ['en', 'da', 'de']) {
    const subset = items.filter((i) => i.lang === lang);
    if (subset.length) figures[`recall@5 ${lang} (${subset.length})`] = (await recall(5, true, subset)).value;
  }
  return { recall5: r5.value, figures, details: r5.details };
}
