import type { DateClaim } from './claim-types.js';

/**
 * Dates and parts of dates in English, Danish and German: `2024-07-01`, `01.07.2024`, `1 July 2024`,
 * `1. juli 2024`, `July 1, 2024`, `March 2025`, `i marts`, `Q3 2025`, `third quarter`, `3. kvartal`,
 * weekdays (`Monday`, `mandag`, `Montag`). A bare year is a number claim, not a date claim.
 */

const MONTHS: Record<string, number> = {};
const add = (names: string[], month: number): void => { for (const n of names) MONTHS[n] = month; };
add(['january', 'januar', 'jänner', 'jan'], 1);
add(['february', 'februar', 'feb'], 2);
add(['march', 'marts', 'märz', 'maerz', 'mar', 'mrz'], 3);
add(['april', 'apr'], 4);
add(['may', 'maj', 'mai'], 5);
add(['june', 'juni', 'jun'], 6);
add(['july', 'juli', 'jul'], 7);
add(['august', 'aug'], 8);
add(['september', 'sep', 'sept'], 9);
add(['october', 'oktober', 'oct', 'okt'], 10);
add(['november', 'nov'], 11);
add(['december', 'dezember', 'dec', 'dez'], 12);
/** Month words that are also common words: only dates when a day or year stands next to them. */
const AMBIGUOUS_MONTHS = new Set(['may', 'mar', 'jan', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'okt', 'nov', 'dec', 'dez', 'feb', 'apr', 'mrz', 'mai']);

const WEEKDAYS: Record<string, number> = {
  monday: 1, mandag: 1, montag: 1, tuesday: 2, tirsdag: 2, dienstag: 2, wednesday: 3, onsdag: 3, mittwoch: 3,
  thursday: 4, torsdag: 4, donnerstag: 4, friday: 5, fredag: 5, freitag: 5, saturday: 6, 'lørdag': 6,
  samstag: 6, sonnabend: 6, sunday: 7, 'søndag': 7, sonntag: 7,
};
const ORDINAL_WORDS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, 'første': 1, anden: 2, andet: 2, tredje: 3, fjerde: 4,
  erste: 1, ersten: 1, zweite: 2, zweiten: 2, dritte: 3, dritten: 3, vierte: 4, vierten: 4,
};

const MONTH_ALT = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
const WEEKDAY_ALT = Object.keys(WEEKDAYS).join('|');
const ORD_ALT = Object.keys(ORDINAL_WORDS).join('|');
const B = '(?<![\\p{L}\\d])';
const E = '(?![\\p{L}\\d])';

const PATTERNS: Array<{ re: RegExp; read: (m: RegExpExecArray) => Omit<DateClaim, 'kind' | 'text' | 'start'> | undefined }> = [
  { re: new RegExp(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`, 'gu'), read: (m) => ymd(+m[1], +m[2], +m[3]) },
  { re: new RegExp(`${B}(\\d{1,2})[./](\\d{1,2})[./](\\d{4}|\\d{2})${E}`, 'gu'), read: (m) => ymd(year(+m[3], m[3].length), +m[2], +m[1]) },
  {
    re: new RegExp(`${B}(\\d{1,2})(?:\\.|st|nd|rd|th)?(?:\\s+of)?\\s+(${MONTH_ALT})\\.?(?:,?\\s+(\\d{4}))?${E}`, 'giu'),
    read: (m) => ymd(m[3] ? +m[3] : undefined, MONTHS[m[2].toLowerCase()], +m[1]),
  },
  {
    re: new RegExp(`${B}(${MONTH_ALT})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?${E}`, 'giu'),
    read: (m) => (+m[2] <= 31 ? ymd(m[3] ? +m[3] : undefined, MONTHS[m[1].toLowerCase()], +m[2]) : undefined),
  },
  { re: new RegExp(`${B}(${MONTH_ALT})\\.?\\s+(\\d{4})${E}`, 'giu'), read: (m) => ymd(+m[2], MONTHS[m[1].toLowerCase()], undefined) },
  { re: new RegExp(`${B}(${MONTH_ALT})${E}`, 'giu'), read: (m) => (AMBIGUOUS_MONTHS.has(m[1].toLowerCase()) ? undefined : { month: MONTHS[m[1].toLowerCase()] }) },
  { re: new RegExp(`${B}Q([1-4])(?:\\s*[/-]?\\s*(\\d{4}))?${E}`, 'giu'), read: (m) => ({ quarter: +m[1], ...(m[2] ? { year: +m[2] } : {}) }) },
  {
    re: new RegExp(`${B}(?:(${ORD_ALT})|([1-4])\\.)\\s+(?:quarter|kvartal|quartal)(?:\\s+(?:of\\s+)?(\\d{4}))?${E}`, 'giu'),
    read: (m) => ({ quarter: m[1] ? ORDINAL_WORDS[m[1].toLowerCase()] : +m[2], ...(m[3] ? { year: +m[3] } : {}) }),
  },
  { re: new RegExp(`${B}(${WEEKDAY_ALT})(?:s|e|en)?${E}`, 'giu'), read: (m) => ({ weekday: WEEKDAYS[m[1].toLowerCase()] }) },
];

function year(y: number, digits: number): number {
  return digits === 2 ? 2000 + y : y;
}

function ymd(y: number | undefined, month: number | undefined, day: number | undefined): Omit<DateClaim, 'kind' | 'text' | 'start'> | undefined {
  if (month === undefined || month < 1 || month > 12) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  const out: Omit<DateClaim, 'kind' | 'text' | 'start'> = { month };
  if (y !== undefined) out.year = y;
  if (day !== undefined) out.day = day;
  return out;
}

/**
 * Finds date claims in `text`. Returns them with their spans; earlier patterns win over later ones on
 * overlapping text, so `1. juli 2024` is one date, not a date plus a month.
 */
export function extractDateClaims(text: string): DateClaim[] {
  const taken: Array<[number, number]> = [];
  const out: DateClaim[] = [];
  for (const { re, read } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const fields = read(m);
      if (!fields) continue;
      taken.push([start, end]);
      out.push({ kind: 'date', text: m[0], start, ...fields });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
