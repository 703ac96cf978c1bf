import { distance } from 'fastest-levenshtein';
import * as snowball from 'snowball-stemmers';

/** One token of normalised text: the lower-case surface form and its Snowball stem. */
export interface Token {
  text: string;
  stem: string;
}

/** Normalised utterance text, ready for cue matching. */
export interface NormalisedText {
  /** Content tokens: lower case, no punctuation, fillers removed, stutters collapsed, ASR aliases rewritten. */
  tokens: Token[];
  /** The tokens joined by single spaces (for display, nearest-neighbour features and logs). */
  text: string;
  /** True when nothing but fillers and backchannels was said ("uh um yeah", "øh ja", "ähm"). */
  fillerOnly: boolean;
}

/** Language-specific settings of the normaliser (from the playbook's `normalise`, `asrAliases`, `stemmer`). */
export interface NormaliserOptions {
  /** Snowball algorithm name; default `english`. Unknown names fall back to identity stemming. */
  stemmer?: string;
  fillers?: readonly string[];
  backchannels?: readonly string[];
  /** Single-token rewrites applied first, e.g. `"don't" → "do not"`. */
  rewrites?: Readonly<Record<string, string>>;
  /** Canonical term → misrecognised forms (token sequences), e.g. `gdpr ← "gdp are"`. */
  asrAliases?: Readonly<Record<string, readonly string[]>>;
  /**
   * Product names (competitors) that ASR splits into common words: 2–3 adjacent tokens that join to a
   * name (`plan pilot`, `shift nest`) or, for names of 9+ letters, to a near miss of it (`time harbour`)
   * become the one name token, so their parts ("pilot", "time") cannot fire other cues.
   */
  names?: readonly string[];
}

/** Splits raw ASR or typed text into lower-case word tokens (letters, digits and inner apostrophes). */
export function tokenise(raw: string): string[] {
  const text = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/(\d)[.,](\d)/g, '$1$2')
    .replace(/[^\p{L}\p{N}']+/gu, ' ');
  const out: string[] = [];
  for (const part of text.split(' ')) {
    const t = part.replace(/^'+|'+$/g, '');
    if (t) out.push(t);
  }
  return out;
}

/**
 * A reusable normaliser for one language. Normalisation steps, in order: tokenise; rewrite tokens
 * (contractions); rewrite ASR aliases to their canonical term; join split product names; drop fillers; collapse stutters
 * ("we we", "the the the", "we had a we had a"); stem each token.
 */
export class TextNormaliser {
  readonly #stem: (w: string) => string;
  readonly #fillers: Set<string>;
  readonly #backchannels: Set<string>;
  readonly #rewrites: Map<string, string[]>;
  readonly #aliases: Array<{ from: string[]; to: string[] }>;
  readonly #stemCache = new Map<string, string>();
  readonly #names: string[];

  constructor(options: NormaliserOptions = {}) {
    let stemFn: (w: string) => string = (w) => w;
    const algo = options.stemmer ?? 'english';
    if (snowball.algorithms().includes(algo)) {
      const stemmer = snowball.newStemmer(algo);
      stemFn = (w) => stemmer.stem(w);
    }
    this.#stem = stemFn;
    this.#fillers = new Set((options.fillers ?? []).map((f) => f.toLowerCase()));
    this.#backchannels = new Set((options.backchannels ?? []).flatMap((b) => tokenise(b)));
    this.#rewrites = new Map(Object.entries(options.rewrites ?? {}).map(([k, v]) => [k.toLowerCase(), tokenise(v)]));
    this.#aliases = [];
    for (const [term, forms] of Object.entries(options.asrAliases ?? {})) {
      for (const form of forms) {
        const from = tokenise(form);
        if (from.length > 0) this.#aliases.push({ from, to: tokenise(term) });
      }
    }
    // Longest aliases first, so "iso two seven" wins over "iso two".
    this.#aliases.sort((a, b) => b.from.length - a.from.length);
    this.#names = (options.names ?? []).map((n) => tokenise(n).join('')).filter((n) => n.length >= 5);
  }

  /** The Snowball stem of one lower-case word (cached). */
  stem(word: string): string {
    let s = this.#stemCache.get(word);
    if (s === undefined) {
      s = /^\p{L}/u.test(word) ? this.#stem(word) : word;
      if (this.#stemCache.size > 20_000) this.#stemCache.clear();
      this.#stemCache.set(word, s);
    }
    return s;
  }

  /** Normalises one utterance. Never throws; empty input gives no tokens and `fillerOnly: true`. */
  normalise(raw: string): NormalisedText {
    let words: string[] = [];
    for (const w of tokenise(raw)) {
      const r = this.#rewrites.get(w);
      if (r) words.push(...r);
      else words.push(w);
    }
    // Possessive 's ("director's blessing") after contractions were rewritten ("it's" → "it is").
    words = words.map((w) => (w.length > 3 && w.endsWith("'s") ? w.slice(0, -2) : w));
    words = this.#applyAliases(words);
    words = this.#joinNames(words);
    words = words.filter((w) => !this.#fillers.has(w));
    words = collapseStutters(words);
    const fillerOnly = words.every((w) => this.#backchannels.has(w));
    const tokens = words.map((w) => ({ text: w, stem: this.stem(w) }));
    return { tokens, text: words.join(' '), fillerOnly };
  }

  #joinNames(words: string[]): string[] {
    if (this.#names.length === 0 || words.length < 2) return words;
    const out: string[] = [];
    let i = 0;
    outer: while (i < words.length) {
      // Exact joins first (3 then 2 tokens), then near misses (2 then 3 tokens, no 1–2 letter tail
      // word), so "zeit kontor i" joins two tokens, not three.
      for (const near of [false, true]) {
        for (const k of near ? [2, 3] : [3, 2]) {
          if (i + k > words.length || (near && words[i + k - 1].length < 3)) continue;
          const joined = words.slice(i, i + k).join('');
          for (const name of this.#names) {
            const hit = near
              ? name.length >= 9 && joined[0] === name[0] && Math.abs(joined.length - name.length) <= 1 && distance(joined, name) <= 1
              : joined === name;
            if (hit) {
              out.push(name);
              i += k;
              continue outer;
            }
          }
        }
      }
      out.push(words[i]);
      i++;
    }
    return out;
  }

  #applyAliases(words: string[]): string[] {
    if (this.#aliases.length === 0) return words;
    const out: string[] = [];
    let i = 0;
    outer: while (i < words.length) {
      for (const a of this.#aliases) {
        const n = a.from.length;
        if (i + n > words.length) continue;
        let ok = true;
        for (let k = 0; k < n; k++) if (words[i + k] !== a.from[k]) { ok = false; break; }
        if (ok) {
          out.push(...a.to);
          i += n;
          continue outer;
        }
      }
      out.push(words[i]);
      i++;
    }
    return out;
  }
}

/** Removes immediate repeats of 1–3 token sequences ("it's it's just" → "it's just"). */
export function collapseStutters(words: string[]): string[] {
  const out = words.slice();
  for (let n = 3; n >= 1; n--) {
    let i = 0;
    while (i + 2 * n <= out.length) {
      let same = true;
      for (let k = 0; k < n; k++) if (out[i + k] !== out[i + n + k]) { same = false; break; }
      if (same) out.splice(i + n, n);
      else i++;
    }
  }
  return out;
}
