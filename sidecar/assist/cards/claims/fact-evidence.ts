import type { Fact } from '../../ports.js';
import type { ClaimExtractionOptions, DurationUnit } from './claim-types.js';
import { extractClaims, type ExtractedClaim } from './extract-claims.js';
import { nameKey } from './name-claims.js';
import { splitSentences } from '../sentence-split.js';

/**
 * What a fact can support: its claims, read with the same extractors as the reply, sentence by sentence
 * with each sentence's polarity, so "No SOC 2 report" supports "we have no SOC 2 report" but not
 * "we have a SOC 2 report".
 */
export interface FactEvidence {
  factId: string;
  sentences: Array<{ negated: boolean; claims: ExtractedClaim[]; words: Set<string> }>;
  /** Every number the fact states (counts, amounts, percentages, durations, years, days of month). */
  numbers: number[];
  /** Lower-case word keys of the fact, single words and runs of two or three ("shift"+"nest" → "shiftnest"). */
  words: Set<string>;
  /** Currencies the fact names anywhere. */
  currencies: Set<string>;
  /** Lower-case text without citations. */
  text: string;
}

/** Negation words in English, Danish and German ("no", "not", "ikke", "ingen", "nicht", "kein…", "ohne"). */
const NEGATION = /(?<![\p{L}])(?:no|not|never|neither|nor|none|without|cannot|can't|won't|don't|doesn't|isn't|aren't|haven't|hasn't|n't|ikke|ingen|intet|aldrig|uden|hverken|nicht|kein\p{L}*|ohne|nie|niemals|weder)(?![\p{L}])/iu;

/** True when the text contains a negation word. */
export function isNegated(text: string): boolean {
  return NEGATION.test(text);
}

/**
 * Words that announce something to come ("not yet", "planned", "on the roadmap", "endnu ikke", "planlagt",
 * "noch nicht", "geplant"): a negated sentence with one of these implies the thing is coming, which a fact
 * saying "not held" does not support.
 */
const FUTURE = /(?<![\p{L}])(?:yet|planned|plan(?:s|ning)? to|roadmap|soon|upcoming|coming|in progress|working (?:on|towards?)|expected|expect|will (?:have|get|be|offer|add)|next (?:year|quarter|month)|later this year|endnu|planlagt|planlægger|på vej|snart|arbejder på|forventer|forventet|næste år|senere|kommer|noch (?:nicht|kein\p{L}*)|geplant|planen|bald|demnächst|in arbeit|arbeiten an|erwartet|nächstes jahr|später|kommt|kommen)(?![\p{L}])/iu;

/** True when the text announces something to come. */
export function isFuture(text: string): boolean {
  return FUTURE.test(text);
}

const NUM_TOLERANCE = 1e-6;
const eq = (a: number, b: number): boolean => Math.abs(a - b) < NUM_TOLERANCE * Math.max(1, Math.abs(a));

/** Builds the evidence of one fact with the claim options of its own language. */
export function buildFactEvidence(fact: Fact, options: Omit<ClaimExtractionOptions, 'language'>): FactEvidence {
  const language = String(fact.language || 'en');
  const opts = { ...options, language };
  const sentences = splitSentences(fact.text, language).map((s) => ({
    negated: isNegated(s.text),
    claims: extractClaims(s.text, opts),
    words: wordKeys(s.text),
  }));
  const numbers: number[] = [];
  const currencies = new Set<string>();
  for (const s of sentences) {
    for (const c of s.claims) {
      if (c.kind === 'number' || c.kind === 'percent' || c.kind === 'duration') numbers.push(c.value);
      else if (c.kind === 'money') { numbers.push(c.value); if (c.currency) currencies.add(c.currency); }
      else if (c.kind === 'date') for (const v of [c.year, c.day]) if (v !== undefined) numbers.push(v);
    }
  }
  const lower = fact.text.toLowerCase();
  if (/\bdkk\b|\bkr\b|kroner/u.test(lower)) currencies.add('DKK');
  if (/\beur\b|€|euro/u.test(lower)) currencies.add('EUR');
  return { factId: fact.id, sentences, numbers, words: wordKeys(fact.text), currencies, text: lower };
}

/** Word keys of `text`: each word and each run of two or three words, lower case, letters and digits only. */
export function wordKeys(text: string): Set<string> {
  const tokens = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(nameKey);
  const words = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    words.add(tokens[i]);
    if (i + 1 < tokens.length) words.add(tokens[i] + tokens[i + 1]);
    if (i + 2 < tokens.length) words.add(tokens[i] + tokens[i + 1] + tokens[i + 2]);
  }
  return words;
}

/** True when `words` holds the name key, also in a possessive or plural form ("ShiftNest's", "Plus"). */
export function hasNameKey(words: Set<string>, key: string): boolean {
  return words.has(key) || (key.endsWith('s') && words.has(key.slice(0, -1))) || words.has(`${key}s`);
}

const DAYS: Partial<Record<DurationUnit, number>> = { day: 1, week: 7 };
const MONTHS: Partial<Record<DurationUnit, number>> = { month: 1, year: 12 };
const MINUTES: Partial<Record<DurationUnit, number>> = { minute: 1, hour: 60 };

function sameDuration(a: { value: number; unit: DurationUnit }, b: { value: number; unit: DurationUnit }): boolean {
  if (a.unit === b.unit) return eq(a.value, b.value);
  for (const table of [DAYS, MONTHS, MINUTES]) {
    const fa = table[a.unit];
    const fb = table[b.unit];
    if (fa !== undefined && fb !== undefined) return eq(a.value * fa, b.value * fb);
  }
  return false;
}

/** The bound of a numeric claim, if any. */
function boundOf(c: ExtractedClaim): string | undefined {
  return 'bound' in c ? c.bound : undefined;
}

/** True when `fc` (a fact's claim) states what `claim` states; a bounded claim needs the same bound. */
function matches(claim: ExtractedClaim, fc: ExtractedClaim, ev: FactEvidence): boolean {
  if (boundOf(claim) && boundOf(claim) !== boundOf(fc)) return false;
  switch (claim.kind) {
    case 'number':
      return (fc.kind === 'number' || fc.kind === 'money' || fc.kind === 'percent' || fc.kind === 'duration') && eq(fc.value, claim.value);
    case 'money':
      if (fc.kind === 'money') return eq(fc.value, claim.value) && (!claim.currency || !fc.currency || fc.currency === claim.currency);
      return fc.kind === 'number' && eq(fc.value, claim.value) && (!claim.currency || ev.currencies.has(claim.currency));
    case 'percent':
      return fc.kind === 'percent' && eq(fc.value, claim.value);
    case 'duration':
      return fc.kind === 'duration' && sameDuration(claim, fc);
    case 'date':
      return fc.kind === 'date'
        && (['year', 'month', 'day', 'quarter', 'weekday'] as const).every((k) => claim[k] === undefined || claim[k] === fc[k]);
    case 'standard':
      if (fc.kind !== 'standard') return false;
      if (fc.keys.includes(claim.key)) return true;
      // A bare "ISO" is supported by any ISO standard the fact names; "certified" by any certification or attestation.
      if (claim.key === 'ISO') return fc.keys.some((k) => /^ISO\d/.test(k));
      if (claim.key === 'CERTIFIED') return fc.keys.some((k) => k !== 'GDPR' && !k.startsWith('GDPR-') && !k.startsWith('CASE:'));
      // "SOC 2 Type II" against a fact that names SOC 2 and, elsewhere in the sentence, "Type II".
      return claim.keys.length > 1 && fc.keys.includes(claim.keys[claim.keys.length - 1]) && typeMentioned(ev.text, claim.key);
    case 'location':
      return fc.kind === 'location' && fc.key === claim.key;
    default:
      return false;
  }
}

function typeMentioned(text: string, key: string): boolean {
  const n = /-TYPE(\d)$/.exec(key)?.[1];
  if (!n) return false;
  const roman = ['', 'i', 'ii', 'iii'][Number(n)];
  return new RegExp(`(?:type|typ)\\s*(?:${n}|${roman})(?![\\p{L}\\d])`, 'iu').test(text);
}

/**
 * How a fact bears on a claim: `supports` when one of its sentences states it with the needed polarity,
 * `opposite` when it states it only with the other polarity (only for standards, locations and names,
 * e.g. the claim "we are SOC 2 certified" against "No SOC 2 report"), else `absent`. Pass
 * `claimNegated = false` for a negated sentence that announces the thing as coming ("not yet"): it is
 * a positive claim about the future.
 */
export function factSupports(ev: FactEvidence, claim: ExtractedClaim, claimNegated: boolean): 'supports' | 'opposite' | 'absent' {
  if (claim.kind === 'number' && !claim.bound) return ev.numbers.some((v) => eq(v, claim.value)) ? 'supports' : 'absent';
  const polar = claim.kind === 'standard' || claim.kind === 'location' || claim.kind === 'name';
  let found = false;
  for (const s of ev.sentences) {
    const hit = claim.kind === 'name' ? hasNameKey(s.words, claim.key) : s.claims.some((c) => matches(claim, c, ev));
    if (!hit) continue;
    found = true;
    if (!polar || claimNegated || !s.negated) return 'supports';
  }
  return found ? 'opposite' : 'absent';
}

/**
 * Misattribution check for a value (number, amount, percentage, duration) in a sentence that names
 * something (a plan, a competitor, a customer): a cited fact sentence that states the value must name
 * one of the same things, or nothing at all. "Basis costs 59 DKK [F-102]" fails when F-102 says "Plus:
 * 59.00 DKK"; "62% fewer corrections [F-207]" passes when F-207's sentence names nobody.
 * @param names the reply sentence's name keys (allowed names such as the own company removed).
 * @param ignore name keys that never count on the fact side (the own company).
 */
export function valueAttributed(evidence: readonly FactEvidence[], claim: ExtractedClaim, names: ReadonlySet<string>, ignore: ReadonlySet<string>): boolean {
  if (names.size === 0 || !(claim.kind === 'number' || claim.kind === 'money' || claim.kind === 'percent' || claim.kind === 'duration')) return true;
  for (const ev of evidence) {
    for (const s of ev.sentences) {
      if (!s.claims.some((c) => matches(claim, c, ev))) continue;
      const factNames = s.claims.filter((c): c is Extract<ExtractedClaim, { kind: 'name' }> => c.kind === 'name').map((c) => c.key).filter((k) => !hasNameKey(ignore as Set<string>, k));
      if (factNames.length === 0 || factNames.some((k) => names.has(k) || hasNameKey(names as Set<string>, k))) return true;
    }
  }
  return false;
}
