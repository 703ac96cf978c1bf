/**
 * Turns the blocks of a prose document (Markdown, text, PDF, DOCX) into fact occurrences.
 *
 * Rules, in order:
 * - A statement ends at an explicit tag `[F-nnn]`; its text runs from the block start or the previous
 *   tag to the tag. Adjacent tags (`… [F-025] [F-301]`) share the statement.
 * - In a document with tags (`facts: auto`), untagged text is narrative and not evidence; in a
 *   document without tags (or `facts: all`) every paragraph, list item and quote is a fact with a
 *   derived id ({@link derivedFactId}).
 * - A heading containing `(unverified)`, `[unverified]`, `(draft)` or their Danish/German forms, or a
 *   comment `<!-- unverified -->` in a section, marks that section (down to the next heading of the
 *   same or a higher level) unverified; `<!-- verified -->` ends the marking. `verified: false` in the
 *   metadata marks the whole document. Unverified text is counted and dropped.
 * - A table whose first column names objection classes and whose other cells mention fact ids
 *   (a battlecard's "first facts per class") tags those facts with the class.
 * - A bold-only line ending in `?` is a question: it becomes retrieval context for the answer below.
 */
import { OBJECTION_CLASSES, type ObjectionClass } from '../ports.js';
import { derivedFactId, idsMentioned, TAG_PATTERN } from './fact-id.js';
import { guessLanguage } from './language-guess.js';
import { markersIn } from './document-meta.js';
import type { Block, DocumentMeta, FactOccurrence, ParsedDocument } from './kb-types.js';

const UNVERIFIED_HEADING = /[([]\s*(unverified|not verified|draft|ikke verificeret|udkast|nicht verifiziert|entwurf)\s*[)\]]/i;

/** Maps a table cell like `Status quo` / `status_quo` to a class, or undefined. */
export function classFromLabel(label: string): ObjectionClass | undefined {
  const key = label.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (OBJECTION_CLASSES as readonly string[]).includes(key) ? (key as ObjectionClass) : undefined;
}

interface Section {
  level: number;
  title: string;
  unverified: boolean;
}

/**
 * Extracts fact occurrences from blocks.
 * @param blocks in reading order (see {@link Block}).
 * @param file path relative to the knowledge folder.
 * @param meta merged document metadata.
 */
export function blocksToFacts(blocks: Block[], file: string, meta: DocumentMeta): ParsedDocument {
  const out: ParsedDocument = { facts: [], unverifiedCount: 0, classHints: [], warnings: [] };
  const hasTags = blocks.some((b) => b.kind !== 'comment' && new RegExp(TAG_PATTERN.source).test(b.text));
  const mode = meta.facts === 'all' || (meta.facts !== 'tagged' && !hasTags) ? 'all' : 'tagged';
  let internal = meta.internal ?? false;
  let docLanguage = meta.language;
  let docUnverified = meta.verified === false;
  const stack: Section[] = [];
  let question = '';
  let tableHeader: string[] | undefined;
  const seenDerived = new Map<string, number>();

  const sectionUnverified = () => docUnverified || stack.some((s) => s.unverified);
  const headingPath = () => stack.filter((s) => s.level > 1 || stack.length === 1).map((s) => s.title);

  const emit = (ids: string[], text: string, block: Block) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (!clean) return;
    if (sectionUnverified()) {
      out.unverifiedCount++;
      return;
    }
    const path = headingPath();
    const location = [...path, block.position].filter(Boolean).join(' > ');
    const context = [...path, question].filter(Boolean).join(' — ');
    const language = docLanguage ?? guessLanguage(`${question} ${clean}`, 'en');
    for (const id of ids) {
      out.facts.push({
        id, text: clean, source: file, location, language, context,
        classes: [...(meta.classes ?? [])], tags: [...(meta.tags ?? [])],
        ...(meta.validUntil ? { validUntil: meta.validUntil } : {}),
        verified: true, internal,
      });
    }
  };

  for (const block of blocks) {
    if (block.kind !== 'table-row') tableHeader = undefined;
    switch (block.kind) {
      case 'comment': {
        const m = markersIn(block.text);
        if (m.internal) internal = true;
        if (m.language && !meta.language) docLanguage = m.language;
        const top = stack.at(-1);
        if (m.unverified) {
          if (!top || (top.level === 1 && stack.length === 1)) docUnverified = true;
          else top.unverified = true;
        } else if (m.verified && top) top.unverified = false;
        break;
      }
      case 'heading': {
        const level = block.level ?? 1;
        while (stack.length && stack.at(-1)!.level >= level) stack.pop();
        stack.push({ level, title: block.text.replace(UNVERIFIED_HEADING, '').trim(), unverified: UNVERIFIED_HEADING.test(block.text) });
        question = '';
        break;
      }
      case 'table-row': {
        const cells = block.cells ?? [];
        if (!tableHeader) {
          tableHeader = cells;
          break;
        }
        const cls = classFromLabel(cells[0] ?? '');
        if (cls && mode === 'tagged' && !sectionUnverified()) {
          for (const id of idsMentioned(cells.slice(1).join(' '))) out.classHints.push({ id, classes: [cls] });
        }
        if (mode === 'all' || new RegExp(TAG_PATTERN.source).test(block.text)) {
          const text = cells.map((c, i) => (tableHeader![i] ? `${tableHeader![i]}: ${c}` : c)).filter((c) => c.trim()).join('; ');
          handleText(text, block);
        }
        break;
      }
      default:
        if (block.kind === 'paragraph' && /^\*\*[^*]+\?\*\*$/.test(block.text.trim())) {
          question = block.text.replace(/\*\*/g, '').trim();
          break;
        }
        handleText(block.text.replace(/\*\*|__/g, ''), block);
    }
  }
  return out;

  function handleText(text: string, block: Block): void {
    const tag = new RegExp(TAG_PATTERN.source, 'g');
    let last = 0;
    let prevText = '';
    let found = false;
    for (let m = tag.exec(text); m; m = tag.exec(text)) {
      found = true;
      // adjacent tags ("… [F-025] [F-301]") share the statement before the first of them
      const statement = text.slice(last, m.index).trim() || prevText;
      emit([m[1]], statement, block);
      prevText = statement;
      last = m.index + m[0].length;
    }
    if (found || mode === 'tagged') return;
    const section = stack.at(-1)?.title ?? block.position;
    let id = derivedFactId(file, section, text);
    const n = (seenDerived.get(id) ?? 0) + 1;
    seenDerived.set(id, n);
    if (n > 1) id = `${id}-${n}`;
    emit([id], text, block);
  }
}
