import type { ObjectionLabel } from '../ports.js';

/**
 * A light nearest-neighbour model over character n-grams (3–5 letters inside word boundaries) of the
 * playbook's example utterances. Character n-grams tolerate inflection, compounds and ASR near misses
 * without a model download. Similarity is cosine over n-gram counts weighted by inverse document
 * frequency over the examples; the score of a class is its best example's similarity (0–1).
 */
export class ExampleModel {
  readonly #rows: Array<{ label: ObjectionLabel; norm: number }> = [];
  /** Inverted index: n-gram → (row, weight) postings. */
  readonly #postings = new Map<string, Array<{ row: number; w: number }>>();
  readonly #idf = new Map<string, number>();
  readonly #defaultIdf: number;

  /** @param examples normalised example texts with their label */
  constructor(examples: ReadonlyArray<{ label: ObjectionLabel; text: string }>) {
    const grams = examples.map((e) => ngrams(e.text));
    const df = new Map<string, number>();
    for (const g of grams) for (const k of g.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const n = Math.max(1, examples.length);
    for (const [k, d] of df) this.#idf.set(k, Math.log((n + 1) / (d + 0.5)));
    this.#defaultIdf = Math.log((n + 1) / 0.5);
    examples.forEach((e, i) => {
      const vec = this.#weigh(grams[i]);
      this.#rows.push({ label: e.label, norm: norm(vec) });
      for (const [g, w] of vec) {
        let list = this.#postings.get(g);
        if (!list) { list = []; this.#postings.set(g, list); }
        list.push({ row: i, w });
      }
    });
  }

  /** Number of examples. */
  get size(): number {
    return this.#rows.length;
  }

  /** Best cosine similarity (0–1) per label for a normalised text; labels without examples are absent. */
  similarities(text: string): Map<ObjectionLabel, number> {
    const out = new Map<ObjectionLabel, number>();
    if (this.#rows.length === 0 || !text) return out;
    const q = this.#weigh(ngrams(text));
    const qn = norm(q);
    if (qn === 0) return out;
    const dots = new Float64Array(this.#rows.length);
    for (const [g, v] of q) {
      const list = this.#postings.get(g);
      if (list) for (const p of list) dots[p.row] += v * p.w;
    }
    for (let i = 0; i < dots.length; i++) {
      const r = this.#rows[i];
      if (dots[i] === 0 || r.norm === 0) continue;
      const sim = dots[i] / (qn * r.norm);
      if (sim > (out.get(r.label) ?? 0)) out.set(r.label, sim);
    }
    return out;
  }

  #weigh(g: Map<string, number>): Map<string, number> {
    const v = new Map<string, number>();
    for (const [k, c] of g) v.set(k, (1 + Math.log(c)) * (this.#idf.get(k) ?? this.#defaultIdf));
    return v;
  }
}

function ngrams(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of text.split(' ')) {
    if (!w) continue;
    const s = ` ${w} `;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= s.length; i++) {
        const g = s.slice(i, i + n);
        m.set(g, (m.get(g) ?? 0) + 1);
      }
    }
  }
  return m;
}

function norm(v: Map<string, number>): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}
