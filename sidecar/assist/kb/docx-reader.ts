/**
 * DOCX reader (`mammoth`, https://github.com/mwilliamson/mammoth.js): the document is converted to
 * semantic HTML (Word heading styles → h1–h6, lists → li, tables → tr/td), which is walked in order.
 * Locations are `paragraph N` (the count of text blocks), since DOCX has no stable page numbers.
 * A paragraph written as `<!-- unverified -->` (or `[unverified]` in a heading) marks the section.
 */
import mammoth from 'mammoth';
import { blocksToFacts } from './blocks-to-facts.js';
import { KbError } from './kb-error.js';
import type { Block, DocumentReader } from './kb-types.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

function htmlText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e]).replace(/\s+/g, ' ').trim();
}

/** Walks mammoth's HTML into blocks. */
export function docxHtmlBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let n = 0;
  const re = /<(h[1-6]|p|li|tr)\b[^>]*>([\s\S]*?)<\/\1>/g;
  for (const m of html.matchAll(re)) {
    const tag = m[1];
    const position = `paragraph ${++n}`;
    if (tag === 'tr') {
      const cells = [...m[2].matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => htmlText(c[1]));
      blocks.push({ kind: 'table-row', text: cells.join(' | '), cells, position });
      continue;
    }
    if (tag === 'p' && /<\/?(li|td|th)\b/.test(m[0])) continue;
    const text = htmlText(m[2]);
    if (!text) continue;
    const comment = /^<!--([\s\S]*?)-->$/.exec(text);
    if (comment) blocks.push({ kind: 'comment', text: comment[1].trim(), position });
    else if (tag.startsWith('h')) blocks.push({ kind: 'heading', level: Number(tag[1]), text, position });
    else blocks.push({ kind: tag === 'li' ? 'item' : 'paragraph', text, position });
  }
  return blocks;
}

export const readDocx: DocumentReader = async ({ bytes, file, meta }) => {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (err) {
    throw new KbError('KB_PARSE_FAILED', `DOCX: ${(err as Error).message}`, { file, cause: err });
  }
  return blocksToFacts(docxHtmlBlocks(html), file, meta);
};
