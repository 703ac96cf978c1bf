import type { LocationClaim } from './claim-types.js';

/**
 * Countries, regions and cities in English, Danish and German, including adjectives ("Danish", "dansk",
 * "dänische", "US-owned"), normalised to a key: ISO 3166 alpha-2 for countries (`DK`, `DE`), `EU`, `EEA`,
 * `EUROPE`, and `city:<english name>` for cities. Language adjectives map to the country too, so a reply
 * saying "German data centres" needs a cited fact that names Germany (or German).
 */

const GAZETTEER: Array<[string, string[]]> = [
  ['DK', ['denmark', 'danmark', 'dänemark', 'daenemark', 'danish', 'dansk', 'danske', 'dänisch\\p{L}*']],
  ['DE', ['germany', 'tyskland', 'deutschland', 'german', 'tysk', 'tyske', 'deutsch\\p{L}*']],
  ['AT', ['austria', 'østrig', 'österreich', 'oesterreich', 'austrian', 'østrigsk\\p{L}*', 'österreichisch\\p{L}*']],
  ['CH', ['switzerland', 'schweiz', 'swiss', 'schweizisk\\p{L}*', 'schweizer\\p{L}*']],
  ['SE', ['sweden', 'sverige', 'schweden', 'swedish', 'svensk\\p{L}*', 'schwedisch\\p{L}*']],
  ['NO', ['norway', 'norge', 'norwegen', 'norwegian', 'norsk\\p{L}*', 'norwegisch\\p{L}*']],
  ['FI', ['finland', 'finnland', 'finnish', 'finsk\\p{L}*']],
  ['NL', ['netherlands', 'holland', 'nederlandene', 'niederlande', 'dutch', 'hollandsk\\p{L}*', 'niederländisch\\p{L}*']],
  ['IE', ['ireland', 'irland', 'irish', 'irsk\\p{L}*', 'irisch\\p{L}*']],
  ['GB', ['united kingdom', 'uk', 'u\\.k\\.', 'great britain', 'britain', 'england', 'storbritannien', 'großbritannien', 'grossbritannien', 'british', 'britisk\\p{L}*', 'britisch\\p{L}*']],
  ['US', ['united states', 'usa', 'us', 'u\\.s\\.', 'america', 'amerika', 'vereinigte staaten', 'american', 'amerikansk\\p{L}*', 'amerikanisch\\p{L}*']],
  ['FR', ['france', 'frankrig', 'frankreich', 'french', 'fransk\\p{L}*', 'französisch\\p{L}*']],
  ['PL', ['poland', 'polen', 'polish', 'polsk\\p{L}*', 'polnisch\\p{L}*']],
  ['RO', ['romania', 'rumænien', 'rumänien', 'romanian', 'rumænsk\\p{L}*', 'rumänisch\\p{L}*']],
  ['BE', ['belgium', 'belgien']],
  ['LU', ['luxembourg', 'luxemburg']],
  ['ES', ['spain', 'spanien']],
  ['IT', ['italy', 'italien']],
  ['IN', ['india', 'indien']],
  ['CN', ['china', 'kina']],
  ['CA', ['canada', 'kanada']],
  ['EU', ['eu', 'european union', 'den europæiske union', 'europäische union', 'europäischen union']],
  ['EEA', ['eea', 'eøs', 'ewr', 'european economic area']],
  ['EUROPE', ['europe', 'europa', 'european', 'europæisk\\p{L}*', 'europäisch\\p{L}*']],
  ['NORDICS', ['nordics', 'nordic', 'norden', 'nordisk\\p{L}*', 'skandinavien', 'scandinavia']],
  ['DACH', ['dach']],
];

const CITIES: Array<[string, string[]]> = [
  ['copenhagen', ['copenhagen', 'københavn', 'kopenhagen', 'greater copenhagen', 'storkøbenhavn']],
  ['aarhus', ['aarhus', 'århus']],
  ['odense', ['odense']],
  ['aalborg', ['aalborg', 'ålborg']],
  ['ballerup', ['ballerup']],
  ['esbjerg', ['esbjerg']],
  ['hamburg', ['hamburg']],
  ['bremen', ['bremen']],
  ['hannover', ['hannover', 'hanover']],
  ['berlin', ['berlin']],
  ['munich', ['munich', 'münchen', 'muenchen']],
  ['frankfurt', ['frankfurt(?:\\s+am\\s+main)?']],
  ['cologne', ['cologne', 'köln', 'koeln']],
  ['dusseldorf', ['düsseldorf', 'duesseldorf', 'dusseldorf']],
  ['stuttgart', ['stuttgart']],
  ['leipzig', ['leipzig']],
  ['nuremberg', ['nuremberg', 'nürnberg']],
  ['vienna', ['vienna', 'wien']],
  ['zurich', ['zurich', 'zürich']],
  ['stockholm', ['stockholm']],
  ['oslo', ['oslo']],
  ['helsinki', ['helsinki']],
  ['amsterdam', ['amsterdam']],
  ['dublin', ['dublin']],
  ['london', ['london']],
  ['paris', ['paris']],
  ['brussels', ['brussels', 'bruxelles', 'bruxelles', 'brüssel', 'bruxelles']],
  ['luxembourg-city', ['luxembourg city']],
  ['warsaw', ['warsaw', 'warszawa', 'warschau']],
  ['virginia', ['virginia']],
  ['oregon', ['oregon']],
];

const ACRONYMS = new Set(['us', 'uk', 'eu', 'eea', 'dach']);
const EDGE_L = '(?<![\\p{L}\\d])';
const EDGE_R = '(?:-(?=\\p{L}))?(?![\\p{L}\\d])';

/** One case-insensitive pattern per key, plus a case-sensitive one for acronyms (so the pronoun "us" never matches). */
const ENTRIES: Array<{ key: string; re: RegExp }> = [
  ...CITIES.map(([key, names]) => ({ key: `city:${key}`, names })),
  ...GAZETTEER.map(([key, names]) => ({ key, names })),
].flatMap(({ key, names }) => {
  const words = names.filter((n) => !ACRONYMS.has(n));
  const acronyms = names.filter((n) => ACRONYMS.has(n)).map((n) => n.toUpperCase());
  const out = words.length ? [{ key, re: new RegExp(`${EDGE_L}(?:${words.join('|')})${EDGE_R}`, 'giu') }] : [];
  if (acronyms.length) out.unshift({ key, re: new RegExp(`${EDGE_L}(?:${acronyms.join('|')})${EDGE_R}`, 'gu') });
  return out;
});

/** Finds location claims in `text`, longest names first (so "Greater Copenhagen" is one city). */
export function extractLocationClaims(text: string): LocationClaim[] {
  const taken: Array<[number, number]> = [];
  const out: LocationClaim[] = [];
  for (const { key, re } of ENTRIES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start) { re.lastIndex++; continue; }
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      out.push({ kind: 'location', key, text: m[0], start });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
