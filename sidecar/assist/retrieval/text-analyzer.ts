/**
 * Text analysis shared by the local embedder and the exact-term matcher: tokenising, spelled-out
 * numbers → digits, stop words, Snowball stemming (da/de/en via `snowball-stemmers`), bilingual
 * concepts from the term map, and compound parts for Danish/German.
 */
import snowball from 'snowball-stemmers';
import type { Language } from '../ports.js';
import { guessLanguage } from '../kb/language-guess.js';
import { numberWordsToDigits } from './number-words.js';
import type { TermMap } from './term-map.js';

const STEMMERS = {
  da: snowball.newStemmer('danish'),
  de: snowball.newStemmer('german'),
  en: snowball.newStemmer('english'),
} as const;

const STOP = new Set(`a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those
there here we you they i he she me my our your their us them do does did done not no yes so just like um uh er ah oh yeah okay ok well really
actually basically honestly would will can could should may might have has had than then too very also about into out up down what which who
how when where why all any some one thing things get got going gonna want
og i at det er en et til på med af for de den vi har ikke som kan om så skal vores jeg jer hvis eller ved fra også hos bliver blev nej ja
mod efter inden hvor hvad lige bare helt da dem os der man sig han hun noget nogen nu mere meget jo vel nok øh æh hmm altså faktisk
und der die das ist nicht wir ich sie mit für auf ein eine einen den dem des zu von es auch uns bei nur noch wie aber haben hat kein
keine schon doch dass oder wenn unsere unser ihre ihr gerade sind wird werden ja also halt mal eben denn dann so ähm äh hm eigentlich`.split(/\s+/));

/** The analysed form of a text. */
export interface Analysis {
  language: Language;
  /** Stems of content words (numbers as digits, stop words removed), in order. */
  stems: string[];
  /** Number tokens (digits, normalised: `39.00` → `39`, `1,500` → `1500`). */
  numbers: string[];
  /** Concepts from the term map with their weight (1 for a direct form, 0.6 for a compound part). */
  concepts: Map<string, number>;
  /** Adjacent word pairs joined (`shift nest` → `shiftnest`), for names that ASR splits. */
  joined: string[];
  /**
   * Stems of the content words in the two other languages where they differ (loanwords, names,
   * code-switching); empty unless asked for ({@link AnalyseOptions.otherLanguageStems}).
   */
  altStems: string[];
}

/** Normalises a number token: `39.00` → `39`, `4.50` → `4.5`, `1,500` / `1.500` → `1500`, `13,56` → `13.56`. */
export function normaliseNumber(tok: string): string {
  let t = tok;
  if (/^\d{1,3}([.,]\d{3})+$/.test(t)) t = t.replace(/[.,]/g, '');
  else t = t.replace(',', '.');
  const n = Number(t);
  return Number.isFinite(n) ? String(n) : tok;
}

/** Lower-case word and number tokens; numbers keep decimal/thousand separators; `%` becomes `percent`. */
export function tokenize(text: string): string[] {
  const raw = text.toLowerCase().normalize('NFC').replace(/%/g, ' percent ').match(/\d+(?:[.,]\d+)*|[\p{L}][\p{L}\p{M}'’]*/gu) ?? [];
  return raw.map((t) => t.replace(/['’]s$/, '').replace(/['’]/g, ''));
}

/** Stems a lower-case word in the given language. */
export function stem(word: string, language: Language): string {
  return STEMMERS[language].stem(word);
}

/** Stems of a form in all three languages (for matching term-map forms after stemming). */
export function stemAll(form: string): string[] {
  return form.includes(' ') ? [] : [...new Set((['da', 'de', 'en'] as const).map((l) => STEMMERS[l].stem(form)))];
}

/** Options of {@link analyse}. */
export interface AnalyseOptions {
  /** Also collect each word's stems in the two other languages (`altStems`); queries want them, passages not. */
  otherLanguageStems?: boolean;
}

/**
 * Analyses a text.
 * @param language when known (the utterance's language or the fact's); otherwise guessed.
 */
export function analyse(text: string, terms: TermMap, language?: Language | string, options: AnalyseOptions = {}): Analysis {
  const lang: Language = language === 'da' || language === 'de' || language === 'en' ? language : guessLanguage(text, 'en');
  const raw = tokenize(text);
  const tokens = numberWordsToDigits(raw).map((t) => (/^\d/.test(t) ? normaliseNumber(t) : t));
  const stems: string[] = [];
  const numbers: string[] = [];
  const concepts = new Map<string, number>();
  const joined: string[] = [];
  const altStems: string[] = [];
  const addConcepts = (list: readonly string[] | undefined, w: number) => {
    for (const c of list ?? []) concepts.set(c, Math.max(concepts.get(c) ?? 0, w));
  };
  // words inside a matched phrase take the phrase's concept, not their own ("beim kunden" is about
  // field staff, not about customers)
  let coveredUntil = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    // phrases first (longest), then the word itself
    for (let n = Math.min(terms.maxPhraseWords, tokens.length - i); n >= 2; n--) {
      const hit = terms.lookup(tokens.slice(i, i + n).join(' '));
      if (!hit) continue;
      addConcepts(hit, 1);
      coveredUntil = Math.max(coveredUntil, i + n - 1);
      break;
    }
    if (/^\d/.test(tok)) {
      numbers.push(tok);
      stems.push(tok);
      continue;
    }
    if (STOP.has(tok)) continue;
    const next = tokens[i + 1];
    if (next && !/^\d/.test(next) && !STOP.has(next) && tok.length >= 3 && next.length >= 3) joined.push(tok + next);
    const s = stem(tok, lang);
    stems.push(s);
    if (options.otherLanguageStems) for (const l of ['da', 'de', 'en'] as const) {
      if (l === lang) continue;
      const o = stem(tok, l);
      if (o !== s && !altStems.includes(o)) altStems.push(o);
    }
    if (i <= coveredUntil) continue;
    const direct = terms.lookup(tok) ?? terms.lookup(s);
    if (direct) addConcepts(direct, 1);
    else if (tok.length >= 7) {
      // compound parts: a known form at the start or the end of a long word
      for (const part of terms.compoundParts) {
        if (part.length > tok.length - 3) continue;
        if (tok.startsWith(part) || tok.endsWith(part)) addConcepts(terms.lookup(part), 0.6);
      }
    }
  }
  for (const j of joined) addConcepts(terms.lookup(j), 1);
  // phrases written with number words ("sock two", "isae tre fire nul to") match before digit conversion
  if (raw.length !== tokens.length || raw.some((t, i) => t !== tokens[i])) {
    for (let i = 0; i < raw.length; i++) {
      for (let n = Math.min(terms.maxPhraseWords, raw.length - i); n >= 2; n--) addConcepts(terms.lookup(raw.slice(i, i + n).join(' ')), 1);
    }
  }
  return { language: lang, stems, numbers, concepts, joined, altStems };
}
