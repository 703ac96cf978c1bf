import type { ObjectionLabel } from '../ports.js';

/**
 * A small multinomial logistic regression over word stems (unigrams, bigrams and, for compounding
 * languages, letter 4-grams of longer stems), trained at playbook
 * load time on the playbook's example utterances (a few hundred per language: milliseconds). The
 * detector uses it as a fallback where no cue fires, so phrasing that the cue lists miss can still be
 * recognised when it resembles the examples. Training is deterministic (fixed order, fixed epochs).
 */
export class ExampleClassifier {
  readonly #labels: ObjectionLabel[];
  readonly #weights = new Map<string, Float64Array>();
  readonly #trained: boolean;
  readonly #charGram: number;

  /**
   * @param examples stem sequences with their label
   * @param options epochs (default 60), learning rate (0.5), L2 penalty (0.001), `charGram`: letter
   *   n-grams of stems longer than n + 2 letters as extra features (4 suits compounding languages such as
   *   Danish and German; default 0 = off)
   */
  constructor(
    examples: ReadonlyArray<{ label: ObjectionLabel; stems: readonly string[] }>,
    options: { epochs?: number; learningRate?: number; l2?: number; charGram?: number } = {},
  ) {
    this.#charGram = options.charGram ?? 0;
    this.#labels = [...new Set(examples.map((e) => e.label))].sort();
    this.#trained = this.#labels.length >= 2;
    if (!this.#trained) return;
    const epochs = options.epochs ?? 60;
    const lr = options.learningRate ?? 0.5;
    const l2 = options.l2 ?? 0.001;
    const data = examples.map((e) => ({ f: features(e.stems, this.#charGram), y: this.#labels.indexOf(e.label) }));
    const k = this.#labels.length;
    const z = new Float64Array(k);
    for (let ep = 0; ep < epochs; ep++) {
      for (const d of data) {
        this.#scores(d.f, z);
        for (const name of d.f) {
          const w = this.#weight(name);
          for (let c = 0; c < k; c++) w[c] -= lr * (z[c] - (c === d.y ? 1 : 0) + l2 * w[c]);
        }
      }
    }
  }

  /** True when there were examples of at least two labels. */
  get trained(): boolean {
    return this.#trained;
  }

  /** The most probable label and its probability (0–1), or undefined when untrained. */
  predict(stems: readonly string[]): { label: ObjectionLabel; probability: number } | undefined {
    if (!this.#trained) return undefined;
    const z = new Float64Array(this.#labels.length);
    this.#scores(features(stems, this.#charGram), z, true);
    let best = 0;
    for (let c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
    return { label: this.#labels[best], probability: z[best] };
  }

  #weight(name: string): Float64Array {
    let w = this.#weights.get(name);
    if (!w) {
      w = new Float64Array(this.#labels.length);
      this.#weights.set(name, w);
    }
    return w;
  }

  /** Softmax probabilities into `out`. */
  #scores(f: readonly string[], out: Float64Array, readOnly = false): void {
    out.fill(0);
    for (const name of f) {
      const w = readOnly ? this.#weights.get(name) : this.#weight(name);
      if (w) for (let c = 0; c < out.length; c++) out[c] += w[c];
    }
    let max = -Infinity;
    for (const v of out) if (v > max) max = v;
    let sum = 0;
    for (let c = 0; c < out.length; c++) { out[c] = Math.exp(out[c] - max); sum += out[c]; }
    for (let c = 0; c < out.length; c++) out[c] /= sum;
  }
}

/** Features of one utterance: bias, stem unigrams and bigrams, letter n-grams of longer stems (n = `charGram`, 0 = none). */
function features(stems: readonly string[], charGram: number): string[] {
  const f = ['(bias)'];
  for (const s of stems) f.push(`u:${s}`);
  for (let i = 0; i + 1 < stems.length; i++) f.push(`b:${stems[i]}_${stems[i + 1]}`);
  // Letter n-grams of longer stems (compounding languages): parts of compounds that no example spells the
  // same way ("lønsystem" shares "løns", "syst" with "tidsregistreringssystemet").
  if (charGram > 0) for (const s of stems) if (s.length > charGram + 2) for (let i = 0; i + charGram <= s.length; i++) f.push(`c:${s.slice(i, i + charGram)}`);
  return f;
}
