/**
 * Plain-text reader: paragraphs are separated by blank lines; a line that is all capitals or ends with
 * `:` and stands alone is a heading; a line starting with `-`, `*` or `•` is a list item. Front matter
 * and `[F-nnn]` tags work as in Markdown. Also used for the text that PDF and DOCX readers extract.
 */
import { blocksToFacts } from './blocks-to-facts.js';
import { mergeMeta, splitFrontMatter } from './document-meta.js';
import type { Block, DocumentReader } from './kb-types.js';

/**
 * Splits plain text into blocks.
 * @param text the body.
 * @param position maps a 1-based line number to a location string (default `line N`).
 */
export function textBlocks(text: string, position: (line: number) => string = (n) => `line ${n}`): Block[] {
  const blocks: Block[] = [];
  const lines = text.split(/\r?\n/);
  let para: string[] = [];
  let paraStart = 0;
  const flush = () => {
    if (para.length) blocks.push({ kind: 'paragraph', text: para.join(' ').replace(/\s+/g, ' ').trim(), position: position(paraStart) });
    para = [];
  };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (!line) return flush();
    const comment = /^<!--([\s\S]*?)-->$/.exec(line) ?? /^#\s*(unverified|verified|internal)\s*$/i.exec(line);
    if (comment) {
      flush();
      blocks.push({ kind: 'comment', text: comment[1], position: position(n) });
      return;
    }
    const item = /^[-*•]\s+(.*)$/.exec(line);
    if (item) {
      flush();
      blocks.push({ kind: 'item', text: item[1], position: position(n) });
      return;
    }
    const isolated = (lines[i - 1] ?? '').trim() === '' && (lines[i + 1] ?? '').trim() === '';
    const headingLike = line.length <= 80 && !/\[[A-Z]{1,5}-\d+\]/.test(line) &&
      ((/^[^a-zæøåäöü]*[A-ZÆØÅÄÖÜ][^a-zæøåäöü]*$/.test(line) && line.length > 2) || /:$/.test(line) || /^#{1,6}\s/.test(line));
    if (isolated && headingLike) {
      flush();
      const hashes = /^(#{1,6})\s+(.*)$/.exec(line);
      blocks.push({ kind: 'heading', level: hashes ? hashes[1].length : 2, text: (hashes ? hashes[2] : line).replace(/:$/, ''), position: position(n) });
      return;
    }
    if (!para.length) paraStart = n;
    para.push(line);
  });
  flush();
  return blocks;
}

/** Reads a UTF-8 text file. Throws KbError `KB_BAD_META` for invalid front matter. */
export const readText: DocumentReader = async ({ bytes, file, meta }) => {
  const { meta: front, body } = splitFrontMatter(bytes.toString('utf8'), file);
  return blocksToFacts(textBlocks(body), file, mergeMeta(meta, front));
};
