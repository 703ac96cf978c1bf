/**
 * Markdown reader (CommonMark/GFM via `marked`'s lexer, https://marked.js.org/using_pro#lexer):
 * headings, paragraphs, list items, block quotes, tables and HTML comments become {@link Block}s with
 * their line number; front matter is read by {@link splitFrontMatter}.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { blocksToFacts } from './blocks-to-facts.js';
import { mergeMeta, splitFrontMatter } from './document-meta.js';
import type { Block, DocumentReader } from './kb-types.js';

/** Removes inline Markdown (emphasis, code, links, images, HTML tags) but keeps `[F-nnn]` tags and `**` around questions. */
export function stripInline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1$2')
    .replace(/(^|\W)_([^_\n]+)_(?=\W|$)/g, '$1$2')
    .replace(/[ \t]*\n[ \t]*/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** Lexes Markdown into blocks. `firstLine` is the line number of the body's first line (1-based). */
export function markdownBlocks(body: string): Block[] {
  const blocks: Block[] = [];
  let line = 1;
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      const at = `line ${line}`;
      switch (t.type) {
        case 'heading':
          blocks.push({ kind: 'heading', level: (t as Tokens.Heading).depth, text: stripInline(t.text).replace(/\*\*/g, ''), position: at });
          break;
        case 'paragraph': {
          const raw = (t as Tokens.Paragraph).text;
          const q = /^(\*\*[^*\n]+\?\*\*)[ \t]*\n([\s\S]*)$/.exec(raw);
          if (q) {
            blocks.push({ kind: 'paragraph', text: q[1], position: at });
            blocks.push({ kind: 'paragraph', text: stripInline(q[2]), position: `line ${line + 1}` });
          } else blocks.push({ kind: 'paragraph', text: stripInline(raw), position: at });
          break;
        }
        case 'list': {
          let itemLine = line;
          for (const item of (t as Tokens.List).items) {
            blocks.push({ kind: 'item', text: stripInline(item.text), position: `line ${itemLine}` });
            itemLine += item.raw.split('\n').length - 1;
          }
          break;
        }
        case 'blockquote':
          blocks.push({ kind: 'quote', text: stripInline((t as Tokens.Blockquote).text.replace(/^>\s?/gm, '')), position: at });
          break;
        case 'table': {
          const tbl = t as Tokens.Table;
          const header = tbl.header.map((c) => stripInline(c.text).replace(/\*\*/g, ''));
          blocks.push({ kind: 'table-row', text: header.join(' | '), cells: header, position: at });
          tbl.rows.forEach((row, i) => {
            const cells = row.map((c) => stripInline(c.text).replace(/\*\*/g, ''));
            blocks.push({ kind: 'table-row', text: cells.join(' | '), cells, position: `line ${line + 2 + i}` });
          });
          break;
        }
        case 'html':
          for (const c of t.raw.matchAll(/<!--([\s\S]*?)-->/g)) blocks.push({ kind: 'comment', text: c[1].trim(), position: at });
          break;
        default:
          break;
      }
      line += (t.raw.match(/\n/g)?.length ?? 0);
    }
  };
  walk(Lexer.lex(body, { gfm: true }));
  return blocks;
}

/** Reads a Markdown file (UTF-8). Throws KbError `KB_BAD_META` for invalid front matter. */
export const readMarkdown: DocumentReader = async ({ bytes, file, meta }) => {
  const { meta: front, body } = splitFrontMatter(bytes.toString('utf8'), file);
  return blocksToFacts(markdownBlocks(body), file, mergeMeta(meta, front));
};
