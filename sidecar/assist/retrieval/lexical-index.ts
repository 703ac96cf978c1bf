/**
 * Exact-term index: BM25 (Robertson & Zaragoza 2009, k1 = 1.2, b = 0.75) over the analysed features of
 * each passage: word stems, numbers, joined names and term-map concepts. It is the "exact-term" half
 * of hybrid retrieval: rare terms (a competitor's name, `9001`, `DATEV`) weigh by their rarity in the
 * knowledge base, which a fixed embedding cannot know. Passages can be added and removed one by one.
 */
import type { Analysis } from './text-analyzer.js';

/** Feature weights inside BM25: a concept counts more than one word, as it is the only bridge between languages. */
export const LEXICAL_WEIGHTS = { stem: 1, number: 1.5, concept: 1.6, joined: 1, otherLanguageStem: 1 };
const WEIGHT = LEXICAL_WEIGHTS;
const K1 = 1.2;
const B = 0.75;

/**
 * Turns an analysis into weighted terms. Joined word pairs (`shift nest` → `shiftnest`) and the stems
 * of each word in the two other languages are used on the query side only (`query: true`): ASR splits
 * names, and callers mix languages ("vores timeline er presset", an English product name in a Danish
 * sentence), while a passage is stemmed in its own language.
 */
export function analysisTerms(a: Analysis, options: { query?: boolean } = {}): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (t: string, w: number) => terms.set(t, (terms.get(t) ?? 0) + w);
  for (const s of a.stems) if (!/^\d/.test(s)) add(`w:${s}`, WEIGHT.stem);
  for (const n of a.numbers) add(`n:${n}`, WEIGHT.number);
  for (const [c, w] of a.concepts) add(`c:${c}`, WEIGHT.concept * w);
  if (options.query) for (const j of a.joined) add(`w:${j}`, WEIGHT.joined);
  if (options.query) for (const s of a.altStems) if (!terms.has(`w:${s}`)) add(`w:${s}`, WEIGHT.otherLanguageStem);
  return terms;
}

/**
 * Name-like words of a passage in its original case: words with inner capitals or digits (`ShiftNest`,
 * `DATEV`, `ISO`, `C5`), and capitalised words that do not start a sentence (`Workday`, `Enterprise`).
 * Returned lower-case.
 */
export function nameWords(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(^|[.!?:;]\s+|\s|[(\["'“])([\p{Lu}][\p{L}\p{N}]*)/gu)) {
    const word = m[2];
    const sentenceStart = m.index === 0 || /[.!?:;]\s+$/.test(m[1]);
    const inner = /[\p{Lu}\p{N}]/u.test(word.slice(1));
    if (word.length >= 3 && (inner || !sentenceStart)) out.add(word.toLowerCase());
  }
  return [...out];
}

/** How much a query term that is a name in the knowledge base weighs, relative to an ordinary word. */
export const NAME_BOOST = 2.5;

export class LexicalIndex {
  /** Stems (and joined forms) that are names somewhere in the knowledge base, with a passage count. */
  private readonly names = new Map<string, number>();
  private readonly docNames = new Map<number, string[]>();
  private readonly docs = new Map<number, { terms: Map<string, number>; length: number }>();
  private readonly postings = new Map<string, Set<number>>();
  private totalLength = 0;

  /** True when `term` (`w:<stem>`) is a name somewhere in the knowledge base. */
  isName(term: string): boolean {
    return this.names.has(term);
  }

  get size(): number {
    return this.docs.size;
  }

  /**
   * Adds (or replaces) a passage under `label`.
   * @param names name terms of the passage (`w:<stem>` keys, see {@link nameWords}); they weigh more
   *   when a query contains them.
   */
  add(label: number, terms: Map<string, number>, names: string[] = []): void {
    this.remove(label);
    this.docNames.set(label, names);
    for (const n of names) this.names.set(n, (this.names.get(n) ?? 0) + 1);
    let length = 0;
    for (const [t, w] of terms) {
      length += w;
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Set()));
      p.add(label);
    }
    this.docs.set(label, { terms, length });
    this.totalLength += length;
  }

  remove(label: number): void {
    const doc = this.docs.get(label);
    if (!doc) return;
    for (const n of this.docNames.get(label) ?? []) {
      const c = (this.names.get(n) ?? 1) - 1;
      if (c <= 0) this.names.delete(n);
      else this.names.set(n, c);
    }
    this.docNames.delete(label);
    for (const t of doc.terms.keys()) {
      const p = this.postings.get(t);
      p?.delete(label);
      if (p && p.size === 0) this.postings.delete(t);
    }
    this.totalLength -= doc.length;
    this.docs.delete(label);
  }

  /** Inverse document frequency (BM25+ style, never negative). */
  idf(term: string): number {
    const n = this.docs.size;
    const df = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores every passage that shares a term with the query.
   * @returns label → score in 0–1: BM25 divided by the query's own best possible BM25, so scores from
   *   different queries are comparable.
   */
  search(query: Map<string, number>, accept?: (label: number) => boolean): Map<number, number> {
    const scores = new Map<number, number>();
    const avg = this.docs.size ? this.totalLength / this.docs.size : 1;
    let ideal = 0;
    for (const [t, rawWeight] of query) {
      const qw = this.names.has(t) ? rawWeight * NAME_BOOST : rawWeight;
      const idf = this.idf(t);
      ideal += qw * idf * (K1 + 1) / (1 + K1);
      for (const label of this.postings.get(t) ?? []) {
        if (accept && !accept(label)) continue;
        const doc = this.docs.get(label)!;
        const tf = doc.terms.get(t) ?? 0;
        const s = qw * idf * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * doc.length / avg));
        scores.set(label, (scores.get(label) ?? 0) + s);
      }
    }
    if (ideal > 0) for (const [l, s] of scores) scores.set(l, Math.min(1, s / ideal));
    return scores;
  }
}
