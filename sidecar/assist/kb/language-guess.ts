/**
 * Guesses whether a short text is Danish, German or English from function words and letters. Used
 * for facts whose document does not declare a language (the FAQ mixes Danish and English sections)
 * and for queries. Weak on very short texts (under ~4 words) and on texts full of names or numbers:
 * those fall back to `fallback`.
 */
import type { Language } from '../ports.js';

const STOPWORDS: Record<Language, string[]> = {
  da: ['og', 'i', 'at', 'det', 'er', 'en', 'til', 'på', 'med', 'af', 'for', 'de', 'den', 'vi', 'har', 'ikke',
    'som', 'kan', 'om', 'så', 'skal', 'vores', 'jeg', 'jer', 'hvis', 'eller', 'ved', 'fra', 'også', 'mange', 'hos',
    'bliver', 'blev', 'nej', 'ja', 'mod', 'efter', 'inden', 'hvor', 'hvad', 'lige', 'bare', 'helt', 'da', 'dem', 'os'],
  de: ['und', 'der', 'die', 'das', 'ist', 'nicht', 'wir', 'ich', 'sie', 'mit', 'für', 'auf', 'ein', 'eine', 'den',
    'dem', 'zu', 'von', 'es', 'auch', 'uns', 'bei', 'nur', 'noch', 'wie', 'aber', 'haben', 'hat', 'kein', 'keine',
    'schon', 'doch', 'dass', 'oder', 'wenn', 'unsere', 'unser', 'ihre', 'gerade', 'sind', 'wird', 'werden', 'ja'],
  en: ['the', 'and', 'is', 'are', 'we', 'you', 'to', 'of', 'in', 'it', 'that', 'for', 'with', 'on', 'not', 'our',
    'have', 'has', 'be', 'this', 'they', 'do', 'don\'t', 'just', 'so', 'what', 'can', 'if', 'or', 'from', 'at', 'by',
    'an', 'no', 'yes', 'there', 'would', 'will', 'all', 'any', 'about', 'your', 'their', 'was', 'than', 'per'],
};

const LOOKUP = new Map<string, Language[]>();
for (const lang of Object.keys(STOPWORDS) as Language[]) {
  for (const w of STOPWORDS[lang]) LOOKUP.set(w, [...(LOOKUP.get(w) ?? []), lang]);
}

/**
 * Returns `da`, `de` or `en` for `text`, or `fallback` (default `en`) when the evidence is too thin.
 * Letters count too: æ/ø/å point to Danish, ä/ö/ü/ß to German.
 */
export function guessLanguage(text: string, fallback: Language = 'en'): Language {
  const lower = text.toLowerCase();
  const score: Record<Language, number> = { da: 0, de: 0, en: 0 };
  for (const word of lower.match(/[\p{L}']+/gu) ?? []) {
    const langs = LOOKUP.get(word);
    if (langs) for (const l of langs) score[l] += 1 / langs.length;
  }
  score.da += 0.7 * (lower.match(/[æøå]/g)?.length ?? 0);
  score.de += 0.7 * (lower.match(/[äöüß]/g)?.length ?? 0);
  const ranked = (Object.keys(score) as Language[]).sort((a, b) => score[b] - score[a]);
  const [best, second] = ranked;
  if (score[best] < 1 || score[best] === score[second]) return fallback;
  return best;
}
