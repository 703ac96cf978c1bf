import type { Bound, Claim, CurrencyCode, DurationUnit } from './claim-types.js';
import { isArticleOne, readNumberWords } from './number-words.js';

/**
 * Numbers, amounts, percentages and durations, written as digits or words, in English, Danish and German.
 *
 * Digits: `1.234,50` (da/de) and `1,234.50` (en) both read 1234.5; a lone separator followed by exactly
 * three digits is a thousands separator in the language's convention (`52.000` de, `52,000` en),
 * otherwise a decimal (`5,20`, `39.00`, `13,56`). `10k` is 10 000; `08:00` is the hour 8.
 * Units after a number (or a range `4–6`, `4 to 6`, `4 til 6`, `4 bis 6`) make it a percentage
 * (`%`, percent, procent, pct., Prozent, percentage points), an amount (`kr.`, DKK, EUR, €, euro) or a
 * duration (hours/timer/Stunden, days/dage/Tage, business days/arbejdsdage/Werktage, weeks/uger/Wochen,
 * months/måneder/Monate, years/år/Jahre, with hyphenated forms like `72-hour`). A currency before the number
 * (`€ 520`, `EUR 5.20`, `kr. 39`) works too. A bound before the number ("more than", "up to", "mindst",
 * "bis zu") is kept as `bound` (not for ranges).
 */

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  type: 'num' | 'time' | 'word' | 'sym';
}

const TOKEN = /(\d{1,2}:\d{2})(?!\d)|(\d+(?:[.,\u00a0\u202f]\d+)*(?:[kK](?![\p{L}]))?)|([\p{L}][\p{L}\p{M}'’.]*)|([%€$£–—\-/])/gu;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const type: Token['type'] = m[1] ? 'time' : m[2] ? 'num' : m[3] ? 'word' : 'sym';
    let t = m[0];
    // A word token may swallow a sentence-final dot ("kr." keeps it, "days." drops it below).
    if (type === 'word' && t.endsWith('.') && !/^(kr|pct|std|mio|tsd|mrd|min|md|mdr|mon)\.$/iu.test(t)) t = t.replace(/\.+$/u, '');
    out.push({ text: t, lower: t.toLowerCase(), start: m.index, end: m.index + t.length, type });
  }
  return out;
}

/** Parses digits with the language's separators; undefined when malformed. */
export function parseDigits(raw: string, language: string): number | undefined {
  let s = raw.replace(/[\u00a0\u202f]/g, '');
  let factor = 1;
  if (/[kK]$/.test(s)) { factor = 1000; s = s.slice(0, -1); }
  const commaDecimal = !language.toLowerCase().startsWith('en');
  const seps: string[] = s.match(/[.,]/g) ?? [];
  let normal: string;
  if (seps.length === 0) normal = s;
  else if (new Set(seps).size === 2) {
    // Both kinds: the last one is the decimal separator.
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const thou = dec === '.' ? ',' : '.';
    normal = s.split(thou).join('').replace(dec, '.');
  } else {
    const sep = seps[0];
    const groups = s.split(sep);
    const thousandsShape = groups.slice(1).every((g) => g.length === 3) && groups[0].length <= 3;
    const isThousands = seps.length > 1 || (thousandsShape && (sep === ',' ? !commaDecimal : commaDecimal));
    normal = isThousands ? groups.join('') : groups.join('.');
  }
  const v = Number(normal);
  return Number.isFinite(v) ? v * factor : undefined;
}

const PERCENT = new Set(['%', 'percent', 'per', 'procent', 'pct', 'pct.', 'prozent', 'prozentpunkte', 'procentpoint', 'procentpoints', 'percentage', 'prozentpunkt']);
const CURRENCY: Record<string, CurrencyCode> = {
  'kr.': 'DKK', kr: 'DKK', kroner: 'DKK', krone: 'DKK', dkk: 'DKK',
  '€': 'EUR', eur: 'EUR', euro: 'EUR', euros: 'EUR',
  $: 'USD', usd: 'USD', dollar: 'USD', dollars: 'USD', '£': 'GBP', gbp: 'GBP', pounds: 'GBP',
  sek: 'SEK', nok: 'NOK', chf: 'CHF',
};
const UNIT: Record<string, DurationUnit> = {};
const unit = (u: DurationUnit, words: string[]): void => { for (const w of words) UNIT[w] = u; };
unit('minute', ['minute', 'minutes', 'min', 'min.', 'mins', 'minut', 'minutter', 'minuten']);
unit('hour', ['hour', 'hours', 'hrs', 'h', 'timer', 'timers', 'stunde', 'stunden', 'std', 'std.']);
unit('day', ['day', 'days', 'dag', 'dage', 'dagen', 'dages', 'døgn', 'tag', 'tage', 'tagen', 'tages', 'kalendertage', 'kalenderdage']);
unit('businessDay', ['arbejdsdag', 'arbejdsdage', 'arbejdsdages', 'hverdag', 'hverdage', 'arbeitstag', 'arbeitstage', 'arbeitstagen', 'werktag', 'werktage', 'werktagen', 'geschäftstag', 'geschäftstage', 'geschäftstagen', 'workday', 'workdays', 'bankdage']);
unit('week', ['week', 'weeks', 'uge', 'uger', 'ugers', 'ugen', 'woche', 'wochen']);
unit('month', ['month', 'months', "month's", "months'", 'måned', 'måneder', 'måneds', 'mdr', 'mdr.', 'md.', 'monat', 'monate', 'monaten', 'monats']);
unit('year', ['year', 'years', "year's", 'år', 'året', 'års', 'jahr', 'jahre', 'jahren', 'jahres']);
/** Words that make a following day a business day ("10 business days", "2 working days"). */
const BUSINESS = new Set(['business', 'working', 'work']);
/** Range words between two numbers; "and"/"og"/"und" only after "between"/"mellem"/"zwischen". */
const RANGE_DASH = new Set(['–', '—', '-', 'til', 'bis']);
const RANGE_CONJ = new Set(['and', 'og', 'und']);
const BETWEEN = new Set(['between', 'mellem', 'zwischen']);

function isRange(tokens: Token[], i: number, at: number, language: string): boolean {
  const r = tokens[at];
  if (!r) return false;
  if (RANGE_DASH.has(r.lower)) return true;
  if (r.lower === 'to' && language.toLowerCase().startsWith('en')) return true;
  return RANGE_CONJ.has(r.lower) && BETWEEN.has(tokens[i - 1]?.lower ?? '');
}
const MULT: Record<string, number> = { thousand: 1e3, tusind: 1e3, tusinde: 1e3, tausend: 1e3, million: 1e6, millioner: 1e6, millionen: 1e6, mio: 1e6, 'mio.': 1e6, billion: 1e9, mia: 1e9 };
/** Bounds before a number, longest first ("no more than" before "more than"); matched on the words before it. */
const BOUNDS: Array<[string, Bound]> = ([
  ['no more than', 'max'], ['not more than', 'max'], ['ikke mere end', 'max'], ['nicht mehr als', 'max'],
  ['no less than', 'min'], ['not less than', 'min'], ['ikke mindre end', 'min'], ['nicht weniger als', 'min'],
  ['more than', 'min'], ['over', 'min'], ['above', 'min'], ['exceeding', 'min'], ['at least', 'min'], ['minimum', 'min'], ['from', 'min'], ['upwards of', 'min'],
  ['mere end', 'min'], ['flere end', 'min'], ['mindst', 'min'], ['minimum', 'min'], ['fra', 'min'], ['over', 'min'],
  ['mehr als', 'min'], ['über', 'min'], ['mindestens', 'min'], ['ab', 'min'], ['von über', 'min'],
  ['less than', 'max'], ['fewer than', 'max'], ['under', 'max'], ['below', 'max'], ['up to', 'max'], ['at most', 'max'], ['maximum', 'max'], ['max', 'max'], ['max.', 'max'],
  ['mindre end', 'max'], ['færre end', 'max'], ['under', 'max'], ['op til', 'max'], ['højst', 'max'], ['maks', 'max'], ['maksimalt', 'max'],
  ['weniger als', 'max'], ['unter', 'max'], ['bis zu', 'max'], ['höchstens', 'max'], ['maximal', 'max'],
] as Array<[string, Bound]>).sort((a, b) => b[0].split(' ').length - a[0].split(' ').length);

/** The bound stated by the words right before token `i`, if any. */
function boundBefore(tokens: Token[], i: number): Bound | undefined {
  for (const [phrase, bound] of BOUNDS) {
    const words = phrase.split(' ');
    if (i - words.length < 0) continue;
    const before = tokens.slice(i - words.length, i);
    if (before.every((t, k) => t.type === 'word' && t.lower === words[k])) return bound;
  }
  return undefined;
}

const W = (alt: string) => new RegExp(`(?<![\\p{L}\\d])(?:${alt})(?![\\p{L}\\d])`, 'giu');
/** Quantities written without digits, each read as the claims it makes. */
const WORD_QUANTITIES: Array<{ re: RegExp; claims: Array<Record<string, unknown>> }> = [
  { re: W('(?:a|the|around|round)\\s+the\\s+clock|around the clock|round the clock|rund um die uhr|døgnet rundt|hele døgnet|døgnåbent|24\\s*x\\s*7'), claims: [{ kind: 'number', value: 24 }, { kind: 'number', value: 7 }] },
  { re: W('(?:a\\s+)?fortnight'), claims: [{ kind: 'duration', value: 2, unit: 'week' }] },
  { re: W('(?:half\\s+a|a\\s+half)\\s+year|et\\s+halvt\\s+år|ein(?:em)?\\s+halbe[ns]?\\s+jahr'), claims: [{ kind: 'duration', value: 6, unit: 'month' }] },
  { re: W('half|halves|halved|halving|halvdelen|halvdel|halvt|halv|halveret|halveres|hälfte|halbiert|halbieren|halb|halbe[nrs]?'), claims: [{ kind: 'number', value: 0.5 }] },
  { re: W('(?:a|one|en|et|ein)\\s+(?:third|tredjedel|drittel)|one-third'), claims: [{ kind: 'number', value: 1 / 3 }] },
  { re: W('two-thirds|two\\s+thirds|to\\s+tredjedele|zwei\\s+drittel'), claims: [{ kind: 'number', value: 2 / 3 }] },
  { re: W('double[sd]?(?![\\s-]check)|doubling|twice|dobbelt|fordoble[rt]?|doppelt|verdoppel\\p{L}*|zweimal'), claims: [{ kind: 'number', value: 2 }] },
  { re: W('triple[sd]?|tripling|thrice|three\\s+times|tredoble[rt]?|tre\\s+gange|dreimal|verdreifach\\p{L}*'), claims: [{ kind: 'number', value: 3 }] },
];

/** English "one" that is a pronoun, not a count. */
const ONE_PRONOUN_BEFORE = new Set(['the', 'no', 'any', 'every', 'each', 'which', 'this', 'that', 'some', 'someone', 'anyone']);

function unitAt(tokens: Token[], i: number, language: string): { unit: DurationUnit; next: number } | undefined {
  let j = i;
  if (tokens[j]?.text === '-') j++;
  const t = tokens[j];
  if (!t || t.type !== 'word') return undefined;
  if (BUSINESS.has(t.lower) && tokens[j + 1] && (UNIT[tokens[j + 1].lower] === 'day' || UNIT[tokens[j + 1].lower] === 'hour')) {
    return { unit: UNIT[tokens[j + 1].lower] === 'day' ? 'businessDay' : 'hour', next: j + 2 };
  }
  // "time"/"timer" is hour only in Danish; English "time" is not a unit.
  if (t.lower === 'time' && language.startsWith('da')) return { unit: 'hour', next: j + 1 };
  const u = UNIT[t.lower];
  if (u === 'hour' && t.lower === 'timer' && !language.startsWith('da')) return undefined;
  return u ? { unit: u, next: j + 1 } : undefined;
}

function readValue(tokens: Token[], i: number, language: string): { value: number; next: number; word: boolean } | undefined {
  const t = tokens[i];
  if (!t) return undefined;
  if (t.type === 'time') {
    const [h, m] = t.text.split(':').map(Number);
    return { value: h + m / 60, next: i + 1, word: false };
  }
  if (t.type === 'num') {
    const v = parseDigits(t.text, language);
    if (v === undefined) return undefined;
    const mult = tokens[i + 1] && MULT[tokens[i + 1].lower];
    return mult ? { value: v * mult, next: i + 2, word: false } : { value: v, next: i + 1, word: false };
  }
  if (t.type !== 'word') return undefined;
  if (isArticleOne(t.lower, language)) {
    const l = language.toLowerCase();
    if (l.startsWith('en') && t.lower === 'one') {
      const prev = tokens[i - 1]?.lower;
      if ((prev && ONE_PRONOUN_BEFORE.has(prev)) || tokens[i + 1]?.lower === 'of') return undefined;
      return { value: 1, next: i + 1, word: true };
    }
    return unitAt(tokens, i + 1, language) ? { value: 1, next: i + 1, word: true } : undefined;
  }
  const words: string[] = [];
  for (let j = i; j < tokens.length && tokens[j].type === 'word' && j < i + 8; j++) words.push(tokens[j].text);
  const r = readNumberWords(words, 0, language);
  return r ? { value: r.value, next: i + r.count, word: true } : undefined;
}

/**
 * Finds numeric claims in `text` (which should have citations, dates and standards blanked out).
 * Returns number, money, percent and duration claims in text order.
 */
export function extractNumericClaims(text: string, language: string): Array<Extract<Claim, { kind: 'number' | 'money' | 'percent' | 'duration' }>> {
  const out: Array<Extract<Claim, { kind: 'number' | 'money' | 'percent' | 'duration' }>> = [];
  // Quantities without digits: "around the clock" (24/7), "a fortnight", fractions and multiples.
  for (const { re, claims } of WORD_QUANTITIES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      for (const c of claims) out.push({ ...c, text: m[0], start: m.index } as (typeof out)[number]);
      text = text.slice(0, m.index) + ' '.repeat(m[0].length) + text.slice(m.index + m[0].length);
      re.lastIndex = m.index + m[0].length;
    }
  }
  const tokens = tokenize(text);
  let i = 0;
  // End of the last claim's text: a currency word there is that claim's suffix, not the next one's prefix.
  let lastEnd = 0;
  while (i < tokens.length) {
    const first = readValue(tokens, i, language);
    if (!first) { i++; continue; }
    const values = [{ value: first.value, start: tokens[i].start }];
    let next = first.next;
    // A range "4–6", "4 to 6": one unit for both ends.
    if (isRange(tokens, i, next, language)) {
      const second = readValue(tokens, next + 1, language);
      if (second && (second.word === first.word || tokens[next + 1].type !== 'word')) {
        values.push({ value: second.value, start: tokens[next + 1].start });
        next = second.next;
      }
    }
    let end = tokens[next - 1].end;
    const before = tokens[i - 1];
    const after = tokens[next];
    let kind: 'number' | 'money' | 'percent' | 'duration' = 'number';
    let currency: CurrencyCode | undefined;
    let durationUnit: DurationUnit | undefined;
    if (after && PERCENT.has(after.lower) && (after.lower !== 'per' || tokens[next + 1]?.lower === 'cent')) {
      kind = 'percent';
      end = (after.lower === 'per' ? tokens[next + 1] : after).end;
      next += after.lower === 'per' ? 2 : 1;
      if (tokens[next]?.lower === 'points' || tokens[next]?.lower === 'point') next++;
    } else if (after && CURRENCY[after.lower]) {
      kind = 'money';
      currency = CURRENCY[after.lower];
      end = after.end;
      next++;
    } else if (before && CURRENCY[before.lower] && before.start >= lastEnd) {
      kind = 'money';
      currency = CURRENCY[before.lower];
    } else {
      const u = unitAt(tokens, next, language);
      if (u) { kind = 'duration'; durationUnit = u.unit; end = tokens[u.next - 1].end; next = u.next; }
    }
    // A currency before the number ("EUR 5.20") sits between the bound and the number.
    const bound = boundBefore(tokens, i) ?? (before && CURRENCY[before.lower] ? boundBefore(tokens, i - 1) : undefined);
    for (const v of values) {
      const span = { text: text.slice(v.start, end), start: v.start, ...(bound && values.length === 1 ? { bound } : {}) };
      if (kind === 'percent') out.push({ kind, value: v.value, ...span });
      else if (kind === 'money') out.push({ kind, value: v.value, ...(currency ? { currency } : {}), ...span });
      else if (kind === 'duration') out.push({ kind, value: v.value, unit: durationUnit!, ...span });
      else out.push({ kind, value: v.value, ...span });
    }
    lastEnd = tokens[Math.max(next, i + 1) - 1].end;
    i = Math.max(next, i + 1);
  }
  return out;
}
