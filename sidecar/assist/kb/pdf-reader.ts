/**
 * PDF reader (`pdfjs-dist` legacy build for Node, https://mozilla.github.io/pdf.js/): the text layer of
 * each page is rebuilt into lines (pdf.js `hasEOL`) and paragraphs (a vertical gap wider than 1.5 line
 * heights, or a change of font size); a line set at least 15 % larger than the document's body text
 * (its most common size) is a heading. Then it is read like plain text ({@link textBlocks}) with the
 * location `page N`. Scanned PDFs have no text layer: they load with zero facts and a warning (no OCR).
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { blocksToFacts } from './blocks-to-facts.js';
import { KbError } from './kb-error.js';
import { textBlocks } from './text-reader.js';
import type { Block, DocumentReader } from './kb-types.js';

interface TextItemLike { str: string; hasEOL?: boolean; transform: number[]; height: number }

/** Extracts each page's text, paragraphs separated by a blank line. Throws KbError `KB_PARSE_FAILED`. */
export async function pdfPages(bytes: Buffer, file: string): Promise<string[]> {
  let doc;
  try {
    doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  } catch (err) {
    throw new KbError('KB_PARSE_FAILED', `PDF: ${(err as Error).message}`, { file, cause: err });
  }
  try {
    const lines: Array<{ page: number; text: string; height: number; gapBefore: number }> = [];
    const sizes = new Map<number, number>();
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = '';
      let height = 0;
      let lineY: number | undefined;
      let prevY: number | undefined;
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        const item = raw as TextItemLike;
        if (lineY === undefined) lineY = item.transform[5];
        text += item.str;
        height = Math.max(height, item.height);
        if (item.hasEOL) {
          if (text.trim()) {
            const h = Math.round(height * 10) / 10;
            lines.push({ page: p, text: text.trim(), height: h, gapBefore: prevY === undefined ? 0 : prevY - lineY });
            sizes.set(h, (sizes.get(h) ?? 0) + text.length);
            prevY = lineY;
          }
          text = '';
          height = 0;
          lineY = undefined;
        }
      }
      if (text.trim()) lines.push({ page: p, text: text.trim(), height: Math.round(height * 10) / 10, gapBefore: prevY === undefined ? 0 : prevY - (lineY ?? 0) });
      page.cleanup();
    }
    const body = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const pages: string[] = Array.from({ length: doc.numPages }, () => '');
    let prev: (typeof lines)[number] | undefined;
    for (const l of lines) {
      const heading = body > 0 && l.height >= body * 1.15;
      const newPara = !prev || prev.page !== l.page || heading || Math.abs(prev.height - l.height) > 0.15 * body || l.gapBefore > 1.5 * Math.max(l.height, 1);
      pages[l.page - 1] += `${newPara ? '\n' : ''}${heading ? '## ' : ''}${l.text}\n`;
      prev = l;
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

export const readPdf: DocumentReader = async ({ bytes, file, meta }) => {
  const pages = await pdfPages(bytes, file);
  const blocks: Block[] = [];
  pages.forEach((text, i) => blocks.push(...textBlocks(text, () => `page ${i + 1}`)));
  const parsed = blocksToFacts(blocks, file, meta);
  if (pages.every((t) => !t.trim())) parsed.warnings.push('no text layer (scanned PDF?): nothing to index');
  return parsed;
};
