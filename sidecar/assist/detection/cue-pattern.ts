/**
 * Cue patterns: a small, editable token-pattern language for playbooks (syntax in
 * {@link ./playbook-schema.ts}). Pure code: compile once per playbook, match per utterance.
 */

export { createMatchContext, matchPattern, maxEdits, nearMiss, type MatchContext, type MatchEnv, type PatternMatch } from './match-pattern.js';

/** How a term matches a token: stemmed word, `=exact`, `prefix*`, `*suffix`, `*infix*`, or an `@` slot. */
export type TermKind = 'word' | 'exact' | 'prefix' | 'suffix' | 'infix' | 'competitor' | 'number';
/** One parsed term of a pattern; interned, so equal terms share an `id`. */
export interface Term {
  kind: TermKind;
  value: string;
  stem: string;
  /** Process-wide id (index into the per-utterance memo). */
  id: number;
}
let nextTermId = 0;
/** One position of a pattern: alternatives of term sequences (optionally skippable), or a gap of up to `max` tokens. */
export type Slot =
  | { kind: 'alts'; alts: Term[][]; optional: boolean }
  | { kind: 'gap'; max: number };

/** A compiled cue pattern. */
export interface CuePattern {
  /** The pattern as written in the playbook. */
  source: string;
  anchoredStart: boolean;
  anchoredEnd: boolean;
  slots: Slot[];
  /**
   * First letters a match can start with (from the first required slot), or undefined when any
   * letter can (gaps, optional first slots, `@` slots, suffix/infix terms). Used to skip start positions.
   */
  firstChars?: ReadonlySet<string>;
  /** First-slot words that may also match as the tail of a compound ("hr" + "budget") where compounds are on. */
  firstWords: readonly string[];
}

/** Thrown by {@link compilePattern} for a malformed pattern; `code` is `PLAYBOOK_BAD_PATTERN`. */
export class PatternSyntaxError extends Error {
  readonly code = 'PLAYBOOK_BAD_PATTERN';
}

/** Terms are interned per stemmer, so per-utterance memoisation is shared by every pattern using a term. */
const termCache = new WeakMap<(w: string) => string, Map<string, Term>>();

function parseTerm(raw: string, stem: (w: string) => string): Term {
  let cache = termCache.get(stem);
  if (!cache) { cache = new Map(); termCache.set(stem, cache); }
  const hit = cache.get(raw);
  if (hit) return hit;
  const term = parseTermUncached(raw, stem);
  cache.set(raw, term);
  return term;
}

function parseTermUncached(raw: string, stem: (w: string) => string): Term {
  if (raw === '@competitor') return { kind: 'competitor', value: '', stem: '', id: nextTermId++ };
  if (raw === '@number') return { kind: 'number', value: '', stem: '', id: nextTermId++ };
  if (raw.startsWith('@')) throw new PatternSyntaxError(`unknown slot type ${raw}`);
  let kind: TermKind = 'word';
  let v = raw;
  if (v.startsWith('=')) { kind = 'exact'; v = v.slice(1); }
  else if (v.startsWith('*') && v.endsWith('*') && v.length > 2) { kind = 'infix'; v = v.slice(1, -1); }
  else if (v.endsWith('*')) { kind = 'prefix'; v = v.slice(0, -1); }
  else if (v.startsWith('*')) { kind = 'suffix'; v = v.slice(1); }
  if (!v || /[*()|~^$@=?]/.test(v)) throw new PatternSyntaxError(`bad term "${raw}" (a trailing ? makes a whole slot optional; write plural forms as alternatives)`);
  v = v.toLowerCase();
  return { kind, value: v, stem: kind === 'word' ? stem(v) : v, id: nextTermId++ };
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
  let firstChars: Set<string> | undefined;
  const firstWords: string[] = [];
  const first = slots[0];
  if (first.kind === 'alts' && !first.optional) {
    firstChars = new Set();
    for (const alt of first.alts) {
      const t = alt[0];
      if (t.kind === 'word' || t.kind === 'exact' || t.kind === 'prefix') firstChars.add(t.value[0]);
      else { firstChars = undefined; break; }
      if (t.kind === 'word') firstWords.push(t.value);
    }
  }
  return { source, anchoredStart, anchoredEnd, slots, firstChars, firstWords };
}
