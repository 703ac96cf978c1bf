/**
 * Hybrid retrieval over a {@link KnowledgeIndex}: HNSW vector similarity mixed with exact-term BM25
 * (numbers, product and competitor names weigh by their rarity), filtered by language, validity,
 * audience and optionally objection class, aggregated per fact (a fact stated in several documents
 * counts once, with its best passage).
 *
 * score = vectorWeight · cosine + lexicalWeight · bm25/ideal + classBonus (when the fact is tagged
 * with the query's class), clipped to 0–1. Callers decide thresholds.
 */
import type { Fact, RetrievalQuery, RetrievedFact, Retriever } from '../ports.js';
import { evaluateCalculator } from '../kb/calculator.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { analysisTerms } from './lexical-index.js';
import { analyse } from './text-analyzer.js';
import { LocalEmbedder } from './local-embedder.js';

/** Tuning of {@link HybridRetriever}. */
export interface HybridRetrieverOptions {
  /** Weight of the cosine similarity. Default 0.4. */
  vectorWeight?: number;
  /** Weight of the normalised BM25 score. Default 0.6. */
  lexicalWeight?: number;
  /** Added when a fact is tagged with the query's objection class. Default 0.05. */
  classBonus?: number;
  /** Vector candidates fetched from HNSW per query (before fusion). Default 64. */
  vectorCandidates?: number;
  /** "Today" for validity checks (ISO date). Default: the current date. */
  today?: () => string;
}

export class HybridRetriever implements Retriever {
  private readonly index: KnowledgeIndex;
  private readonly o: Required<HybridRetrieverOptions>;

  constructor(index: KnowledgeIndex, options: HybridRetrieverOptions = {}) {
    this.index = index;
    this.o = {
      vectorWeight: options.vectorWeight ?? 0.4,
      lexicalWeight: options.lexicalWeight ?? 0.6,
      classBonus: options.classBonus ?? 0.05,
      vectorCandidates: options.vectorCandidates ?? 64,
      today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    };
  }

  /**
   * Finds the facts that best answer `query`, best first, at most `k` (default 5). Never returns
   * unverified or expired facts; internal facts only when `includeInternal` is not false.
   * @throws ProviderError when the embedder (Ollama) is down.
   */
  async search(query: RetrievalQuery): Promise<RetrievedFact[]> {
    const k = query.k ?? 5;
    const text = query.text.trim();
    if (!text || k <= 0) return [];
    const idx = this.index;
    const today = this.o.today();
    const accept = (label: number): boolean => {
      const p = idx.passages.get(label);
      if (!p) return false;
      if (query.language && p.language !== query.language) return false;
      const fact = idx.facts.get(p.factId);
      const calc = fact ? undefined : idx.calculators.get(p.factId);
      const classes = fact?.classes ?? calc?.spec.classes ?? [];
      const validUntil = fact?.validUntil ?? calc?.spec.validUntil;
      const internal = fact?.internal ?? calc?.spec.internal ?? false;
      if (!fact && !calc) return false;
      if (calc && !calc.spec.verified) return false;
      if (validUntil && validUntil < today) return false;
      if (query.includeInternal === false && internal) return false;
      if (query.strictClass && query.objectionClass && !classes.includes(query.objectionClass)) return false;
      return true;
    };

    const textLanguage = query.textLanguage ?? query.language;
    const analysis = analyse(text, idx.terms, textLanguage, { otherLanguageStems: true });
    // the local embedder reuses the analysis; any other embedder gets the text
    const qvec = idx.embedder instanceof LocalEmbedder && idx.embedder.terms === idx.terms
      ? idx.embedder.embedAnalysis(analysis)
      : (await idx.embedder.embed([text], [textLanguage]))[0];
    const cosine = new Map<number, number>();
    for (const n of idx.vectors.search(qvec, this.o.vectorCandidates, accept)) cosine.set(n.label, n.similarity);
    const terms = analysisTerms(analysis, { query: true });
    const lexical = idx.lexical.search(terms, accept);
    // the best lexical candidates that HNSW did not return get their exact cosine from the stored vector
    const lexicalTop = [...lexical].sort((a, b) => b[1] - a[1]).slice(0, this.o.vectorCandidates);
    for (const [label] of lexicalTop) {
      if (cosine.has(label)) continue;
      const v = idx.vectorOf(label);
      cosine.set(label, v ? dot(qvec, v) : 0);
    }

    const best = new Map<string, number>();
    const bestLabel = new Map<string, number>();
    for (const [label, cos] of cosine) {
      const p = idx.passages.get(label)!;
      let score = this.o.vectorWeight * Math.max(0, cos) + this.o.lexicalWeight * (lexical.get(label) ?? 0);
      const classes = idx.facts.get(p.factId)?.classes ?? idx.calculators.get(p.factId)?.spec.classes ?? [];
      if (query.objectionClass && classes.includes(query.objectionClass)) score += this.o.classBonus;
      if (score > (best.get(p.factId) ?? -1)) {
        best.set(p.factId, score);
        bestLabel.set(p.factId, label);
      }
    }

    const out: RetrievedFact[] = [];
    for (const [id, score] of [...best].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      if (out.length >= k) break;
      const fact = this.factFor(id, query, bestLabel.get(id)!);
      if (fact) out.push({ fact, score: Math.min(1, Math.round(score * 1e4) / 1e4) });
    }
    return out;
  }

  /**
   * The fact to return. With a language filter, a fact whose primary statement is in another language
   * is returned with the matching statement (from `alsoIn`) first, so a Danish caller sees Danish text.
   */
  private factFor(id: string, query: RetrievalQuery, label: number): Fact | undefined {
    const fact = this.index.facts.get(id);
    if (fact) {
      const passage = this.index.passages.get(label);
      if (!query.language || fact.language === query.language || !passage) return fact;
      const occ = fact.alsoIn?.find((o) => o.source === passage.file && o.language === query.language);
      if (!occ) return fact;
      const primary = { source: fact.source, location: fact.location, text: fact.text, language: fact.language };
      return { ...fact, ...occ, alsoIn: [primary, ...(fact.alsoIn ?? []).filter((o) => o !== occ)] };
    }
    const calc = this.index.calculators.get(id);
    if (!calc) return undefined;
    try {
      return evaluateCalculator(calc, query.customer);
    } catch {
      return undefined; // an input without value: the calculator cannot answer this caller
    }
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
