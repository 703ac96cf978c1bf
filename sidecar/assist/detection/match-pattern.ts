import { distance } from 'fastest-levenshtein';
import type { Token } from './text-normaliser.js';
import { isCompoundNumber } from './compound-number.js';
import type { CuePattern, Term } from './cue-pattern.js';

/**
 * Cue pattern matching: finds a compiled {@link CuePattern}'s matches in an utterance's tokens (stems, near
 * misses, split words joined, compounds, gaps, anchors). Pure code; each term is tested once per position.
 */

/** Everything a pattern needs from its playbook at match time. */
export interface MatchEnv {
  /** Competitor names, lower case with spaces removed (`shiftnest`). */
  competitors: readonly string[];
  /** Number words for `@number`. */
  numberWords: ReadonlySet<string>;
  /** Compound matching: tokens at least this long also match as a prefix/suffix of a longer token; 0 = off. */
  compoundMinChars: number;
}

/** A match: token indices `[start, end)`. */
export interface PatternMatch {
  start: number;
  end: number;
}

/** Largest edit distance tolerated for a word of `len` letters (ASR near misses). */
export function maxEdits(len: number): number {
  return len >= 12 ? 2 : len >= 8 ? 1 : 0;
}

/**
 * Whether two words are near misses of each other: same first letter, length within the tolerance and
 * Levenshtein distance at most {@link maxEdits} of the reference word.
 */
export function nearMiss(candidate: string, reference: string, minLen = 8): boolean {
  if (reference.length < minLen || candidate[0] !== reference[0]) return false;
  const ed = Math.max(maxEdits(reference.length), reference.length >= minLen ? 1 : 0);
  return Math.abs(candidate.length - reference.length) <= ed && distance(candidate, reference) <= ed;
}

/**
 * Per-utterance match state: the tokens, joined neighbours and a memo of term results by position.
 * Create one with {@link createMatchContext} and pass it to every {@link matchPattern} call on the same
 * tokens (the detector does), so each term is tested once per position.
 */
export interface MatchContext {
  tokens: readonly Token[];
  env: MatchEnv;
  /** joins[k-2][i]: tokens i..i+k-1 concatenated (k = 2, 3). */
  joins: [Array<string | undefined>, Array<string | undefined>];
  /** memo[term.id][position]: token counts the term can consume there. */
  memo: Array<Array<number[]> | undefined>;
}

const NONE: number[] = [];

/** Builds the per-utterance {@link MatchContext}. */
export function createMatchContext(tokens: readonly Token[], env: MatchEnv): MatchContext {
  const j2: Array<string | undefined> = [];
  const j3: Array<string | undefined> = [];
  for (let i = 0; i < tokens.length; i++) {
    j2.push(i + 1 < tokens.length ? tokens[i].text + tokens[i + 1].text : undefined);
    j3.push(i + 2 < tokens.length ? tokens[i].text + tokens[i + 1].text + tokens[i + 2].text : undefined);
  }
  return { tokens, env, joins: [j2, j3], memo: [] };
}

function joinedAt(ctx: MatchContext, i: number, k: number): string | undefined {
  return k === 1 ? ctx.tokens[i]?.text : ctx.joins[k - 2][i];
}

function termLengths(term: Term, ctx: MatchContext, i: number): number[] {
  let row = ctx.memo[term.id];
  if (!row) { row = new Array(ctx.tokens.length); ctx.memo[term.id] = row; }
  let r = row[i];
  if (r === undefined) {
    r = termLengthsUncached(term, ctx, i);
    row[i] = r;
  }
  return r;
}

/** Token counts (1–3) that `term` can consume at position `i`. */
function termLengthsUncached(term: Term, ctx: MatchContext, i: number): number[] {
  const { tokens, env } = ctx;
  const t = tokens[i];
  if (!t) return NONE;
  const v = term.value;
  switch (term.kind) {
    case 'exact':
      return t.text === v ? [1] : [];
    case 'number':
      return /^\d+$/.test(t.text) || env.numberWords.has(t.text) || isCompoundNumber(t.text, env.numberWords) ? [1] : [];
    case 'prefix':
    case 'suffix':
    case 'infix': {
      const test = (s: string) => (term.kind === 'prefix' ? s.startsWith(v) : term.kind === 'suffix' ? s.endsWith(v) : s.includes(v));
      if (test(t.text)) return [1];
      if (term.kind === 'suffix') return [];
      // A split compound ("betriebs rat"): the joined tokens match, the match starts inside the first token.
      for (let k = 2; k <= 3; k++) {
        const j = joinedAt(ctx, i, k);
        if (!j) break;
        const at = j.indexOf(v);
        if (at >= 0 && at < t.text.length && (term.kind === 'infix' || at === 0)) return [k];
      }
      return [];
    }
    case 'competitor': {
      for (const name of env.competitors) {
        for (let k = 1; k <= 3; k++) {
          const j = joinedAt(ctx, i, k);
          if (!j) break;
          if (j === name || nearMiss(j, name, 7)) return [k];
          if (j.length > name.length + 1) break;
        }
      }
      return [];
    }
    case 'word': {
      if (t.text[0] !== v[0]) {
        // Only a compound tail ("hr" + "budget") can match a word that starts with another letter.
        return env.compoundMinChars > 0 && v.length >= env.compoundMinChars && t.text.length > v.length + 2 && t.text.endsWith(v) ? [1] : NONE;
      }
      // Stems count only when the stem keeps most of the word (Danish "billigere" stems to "bil").
      if (t.text === v || (term.stem.length >= 4 && term.stem.length >= 0.6 * v.length && t.stem === term.stem)) return [1];
      const ed = maxEdits(v.length);
      if (ed > 0 && /^\p{L}/u.test(t.text) && nearMiss(t.text, v)) return [1];
      if (env.compoundMinChars > 0 && v.length >= env.compoundMinChars && t.text.length > v.length + 2 && (t.text.startsWith(v) || t.text.endsWith(v))) return [1];
      if (v.length >= 6) {
        for (let k = 2; k <= 3; k++) {
          const j = joinedAt(ctx, i, k);
          if (!j || j.length > v.length + ed + 1) break;
          if (j === v || (ed > 0 && nearMiss(j, v))) return [k];
        }
      }
      return [];
    }
  }
}

function seqEnds(seq: Term[], n: number, ctx: MatchContext, pos: number, out: number[]): void {
  if (n === seq.length) { out.push(pos); return; }
  if (pos >= ctx.tokens.length) return;
  for (const k of termLengths(seq[n], ctx, pos)) seqEnds(seq, n + 1, ctx, pos + k, out);
}

function matchFrom(p: CuePattern, s: number, ctx: MatchContext, pos: number): number {
  const n = ctx.tokens.length;
  if (s === p.slots.length) return p.anchoredEnd && pos !== n ? -1 : pos;
  const slot = p.slots[s];
  if (slot.kind === 'gap') {
    for (let g = 0; g <= slot.max && pos + g <= n; g++) {
      const e = matchFrom(p, s + 1, ctx, pos + g);
      if (e >= 0) return e;
    }
    return -1;
  }
  for (const alt of slot.alts) {
    if (pos >= n) break;
    if (alt.length === 1) {
      for (const k of termLengths(alt[0], ctx, pos)) {
        const r = matchFrom(p, s + 1, ctx, pos + k);
        if (r >= 0) return r;
      }
      continue;
    }
    const ends: number[] = [];
    seqEnds(alt, 0, ctx, pos, ends);
    for (const e of ends) {
      const r = matchFrom(p, s + 1, ctx, e);
      if (r >= 0) return r;
    }
  }
  return slot.optional ? matchFrom(p, s + 1, ctx, pos) : -1;
}

/**
 * All non-overlapping matches of `p` in `tokens`, left to right. Pass the utterance's
 * {@link MatchContext} when matching many patterns on the same tokens.
 */
export function matchPattern(p: CuePattern, tokens: readonly Token[], env: MatchEnv, ctx?: MatchContext): PatternMatch[] {
  const c = ctx && ctx.tokens === tokens ? ctx : createMatchContext(tokens, env);
  const out: PatternMatch[] = [];
  const lastStart = p.anchoredStart ? 0 : tokens.length - 1;
  const cmc = env.compoundMinChars;
  for (let start = 0; start <= lastStart; start++) {
    if (p.firstChars && !p.firstChars.has(tokens[start].text[0])) {
      const tok = tokens[start].text;
      if (cmc <= 0 || !p.firstWords.some((w) => w.length >= cmc && tok.length > w.length + 2 && tok.endsWith(w))) continue;
    }
    const end = matchFrom(p, 0, c, start);
    if (end > start) {
      out.push({ start, end });
      start = end - 1;
    }
  }
  return out;
}
