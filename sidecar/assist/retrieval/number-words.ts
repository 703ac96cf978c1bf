/**
 * Spelled-out numbers → digits for English, Danish and German, because ASR transcripts write numbers
 * as words ("ni og halvtreds kroner", "eleven hundred people", "neun tausend eins") while the knowledge
 * base writes digits. Handles units, teens, tens (incl. Danish vigesimal `halvtreds`, `tres`, `firs`
 * and the reversed `ni og halvtreds` / `neunundfünfzig`), hundreds, thousands, "eleven hundred",
 * `and`/`og`/`und` joints, and digit-by-digit sequences such as "two seven seven oh one" (27001).
 * A weak word ("a", "to", "en") starts a digit sequence only when three or more digits follow one
 * another, so "a three country rollout" and "up to five hundred" keep their article or preposition.
 * Weak on ordinals, fractions ("halvanden"), and on years read as pairs ("twenty sixteen" → 2016 only
 * for 19xx/20xx pairs).
 */

const UNITS: Record<string, number> = {
  zero: 0, oh: 0, nul: 0, null: 0,
  one: 1, a: 1, en: 1, et: 1, ein: 1, eins: 1, eine: 1, einen: 1,
  two: 2, to: 2, zwei: 2, zwo: 2, three: 3, tre: 3, drei: 3, four: 4, fire: 4, vier: 4,
  five: 5, fem: 5, fünf: 5, funf: 5, six: 6, seks: 6, sechs: 6, seven: 7, syv: 7, sieben: 7,
  eight: 8, otte: 8, acht: 8, nine: 9, ni: 9, neun: 9, ten: 10, ti: 10, zehn: 10,
  eleven: 11, elleve: 11, elf: 11, twelve: 12, tolv: 12, zwölf: 12, zwolf: 12,
  thirteen: 13, tretten: 13, dreizehn: 13, fourteen: 14, fjorten: 14, vierzehn: 14,
  fifteen: 15, femten: 15, fünfzehn: 15, sixteen: 16, seksten: 16, sechzehn: 16,
  seventeen: 17, sytten: 17, siebzehn: 17, eighteen: 18, atten: 18, achtzehn: 18,
  nineteen: 19, nitten: 19, neunzehn: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, tyve: 20, zwanzig: 20, thirty: 30, tredive: 30, tredve: 30, dreißig: 30, dreissig: 30,
  forty: 40, fyrre: 40, vierzig: 40, fifty: 50, halvtreds: 50, fünfzig: 50, sixty: 60, tres: 60, sechzig: 60,
  seventy: 70, halvfjerds: 70, siebzig: 70, eighty: 80, firs: 80, achtzig: 80, ninety: 90, halvfems: 90, neunzig: 90,
};
const HUNDRED = new Set(['hundred', 'hundrede', 'hundert']);
const THOUSAND = new Set(['thousand', 'tusind', 'tusinde', 'tausend']);
const JOINT = new Set(['and', 'og', 'und']);
/** Words that are numbers only next to other number words (they are common words on their own). */
const WEAK = new Set(['a', 'en', 'et', 'ein', 'eine', 'einen', 'to', 'oh', 'ni', 'fire', 'elf', 'tres', 'null']);

function simpleValue(word: string): number | undefined {
  if (word in UNITS) return UNITS[word];
  if (word in TENS) return TENS[word];
  // German compound "neunundfünfzig", "einhundert", "zweitausend"
  const de = /^(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)$/.exec(word);
  if (de) return UNITS[de[1]] + TENS[de[2]];
  // Danish compound "fireogtyve", "nioghalvtreds"
  const da = /^(en|to|tre|fire|fem|seks|syv|otte|ni)og(tyve|tredive|fyrre|halvtreds|tres|halvfjerds|firs|halvfems)$/.exec(word);
  if (da) return UNITS[da[1]] + TENS[da[2]];
  return undefined;
}

/** Replaces runs of number words in a lower-case token list with digit strings. */
export function numberWordsToDigits(tokens: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const start = i;
    let total = 0;
    let current = 0;
    let used = 0;
    let lastKind: 'unit' | 'tens' | 'hundred' | 'thousand' | 'none' = 'none';
    const digitsSeq: number[] = [];
    while (i < tokens.length) {
      const w = tokens[i];
      const v = simpleValue(w);
      if (v !== undefined) {
        // "ni og halvtreds" (9 + 50) and "two seven seven oh one" (digit sequence)
        if (lastKind === 'unit' && v < 10) { digitsSeq.push(v); current = current * 10 + v; i++; used++; continue; }
        if (lastKind === 'tens' && v < 10) { current += v; i++; used++; lastKind = 'unit'; continue; }
        // years read in pairs: "twenty sixteen" → 2016, "nineteen ninety" → 1990
        if (lastKind === 'tens' && current === 20 && v >= 10 && v < 20) { current = 2000 + v; i++; used++; lastKind = 'unit'; continue; }
        if (lastKind === 'tens' && current === 20 && v >= 20) { current = 2000 + v; i++; used++; lastKind = 'tens'; continue; }
        if (lastKind === 'unit' && current === 19 && v >= 20) { current = current * 100 + v; i++; used++; lastKind = 'tens'; continue; }
        if (lastKind === 'unit' && v >= 20 && current % 10 === current) { current += v; i++; used++; lastKind = 'tens'; continue; }
        if (lastKind === 'hundred' || lastKind === 'thousand' || lastKind === 'none') { current += v; }
        else break;
        digitsSeq.push(v);
        lastKind = v >= 20 ? 'tens' : 'unit';
        i++; used++;
        continue;
      }
      if (HUNDRED.has(w) && used > 0 && lastKind !== 'hundred') { current = (current || 1) * 100; lastKind = 'hundred'; i++; used++; continue; }
      if (HUNDRED.has(w) && used === 0) { current = 100; lastKind = 'hundred'; i++; used++; continue; }
      if (THOUSAND.has(w)) { total += (current || 1) * 1000; current = 0; lastKind = 'thousand'; i++; used++; continue; }
      if (JOINT.has(w) && used > 0 && i + 1 < tokens.length && simpleValue(tokens[i + 1]) !== undefined) { i++; continue; }
      break;
    }
    if (used === 0) { out.push(tokens[i]); i++; continue; }
    const run = tokens.slice(start, i).filter((w) => !JOINT.has(w));
    const weakAlone = run.every((w) => WEAK.has(w));
    if (weakAlone) { out.push(tokens[start]); i = start + 1; continue; }
    // an article or a weak word before one other digit is a word ("a three country rollout", "up to five
    // hundred", Danish "to tre"): digit-by-digit reading needs a code of three or more digits
    if (WEAK.has(tokens[start]) && digitsSeq.length === 2) { out.push(tokens[start]); i = start + 1; continue; }
    out.push(String(total + current));
  }
  return out;
}
