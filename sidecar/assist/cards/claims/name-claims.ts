import type { NameClaim } from './claim-types.js';

/**
 * Named competitors, third-party products and other proper names. Configured names match in any
 * spelling an ASR or a model produces: `ShiftNest` also matches "Shift Nest", "shift-nest", "shiftnest".
 * With `properNouns`, capitalised words inside an English or Danish sentence (where common nouns are
 * lower case) are name claims as well, so an invented vendor, customer or product name is caught even
 * when no list names it; in German only CamelCase words count (every noun is capitalised). All-capitals acronyms (HR, API) are
 * vocabulary, not names, unless configured.
 */

/** Lower-case key of a name: letters and digits only. */
export function nameKey(name: string): string {
  return name.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}]+/gu, '');
}

function namePattern(name: string): RegExp {
  // Split CamelCase and existing separators into parts; allow any separator (or none) between parts.
  const parts = name
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\d])${parts.join('[\\s-]?')}(?:'s|s)?(?![\\p{L}\\d])`, 'giu');
}

/** Words that are capitalised for grammar, not because they name something. */
const COMMON_CAPITALISED = new Set([
  'i', "i'm", "i'd", "i'll", "i've", 'ok', 'okay', 'mr', 'mrs', 'ms', 'dr',
  // Danish formal address.
  'de', 'dem', 'deres',
]);

const patternCache = new Map<string, RegExp>();

/**
 * Finds name claims in `text`: configured names first (competitor or not), then, when `properNouns` is on,
 * capitalised words that do not start a sentence. Spans already taken by other claims can be passed in
 * `masked` (a copy of `text` with those spans blanked).
 */
export function extractNameClaims(
  text: string,
  options: { language: string; competitors?: readonly string[]; names?: readonly string[]; properNouns?: boolean; knownNames?: ReadonlySet<string> },
): NameClaim[] {
  const out: NameClaim[] = [];
  const taken: Array<[number, number]> = [];
  const lists: Array<[readonly string[], boolean]> = [[options.competitors ?? [], true], [options.names ?? [], false]];
  for (const [list, competitor] of lists) {
    for (const name of [...list].sort((a, b) => b.length - a.length)) {
      let re = patternCache.get(name);
      if (!re) { re = namePattern(name); patternCache.set(name, re); }
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        taken.push([start, end]);
        out.push({ kind: 'name', key: nameKey(name), competitor, text: m[0], start });
      }
    }
  }
  // Company names with a legal form ("Müller Logistik GmbH", "Fjordhotel A/S") in every language.
  const legal = /(?<![\p{L}\d])((?:\p{Lu}[\p{L}&.'-]*\s+){1,3})(GmbH|AG|KG|SE|A\/S|ApS|I\/S|Ltd\.?|Inc\.?|LLC|AB|AS|Oy|BV|B\.V\.|S\.A\.|SAS|plc)(?![\p{L}\d])/gu;
  for (let m = legal.exec(text); m; m = legal.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (taken.some(([s0, e]) => start < e && end > s0)) continue;
    taken.push([start, end]);
    out.push({ kind: 'name', key: nameKey(m[1]), competitor: false, text: m[0], start });
  }
  if (options.properNouns !== false) {
    const german = options.language.toLowerCase().startsWith('de');
    const word = /[\p{L}][\p{L}\p{N}'’-]*/gu;
    for (let m = word.exec(text); m; m = word.exec(text)) {
      const w = m[0].replace(/['’]s$/u, '').replace(/-+$/u, '');
      const start = m.index;
      if (taken.some(([s, e]) => start < e && start + w.length > s)) continue;
      if (!/^\p{Lu}/u.test(w) || COMMON_CAPITALISED.has(w.toLowerCase())) continue;
      // Acronyms (HR, API, CSV, DPA) are ordinary vocabulary; configured names cover products like DATEV.
      if (!/\p{Ll}/u.test(w)) continue;
      const camel = /\p{Ll}\p{Lu}/u.test(w);
      // A word the facts use as a name ("Basis", "Plus") is a name anywhere, also first in a sentence or in German.
      const known = options.knownNames?.has(nameKey(w)) === true;
      if (german && !camel && !known) continue;
      if (!camel && !known && sentenceInitial(text, start)) continue;
      out.push({ kind: 'name', key: nameKey(w), competitor: false, text: w, start });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** True when the word at `start` opens a sentence, a quotation, a list item or a line. */
function sentenceInitial(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 4), start);
  const trimmed = text.slice(0, start).trimEnd();
  if (trimmed.length === 0) return true;
  const last = trimmed[trimmed.length - 1];
  return /[.!?:;"“„«\]\n•–—-]/u.test(last) || /\n\s*$/u.test(before);
}
