/**
 * The local embedder: no model, no download, deterministic. A text becomes a sparse bag of features
 * hashed into `dimension` buckets (signed feature hashing, Weinberger et al. 2009), log-scaled and
 * L2-normalised:
 *
 * - word stems (Snowball da/de/en, stop words removed), weight 1;
 * - numbers as digits (spelled-out numbers converted), weight 1.5 (0.5 for 0–9);
 * - concepts from the bilingual term map (`config/kb-terms.yaml`), weight 2.5: this is what lets a
 *   Danish or German objection meet an English fact;
 * - compound parts for da/de (a known form at the start/end of a long word), weight 0.6 × concept;
 * - adjacent words joined (`shift nest` → `shiftnest`), so ASR-split names still match;
 * - character 4-grams of each stem, total weight 0.5 per word, for inflections and misspellings.
 *
 * What it does well: exact vocabulary, numbers, names, and the cross-language pairs the term map
 * lists. Where it is weak: paraphrase without shared words or listed concepts ("who do we call at two
 * in the morning" ≈ "24/7 support" only through the map), negation (it cannot tell "we have SOC 2"
 * from "we have no SOC 2"), and any language other than da/de/en. An Ollama embedding model is
 * better at paraphrase; this one is the default because it always works.
 */
import { createHash } from 'node:crypto';
import type { Embedder, Language } from '../ports.js';
import { analyse, type Analysis } from './text-analyzer.js';
import type { TermMap } from './term-map.js';

/** FNV-1a 32-bit hash of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Options for {@link LocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Vector dimension (hash buckets). Default 2048. */
  dimension?: number;
  /** The bilingual term map. */
  terms: TermMap;
}

/** Weights of each feature family (exported for the documentation and tests). */
export const FEATURE_WEIGHTS = { stem: 1, number: 1.5, smallNumber: 0.5, concept: 2.5, joined: 1, charGrams: 0.5 };

export class LocalEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: number;
  /** The term map the embedder was built with. */
  readonly terms: TermMap;

  constructor(options: LocalEmbedderOptions) {
    this.dimension = options.dimension ?? 2048;
    if (!Number.isInteger(this.dimension) || this.dimension < 64) throw new TypeError('dimension must be an integer ≥ 64');
    this.terms = options.terms;
    const version = createHash('sha1').update(JSON.stringify(FEATURE_WEIGHTS)).digest('hex').slice(0, 4);
    this.name = `local-hash-v2.${version}+terms.${options.terms.hash}`;
  }

  /** Embeds texts; `languages[i]` (optional) is the known language of `texts[i]`. Never throws for text input. */
  async embed(texts: string[], languages?: Array<Language | string | undefined>): Promise<Float32Array[]> {
    return texts.map((t, i) => this.embedOne(t, languages?.[i]));
  }

  /** Synchronous single embedding (the retriever's hot path). */
  embedOne(text: string, language?: Language | string): Float32Array {
    return this.embedAnalysis(analyse(text, this.terms, language));
  }

  /**
   * The vector of an already analysed text (the retriever analyses a query once for both the vector
   * and the exact-term search). The analysis must come from the same term map.
   */
  embedAnalysis(a: Analysis): Float32Array {
    const features = new Map<string, number>();
    const add = (f: string, w: number) => features.set(f, (features.get(f) ?? 0) + w);
    for (const s of a.stems) {
      if (/^\d/.test(s)) {
        add(`n:${s}`, Number(s) >= 10 ? FEATURE_WEIGHTS.number : FEATURE_WEIGHTS.smallNumber);
        continue;
      }
      add(`w:${s}`, FEATURE_WEIGHTS.stem);
      const padded = `<${s}>`;
      if (padded.length >= 6) {
        const grams = padded.length - 3;
        for (let i = 0; i < grams; i++) add(`g:${padded.slice(i, i + 4)}`, FEATURE_WEIGHTS.charGrams / grams);
      }
    }
    for (const [c, w] of a.concepts) add(`c:${c}`, FEATURE_WEIGHTS.concept * w);
    for (const j of a.joined) add(`w:${j}`, FEATURE_WEIGHTS.joined * 0.7);
    const v = new Float32Array(this.dimension);
    for (const [f, w] of features) {
      const h = fnv1a(f);
      const sign = (h & 0x80000000) !== 0 ? -1 : 1;
      v[h % this.dimension] += sign * Math.log1p(w);
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
    return v;
  }
}
