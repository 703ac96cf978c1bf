import { findCitations } from './citations.js';

/**
 * Splits reply text into sentences for the grounding guard, keeping each sentence's citations with it.
 * A citation group that follows the sentence's full stop (`… per month. [F-101]`) belongs to that
 * sentence. Full stops after abbreviations (`e.g.`, `z. B.`, `bl.a.`, `kl.`, `kr.`, `Art.`), inside numbers
 * (`5.20`) and after Danish/German ordinals (`1. juli`, `3. Quartal`) do not end a sentence.
 */

/** One sentence of a reply. */
export interface ReplySentence {
  /** The sentence as written, with its citations. */
  text: string;
  /** Offset of `text` in the reply, UTF-16 code units. */
  start: number;
  /** Fact ids cited in the sentence, in order, without duplicates. */
  citations: string[];
  /** True when the sentence ends with a terminator (., !, ?, …) or a citation after one. */
  complete: boolean;
}

const ABBREVIATIONS = new Set([
  'e.g', 'eg', 'i.e', 'ie', 'etc', 'vs', 'approx', 'incl', 'excl', 'no', 'nr', 'art', 'abs', 'mr', 'mrs', 'ms', 'dr',
  'st', 'z.b', 'b', 'd.h', 'u.a', 'bzw', 'ggf', 'inkl', 'ekskl', 'evt', 'bl.a', 'f.eks', 'dvs', 'ca', 'kl', 'kr',
  'pct', 'mio', 'mia', 'tsd', 'std', 'min', 'max', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept',
  'oct', 'okt', 'nov', 'dec', 'dez', 'u.s', 'u.k', 'zzgl', 'vgl', 'sog', 'usw', 'mdr', 'md', 'iht', 'jf', 'pga', 'mht',
]);

function isBoundary(text: string, dot: number, language: string): boolean {
  const ch = text[dot];
  if (ch !== '.') return true;
  // Word before the dot (letters, digits and inner dots, e.g. "bl.a", "z.B", "5").
  const m = /([\p{L}\p{N}.]+)$/u.exec(text.slice(Math.max(0, dot - 12), dot));
  const word = m ? m[1].toLowerCase() : '';
  if (ABBREVIATIONS.has(word) || ABBREVIATIONS.has(word.replace(/\./g, ''))) return false;
  if (/^\d{1,2}$/.test(word) && !language.toLowerCase().startsWith('en')) return false;
  if (/^\p{L}$/u.test(word)) return false;
  return true;
}

/**
 * Splits `text` into sentences; see the module comment for the rules.
 * @param parenthesisCitations read `(F-101)` as a citation too (replies from a model; default false).
 */
export function splitSentences(text: string, language: string, parenthesisCitations = false): ReplySentence[] {
  const cites = findCitations(text, parenthesisCitations);
  const insideCitation = (i: number): boolean => cites.some((c) => i >= c.start && i < c.end);
  const cuts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') { cuts.push(i + 1); continue; }
    if (!/[.!?…]/.test(ch) || insideCitation(i)) continue;
    let j = i + 1;
    while (j < text.length && /[.!?…"”»')\]]/.test(text[j]) && !insideCitation(j)) j++;
    // Citations right after the terminator stay with this sentence.
    for (;;) {
      const k = j + (/^\s*/.exec(text.slice(j))?.[0].length ?? 0);
      const c = cites.find((x) => x.start === k);
      if (!c) break;
      j = c.end;
    }
    if (j < text.length && !/\s/.test(text[j])) continue;
    const rest = text.slice(j).trimStart();
    if (rest.length > 0 && !/^[\p{Lu}\p{N}"“„«(\-–•*]/u.test(rest)) continue;
    if (/^\p{N}/u.test(rest) && ch === '.' && /\d$/.test(text.slice(0, i))) continue;
    if (!isBoundary(text, i, language)) continue;
    cuts.push(j);
    i = j - 1;
  }
  const out: ReplySentence[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const raw = text.slice(from, cut);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body.length > 0) {
      const start = from + lead;
      const end = start + body.length;
      const ids: string[] = [];
      for (const c of cites) if (c.start >= start && c.end <= end) for (const id of c.ids) if (!ids.includes(id)) ids.push(id);
      const complete = /[.!?…"”»')]\s*$/.test(body.replace(/\s*(\[[^\]]*\]\s*)+$/u, '')) || cut !== text.length;
      out.push({ text: body, start, citations: ids, complete });
    }
    from = cut;
  }
  return out;
}
