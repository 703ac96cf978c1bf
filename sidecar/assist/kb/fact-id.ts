/**
 * Fact ids. An author's explicit tag (`[F-012]` at the end of a statement) is the id. Text without a
 * tag gets an id derived from its document and location: `kb:<file>#<section-slug>-<hash>`, where the
 * hash covers the normalised statement. Edits elsewhere in the document (new sections, reordered
 * paragraphs, other rows) leave it unchanged; editing the statement itself gives a new id, as it is a
 * new claim. A tag in parentheses, `(F-115)`, is a cross-reference, not an id.
 */
import { createHash } from 'node:crypto';

/** An explicit tag: `[` + 1–5 capitals + `-` + 1–6 digits + `]`, e.g. `[F-012]`, `[SEC-7]`. */
export const TAG_PATTERN = /\[([A-Z]{1,5}-\d{1,6})\]/g;

/** A bare id inside text (tables, cross-references): `F-112`. */
const BARE_ID = /\b([A-Z]{1,5})-(\d{1,6})\b/g;

/** True when `id` has the explicit-tag shape. */
export function isExplicitId(id: string): boolean {
  return /^[A-Z]{1,5}-\d{1,6}$/.test(id);
}

/** Lower-case ASCII slug: `Hosting and data location` → `hosting-and-data-location` (at most 40 chars). */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/ß/g, 'ss')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '') || 'top';
}

/** Normalises a statement for hashing: case, whitespace and punctuation do not change the id. */
function normaliseForHash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * A derived id for an untagged statement.
 * @param file path relative to the knowledge folder (`notes/pricing.md`).
 * @param section the nearest heading, `page 3` or the row key.
 * @param text the statement.
 * @returns `kb:<file>#<slug(section)>-<6 hex of sha1(text)>`.
 */
export function derivedFactId(file: string, section: string, text: string): string {
  const hash = createHash('sha1').update(normaliseForHash(text)).digest('hex').slice(0, 6);
  return `kb:${file}#${slug(section)}-${hash}`;
}

/**
 * Bare ids mentioned in a table cell or sentence, with `F-112/F-113` and ranges `F-310–F-315`
 * (en dash, hyphen or "to") expanded. Ranges longer than 200 ids are ignored as typos.
 */
export function idsMentioned(text: string): string[] {
  const out: string[] = [];
  const range = /\b([A-Z]{1,5})-(\d{1,6})\s*(?:–|—|-|to|til|bis)\s*(?:\1-)?(\d{1,6})\b/g;
  let rest = text;
  for (const m of text.matchAll(range)) {
    const [, prefix, from, to] = m;
    const a = Number(from), b = Number(to);
    if (b > a && b - a <= 200) {
      for (let n = a; n <= b; n++) out.push(`${prefix}-${String(n).padStart(from.length, '0')}`);
      rest = rest.replace(m[0], ' ');
    }
  }
  for (const m of rest.matchAll(BARE_ID)) out.push(`${m[1]}-${m[2]}`);
  return [...new Set(out)];
}
