import { distance } from 'fastest-levenshtein';
import type { Token } from './text-normaliser.js';

/**
 * Cue patterns: a small, editable token-pattern language for playbooks (syntax in
 * {@link ./playbook-schema.ts}). Pure code: compile once per playbook, match per utterance.
 */

type TermKind = 'word' | 'exact' | 'prefix' | 'suffix' | 'infix' | 'competitor' | 'number';
interface Term {
  kind: TermKind;
  value: string;
  stem: string;
}
type Slot =
  | { kind: 'alts'; alts: Term[][]; optional: boolean }
  | { kind: 'gap'; max: number };

/** A compiled cue pattern. */
export interface CuePattern {
  /** The pattern as written in the playbook. */
  source: string;
  anchoredStart: boolean;
  anchoredEnd: boolean;
  slots: Slot[];
}

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

/** Thrown by {@link compilePattern} for a malformed pattern; `code` is `PLAYBOOK_BAD_PATTERN`. */
export class PatternSyntaxError extends Error {
  readonly code = 'PLAYBOOK_BAD_PATTERN';
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

function parseTerm(raw: string, stem: (w: string) => string): Term {
  if (raw === '@competitor') return { kind: 'competitor', value: '', stem: '' };
  if (raw === '@number') return { kind: 'number', value: '', stem: '' };
  if (raw.startsWith('@')) throw new PatternSyntaxError(`unknown slot type ${raw}`);
  let kind: TermKind = 'word';
  let v = raw;
  if (v.startsWith('=')) { kind = 'exact'; v = v.slice(1); }
  else if (v.startsWith('*') && v.endsWith('*') && v.length > 2) { kind = 'infix'; v = v.slice(1, -1); }
  else if (v.endsWith('*')) { kind = 'prefix'; v = v.slice(0, -1); }
  else if (v.startsWith('*')) { kind = 'suffix'; v = v.slice(1); }
  if (!v || /[*()|~^$@=]/.test(v)) throw new PatternSyntaxError(`bad term "${raw}"`);
  v = v.toLowerCase();
  return { kind, value: v, stem: kind === 'word' ? stem(v) : v };
}

/**
 * Compiles a pattern string.
 * @throws PatternSyntaxError on unbalanced parentheses, empty alternatives or unknown `@` slots.
 */
export function compilePattern(source: string, stem: (w: string) => string): CuePattern {
  // Put spaces around parentheses and bars so "(a|b c)?" splits cleanly.
  const spaced = source.toLowerCase().replace(/^\s*\^/, '^ ').replace(/\$\s*$/, ' $').replace(/\(/g, ' ( ').replace(/\)\?/g, ' )? ').replace(/\)(?!\?)/g, ' ) ').replace(/\|/g, ' | ');
  const parts = spaced.split(/\s+/).filter(Boolean);
  const slots: Slot[] = [];
  let anchoredStart = false;
  let anchoredEnd = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '^' && i === 0) { anchoredStart = true; continue; }
    if (p === '$' && i === parts.length - 1) { anchoredEnd = true; continue; }
    if (/^~\d*$/.test(p)) { slots.push({ kind: 'gap', max: p.length > 1 ? Number(p.slice(1)) : 3 }); continue; }
    if (p === '(') {
      const alts: Term[][] = [[]];
      let j = i + 1;
      for (; j < parts.length; j++) {
        const q = parts[j];
        if (q === ')' || q === ')?') break;
        if (q === '|') { alts.push([]); continue; }
        if (q === '(') throw new PatternSyntaxError(`nested parentheses in "${source}"`);
        alts[alts.length - 1].push(parseTerm(q, stem));
      }
      if (j >= parts.length) throw new PatternSyntaxError(`unclosed "(" in "${source}"`);
      if (alts.some((a) => a.length === 0)) throw new PatternSyntaxError(`empty alternative in "${source}"`);
      slots.push({ kind: 'alts', alts, optional: parts[j] === ')?' });
      i = j;
      continue;
    }
    if (p === ')' || p === ')?' || p === '|') throw new PatternSyntaxError(`unexpected "${p}" in "${source}"`);
    const optional = p.endsWith('?') && p.length > 1;
    slots.push({ kind: 'alts', alts: [[parseTerm(optional ? p.slice(0, -1) : p, stem)]], optional });
  }
  if (!slots.some((s) => s.kind === 'alts' && !s.optional)) throw new PatternSyntaxError(`pattern "${source}" matches nothing`);
  return { source, anchoredStart, anchoredEnd, slots };
}

function joined(tokens: readonly Token[], i: number, k: number): string | undefined {
  if (i + k > tokens.length) return undefined;
  let s = '';
  for (let n = 0; n < k; n++) s += tokens[i + n].text;
  return s;
}

/** Token counts (1–3) that `term` can consume at position `i`. */
function termLengths(term: Term, tokens: readonly Token[], i: number, env: MatchEnv): number[] {
  const t = tokens[i];
  if (!t) return [];
  const v = term.value;
  switch (term.kind) {
    case 'exact':
      return t.text === v ? [1] : [];
    case 'number':
      return /^\d+$/.test(t.text) || env.numberWords.has(t.text) ? [1] : [];
    case 'prefix':
    case 'suffix':
    case 'infix': {
      const test = (s: string) => (term.kind === 'prefix' ? s.startsWith(v) : term.kind === 'suffix' ? s.endsWith(v) : s.includes(v));
      if (test(t.text)) return [1];
      if (term.kind === 'suffix') return [];
      // A split compound ("betriebs rat"): the joined tokens match, the match starts inside the first token.
      for (let k = 2; k <= 3; k++) {
        const j = joined(tokens, i, k);
        if (!j) break;
        const at = j.indexOf(v);
        if (at >= 0 && at < t.text.length && (term.kind === 'infix' || at === 0)) return [k];
      }
      return [];
    }
    case 'competitor': {
      for (const name of env.competitors) {
        for (let k = 1; k <= 3; k++) {
          const j = joined(tokens, i, k);
          if (!j) break;
          if (j === name || nearMiss(j, name, 7)) return [k];
          if (j.length > name.length + 1) break;
        }
      }
      return [];
    }
    case 'word': {
      // Stems count only when the stem keeps most of the word (Danish "billigere" stems to "bil").
      if (t.text === v || (term.stem.length >= 4 && term.stem.length >= 0.6 * v.length && t.stem === term.stem)) return [1];
      const ed = maxEdits(v.length);
      if (ed > 0 && /^\p{L}/u.test(t.text) && nearMiss(t.text, v)) return [1];
      if (env.compoundMinChars > 0 && v.length >= env.compoundMinChars && t.text.length > v.length + 2 && (t.text.startsWith(v) || t.text.endsWith(v))) return [1];
      if (v.length >= 6) {
        for (let k = 2; k <= 3; k++) {
          const j = joined(tokens, i, k);
          if (!j || j.length > v.length + ed + 1) break;
          if (j === v || (ed > 0 && nearMiss(j, v))) return [k];
        }
      }
      return [];
    }
  }
}

function seqEnds(seq: Term[], n: number, tokens: readonly Token[], pos: number, env: MatchEnv, out: number[]): void {
  if (n === seq.length) { out.push(pos); return; }
  for (const k of termLengths(seq[n], tokens, pos, env)) seqEnds(seq, n + 1, tokens, pos + k, env, out);
}

function matchFrom(p: CuePattern, s: number, tokens: readonly Token[], pos: number, env: MatchEnv): number {
  if (s === p.slots.length) return p.anchoredEnd && pos !== tokens.length ? -1 : pos;
  const slot = p.slots[s];
  if (slot.kind === 'gap') {
    for (let g = 0; g <= slot.max && pos + g <= tokens.length; g++) {
      const e = matchFrom(p, s + 1, tokens, pos + g, env);
      if (e >= 0) return e;
    }
    return -1;
  }
  for (const alt of slot.alts) {
    const ends: number[] = [];
    seqEnds(alt, 0, tokens, pos, env, ends);
    for (const e of ends) {
      const r = matchFrom(p, s + 1, tokens, e, env);
      if (r >= 0) return r;
    }
  }
  return slot.optional ? matchFrom(p, s + 1, tokens, pos, env) : -1;
}

/** All non-overlapping matches of `p` in `tokens`, left to right. */
export function matchPattern(p: CuePattern, tokens: readonly Token[], env: MatchEnv): PatternMatch[] {
  const out: PatternMatch[] = [];
  const lastStart = p.anchoredStart ? 0 : tokens.length - 1;
  for (let start = 0; start <= lastStart; start++) {
    const end = matchFrom(p, 0, tokens, start, env);
    if (end > start) {
      out.push({ start, end });
      start = end - 1;
    }
  }
  return out;
}
