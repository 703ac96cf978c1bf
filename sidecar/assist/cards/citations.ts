/**
 * Citations in reply and fact text. A citation is a bracketed list of fact ids, `[F-123]`,
 * `[F-112, F-113]` or `[kb:faq.md#q3]`; an id in parentheses, `(F-115)`, is a cross-reference inside a
 * knowledge-base sentence and is ignored like a citation when claims are read.
 */

const BRACKET = /\[([^[\]\n]{1,200})\]/g;
/** `(F-101)` / `(F-101, F-112)` in a reply: small models often cite in parentheses. Only tag-shaped ids. */
const PAREN = /\(((?:[A-Z]{1,4}-\d{1,6}(?:\s*[,;]\s*|\s+))*[A-Z]{1,4}-\d{1,6})\)/g;
/** A label some models put before the ids: `[Fact F-101]`, `[Kilde: F-101]`, `[Quelle F-101]`. */
const LABEL = /^(?:facts?|fakta|faktum|fakt(?:en)?|source|sources|kilde|kilder|quelle|quellen|ref|id)\s*:?\s*/i;
const PAREN_REF = /\((?:[A-Z]{1,4}-\d{1,6}(?:[,;/]\s*|\s+(?:and|og|und)\s+)?)+\)/g;
const ID = /^[A-Za-z][\w.:#/-]{0,79}$/;

function looksLikeId(item: string): boolean {
  return ID.test(item) && /[\d#:]/.test(item);
}

function items(inner: string): string[] | undefined {
  const parts = inner.replace(LABEL, '').split(/\s*[,;]\s*|\s+/).map((p) => p.trim()).filter(Boolean);
  return parts.length > 0 && parts.every(looksLikeId) ? parts : undefined;
}

/** A citation group found in text. */
export interface CitationSpan {
  ids: string[];
  start: number;
  end: number;
}

/**
 * All citation groups in `text`, in order.
 * @param parentheses also read `(F-101)` as a citation (replies); off for knowledge-base text, where a
 *   parenthesised id is a cross-reference.
 */
export function findCitations(text: string, parentheses = false): CitationSpan[] {
  const out: CitationSpan[] = [];
  BRACKET.lastIndex = 0;
  for (let m = BRACKET.exec(text); m; m = BRACKET.exec(text)) {
    const ids = items(m[1]);
    if (ids) out.push({ ids, start: m.index, end: m.index + m[0].length });
  }
  if (parentheses) {
    PAREN.lastIndex = 0;
    for (let m = PAREN.exec(text); m; m = PAREN.exec(text)) {
      const ids = items(m[1]);
      if (ids) out.push({ ids, start: m.index, end: m.index + m[0].length });
    }
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}

/** `text` with every citation group and parenthesised cross-reference replaced by spaces (offsets kept). */
export function blankCitations(text: string): string {
  let out = text;
  for (const c of findCitations(text)) out = out.slice(0, c.start) + ' '.repeat(c.end - c.start) + out.slice(c.end);
  return out.replace(PAREN_REF, (m) => ' '.repeat(m.length));
}

/** `text` without citation groups, with the whitespace they leave tidied. */
export function stripCitations(text: string): string {
  let out = '';
  let at = 0;
  for (const c of findCitations(text)) { out += text.slice(at, c.start); at = c.end; }
  out += text.slice(at);
  return out.replace(/\s+([.,;:!?])/g, '$1').replace(/\s{2,}/g, ' ').trim();
}
