/**
 * Cardinal numbers written as words in English, Danish and German, including compounds
 * ("fünfundzwanzig", "femogtyve", "neuntausendeins", "twenty-five", "eleven hundred") and the Danish
 * vigesimal tens (halvtreds = 50, tres = 60, halvfjerds = 70, firs = 80, halvfems = 90).
 *
 * The indefinite article ("en", "et", "ein", "eine", "a") is not a number on its own; callers decide from
 * the next word (see {@link isArticleOne}).
 */

type Morpheme = { kind: 'n'; value: number } | { kind: 'mul'; value: number } | { kind: 'hundred' } | { kind: 'and' };

const EN: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  dozen: 12,
};
const DA: Record<string, number> = {
  nul: 0, 'én': 1, een: 1, to: 2, tre: 3, fire: 4, fem: 5, seks: 6, syv: 7, otte: 8, ni: 9, ti: 10,
  elleve: 11, tolv: 12, tretten: 13, fjorten: 14, femten: 15, seksten: 16, sytten: 17, atten: 18, nitten: 19,
  tyve: 20, tredive: 30, fyrre: 40, fyrretyve: 40, halvtreds: 50, halvtredsindstyve: 50, tres: 60,
  tresindstyve: 60, halvfjerds: 70, halvfjerdsindstyve: 70, firs: 80, firsindstyve: 80, halvfems: 90,
  halvfemsindstyve: 90, halvanden: 1.5,
};
const DE: Record<string, number> = {
  null: 0, eins: 1, zwei: 2, zwo: 2, drei: 3, vier: 4, 'fünf': 5, fuenf: 5, sechs: 6, sieben: 7, acht: 8,
  neun: 9, zehn: 10, elf: 11, 'zwölf': 12, zwoelf: 12, dreizehn: 13, vierzehn: 14, 'fünfzehn': 15,
  sechzehn: 16, siebzehn: 17, achtzehn: 18, neunzehn: 19, zwanzig: 20, 'dreißig': 30, dreissig: 30,
  vierzig: 40, 'fünfzig': 50, sechzig: 60, siebzig: 70, achtzig: 80, neunzig: 90, anderthalb: 1.5,
  eineinhalb: 1.5,
};
const MULTIPLIERS: Record<string, Record<string, number>> = {
  en: { thousand: 1e3, million: 1e6, millions: 1e6, billion: 1e9 },
  da: { tusind: 1e3, tusinde: 1e3, million: 1e6, millioner: 1e6, milliard: 1e9, milliarder: 1e9, mio: 1e6 },
  de: { tausend: 1e3, million: 1e6, millionen: 1e6, milliarde: 1e9, milliarden: 1e9, mio: 1e6 },
};
const HUNDRED: Record<string, string[]> = { en: ['hundred'], da: ['hundrede', 'hundred'], de: ['hundert'] };
const AND: Record<string, string> = { en: 'and', da: 'og', de: 'und' };
/** Inside compounds only: the unit "one" of "einundzwanzig", "enogtyve", "hunderteins". */
const COMPOUND_ONE: Record<string, string[]> = { en: [], da: ['en', 'et'], de: ['ein', 'eins'] };
const UNITS: Record<string, Record<string, number>> = { en: EN, da: DA, de: DE };

/** Articles that mean "one" only before a unit ("en uge", "ein Monat", "a week" is not matched: too common). */
const ARTICLE_ONE: Record<string, string[]> = {
  en: ['one'],
  da: ['en', 'et', 'én', 'ét'],
  de: ['ein', 'eine', 'einen', 'einem', 'einer', 'eines'],
};

function lang(l: string): 'en' | 'da' | 'de' {
  const base = l.toLowerCase().slice(0, 2);
  return base === 'da' || base === 'de' ? base : 'en';
}

/** True when `word` is an article that may mean "one" in `language` (decided by the following word). */
export function isArticleOne(word: string, language: string): boolean {
  return ARTICLE_ONE[lang(language)].includes(word.toLowerCase());
}

function lexicon(language: string): Map<string, Morpheme> {
  const l = lang(language);
  const map = new Map<string, Morpheme>();
  for (const [w, v] of Object.entries(UNITS[l])) map.set(w, { kind: 'n', value: v });
  for (const [w, v] of Object.entries(MULTIPLIERS[l])) map.set(w, { kind: 'mul', value: v });
  for (const w of HUNDRED[l]) map.set(w, { kind: 'hundred' });
  return map;
}

const LEXICONS = new Map<string, Map<string, Morpheme>>();
function lex(language: string): Map<string, Morpheme> {
  const l = lang(language);
  let m = LEXICONS.get(l);
  if (!m) { m = lexicon(l); LEXICONS.set(l, m); }
  return m;
}

/** Splits a lower-case compound into number morphemes; undefined when any part is not one. */
function segment(word: string, language: string): Morpheme[] | undefined {
  const l = lang(language);
  const table = lex(l);
  const direct = table.get(word);
  if (direct) return [direct];
  if (l === 'en' || word.length < 5) return undefined;
  const pieces = new Map<string, Morpheme>(table);
  pieces.set(AND[l], { kind: 'and' });
  for (const one of COMPOUND_ONE[l]) pieces.set(one, { kind: 'n', value: 1 });
  const keys = [...pieces.keys()].sort((a, b) => b.length - a.length);
  // Depth-first, longest piece first: words are short, so this stays tiny.
  const walk = (at: number): Morpheme[] | undefined => {
    if (at === word.length) return [];
    for (const k of keys) {
      if (!word.startsWith(k, at)) continue;
      const rest = walk(at + k.length);
      if (rest) return [pieces.get(k)!, ...rest];
    }
    return undefined;
  };
  const parts = walk(0);
  if (!parts || parts.length < 2) return undefined;
  if (parts[0].kind === 'and' || parts[parts.length - 1].kind === 'and') return undefined;
  return parts;
}

function evaluate(parts: Morpheme[]): number | undefined {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const p of parts) {
    if (p.kind === 'and') continue;
    seen = true;
    if (p.kind === 'n') current += p.value;
    else if (p.kind === 'hundred') current = (current || 1) * 100;
    else { total += (current || 1) * p.value; current = 0; }
  }
  return seen ? total + current : undefined;
}

/** The value of one number word or compound ("seventeen", "fünfundzwanzig", "halvtreds"); undefined otherwise. */
export function numberWordValue(word: string, language: string): number | undefined {
  const w = word.toLowerCase();
  if (lang(language) === 'en' && w.includes('-')) {
    const parts = w.split('-').map((p) => lex('en').get(p));
    if (parts.every((p): p is Morpheme => p !== undefined)) return evaluate(parts);
    return undefined;
  }
  const parts = segment(w, language);
  return parts ? evaluate(parts) : undefined;
}

/**
 * Reads the longest run of number words starting at `words[from]` ("two thousand five hundred",
 * "fem og tyve", "eleven hundred"). Returns the value and how many words it used, or undefined.
 * The connector ("and", "og", "und") is only taken between two number words.
 */
export function readNumberWords(words: readonly string[], from: number, language: string): { value: number; count: number } | undefined {
  const l = lang(language);
  const parts: Morpheme[] = [];
  let i = from;
  let used = 0;
  while (i < words.length) {
    const w = words[i].toLowerCase();
    if (w === AND[l] && parts.length > 0 && i + 1 < words.length && numberWordValue(words[i + 1], l) !== undefined) {
      parts.push({ kind: 'and' });
      i++;
      continue;
    }
    const compound = l === 'en' && w.includes('-') ? undefined : segment(w, l);
    const value = compound ? undefined : numberWordValue(w, l);
    if (compound) parts.push(...compound);
    else if (value !== undefined) parts.push({ kind: 'n', value });
    else break;
    i++;
    used = i - from;
  }
  if (used === 0) return undefined;
  const value = evaluate(parts);
  return value === undefined ? undefined : { value, count: used };
}
