/**
 * PDF reader (`pdfjs-dist` legacy build for Node, https://mozilla.github.io/pdf.js/): the text layer of
 * each page is rebuilt into lines (pdf.js `hasEOL`) and paragraphs (a vertical gap wider than 1.5 line
 * heights), then read like plain text ({@link textBlocks}) with the location `page N`. Scanned PDFs have
 * no text layer: they load with zero facts and a warning (no OCR).
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
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = '';
      let lastY: number | undefined;
      let lineHeight = 0;
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        const item = raw as TextItemLike;
        const y = item.transform[5];
        if (lastY !== undefined && text.endsWith('\n') && lineHeight > 0 && lastY - y > 1.5 * lineHeight) text += '\n';
        text += item.str;
        if (item.height > 0) lineHeight = item.height;
        if (item.hasEOL) text += '\n';
        lastY = y;
      }
      pages.push(text);
      page.cleanup();
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
